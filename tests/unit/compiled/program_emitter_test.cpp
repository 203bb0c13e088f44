// Tests of the code generator (compiler/codegen/program_emitter.h) and the
// program format (runtime/compiled/program.h): the policy table and symbols,
// constant folding (and its limits), memo slots for shared nodes, the
// builtin table against the parser's and the extensions' tables, errors that
// only hand-built IR can reach (wrong arity, unknown names), the nesting
// limit, and a golden dump (tests/golden/codegen; UPDATE_GOLDEN=1 rewrites).
#include "compiler/codegen/compile_program.h"
#include "compiler/codegen/program_emitter.h"
#include "compiler/ir/lower.h"
#include "compiler/policy_loader.h"
#include "grammar/known_functions.h"
#include "runtime/compiled/vm.h"
#include "runtime/extension_functions.h"
#include "unit/compiled/compile_policies.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace larch;
namespace fs = std::filesystem;
using larch::testing_compiled::compile;

namespace {

/// Occurrences of `op` in the policies' code (not in the conjuncts' code
/// that follows it, which only explanations run).
size_t countOps(const rt::Program &p, rt::Opcode op) {
  size_t end = p.getConjuncts().empty() ? p.getCode().size() : p.getConjuncts()[0].entry;
  size_t n = 0;
  for (const rt::Insn &in : p.getCode().take_front(end))
    n += in.op == op;
  return n;
}

/// A program from a hand-built module, with an empty store and a request
/// for User::"u", evaluated policy by policy.
struct HandBuilt {
  ir::Module m;
  rt::Program program;
  DiagnosticEngine diags;
  runtime::EntityStore store;
  std::unique_ptr<rt::FlatStore> flat;
  rt::PreparedRequest prepared;
  rt::EvalScratch scratch;

  void addPolicy(ir::NodeId body) {
    ir::Policy p;
    p.id = "policy" + std::to_string(m.getPolicies().size());
    p.condition = p.body = body;
    m.getPolicies().push_back(p);
  }
  bool build() {
    if (!codegen::emitProgram(m, program, diags))
      return false;
    std::string why;
    flat = rt::FlatStore::build(program.getSymbols(), store, why);
    runtime::Request r;
    r.principal = r.action = r.resource = {"User", "u"};
    return flat && rt::prepareRequest(*flat, r, nullptr, prepared, why);
  }
  std::string eval(uint32_t policy) {
    rt::World world(prepared);
    rt::EvalError e;
    scratch.arena.reset();
    ++scratch.epoch;
    switch (rt::evaluatePolicy(program, policy, true, world, scratch, e)) {
    case rt::PolicyOutcome::Satisfied:
      return "true";
    case rt::PolicyOutcome::NotSatisfied:
      return "false";
    case rt::PolicyOutcome::Error:
      return "error: " + rt::formatEvalError(e, program, world);
    }
    return "?";
  }
};

} // namespace

TEST(ProgramEmitter, FillsThePolicyTableAndSymbols) {
  auto c = compile(R"(
permit(principal == User::"alice", action in [Action::"view", Action::"edit"], resource is Photo in Album::"a");
forbid(principal in Group::"g", action == Action::"view", resource)
  when { principal.level > 2 && context.ok };
)");
  ASSERT_TRUE(c->program);
  const rt::Program &p = *c->program;
  const rt::SymbolTable &syms = p.getSymbols();
  ASSERT_EQ(p.getPolicies().size(), 2u);
  const rt::PolicyInfo &a = p.getPolicies()[0];
  EXPECT_EQ(a.id, "policy0");
  EXPECT_FALSE(a.isForbid);
  EXPECT_EQ(a.principal.op, rt::EntityScopeSpec::Op::Eq);
  EXPECT_EQ(syms.getEntityText(a.principal.entity), "User::\"alice\"");
  EXPECT_EQ(a.action.op, rt::ActionScopeSpec::Op::In);
  ASSERT_EQ(p.getActionScopeEntities(a.action).size(), 2u);
  EXPECT_EQ(syms.getEntityText(p.getActionScopeEntities(a.action)[1]), "Action::\"edit\"");
  EXPECT_EQ(a.resource.op, rt::EntityScopeSpec::Op::IsIn);
  EXPECT_EQ(syms.getType(a.resource.type), "Photo");
  EXPECT_EQ(syms.getEntityText(a.resource.entity), "Album::\"a\"");
  // Three scope tests, then `true` and Return.
  EXPECT_EQ(a.bodyEntry, a.scopeEntry + 3);
  const rt::PolicyInfo &b = p.getPolicies()[1];
  EXPECT_TRUE(b.isForbid);
  EXPECT_EQ(b.resource.op, rt::EntityScopeSpec::Op::Any);
  EXPECT_EQ(b.bodyEntry, b.scopeEntry + 2);
  EXPECT_NE(syms.lookupAttr("level"), rt::NoSymbol);
  EXPECT_NE(syms.lookupAttr("ok"), rt::NoSymbol);
  EXPECT_EQ(p.getCode().size(), p.getInsnRanges().size());
  EXPECT_EQ(p.getCode().back().op, rt::Opcode::Return);
  EXPECT_GE(p.getMaxStackDepth(), 1u);
  // Policies' ranges and every instruction's range are set.
  for (const rt::PolicyInfo &info : p.getPolicies())
    EXPECT_TRUE(info.range.isValid());
  for (uint32_t pc = 0; pc < p.getCode().size(); ++pc)
    EXPECT_TRUE(p.getRange(pc).isValid()) << pc;
}

TEST(ProgramEmitter, MemoSlotsOnlyWhereTwoUsesCanMeetInOneDecision) {
  // The number of memo slots for a set whose policies all test
  // `principal.tags.contains(context.x)`, each scoped as given.
  auto slots = [](std::vector<std::string> scopes, const char *extra = "") {
    std::string text;
    for (const std::string &scope : scopes)
      text += "permit(principal, " + scope + ", resource) when { " +
              "principal.tags.contains(context.x)" + extra + " };\n";
    auto c = compile(text);
    EXPECT_TRUE(c->program) << text;
    return c->program ? c->program->getNumMemoSlots() : 99u;
  };
  // Different single actions: never candidates for the same request.
  EXPECT_EQ(slots({"action == Action::\"a\"", "action == Action::\"b\""}), 0u);
  // The same action, a list of actions, a group or any action can meet.
  EXPECT_EQ(slots({"action == Action::\"a\"", "action == Action::\"a\""}), 1u);
  EXPECT_EQ(slots({"action == Action::\"a\"", "action in [Action::\"a\", Action::\"c\"]"}), 1u);
  EXPECT_EQ(slots({"action == Action::\"a\"", "action in Action::\"g\""}), 1u);
  EXPECT_EQ(slots({"action", "action == Action::\"b\""}), 1u);
  // Two uses in one policy.
  EXPECT_EQ(slots({"action == Action::\"a\""}, " || !principal.tags.contains(context.x)"), 1u);
  EXPECT_EQ(slots({"action == Action::\"a\""}), 0u);
}

TEST(ProgramEmitter, FoldsConstantSetsRecordsAndValidConstructors) {
  auto c = compile(R"(
permit(principal, action, resource)
  when { [1, [2, 3], {a: ip("10.0.0.1")}].contains(context.x) && decimal("1.5").lessThan(context.d) };
permit(principal, action, resource) when { decimal("1.23456").lessThan(context.d) };
permit(principal, action, resource) when { [context.x, 1].contains(2) && {k: context.x} has k };
)");
  ASSERT_TRUE(c->program);
  const rt::Program &p = *c->program;
  // One Call for each method, one for the invalid decimal constructor.
  EXPECT_EQ(countOps(p, rt::Opcode::Call), 5u);
  // Only the sets and records with a non-constant element are built.
  EXPECT_EQ(countOps(p, rt::Opcode::MakeSet), 1u);
  EXPECT_EQ(countOps(p, rt::Opcode::MakeRecord), 1u);
  bool sawSet = false, sawDecimal = false;
  for (const rt::Val &v : p.getConstants()) {
    if (v.is(rt::Kind::Set) && v.n == 3) {
      sawSet = true;
      EXPECT_EQ(p.formatConstant(v), "[1, [2, 3], {\"a\": ip(\"10.0.0.1/32\")}]");
    }
    sawDecimal |= v.is(rt::Kind::Decimal);
  }
  EXPECT_TRUE(sawSet);
  EXPECT_TRUE(sawDecimal);
}

TEST(ProgramEmitter, SharedNodesGetMemoSlots) {
  auto c = compile(R"(
permit(principal, action, resource) when { principal.a.b.c.d > 1 };
permit(principal, action, resource) when { principal.a.b.c.d > 1 && context.x };
permit(principal, action, resource) when { principal.a.b.c.d < 9 };
permit(principal, action, resource) when { context.y };
)");
  ASSERT_TRUE(c->program);
  const rt::Program &p = *c->program;
  // `principal.a.b.c.d > 1` (two parents: policy 0's body and the `&&`;
  // five instructions), whose code appears in policies 0 and 1.
  // `principal.a.b.c.d` (two parents: `>` and `<`) is four instructions,
  // cheaper to run again than to look up; `principal.a` has one parent;
  // `context.x`, `context.y` are one instruction each.
  EXPECT_EQ(p.getNumMemoSlots(), 1u);
  EXPECT_EQ(countOps(p, rt::Opcode::MemoGet), 2u);
  EXPECT_EQ(countOps(p, rt::Opcode::MemoPut), 2u);
  EXPECT_EQ(countOps(p, rt::Opcode::VarAttr), 2u);
  EXPECT_EQ(countOps(p, rt::Opcode::VarAttr2), 3u);
  EXPECT_EQ(countOps(p, rt::Opcode::GreaterK), 2u);
  EXPECT_EQ(countOps(p, rt::Opcode::LessK), 1u);
  for (const rt::Insn &in : p.getCode())
    if (in.op == rt::Opcode::MemoGet) {
      ASSERT_LT(in.b, p.getCode().size());
      EXPECT_EQ(p.getCode()[in.b - 1].op, rt::Opcode::MemoPut);
      EXPECT_EQ(p.getCode()[in.b - 1].a, in.a);
    }
}

TEST(ProgramEmitter, BuiltinTableAgreesWithTheParserAndTheExtensions) {
  size_t builtins = static_cast<size_t>(rt::Builtin::ToDays) + 1;
  EXPECT_EQ(getKnownFunctions().size(), builtins);
  for (const KnownFunction &k : getKnownFunctions()) {
    rt::Builtin b;
    bool isMethod = k.style == CallStyle::Method;
    ASSERT_TRUE(rt::lookupBuiltin(k.name, isMethod, b)) << k.name.str();
    const rt::BuiltinInfo &info = rt::getBuiltinInfo(b);
    EXPECT_EQ(info.arity, k.numArgs + (isMethod ? 1 : 0)) << k.name.str();
    EXPECT_EQ(info.isConstructor, !isMethod) << k.name.str();
    EXPECT_EQ(info.isExtension, !k.extension.empty()) << k.name.str();
    const runtime::ExtensionFunctionInfo *ext = runtime::lookupExtensionFunction(k.name);
    EXPECT_EQ(ext != nullptr, info.isExtension) << k.name.str();
    if (!ext)
      continue;
    ASSERT_EQ(ext->params.size(), info.arity) << k.name.str();
    for (size_t i = 0; i < ext->params.size(); ++i)
      EXPECT_EQ(static_cast<int>(ext->params[i]), info.params[i]) << k.name.str();
  }
}

TEST(ProgramEmitter, ArityAndUnknownNamesFailAfterTheArguments) {
  HandBuilt h;
  ir::Module &m = h.m;
  SourceRange r;
  ir::NodeId one = m.makeNode(ir::Op::LongLit, 0, 1, {}, r);
  ir::NodeId set = m.makeNode(ir::Op::Set, 0, 0, {one}, r);
  ir::NodeId ctx = m.makeNode(ir::Op::Var, static_cast<uint32_t>(ir::VarKind::Context), 0, {}, r);
  ir::NodeId missing = m.makeNode(ir::Op::GetAttr, m.internAttr("missing"), 0, {ctx}, r);
  ir::NodeId ipText = m.makeNode(ir::Op::StringLit, m.internString("10.0.0.1"), 0, {}, r);
  ir::NodeId ip = m.makeNode(ir::Op::Call, m.internString("ip"), 0, {ipText}, r);
  // [1].contains(1, 1)
  h.addPolicy(m.makeNode(ir::Op::Method, m.internString("contains"), 0, {set, one, one}, r));
  // ip("10.0.0.1").isIpv4(1)
  h.addPolicy(m.makeNode(ir::Op::Method, m.internString("isIpv4"), 0, {ip, one}, r));
  // [1].frob()
  h.addPolicy(m.makeNode(ir::Op::Method, m.internString("frob"), 0, {set}, r));
  // frob(1)
  h.addPolicy(m.makeNode(ir::Op::Call, m.internString("frob"), 0, {one}, r));
  // frob(context.missing): the argument's error comes first.
  h.addPolicy(m.makeNode(ir::Op::Call, m.internString("frob"), 0, {missing}, r));
  // decimal("1.0", "2.0"): not folded, fails at run time.
  h.addPolicy(m.makeNode(ir::Op::Call, m.internString("decimal"), 0, {ipText, ipText}, r));
  // ip("10.0.0.1").contains(1): a method of sets, not of ipaddrs.
  h.addPolicy(m.makeNode(ir::Op::Method, m.internString("contains"), 0, {ip, one}, r));
  // ip("10.0.0.1") (folded, then not a Bool).
  h.addPolicy(ip);
  ASSERT_TRUE(h.build());
  EXPECT_EQ(h.eval(0), "error: wrong number of arguments to `contains`: expected 1, got 2");
  // Extension functions count the receiver, as callExtensionFunction does.
  runtime::EvalResult want = runtime::callExtensionFunction(
      "isIpv4", {*runtime::callExtensionFunction("ip", {runtime::Value::string("10.0.0.1")}),
                 runtime::Value::integer(1)});
  ASSERT_FALSE(want);
  EXPECT_EQ(h.eval(1), "error: " + want.getError());
  EXPECT_EQ(h.eval(2), "error: unknown method `frob`");
  EXPECT_EQ(h.eval(3), "error: unknown extension function `frob`");
  EXPECT_EQ(h.eval(4), "error: record does not have the attribute `missing`");
  runtime::EvalResult want2 = runtime::callExtensionFunction(
      "decimal", {runtime::Value::string("10.0.0.1"), runtime::Value::string("10.0.0.1")});
  EXPECT_EQ(h.eval(5), "error: " + want2.getError());
  EXPECT_EQ(h.eval(6), "error: type error: expected set, got ipaddr");
  EXPECT_EQ(h.eval(7), "error: type error: expected bool, got ipaddr");
}

TEST(ProgramEmitter, RejectsNestingTooDeepToGenerate) {
  ir::Module m;
  SourceRange r;
  ir::NodeId n = m.makeNode(ir::Op::Var, 0, 0, {}, r);
  n = m.makeNode(ir::Op::Is, m.internType("User"), 0, {n}, r);
  for (int i = 0; i < 12000; ++i)
    n = m.makeNode(ir::Op::Not, 0, 0, {n}, r);
  ir::Policy p;
  p.id = "deep";
  p.condition = p.body = n;
  m.getPolicies().push_back(p);
  rt::Program program;
  DiagnosticEngine diags;
  EXPECT_FALSE(codegen::emitProgram(m, program, diags));
  ASSERT_EQ(diags.getNumErrors(), 1u);
  EXPECT_NE(diags.getDiagnostics()[0].message.find("nested too deeply"), std::string::npos);
}

TEST(ProgramEmitter, GoldenDump) {
  fs::path dir = fs::path(LARCH_SOURCE_DIR) / "tests" / "golden" / "codegen";
  size_t cases = 0;
  for (const fs::directory_entry &e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".cedar")
      continue;
    ++cases;
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    auto c = compile(text.str());
    ASSERT_TRUE(c->program) << e.path();
    std::string got = c->program->dump();
    fs::path expectedPath = e.path();
    expectedPath.replace_extension(".expected");
    if (std::getenv("UPDATE_GOLDEN")) {
      std::ofstream(expectedPath) << got;
      continue;
    }
    std::ifstream want(expectedPath);
    ASSERT_TRUE(want) << expectedPath << " is missing (run with UPDATE_GOLDEN=1)";
    std::stringstream expected;
    expected << want.rdbuf();
    EXPECT_EQ(got, expected.str()) << e.path();
  }
  EXPECT_GE(cases, 1u);
}
