// Tests of the VM (runtime/compiled/vm.h): every operator, method and error
// on small policies, each compared with the reference evaluator (outcome and
// message); memoised shared nodes; no heap allocation while evaluating; and,
// over Cedar's generated corpus, every policy of every request evaluated on
// its own (scope included) against the IR interpreter, with messages
// compared with the reference evaluator's.
#include "compiler/codegen/compile_program.h"
#include "compiler/ir/lower.h"
#include "compiler/json/entity_json.h"
#include "compiler/json/json_value.h"
#include "compiler/json/request_json.h"
#include "compiler/policy_loader.h"
#include "compiler/reference/authorizer.h"
#include "compiler/reference/evaluator.h"
#include "runtime/compiled/vm.h"
#include "support/alloc_counter/alloc_counter.h"
#include "testlib/corpus.h"
#include "testlib/corpus_request.h"
#include "testlib/corpus_test_loader.h"
#include "unit/compiled/compile_policies.h"
#include "unit/ir/ir_interpreter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <new>

using namespace larch;

using larch::support::CountAllocations;

namespace {

const char *const Entities = R"([
  {"uid": {"type": "User", "id": "alice"},
   "attrs": {"age": 30, "name": "Alice", "nums": [1, 2, 3], "rec": {"x": 1},
             "boss": {"__entity": {"type": "User", "id": "bob"}}},
   "parents": [{"type": "Group", "id": "g"}],
   "tags": {"t": "v", "n": 7}},
  {"uid": {"type": "Group", "id": "g"}, "attrs": {}, "parents": [{"type": "Group", "id": "top"}]},
  {"uid": {"type": "Group", "id": "top"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Photo", "id": "p"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}},
   "parents": []},
  {"uid": {"type": "Action", "id": "view"}, "attrs": {}, "parents": [{"type": "Action", "id": "read"}]},
  {"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": []}
])";

const char *const Context = R"({
  "n": 5, "s": "hello", "big": 9223372036854775807, "flag": true,
  "set": [1, 2, 3], "strs": ["a", "b"], "rec": {"a": 1, "b": "x"},
  "ents": [{"__entity": {"type": "Group", "id": "g"}}],
  "ip": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}},
  "dec": {"__extn": {"fn": "decimal", "arg": "1.5"}},
  "when": {"__extn": {"fn": "datetime", "arg": "2024-06-01T12:00:00Z"}}
})";

/// A policy set compiled and a request prepared for it, with the reference
/// evaluator's view of the same data.
struct Fixture : testing_compiled::Compiled {
  std::optional<runtime::EntityStore> store;
  std::unique_ptr<rt::FlatStore> flat;
  runtime::Request request;
  rt::PreparedRequest prepared;
  rt::EvalScratch scratch;
};

std::unique_ptr<Fixture> makeFixture(llvm::StringRef policies,
                                     llvm::StringRef principal = "alice") {
  auto f = std::make_unique<Fixture>();
  if (!testing_compiled::compileInto(policies, *f))
    return nullptr;
  json::JsonError jerr;
  f->store = json::loadEntityStore(Entities, nullptr, jerr);
  EXPECT_TRUE(f->store) << jerr.str();
  std::string why;
  f->flat = rt::FlatStore::build(f->program->getSymbols(), *f->store, why);
  EXPECT_TRUE(f->flat) << why;
  f->request.principal = {"User", principal.str()};
  f->request.action = {"Action", "view"};
  f->request.resource = {"Photo", "p"};
  std::optional<json::Json> ctx = json::parseJsonText(Context, jerr);
  std::optional<runtime::Value> context =
      ctx ? json::parseContextJson(*ctx, f->request.action, nullptr, jerr) : std::nullopt;
  EXPECT_TRUE(context) << jerr.str();
  f->request.context = *context;
  EXPECT_TRUE(rt::prepareRequest(*f->flat, f->request, nullptr, f->prepared, why)) << why;
  f->scratch.reserveFor(*f->program);
  return f;
}

/// One policy's result: "true", "false", or "error: <message>".
struct Results {
  std::string vm, reference;
};

std::string describe(rt::PolicyOutcome o, const rt::EvalError &e, Fixture &f,
                     const rt::World &world) {
  switch (o) {
  case rt::PolicyOutcome::Satisfied:
    return "true";
  case rt::PolicyOutcome::NotSatisfied:
    return "false";
  case rt::PolicyOutcome::Error:
    return "error: " + rt::formatEvalError(e, *f.program, world);
  }
  return "?";
}

/// Evaluates policy `index` of the fixture on the VM (scope included, a new
/// decision) and with the reference evaluator.
Results evalBoth(Fixture &f, uint32_t index = 0) {
  Results r;
  f.scratch.arena.reset();
  ++f.scratch.epoch;
  rt::World world(f.prepared);
  rt::EvalError error;
  rt::PolicyOutcome o = rt::evaluatePolicy(*f.program, index, true, world, f.scratch, error);
  r.vm = describe(o, error, f, world);
  runtime::EntityView view(*f.store);
  reference::Evaluator ev(f.request, view);
  runtime::EvalResult want = ev.evaluatePolicy(f.loaded.set.policies[index]);
  r.reference = !want ? "error: " + want.getError() : want->getBool() ? "true" : "false";
  return r;
}

/// The VM's result for `when { cond }`, checked against the reference.
std::string when(llvm::StringRef cond) {
  std::string text = "permit(principal, action, resource) when { " + cond.str() + " };";
  auto f = makeFixture(text);
  if (!f)
    return "does not compile";
  Results r = evalBoth(*f);
  EXPECT_EQ(r.vm, r.reference) << "for `" << cond.str() << "`";
  return r.vm;
}

} // namespace

TEST(Vm, LiteralsAndTheFinalBoolCheck) {
  EXPECT_EQ(when("true"), "true");
  EXPECT_EQ(when("false"), "false");
  EXPECT_EQ(when("1"), "error: type error: expected bool, got long");
  EXPECT_EQ(when("\"s\""), "error: type error: expected bool, got string");
  EXPECT_EQ(when("principal"), "error: type error: expected bool, got (entity of type `User`)");
  EXPECT_EQ(when("context.flag"), "true");
}

TEST(Vm, ShortCircuitAndOrIf) {
  EXPECT_EQ(when("context.flag || 1"), "true");
  EXPECT_EQ(when("!context.flag || 1"), "error: type error: expected bool, got long");
  EXPECT_EQ(when("!context.flag && 1"), "false");
  EXPECT_EQ(when("context.flag && context.n"), "error: type error: expected bool, got long");
  EXPECT_EQ(when("context.n && true"), "error: type error: expected bool, got long");
  EXPECT_EQ(when("context.n || true"), "error: type error: expected bool, got long");
  EXPECT_EQ(when("context.flag && context.nope"),
            "error: record does not have the attribute `nope`");
  EXPECT_EQ(when("!context.flag && context.nope"), "false");
  EXPECT_EQ(when("context.flag || context.nope"), "true");
  EXPECT_EQ(when("if context.flag then context.n == 5 else context.nope"), "true");
  EXPECT_EQ(when("if !context.flag then context.nope else false"), "false");
  EXPECT_EQ(when("if context.n then true else false"),
            "error: type error: expected bool, got long");
  EXPECT_EQ(when("if context.flag then 1 else true"),
            "error: type error: expected bool, got long");
  EXPECT_EQ(when("!context.n"), "error: type error: expected bool, got long");
  EXPECT_EQ(when("!!context.flag"), "true");
}

TEST(Vm, Arithmetic) {
  EXPECT_EQ(when("context.n + 1 == 6"), "true");
  EXPECT_EQ(when("context.n - 7 == -2"), "true");
  EXPECT_EQ(when("context.n * 3 == 15"), "true");
  EXPECT_EQ(when("-context.n == -5"), "true");
  EXPECT_EQ(when("context.big + 1 == 0"),
            "error: integer overflow while attempting to add the values "
            "9223372036854775807 and 1");
  EXPECT_EQ(when("-context.big - 2 == 0"),
            "error: integer overflow while attempting to subtract the values "
            "-9223372036854775807 and 2");
  EXPECT_EQ(when("context.big * 2 == 0"),
            "error: integer overflow while attempting to multiply the values "
            "9223372036854775807 and 2");
  EXPECT_EQ(when("-(-context.big - 1) == 0"),
            "error: integer overflow while attempting to negate the value "
            "-9223372036854775808");
  EXPECT_EQ(when("context.s + 1 == 0"), "error: type error: expected long, got string");
  EXPECT_EQ(when("1 + context.s == 0"), "error: type error: expected long, got string");
  EXPECT_EQ(when("-context.s == 0"), "error: type error: expected long, got string");
}

TEST(Vm, Comparisons) {
  EXPECT_EQ(when("context.n < 10"), "true");
  EXPECT_EQ(when("context.n <= 5"), "true");
  EXPECT_EQ(when("context.n > 5"), "false");
  EXPECT_EQ(when("context.n >= 5"), "true");
  EXPECT_EQ(when("context.n < \"a\""), "error: type error: expected long, got string");
  EXPECT_EQ(when("context.s < 1"),
            "error: type error: expected long, datetime or duration, got string");
  EXPECT_EQ(when("context.when < datetime(\"2025-01-01\")"), "true");
  EXPECT_EQ(when("context.when < 1"), "error: type error: expected datetime, got long");
  EXPECT_EQ(when("duration(\"1h\") <= duration(\"60m\")"), "true");
  EXPECT_EQ(when("context.dec < context.dec"),
            "error: type error: expected long, datetime or duration, got decimal");
}

TEST(Vm, FusedComparisonsBehaveAsTheirParts) {
  // `x op K` and `!(x op K)` run as one instruction (program.h); each must
  // give the value and the error its unfused parts give.
  for (const char *op : {"<", "<=", ">", ">="}) {
    std::string o = op;
    EXPECT_EQ(when("context.n " + o + " 5"), o == "<" || o == ">" ? "false" : "true");
    EXPECT_EQ(when("context.s " + o + " 1"),
              "error: type error: expected long, datetime or duration, got string");
    EXPECT_EQ(when("context.n " + o + " \"a\""), "error: type error: expected long, got string");
    EXPECT_EQ(when("context.when " + o + " 1"), "error: type error: expected datetime, got long");
    EXPECT_EQ(when("context.nope " + o + " 1"),
              "error: record does not have the attribute `nope`");
    EXPECT_EQ(when("resource.nope " + o + " 1"),
              "error: Photo::\"p\" does not have the attribute `nope`");
  }
  EXPECT_EQ(when("context.big > 9223372036854775806"), "true");
  EXPECT_EQ(when("5 == context.n && \"x\" != context.s"), "true");
  EXPECT_EQ(when("context.rec != {a: 1, b: \"x\"}"), "false");
  EXPECT_EQ(when("context has n && principal has nope"), "false");
  EXPECT_EQ(when("1 has nope"), "error: type error: expected record or entity, got long");
  auto f = makeFixture("permit(principal, action, resource) when { context.n > 1 && "
                       "resource.level != 2 && !(principal.age < 3) && context has s };");
  ASSERT_TRUE(f);
  std::vector<rt::Opcode> body;
  const rt::PolicyEntry &e = f->program->getEntries()[0];
  for (uint32_t pc = e.bodyEntry; pc < e.codeEnd; ++pc)
    body.push_back(f->program->getCode()[pc].op);
  using O = rt::Opcode;
  EXPECT_EQ(body, (std::vector<O>{O::VarAttr, O::GreaterKBr, O::VarAttr, O::NotEqKBr,
                                  O::VarAttr, O::GreaterEqKBr, O::VarHas, O::Return}));
  // Each fused branch jumps straight to the end of the whole `&&` chain.
  for (uint32_t pc = e.bodyEntry; pc < e.codeEnd; ++pc)
    if (f->program->getCode()[pc].op == O::GreaterKBr) {
      EXPECT_EQ(f->program->getCode()[pc].b, e.codeEnd - 1);
    }
  // Chains of `&&` in any nesting, with non-Bool operands, errors and
  // short circuits, give what the reference gives.
  EXPECT_EQ(when("context.n > 1 && (context.n < 9 && context.s == \"hello\") && context.flag"),
            "true");
  EXPECT_EQ(when("(context.n > 1 && context.n) && context.flag"),
            "error: type error: expected bool, got long");
  EXPECT_EQ(when("context.n < 1 && context.nope"), "false");
  EXPECT_EQ(when("context.n > 1 && (context.nope && true)"),
            "error: record does not have the attribute `nope`");
  EXPECT_EQ(when("(context.rec.a == 1 && context.rec.b == \"x\") && context.n >= 5"), "true");
  EXPECT_EQ(when("context.rec.a == 2 && 1"), "false");
  EXPECT_EQ(when("context.rec.a == 1 && 1"), "error: type error: expected bool, got long");
  EXPECT_EQ(when("context.rec.c.d == 1"), "error: record does not have the attribute `c`");
  EXPECT_EQ(when("(if context.flag then context.n else 0) > 3 && context.flag"), "true");
}

TEST(Vm, Equality) {
  EXPECT_EQ(when("context.s == \"hello\""), "true");
  EXPECT_EQ(when("context.n == \"5\""), "false");
  EXPECT_EQ(when("context.set == [3, 2, 1, 1]"), "true");
  EXPECT_EQ(when("[context.n, 1] == [1, 5]"), "true");
  EXPECT_EQ(when("[context.n, 5] == [5]"), "true");
  EXPECT_EQ(when("{b: context.rec.b, a: context.n - 4} == context.rec"), "true");
  EXPECT_EQ(when("context.rec == {a: 1}"), "false");
  EXPECT_EQ(when("principal == User::\"alice\""), "true");
  EXPECT_EQ(when("principal != User::\"bob\""), "true");
  EXPECT_EQ(when("resource.owner == principal"), "true");
  EXPECT_EQ(when("context.ip == ip(\"10.0.0.1\")"), "true");
  EXPECT_EQ(when("context.dec == decimal(\"1.50\")"), "true");
}

TEST(Vm, InHasGetAttrIsLike) {
  EXPECT_EQ(when("principal in Group::\"top\""), "true");
  EXPECT_EQ(when("principal in principal"), "true");
  EXPECT_EQ(when("principal in [Group::\"x\", Group::\"g\"]"), "true");
  EXPECT_EQ(when("principal in context.ents"), "true");
  EXPECT_EQ(when("principal in [Group::\"g\", 1]"), "error: type error: expected entity, got long");
  EXPECT_EQ(when("principal in 1"), "error: type error: expected set or entity, got long");
  EXPECT_EQ(when("1 in Group::\"g\""), "error: type error: expected entity, got long");
  EXPECT_EQ(when("Group::\"nope\" in Group::\"g\""), "false");
  EXPECT_EQ(when("principal has age"), "true");
  EXPECT_EQ(when("principal has nope"), "false");
  EXPECT_EQ(when("Group::\"nope\" has x"), "false");
  EXPECT_EQ(when("context has rec.a"), "true");
  EXPECT_EQ(when("context has rec.z"), "false");
  EXPECT_EQ(when("context.n has x"), "error: type error: expected record or entity, got long");
  EXPECT_EQ(when("principal.age == 30"), "true");
  EXPECT_EQ(when("principal.rec.x == 1"), "true");
  EXPECT_EQ(when("principal.nope == 1"),
            "error: User::\"alice\" does not have the attribute `nope`");
  EXPECT_EQ(when("principal.boss.age == 1"), "error: entity User::\"bob\" does not exist");
  EXPECT_EQ(when("context.nope == 1"), "error: record does not have the attribute `nope`");
  EXPECT_EQ(when("context.n.x == 1"), "error: type error: expected record or entity, got long");
  EXPECT_EQ(when("principal is User"), "true");
  EXPECT_EQ(when("principal is Group"), "false");
  EXPECT_EQ(when("principal is User in Group::\"g\""), "true");
  EXPECT_EQ(when("context.n is User"), "error: type error: expected entity, got long");
  EXPECT_EQ(when("context.s like \"h*o\""), "true");
  EXPECT_EQ(when("context.s like \"h*x\""), "false");
  EXPECT_EQ(when("context.s like \"*\""), "true");
  EXPECT_EQ(when("context.s like \"h\\*llo\""), "false");
  EXPECT_EQ(when("\"a*b\" like \"a\\*b\""), "true");
  EXPECT_EQ(when("context.n like \"*\""), "error: type error: expected string, got long");
  // Patterns of at most one star match by comparing bytes (program.h,
  // PatternRef); the rest by the general matcher. Both must agree with
  // the reference on every shape (context.s is "hello").
  for (const char *pattern :
       {"hello", "hell", "helloo", "", "*", "h*", "*o", "*hello", "hello*", "he*lo", "hel*llo",
        "hello*o", "h*l*o", "*l*", "**", "h**o", "*x*", "h\\*llo", "hel\\*", "*\\*"})
    when("context.s like \"" + std::string(pattern) + "\"");
  EXPECT_EQ(when("\"ab*\" like \"a*\\*\""), "true");
  EXPECT_EQ(when("\"a\" like \"a*a\""), "false");
  EXPECT_EQ(when("\"\" like \"\""), "true");
}

TEST(Vm, SetMethods) {
  EXPECT_EQ(when("context.set.contains(2)"), "true");
  EXPECT_EQ(when("context.set.contains(\"2\")"), "false");
  EXPECT_EQ(when("context.set.containsAll([1, 3])"), "true");
  EXPECT_EQ(when("context.set.containsAll([1, 4])"), "false");
  EXPECT_EQ(when("context.set.containsAny([9, 3])"), "true");
  EXPECT_EQ(when("context.set.containsAny([])"), "false");
  EXPECT_EQ(when("[].containsAll([])"), "true");
  EXPECT_EQ(when("context.set.isEmpty()"), "false");
  EXPECT_EQ(when("[context.n].contains(5)"), "true");
  EXPECT_EQ(when("context.n.contains(1)"), "error: type error: expected set, got long");
  EXPECT_EQ(when("context.set.containsAll(1)"), "error: type error: expected set, got long");
  EXPECT_EQ(when("context.rec.isEmpty()"), "error: type error: expected set, got record");
}

TEST(Vm, Tags) {
  EXPECT_EQ(when("principal.hasTag(\"t\")"), "true");
  EXPECT_EQ(when("principal.hasTag(\"zz\")"), "false");
  EXPECT_EQ(when("Group::\"nope\".hasTag(\"t\")"), "false");
  EXPECT_EQ(when("principal.getTag(\"t\") == \"v\""), "true");
  EXPECT_EQ(when("principal.getTag(\"n\") == 7"), "true");
  EXPECT_EQ(when("principal.getTag(\"zz\") == 1"),
            "error: User::\"alice\" does not have the tag `zz`");
  EXPECT_EQ(when("principal.boss.getTag(\"t\") == 1"),
            "error: entity User::\"bob\" does not exist");
  EXPECT_EQ(when("principal.hasTag(1)"), "error: type error: expected string, got long");
  EXPECT_EQ(when("context.n.hasTag(\"t\")"), "error: type error: expected entity, got long");
}

TEST(Vm, Decimal) {
  EXPECT_EQ(when("decimal(\"1.23\").lessThan(decimal(\"2.0\"))"), "true");
  EXPECT_EQ(when("context.dec.lessThanOrEqual(decimal(\"1.5\"))"), "true");
  EXPECT_EQ(when("context.dec.greaterThan(decimal(\"1.5\"))"), "false");
  EXPECT_EQ(when("context.dec.greaterThanOrEqual(decimal(\"-1.5\"))"), "true");
  EXPECT_EQ(when("decimal(\"1.23456\") == context.dec"),
            "error: error while evaluating `decimal` extension function: too many digits after "
            "the decimal in `1.23456`");
  EXPECT_EQ(when("decimal(context.s) == context.dec"), when("decimal(context.s) == context.dec"));
  EXPECT_EQ(when("context.n.lessThan(context.dec)"),
            "error: type error: expected decimal, got long");
  EXPECT_EQ(when("context.dec.lessThan(1)"), "error: type error: expected decimal, got long");
  EXPECT_EQ(when("decimal(context.n) == context.dec"),
            "error: type error: expected string, got long");
}

TEST(Vm, IpAddr) {
  EXPECT_EQ(when("context.ip.isInRange(ip(\"10.0.0.0/8\"))"), "true");
  EXPECT_EQ(when("context.ip.isInRange(ip(\"::1/128\"))"), "false");
  EXPECT_EQ(when("context.ip.isIpv4()"), "true");
  EXPECT_EQ(when("context.ip.isIpv6()"), "false");
  EXPECT_EQ(when("ip(\"127.0.0.1\").isLoopback()"), "true");
  EXPECT_EQ(when("ip(\"224.0.0.1\").isMulticast()"), "true");
  EXPECT_EQ(when("ip(context.s).isIpv4()"), when("ip(context.s).isIpv4()"));
  EXPECT_EQ(when("ip(\"10.0.0.1/33\").isIpv4()"), when("ip(\"10.0.0.1/33\").isIpv4()"));
  EXPECT_EQ(when("context.n.isIpv4()"), "error: type error: expected ipaddr, got long");
}

TEST(Vm, DatetimeAndDuration) {
  EXPECT_EQ(when("datetime(\"2024-01-01\").offset(duration(\"1d\")) > datetime(\"2024-01-01\")"),
            "true");
  EXPECT_EQ(when("context.when.toDate() == datetime(\"2024-06-01\")"), "true");
  EXPECT_EQ(when("context.when.toTime() == duration(\"12h\")"), "true");
  EXPECT_EQ(when("duration(\"1h\").toMinutes() == 60"), "true");
  EXPECT_EQ(when("duration(\"90s\").toMilliseconds() == 90000"), "true");
  EXPECT_EQ(when("duration(\"90m\").toHours() == 1"), "true");
  EXPECT_EQ(when("duration(\"49h\").toDays() == 2"), "true");
  EXPECT_EQ(when("duration(\"2m\").toSeconds() == 120"), "true");
  EXPECT_EQ(when("datetime(\"2024-01-01\").durationSince(datetime(\"2023-01-01\")).toDays() == 365"),
            "true");
  std::string overflow =
      when("datetime(\"9999-12-31\").offset(duration(\"9223372036854775807ms\")) == "
           "context.when");
  EXPECT_NE(overflow.find("error: error while evaluating `offset`"), std::string::npos)
      << overflow;
  std::string bad = when("datetime(\"2024-13-01\") == context.when");
  EXPECT_NE(bad.find("error: error while evaluating `datetime`"), std::string::npos) << bad;
  std::string badDuration = when("duration(context.s) == duration(\"1h\")");
  EXPECT_NE(badDuration.find("error: error while evaluating `duration`"), std::string::npos)
      << badDuration;
  EXPECT_EQ(when("context.when.toDays() == 1"), "error: type error: expected duration, got datetime");
}

TEST(Vm, Scopes) {
  const char *policies = R"(
permit(principal == User::"alice", action, resource);
permit(principal == User::"bob", action, resource);
permit(principal in Group::"top", action in [Action::"read", Action::"x"], resource is Photo);
permit(principal is User in Group::"g", action == Action::"view", resource in Photo::"p");
permit(principal is Group, action, resource);
permit(principal, action in Action::"nope", resource);
permit(principal, action, resource == Photo::"q") when { 1 };
)";
  auto f = makeFixture(policies);
  ASSERT_TRUE(f);
  const char *want[] = {"true", "false", "true", "true", "false", "false", "false"};
  for (uint32_t i = 0; i < 7; ++i) {
    Results r = evalBoth(*f, i);
    EXPECT_EQ(r.vm, r.reference) << "policy " << i;
    EXPECT_EQ(r.vm, want[i]) << "policy " << i;
  }
}

TEST(Vm, BodyEntrySkipsTheScope) {
  auto f = makeFixture(R"(permit(principal == User::"bob", action, resource) when { context.flag };)");
  ASSERT_TRUE(f);
  rt::World world(f->prepared);
  rt::EvalError error;
  ++f->scratch.epoch;
  EXPECT_EQ(rt::evaluatePolicy(*f->program, 0, true, world, f->scratch, error),
            rt::PolicyOutcome::NotSatisfied);
  EXPECT_EQ(rt::evaluatePolicy(*f->program, 0, false, world, f->scratch, error),
            rt::PolicyOutcome::Satisfied);
}

TEST(Vm, SharedNodesAreMemoisedPerDecision) {
  const char *policies = R"(
permit(principal, action, resource) when { principal.age + context.n + 1 > 18 };
permit(principal, action, resource) when { principal.age + context.n + 1 > 18 && context.flag };
forbid(principal, action, resource) when { principal.age + context.n + 1 > 18 || context.nope };
)";
  auto f = makeFixture(policies);
  ASSERT_TRUE(f);
  EXPECT_GE(f->program->getNumMemoSlots(), 1u);
  for (uint32_t i = 0; i < 3; ++i) {
    Results r = evalBoth(*f, i);
    EXPECT_EQ(r.vm, "true") << "policy " << i;
  }
  // Within one decision the memo answers; a new epoch recomputes.
  rt::World world(f->prepared);
  rt::EvalError error;
  ++f->scratch.epoch;
  EXPECT_EQ(rt::evaluatePolicy(*f->program, 0, true, world, f->scratch, error),
            rt::PolicyOutcome::Satisfied);
  size_t filled = 0;
  for (const rt::EvalScratch::MemoSlot &s : f->scratch.memo)
    filled += s.epoch == f->scratch.epoch;
  EXPECT_GE(filled, 1u);
  EXPECT_EQ(rt::evaluatePolicy(*f->program, 1, true, world, f->scratch, error),
            rt::PolicyOutcome::Satisfied);
  EXPECT_EQ(rt::evaluatePolicy(*f->program, 2, true, world, f->scratch, error),
            rt::PolicyOutcome::Satisfied);
}

TEST(Vm, ErrorsInSharedNodesRepeatForEachPolicy) {
  const char *policies = R"(
permit(principal, action, resource) when { principal.nope + 1 > 0 };
permit(principal, action, resource) when { context.flag && principal.nope + 1 > 0 };
)";
  auto f = makeFixture(policies);
  ASSERT_TRUE(f);
  for (uint32_t i = 0; i < 2; ++i) {
    Results r = evalBoth(*f, i);
    EXPECT_EQ(r.vm, r.reference);
    EXPECT_EQ(r.vm, "error: User::\"alice\" does not have the attribute `nope`");
  }
}

TEST(Vm, EvaluationDoesNotAllocate) {
  auto f = makeFixture(R"(
permit(principal in Group::"top", action in [Action::"read"], resource is Photo)
  when { [context.n, principal.age].contains(30) && {a: context.s}.a like "h*" &&
         context.ip.isInRange(ip("10.0.0.0/8")) &&
         ip(if context.ip == ip("1.2.3.4") then "::1" else "::2").isIpv6() };
permit(principal, action, resource) when { principal.getTag("t") == "v" && principal.nope };
forbid(principal, action, resource) when { decimal(context.s) == context.dec };
)");
  ASSERT_TRUE(f);
  rt::World world(f->prepared);
  rt::EvalError error;
  rt::PolicyOutcome outcomes[2][3];
  for (int round = 0; round < 2; ++round) {
    // The first round may grow the scratch arena's first slab.
    CountAllocations counter;
    f->scratch.arena.reset();
    ++f->scratch.epoch;
    for (uint32_t p = 0; p < 3; ++p)
      outcomes[round][p] = rt::evaluatePolicy(*f->program, p, true, world, f->scratch, error);
    if (round == 1) {
      EXPECT_EQ(counter.count(), 0u);
    }
  }
  EXPECT_EQ(outcomes[1][0], rt::PolicyOutcome::Satisfied);
  EXPECT_EQ(outcomes[1][1], rt::PolicyOutcome::Error);
  EXPECT_EQ(outcomes[1][2], rt::PolicyOutcome::Error);
}

// ----------------------------------------------------------------------------
// The generated corpus, policy by policy.
// ----------------------------------------------------------------------------

namespace {

struct PolicyCounts {
  size_t requests = 0, evaluations = 0, agreed = 0, errors = 0, messagesCompared = 0,
         messagesEqual = 0, byActionLookups = 0;
  std::vector<std::string> failures, messageDiffs;
};

void note(std::vector<std::string> &v, const std::string &s) {
  if (v.size() < 20)
    v.push_back(s);
}

std::string outcomeName(rt::PolicyOutcome o) {
  return o == rt::PolicyOutcome::Satisfied      ? "satisfied"
         : o == rt::PolicyOutcome::NotSatisfied ? "not satisfied"
                                                : "error";
}

void runCorpusFile(const std::string &root, const std::string &path, PolicyCounts &counts,
                   rt::EvalScratch &scratch, rt::PreparedRequest &prepared) {
  testlib::CorpusTest c;
  testlib::CompiledCorpusTest compiled;
  std::string error;
  if (!testlib::loadCorpusTest(root, path, c, error) ||
      !testlib::compileCorpusTest(c, path, compiled, error))
    return note(counts.failures, error);
  const json::Json &t = c.test;
  std::optional<ir::Module> &module = compiled.module;
  std::unique_ptr<rt::Program> &program = compiled.program;
  json::JsonError jerr;
  std::string why;
  std::vector<reference::PolicyInstance> policies = reference::collectStaticPolicies(c.loaded.set);
  runtime::EntityView view(*c.store);
  scratch.reserveFor(*program);
  rt::CandidateList candidates, byActionCandidates;
  // The index specialised to the store's actions (what an Engine snapshot
  // builds) must list the same candidates.
  rt::DecisionIndex byAction;
  if (!byAction.buildForActions(program->getPolicies(), program->getActionScopeEntities(),
                                *compiled.flat, SIZE_MAX))
    note(counts.failures, path + ": the per-action index was not built");

  size_t index = 0;
  for (const json::Json &r : t["requests"]) {
    ++counts.requests;
    std::string where = path + " request " + std::to_string(index++);
    std::optional<runtime::Request> request = testlib::parseCorpusRequest(r, &*c.schema, jerr);
    if (!request || !rt::prepareRequest(*compiled.flat, *request, nullptr, prepared, why)) {
      note(counts.failures, where + ": request does not parse or prepare");
      continue;
    }
    reference::Decision want = reference::authorize(policies, *request, view);
    std::map<std::string, std::string> wantMessages;
    for (const reference::PolicyError &e : want.errors)
      wantMessages[e.policyId] = e.message;
    ir::testing::IrInterpreter interp(*module, *request, view);
    rt::World world(prepared);
    scratch.arena.reset();
    ++scratch.epoch;
    program->getIndex().lookup(world, prepared.getPrincipal(), prepared.getAction(),
                               prepared.getResource(), candidates);
    std::sort(candidates.begin(), candidates.end());
    if (byAction.lookupAction(world, prepared.getPrincipal(), prepared.getAction(),
                              prepared.getResource(), byActionCandidates)) {
      ++counts.byActionLookups;
      std::sort(byActionCandidates.begin(), byActionCandidates.end());
      if (byActionCandidates != candidates)
        note(counts.failures, where + ": the per-action index lists other candidates");
    }
    size_t nextCandidate = 0;
    llvm::ArrayRef<ir::Policy> irPolicies = module->getPolicies();
    for (uint32_t p = 0; p < irPolicies.size(); ++p) {
      ++counts.evaluations;
      rt::EvalError error;
      rt::PolicyOutcome got = rt::evaluatePolicy(*program, p, true, world, scratch, error);
      runtime::EvalResult ir = interp.evaluatePolicy(irPolicies[p]);
      rt::PolicyOutcome expected = !ir              ? rt::PolicyOutcome::Error
                                   : ir->getBool() ? rt::PolicyOutcome::Satisfied
                                                   : rt::PolicyOutcome::NotSatisfied;
      std::string id = irPolicies[p].id;
      bool agreed = got == expected;
      // A candidate of the index evaluated from its body agrees as well.
      bool isCandidate = nextCandidate < candidates.size() && candidates[nextCandidate] == p;
      if (isCandidate) {
        ++nextCandidate;
        rt::EvalError bodyError;
        rt::PolicyOutcome body = rt::evaluatePolicy(*program, p, false, world, scratch, bodyError);
        if (body != got) {
          agreed = false;
          note(counts.failures, where + " " + id + ": from the body " + outcomeName(body) +
                                    ", with the scope " + outcomeName(got));
        }
      }
      if (!agreed)
        note(counts.failures, where + " " + id + ": VM " + outcomeName(got) + ", IR " +
                                  outcomeName(expected));
      counts.agreed += agreed;
      if (got != rt::PolicyOutcome::Error)
        continue;
      ++counts.errors;
      auto it = wantMessages.find(id);
      if (it == wantMessages.end())
        continue;
      ++counts.messagesCompared;
      std::string message = rt::formatEvalError(error, *program, world);
      if (message == it->second)
        ++counts.messagesEqual;
      else
        note(counts.messageDiffs, where + " " + id + ": VM `" + message + "`, reference `" +
                                      it->second + "`");
    }
  }
}

} // namespace

TEST(Vm, AgreesPolicyByPolicyOnGeneratedCorpus) {
  std::string error;
  std::string root = testlib::unpackedCorpusDir(&error);
  ASSERT_FALSE(root.empty()) << error;
  auto start = std::chrono::steady_clock::now();
  PolicyCounts counts;
  rt::EvalScratch scratch;
  rt::PreparedRequest prepared;
  for (const std::string &f : testlib::listFiles(root + "/corpus-tests", ".json")) {
    if (f.size() > 14 && f.compare(f.size() - 14, 14, ".entities.json") == 0)
      continue;
    runCorpusFile(root, f, counts, scratch, prepared);
  }
  // The hand-written tests, which have several policies each.
  std::string shared = testlib::sharedCorpusDir();
  if (!shared.empty())
    for (const std::string &f : testlib::listFiles(shared + "/tests", ".json"))
      runCorpusFile(shared, f, counts, scratch, prepared);
  std::cout << "vm corpus: " << counts.requests << " requests, " << counts.evaluations
            << " policy evaluations, " << counts.agreed << " agree with the IR; "
            << counts.errors << " errors, " << counts.messagesEqual << " of "
            << counts.messagesCompared << " messages equal the reference's; "
            << counts.byActionLookups << " per-action index lookups ("
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count()
            << " ms)\n";
  for (const std::string &f : counts.failures)
    ADD_FAILURE() << f;
  for (const std::string &f : counts.messageDiffs)
    ADD_FAILURE() << f;
  EXPECT_GE(counts.requests, 62472u);
  // Most corpus requests name an action of their store.
  EXPECT_GT(counts.byActionLookups, counts.requests / 2);
  EXPECT_EQ(counts.agreed, counts.evaluations);
  EXPECT_EQ(counts.messagesEqual, counts.messagesCompared);
  EXPECT_GT(counts.messagesCompared, 0u);
}

// The per-action index lists the same candidates as the policy-only trie,
// and over its cap it is not built: it then knows no action, so a decision
// falls back to the policy-only trie (authorize.cpp).
TEST(Vm, PerActionIndexAgreesAndIsSkippedOverItsCap) {
  auto f = makeFixture("permit(principal, action, resource);\n"
                       "permit(principal in Group::\"top\", action in Action::\"read\", resource);\n"
                       "forbid(principal, action == Action::\"edit\", resource);\n"
                       "permit(principal, action == Action::\"view\", resource is Photo);");
  ASSERT_TRUE(f);
  const rt::Program &p = *f->program;
  rt::World world(f->prepared);
  rt::CandidateList generic, byActionList;
  p.getIndex().lookup(world, f->prepared.getPrincipal(), f->prepared.getAction(),
                      f->prepared.getResource(), generic);
  std::sort(generic.begin(), generic.end());
  EXPECT_EQ(generic, (rt::CandidateList{0, 1, 3}));
  rt::DecisionIndex byAction;
  ASSERT_TRUE(byAction.buildForActions(p.getPolicies(), p.getActionScopeEntities(), *f->flat,
                                       SIZE_MAX));
  ASSERT_TRUE(byAction.lookupAction(world, f->prepared.getPrincipal(), f->prepared.getAction(),
                                    f->prepared.getResource(), byActionList));
  std::sort(byActionList.begin(), byActionList.end());
  EXPECT_EQ(byActionList, generic);
  // Nodes that test nothing more are linked out (DecisionIndex::
  // skipPassThroughs): the resource nodes with only `any` below read's and
  // edit's `any` and below `principal in Group::"top"` at read and view,
  // and the `is Photo` sub-node below view's `any` resource node (which
  // tests `is Photo`, and stays). 16 nodes less those 5.
  EXPECT_EQ(byAction.getNumNodes(), 11u);
  // Three store actions (view, read, and edit, which only a policy names):
  // 3 + 2 + 1 + 1 (policy, action) pairs, so a cap of 6 is exceeded.
  rt::DecisionIndex capped;
  EXPECT_FALSE(capped.buildForActions(p.getPolicies(), p.getActionScopeEntities(), *f->flat, 6));
  EXPECT_FALSE(capped.lookupAction(world, f->prepared.getPrincipal(), f->prepared.getAction(),
                                   f->prepared.getResource(), byActionList));
  EXPECT_TRUE(capped.buildForActions(p.getPolicies(), p.getActionScopeEntities(), *f->flat, 7));
}
