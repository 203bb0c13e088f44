// Tests of the AST -> IR lowering (compiler/ir/lower.h): desugaring, sharing
// of sub-expressions across policies, constant folding (and its limits), the
// dump, template links, and agreement of the IR interpreter with the
// reference authorizer over Cedar's generated corpus.
#include "compiler/ir/lower.h"

#include "compiler/json/request_json.h"
#include "compiler/policy_loader.h"
#include "compiler/reference/authorizer.h"
#include "ir_interpreter.h"
#include "testlib/corpus.h"
#include "testlib/corpus_request.h"
#include "testlib/corpus_test_loader.h"
#include "testlib/lower_policies.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

using namespace larch;

namespace {

std::unique_ptr<testlib::LoweredPolicies> lowerText(llvm::StringRef text) {
  auto out = std::make_unique<testlib::LoweredPolicies>();
  testlib::lowerPolicies(text, *out);
  return out;
}

size_t countOps(const ir::Module &m, ir::Op op) {
  size_t n = 0;
  for (const ir::Node &x : m.getNodes())
    n += x.op == op;
  return n;
}

runtime::Request makeRequest() {
  runtime::Request r;
  r.principal = {"User", "alice"};
  r.action = {"Action", "view"};
  r.resource = {"Photo", "p"};
  return r;
}

} // namespace

TEST(IrLower, DesugarsComparisonsAndUnless) {
  auto l = lowerText(R"(permit(principal, action, resource) when { context.a != 1 }
unless { context.b > 2 || context.c >= 3 };)");
  const ir::Module &m = *l->module;
  EXPECT_EQ(countOps(m, ir::Op::Eq), 1u);
  EXPECT_EQ(countOps(m, ir::Op::LessEq), 1u);
  EXPECT_EQ(countOps(m, ir::Op::Less), 1u);
  // != , >, >= and unless: four nots.
  EXPECT_EQ(countOps(m, ir::Op::Not), 4u);
  EXPECT_EQ(countOps(m, ir::Op::And), 1u);
}

TEST(IrLower, DesugarsIsInAndExtendedHas) {
  auto l = lowerText(R"(permit(principal is User in Group::"g", action, resource)
when { resource has a.b.c && resource is Photo in Album::"x" };)");
  const ir::Module &m = *l->module;
  EXPECT_EQ(countOps(m, ir::Op::Has), 3u);
  EXPECT_EQ(countOps(m, ir::Op::GetAttr), 2u); // resource.a, resource.a.b
  EXPECT_EQ(countOps(m, ir::Op::Is), 2u);
  EXPECT_EQ(countOps(m, ir::Op::In), 2u);
  const ir::Policy &p = m.getPolicies()[0];
  EXPECT_EQ(p.principal.op, ir::EntityScope::Op::IsIn);
  EXPECT_EQ(m.getType(p.principal.type), "User");
  EXPECT_EQ(m.getEntityText(p.principal.uid), "Group::\"g\"");
}

TEST(IrLower, NormalisesActionScope) {
  auto l = lowerText(R"(permit(principal, action in Action::"a", resource);
permit(principal, action in [Action::"a", Action::"b"], resource);
permit(principal, action == Action::"a", resource);)");
  llvm::ArrayRef<ir::Policy> ps = l->module->getPolicies();
  EXPECT_EQ(ps[0].action.op, ir::ActionScope::Op::In);
  EXPECT_EQ(ps[0].action.uids.size(), 1u);
  EXPECT_EQ(ps[1].action.op, ir::ActionScope::Op::In);
  EXPECT_EQ(ps[1].action.uids.size(), 2u);
  EXPECT_EQ(ps[1].action.uids[0], ps[0].action.uids[0]); // interned once
  EXPECT_EQ(ps[2].action.op, ir::ActionScope::Op::Eq);
}

TEST(IrLower, SharesSubExpressionsAcrossPolicies) {
  auto one = lowerText(R"(permit(principal, action, resource) when { context.risk.level < 5 };)");
  auto two = lowerText(R"(permit(principal, action, resource) when { context.risk.level < 5 };
forbid(principal, action, resource) when { context.risk.level < 5 && context.x };)");
  size_t base = one->module->getNodes().size();
  const ir::Module &m = *two->module;
  // The second policy adds only `context.x` and the `&&`.
  EXPECT_EQ(m.getNodes().size(), base + 2);
  EXPECT_EQ(m.getPolicies()[0].condition, m.getOperands(m.getPolicies()[1].condition)[0]);
  EXPECT_EQ(countOps(m, ir::Op::Less), 1u);
  EXPECT_EQ(m.getNumAttrs(), 3u); // risk, level, x
}

TEST(IrLower, FoldsLiteralOnlyExpressions) {
  auto l = lowerText(R"(permit(principal, action, resource) when { 1 + 2 * 3 == 7 && !false };
permit(principal, action, resource) when { if 2 < 1 then 1 + "a" else true };
permit(principal, action, resource) when { true && principal == User::"a" };)");
  const ir::Module &m = *l->module;
  const ir::Node &c0 = m.getNode(m.getPolicies()[0].condition);
  EXPECT_EQ(c0.op, ir::Op::BoolLit);
  EXPECT_EQ(c0.payload, 1u);
  EXPECT_EQ(m.getPolicies()[1].condition, m.getPolicies()[0].condition);
  EXPECT_EQ(m.getNode(m.getPolicies()[2].condition).op, ir::Op::Eq);
}

TEST(IrLower, KeepsExpressionsThatMayError) {
  auto l = lowerText(R"(permit(principal, action, resource) when { 9223372036854775807 + 1 == 0 };
permit(principal, action, resource) when { 1 };
permit(principal, action, resource) when { false || context.flag };
permit(principal, action, resource) when { -(-9223372036854775808) == 1 };)");
  const ir::Module &m = *l->module;
  EXPECT_EQ(countOps(m, ir::Op::Add), 1u);
  EXPECT_EQ(countOps(m, ir::Op::Neg), 1u);
  EXPECT_EQ(m.getNode(m.getPolicies()[1].condition).op, ir::Op::And);
  EXPECT_EQ(m.getNode(m.getPolicies()[2].condition).op, ir::Op::Or);

  runtime::EntityStore store;
  runtime::EntityView view(store);
  runtime::Request req = makeRequest();
  ir::testing::IrDecision d = ir::testing::authorizeIr(m, req, view);
  EXPECT_FALSE(d.allow);
  // policy2 reads a missing context attribute.
  EXPECT_EQ(d.errors, (std::vector<std::string>{"policy0", "policy1", "policy2", "policy3"}));
}

TEST(IrLower, DumpIsReadableAndStable) {
  auto l = lowerText(R"(permit(principal == User::"alice", action, resource is Photo)
when { context.tags.contains("a*b") } unless { resource.name like "a\*b*" };)");
  EXPECT_EQ(ir::dump(*l->module), R"(symbols:
  attr #0 "tags"
  attr #1 "name"
  type #0 User
  type #1 Photo
  entity #0 User::"alice"
  string #0 "a*b"
  string #1 "contains"
  pattern #0 "a*b" *
nodes:
  %0 = var principal
  %1 = entity User::"alice"
  %2 = eq %0, %1
  %3 = var resource
  %4 = is Photo %3
  %5 = and %2, %4
  %6 = var context
  %7 = getattr "tags" %6
  %8 = string "a*b"
  %9 = method contains %7, %8
  %10 = and %5, %9
  %11 = getattr "name" %3
  %12 = like "a*b" * %11
  %13 = not %12
  %14 = and %10, %13
  %15 = and %9, %13
policies:
  policy0 permit principal == User::"alice"; action any; resource is Photo; condition %14; body %15
)");
}

TEST(IrLower, LowersTemplateLinks) {
  auto l = lowerText(R"(permit(principal == ?principal, action, resource in ?resource);)");
  const ast::Policy &tmpl = l->loaded.set.policies[0];
  ir::TemplateLink link{"link1", &tmpl, runtime::EntityUid{"User", "bob"},
                        runtime::EntityUid{"Folder", "f"}};
  DiagnosticEngine diags;
  std::optional<ir::Module> m = ir::lower(l->loaded.set, diags, {link});
  ASSERT_TRUE(m);
  ASSERT_EQ(m->getPolicies().size(), 1u);
  EXPECT_EQ(m->getEntityText(m->getPolicies()[0].principal.uid), "User::\"bob\"");

  runtime::EntityStore store;
  runtime::EntityView view(store);
  runtime::Request req = makeRequest();
  req.principal = {"User", "bob"};
  req.resource = {"Folder", "f"};
  EXPECT_TRUE(ir::testing::authorizeIr(*m, req, view).allow);

  ir::TemplateLink missing{"link2", &tmpl, runtime::EntityUid{"User", "bob"}, std::nullopt};
  DiagnosticEngine diags2;
  EXPECT_FALSE(ir::lower(l->loaded.set, diags2, {missing}));
  EXPECT_TRUE(diags2.hasErrors());
}

// The corpus has no `>`, `>=`, `!=` or extended `has`: check the desugared
// forms against the reference authorizer on values around each boundary,
// including type errors.
TEST(IrLower, DesugaredFormsAgreeWithReference) {
  auto l = lowerText(R"(permit(principal, action, resource) when { context.a > context.b };
permit(principal, action, resource) when { context.a >= context.b };
permit(principal, action, resource) when { context.a != context.b };
permit(principal, action, resource) unless { context.a <= context.b };
permit(principal, action, resource) when { context has r.s.t };
permit(principal, action, resource) when { principal is User in context.g };
forbid(principal, action, resource) when { context.a > 1 && context.a < 1 };)");
  std::vector<reference::PolicyInstance> policies =
      reference::collectStaticPolicies(l->loaded.set);
  runtime::EntityStore store;
  runtime::EntityView view(store);
  using runtime::Value;
  auto rec = [](std::vector<runtime::RecordEntry> e) {
    return Value::recordFromEntries(std::move(e));
  };
  std::vector<Value> values = {Value::integer(1), Value::integer(2), Value::string("x"),
                               Value::boolean(true)};
  std::vector<Value> records = {rec({}), rec({{"s", Value::integer(1)}}),
                                rec({{"s", rec({{"t", Value::integer(1)}})}}),
                                Value::integer(3)};
  size_t checked = 0;
  for (const Value &a : values)
    for (const Value &b : values)
      for (const Value &r : records)
        for (const Value &g : {Value::entity("User", "alice"), Value::integer(0)}) {
          runtime::Request req = makeRequest();
          req.context = rec({{"a", a}, {"b", b}, {"r", r}, {"g", g}});
          reference::Decision want = reference::authorize(policies, req, view);
          ir::testing::IrDecision got = ir::testing::authorizeIr(*l->module, req, view);
          std::vector<std::string> wantErrors;
          for (const reference::PolicyError &e : want.errors)
            wantErrors.push_back(e.policyId);
          EXPECT_EQ(got.allow, want.allow) << req.context.str();
          EXPECT_EQ(got.reasons, want.reasons) << req.context.str();
          EXPECT_EQ(got.errors, wantErrors) << req.context.str();
          ++checked;
        }
  EXPECT_EQ(checked, 128u);
}

// ------------------------------------------------------------------ corpus

namespace {

struct CorpusCounts {
  size_t tests = 0, requests = 0, agreed = 0;
  std::vector<std::string> failures;
};

void fail(CorpusCounts &c, const std::string &why) {
  if (c.failures.size() < 20)
    c.failures.push_back(why);
}

std::string join(const std::vector<std::string> &v) {
  std::string out;
  for (const std::string &s : v)
    out += (out.empty() ? "" : ",") + s;
  return "[" + out + "]";
}

void runCorpusTest(const std::string &root, const std::string &path, CorpusCounts &counts) {
  ++counts.tests;
  testlib::CorpusTest c;
  std::string error;
  if (!testlib::loadCorpusTest(root, path, c, error))
    return fail(counts, error);
  const json::Json &t = c.test;
  std::optional<ir::Module> module = ir::lower(c.loaded.set, c.diags);
  if (!module)
    return fail(counts, path + ": policies do not lower");
  json::JsonError jerr;
  std::vector<reference::PolicyInstance> policies =
      reference::collectStaticPolicies(c.loaded.set);
  runtime::EntityView view(*c.store);

  size_t index = 0;
  for (const json::Json &r : t["requests"]) {
    ++counts.requests;
    std::string where = path + " request " + std::to_string(index++);
    std::optional<runtime::Request> parsedRequest =
        testlib::parseCorpusRequest(r, &*c.schema, jerr);
    if (!parsedRequest) {
      fail(counts, where + ": request does not parse");
      continue;
    }
    runtime::Request &request = *parsedRequest;
    reference::Decision want = reference::authorize(policies, request, view);
    ir::testing::IrDecision got = ir::testing::authorizeIr(*module, request, view);
    std::vector<std::string> wantErrors;
    for (const reference::PolicyError &e : want.errors)
      wantErrors.push_back(e.policyId);
    if (want.allow == got.allow && want.reasons == got.reasons && wantErrors == got.errors) {
      ++counts.agreed;
      continue;
    }
    fail(counts, where + ": reference " + (want.allow ? "allow " : "deny ") +
                     join(want.reasons) + " errors " + join(wantErrors) + ", IR " +
                     (got.allow ? "allow " : "deny ") + join(got.reasons) + " errors " +
                     join(got.errors));
  }
}

} // namespace

TEST(IrLower, AgreesWithReferenceOnGeneratedCorpus) {
  std::string error;
  std::string root = testlib::unpackedCorpusDir(&error);
  ASSERT_FALSE(root.empty()) << error;
  CorpusCounts counts;
  for (const std::string &f : testlib::listFiles(root + "/corpus-tests", ".json")) {
    if (f.size() > 14 && f.compare(f.size() - 14, 14, ".entities.json") == 0)
      continue;
    runCorpusTest(root, f, counts);
  }
  for (const std::string &f : counts.failures)
    ADD_FAILURE() << f;
  EXPECT_EQ(counts.tests, 7809u);
  EXPECT_EQ(counts.requests, 62472u);
  EXPECT_EQ(counts.agreed, 62472u);
}
