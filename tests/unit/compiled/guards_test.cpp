// Tests of policy guards (runtime/compiled/guards.h): which leading
// comparisons become a policy's guard (read from `larch compile --dump`'s
// text), and decisions through guards agreeing with the reference evaluator
// and the all-candidates mode (which never uses them) where a guard cannot
// decide: attributes missing, values of another kind, a nested attribute
// of an entity, an error after a true test, none after a false one.
#include "larch/engine.h"
#include "unit/compiled/compile_policies.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace larch;

namespace {

const char *const Entities = R"([
  {"uid": {"type": "User", "id": "u"},
   "attrs": {"level": 3, "name": "u", "boss": {"__entity": {"type": "User", "id": "b"}}},
   "parents": [{"type": "Team", "id": "t"}]},
  {"uid": {"type": "User", "id": "b"}, "attrs": {"level": 9}, "parents": []},
  {"uid": {"type": "Doc", "id": "d"},
   "attrs": {"sensitivity": 2, "label": "x", "team": {"__entity": {"type": "Team", "id": "t"}},
             "owner": {"__entity": {"type": "User", "id": "u"}}},
   "parents": []},
  {"uid": {"type": "Team", "id": "t"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Doc", "id": "bare"}, "attrs": {}, "parents": []}
])";

/// The guard lines of the policies' dump, one per policy ("-" for none).
std::vector<std::string> guardLines(const std::string &policies) {
  std::unique_ptr<testing_compiled::Compiled> c = testing_compiled::compile(policies);
  if (!c->program)
    return {};
  std::string dump = c->program->dump();
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = dump.find('\n', at)) != std::string::npos) {
    ++at;
    size_t end = dump.find('\n', at);
    std::string line = dump.substr(at, end - at);
    if (line.rfind("  ", 0) == 0 && (line.find(": permit `") != std::string::npos ||
                                     line.find(": forbid `") != std::string::npos))
      out.push_back("-");
    if (line.rfind("    guard ", 0) == 0)
      out.back() = line.substr(10);
  }
  return out;
}

std::string request(const std::string &principal, const std::string &resource,
                    const std::string &context) {
  return R"({"principal":{"type":"User","id":")" + principal +
         R"("},"action":{"type":"Action","id":"a"},"resource":{"type":"Doc","id":")" +
         resource + R"("},"context":)" + context + "}";
}

/// The compiled (indexed), compiled (all candidates) and reference engines
/// over `policies` and Entities, in that order; none if a load fails.
std::vector<Engine> loadEngines(const std::string &policies) {
  std::vector<Engine> engines(3);
  const Evaluator evaluators[] = {Evaluator::Compiled, Evaluator::CompiledAllCandidates,
                                  Evaluator::Reference};
  for (int e = 0; e < 3; ++e) {
    engines[e].setEvaluator(evaluators[e]);
    if (!engines[e].loadPolicyText("g.cedar", policies).ok ||
        !engines[e].loadEntitiesJson("e.json", Entities).ok)
      return {};
  }
  return engines;
}

/// Decides every (principal, resource, context) on the three engines and
/// expects the first two to answer as the reference; returns how many.
int checkAgreement(std::vector<Engine> &engines, const std::vector<std::string> &principals,
                   const std::vector<std::string> &resources,
                   const std::vector<std::string> &contexts) {
  int checked = 0;
  for (const std::string &principal : principals)
    for (const std::string &resource : resources)
      for (const std::string &context : contexts) {
        std::string line = request(principal, resource, context);
        std::string want = engines[2].authorizeJson(line).toJson();
        EXPECT_EQ(engines[0].authorizeJson(line).toJson(), want) << line;
        EXPECT_EQ(engines[1].authorizeJson(line).toJson(), want) << line;
        ++checked;
      }
  return checked;
}

} // namespace

TEST(Guards, LeadingComparisonsWithConstantsBecomeTheGuard) {
  std::vector<std::string> got = guardLines(R"(
permit(principal, action, resource) when { resource.sensitivity <= 2 && context.risk < 80 };
permit(principal, action, resource) when { context.agent.depth > 4 };
permit(principal, action, resource) when { resource.sensitivity >= 2 } unless { context.ok };
permit(principal, action, resource) when { context.a == 1 && context.b != 2 && context.c < 3 };
permit(principal, action, resource) when { context.s == "x" };
permit(principal, action, resource) when { context.s like "x*" && context.risk < 80 };
permit(principal, action, resource) when { context.risk < 80 && context.s like "x*" };
permit(principal, action, resource) when { context.t < context.u };
permit(principal, action, resource) when { !(context.risk < 80) };
permit(principal, action, resource) when { context.now < datetime("2024-01-01") };
permit(principal, action, resource) when { context.risk < 80 || context.risk > 90 };
permit(principal, action, resource) when { context.agent has approval && context.agent.approval.n < 3 };
permit(principal, action, resource) when { principal has x && context.risk < 3 };
permit(principal, action, resource) when { context.agent.approval has n };
permit(principal, action, resource) when { context.ip.isInRange(ip("10.0.0.0/8")) };
forbid(principal, action, resource) unless { context.ip.isInRange(ip("10.0.0.0/8")) || context.ip.isInRange(ip("192.168.1.0/24")) };
forbid(principal, action, resource) unless { context.agent has approval && context.now < context.agent.approval.expires };
permit(principal, action, resource) when { context.ip.isInRange(context.range) };
permit(principal, action, resource) when { context.ip.isInRange(ip("10.0.0.0/8")) && context.risk < 5 };
permit(principal, action, resource) when { context.ip.isLoopback() };
permit(principal, action, resource) when { principal in resource.team };
permit(principal, action, resource) when { principal.boss in resource.team && context.risk < 5 };
forbid(principal, action, resource) unless { principal in resource.team };
permit(principal, action, resource) when { principal in resource.teams.first };
permit(principal, action, resource) when { resource.owner == principal };
permit(principal, action, resource) when { principal == resource.owner && resource.team == principal.team && context.risk < 5 && context.x };
forbid(principal, action, resource) unless { resource.team != principal.team };
permit(principal, action, resource) when { principal in resource };
)");
  EXPECT_EQ(got, (std::vector<std::string>{
                     "resource.sensitivity <= 2 && context.risk < 80 (whole condition)",
                     "context.agent.depth > 4 (whole condition)",
                     "resource.sensitivity >= 2, then @10",
                     "context.a == 1 && context.b != 2 && context.c < 3 (whole condition)",
                     "-", // equality with a string compares contents
                     "context.s like p0 && context.risk < 80 (whole condition)",
                     "context.risk < 80 && context.s like p0 (whole condition)",
                     "context.t < context.u (whole condition)", // between two paths
                     "context.risk >= 80 (whole condition)", // `!` folded into the test
                     "context.now < datetime(\"1970-01-01\").offset(duration(\"1704067200000ms\")) "
                     "(whole condition)",
                     // `||`: a true first operand ends the policy, satisfied
                     "!(context.risk < 80) (failing: satisfied) && context.risk > 90 "
                     "(whole condition)",
                     "context.agent has approval, then @57",
                     "principal has x && context.risk < 3 (whole condition)",
                     "-", // `has` of an attribute two deep
                     "context.ip.isInRange(ip(\"10.0.0.0/8\")) (whole condition)",
                     // `unless` negates; a true first operand of `||` ends it
                     "!(context.ip.isInRange(ip(\"10.0.0.0/8\"))) && "
                     "!(context.ip.isInRange(ip(\"192.168.1.0/24\"))) (whole condition)",
                     // no approval: the `unless` is false, the forbid applies
                     "context.agent has approval (failing: satisfied) && "
                     "!(context.now < context.agent.approval.expires) (whole condition)",
                     "-", // a range that is not a constant
                     "context.ip.isInRange(ip(\"10.0.0.0/8\")) && context.risk < 5 "
                     "(whole condition)",
                     "-", // other extension methods
                     "principal in resource.team (whole condition)",
                     "principal.boss in resource.team && context.risk < 5 (whole condition)",
                     "!(principal in resource.team) (whole condition)",
                     // an attribute two deep on the right: between two paths
                     "principal in resource.teams.first (whole condition)",
                     "resource.owner == principal (whole condition)",
                     // three tests at most
                     "principal == resource.owner && resource.team == principal.team && "
                     "context.risk < 5, then @149",
                     "resource.team == principal.team (whole condition)", // `unless` of `!=`
                     "principal in resource (whole condition)",
                 }));
}

TEST(Guards, DecisionsAgreeWithTheReferenceWhereGuardsCannotDecide) {
  const std::string policies = R"(
@id("sens") permit(principal, action, resource) when { resource.sensitivity <= 2 && context.risk < 80 };
@id("nest") forbid(principal, action, resource) when { context.agent.depth > 4 };
@id("boss") permit(principal, action, resource) when { principal.boss.level > 5 };
@id("lvl") permit(principal, action, resource) when { principal.level == 3 };
@id("neq") forbid(principal, action, resource) when { principal.level != 3 && context.risk > 10 };
@id("rest") permit(principal, action, resource) when { context.risk < 50 && context.x.y == 1 };
@id("time") forbid(principal, action, resource) when { context.now > datetime("2024-06-01") };
@id("tail") permit(principal, action, resource) when { context.risk < 50 && context.s like "a*" };
@id("has") permit(principal, action, resource) when { principal has level && context.agent has depth };
@id("like") forbid(principal, action, resource) when { context.s like "*b*" && resource has label };
@id("more") permit(principal, action, resource) when { context.risk < 50 && context.x.y == 1 && context.s like "a*" };
@id("appr") forbid(principal, action, resource) when { context.agent has depth && context.agent.depth > 3 && principal.level < 5 };
)";
  const std::vector<std::string> contexts = {
      R"({"risk": 5, "agent": {"depth": 1}, "x": {"y": 1}, "s": "a"})",
      R"({"risk": 90, "agent": {"depth": 7}})",                    // false first, then x errs: not reached
      R"({"risk": 20, "agent": {"depth": "deep"}, "x": {"y": 2}})", // wrong kind: type error
      R"({"risk": "high", "agent": {}})",                          // wrong kind, missing nested
      R"({"agent": 3})",                                           // risk missing, agent not a record
      R"({"risk": 20, "x": 1})",                                   // x.y of a long: error after a true test
      R"({"risk": 1, "now": {"__extn": {"fn": "datetime", "arg": "2025-01-01"}}})",
      R"({"risk": 1, "now": 7})",                                  // datetime compared with a long
      R"({"risk": 1, "agent": {"depth": 5}, "x": {"y": true}, "s": "ab"})", // == with a bool: false
      R"({"risk": 1, "agent": {"depth": 1}, "s": 5})",              // like on a long: type error
  };
  std::vector<Engine> engines = loadEngines(policies);
  ASSERT_EQ(engines.size(), 3u);
  int checked = checkAgreement(engines, {"u", "b", "nobody"}, {"d", "bare", "gone"}, contexts);
  EXPECT_EQ(checked, 90);
  // Spot checks, so that agreement is not agreement on nothing.
  Decision d = engines[0].authorizeJson(request("u", "d", contexts[0]));
  EXPECT_TRUE(d.allowed);
  // `boss` reads an entity's attribute through an entity: its code decides.
  EXPECT_EQ(d.reasons,
            (std::vector<std::string>{"sens", "boss", "lvl", "rest", "tail", "has", "more"}));
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].policy, "time"); // no context.now
  d = engines[0].authorizeJson(request("u", "d", contexts[5]));
  ASSERT_EQ(d.errors.size(), 8u); // all but the five that need nothing missing
  EXPECT_EQ(d.errors[1].policy, "rest"); // after its true guard test
  d = engines[0].authorizeJson(request("u", "d", contexts[8]));
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"nest", "like", "appr"}));
  d = engines[0].authorizeJson(request("u", "d", contexts[2]));
  ASSERT_FALSE(d.errors.empty());
  EXPECT_EQ(d.errors[0].policy, "nest");
}

// Guards whose tests are negated (`unless`, the first operand of `||`) or
// end the policy satisfied, and `isInRange` of a constant range: decisions
// agree with the reference and the all-candidates mode, errors included.
TEST(Guards, NegatedTestsAndRangesAgreeWithTheReference) {
  const std::string policies = R"(
@id("net") forbid(principal, action, resource) unless { context.ip.isInRange(ip("10.0.0.0/8")) || context.ip.isInRange(ip("192.168.1.0/24")) };
@id("appr") forbid(principal, action, resource) unless { context.agent has approval && context.agent.approval.n < 3 };
@id("either") permit(principal, action, resource) when { context.risk < 10 || context.risk > 90 };
@id("lan") permit(principal, action, resource) when { context.ip.isInRange(ip("10.0.0.0/8")) && context.risk < 50 };
@id("deep") permit(principal, action, resource) when { principal.level > 5 || context.agent.approval.n == 1 };
@id("team") permit(principal, action, resource) when { principal in resource.team };
@id("bossteam") permit(principal, action, resource) when { principal.boss in resource.team || context.risk > 90 };
@id("outsider") forbid(principal, action, resource) unless { principal in resource.team };
@id("own") permit(principal, action, resource) when { principal in resource.owner };
)";
  auto ip = [](const std::string &a) { return R"({"__extn": {"fn": "ip", "arg": ")" + a + R"("}})"; };
  const std::vector<std::string> contexts = {
      R"({"risk": 5, "ip": )" + ip("10.1.2.3") + R"(, "agent": {"approval": {"n": 1}}})",
      R"({"risk": 95, "ip": )" + ip("192.168.1.7") + R"(, "agent": {"approval": {"n": 5}}})",
      // approval of a long: `.n` errs after a true `has`
      R"({"risk": 50, "ip": )" + ip("8.8.8.8") + R"(, "agent": {"approval": 3}})",
      R"({"risk": 5, "ip": "10.1.2.3", "agent": {}})", // a string is no ipaddr: type error
      R"({"risk": 5, "ip": )" + ip("::1") + R"(, "agent": {}})", // IPv6 in an IPv4 range: false
      R"({"risk": 20, "ip": )" + ip("10.0.0.0/16") + R"(, "agent": {"approval": {"n": 2}}})",
      R"({"risk": "low", "agent": {"approval": {}}})", // no ip, risk of another kind
      R"({"risk": 95})",                                // no agent
  };
  std::vector<Engine> engines = loadEngines(policies);
  ASSERT_EQ(engines.size(), 3u);
  int checked = checkAgreement(engines, {"u", "b", "nobody"}, {"d", "bare"}, contexts);
  EXPECT_EQ(checked, 48);
  // Spot checks, so that agreement is not agreement on nothing.
  Decision d = engines[0].authorizeJson(request("u", "d", contexts[0]));
  EXPECT_TRUE(d.allowed);
  // `in` is reflexive: u is the document's owner.
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"either", "lan", "deep", "team", "own"}));
  d = engines[0].authorizeJson(request("u", "d", contexts[1]));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"appr"})); // n = 5; the network is allowed
  d = engines[0].authorizeJson(request("u", "d", contexts[4]));
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"net", "appr"})); // no approval: forbidden
  d = engines[0].authorizeJson(request("u", "d", contexts[3]));
  // net and lan: isInRange of a string; deep: no approval, after a false test
  ASSERT_EQ(d.errors.size(), 3u);
  EXPECT_EQ(d.errors[0].policy, "net");
  // No agent: `context.agent has approval` errs (it is not false), so that
  // forbid does not apply; no ip: net and lan err; b has no boss. b is not
  // in the document's team: forbidden.
  d = engines[0].authorizeJson(request("b", "d", contexts[7]));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"outsider"}));
  ASSERT_EQ(d.errors.size(), 4u);
  EXPECT_EQ(d.errors[1].policy, "appr");
  EXPECT_EQ(d.errors[3].policy, "bossteam");
  // A document without a team: the three policies on `resource.team` err
  // (an erring forbid forbids nothing), and the others decide as before.
  d = engines[0].authorizeJson(request("u", "bare", contexts[0]));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"either", "lan", "deep"}));
  ASSERT_EQ(d.errors.size(), 4u);
  EXPECT_EQ(d.errors[2].policy, "outsider");
}

// Every ordering is decided as `x < k`, negated or not (GuardTest::Form):
// `<= k` as `< k + 1`, `> k` as `!(< k + 1)`, and at the largest long,
// where k + 1 does not exist, as a test that always or never holds. Each
// operator, plain and negated, against values at and beside the constant
// and at both ends of the longs, agrees with the reference.
TEST(Guards, EveryOrderingAgreesWithTheReferenceAtTheEndsOfTheLongs) {
  std::string policies;
  const std::vector<std::string> constants = {"-9223372036854775808", "-1", "0", "7",
                                              "9223372036854775807"};
  int id = 0;
  for (const char *op : {"<", "<=", ">", ">=", "==", "!="})
    for (const std::string &k : constants) {
      const std::string test = std::string("context.x ") + op + " " + k;
      policies += "@id(\"p" + std::to_string(id++) + "\") permit(principal, action, resource) when { " +
                  test + " };\n";
      policies += "@id(\"n" + std::to_string(id++) + "\") forbid(principal, action, resource) unless { " +
                  test + " };\n";
    }
  std::vector<std::string> guards = guardLines(policies);
  ASSERT_EQ(guards.size(), 60u);
  for (const std::string &g : guards)
    EXPECT_NE(g, "-") << "every test is a guard";
  std::vector<std::string> contexts;
  for (const char *x : {"-9223372036854775808", "-9223372036854775807", "-2", "-1", "0", "6",
                        "7", "8", "9223372036854775806", "9223372036854775807"})
    contexts.push_back(std::string(R"({"x": )") + x + "}");
  std::vector<Engine> engines = loadEngines(policies);
  ASSERT_EQ(engines.size(), 3u);
  EXPECT_EQ(checkAgreement(engines, {"u"}, {"d"}, contexts), 10);
  // Spot checks: at the largest long, `<=` always holds and `>` never does
  // (a satisfied forbid makes the reasons the satisfied forbids).
  Decision d = engines[0].authorizeJson(request("u", "d", contexts[9]));
  const std::vector<std::string> &r = d.reasons;
  EXPECT_EQ(std::find(r.begin(), r.end(), "n19"), r.end()); // unless { x <= max }
  EXPECT_NE(std::find(r.begin(), r.end(), "n29"), r.end()); // unless { x > max }
}

// Tests between two values of the request, `==` (Same) and `in`, with
// either side a variable itself: values of every kind (equal, unequal, of
// different kinds: never an error), a side missing (the code's error), and
// a third test after two: decisions agree with the reference.
TEST(Guards, TestsBetweenTwoValuesAgreeWithTheReference) {
  const std::string policies = R"(
@id("own") permit(principal, action, resource) when { resource.owner == principal };
@id("own2") permit(principal, action, resource) when { principal == resource.owner && context.risk < 50 };
@id("team") forbid(principal, action, resource) when { resource.team == context.team };
@id("notteam") forbid(principal, action, resource) unless { resource.team != context.team };
@id("same") permit(principal, action, resource) when { context.a == context.b };
@id("lvl") permit(principal, action, resource) when { principal.level == context.level && context.risk < 50 && context.risk > 1 };
@id("three") permit(principal, action, resource) when { principal == resource.owner && context.risk < 50 && context.risk > 1 && context.ok };
@id("inself") permit(principal, action, resource) when { principal in resource };
@id("boss") permit(principal, action, resource) when { principal.boss == context.who || context.risk > 90 };
)";
  auto entity = [](const std::string &type, const std::string &id) {
    return R"({"__entity": {"type": ")" + type + R"(", "id": ")" + id + R"("}})";
  };
  const std::vector<std::string> contexts = {
      R"({"risk": 5, "team": )" + entity("Team", "t") +
          R"(, "a": [1, 2], "b": [2, 1], "level": 3, "ok": true, "who": )" + entity("User", "b") +
          "}",
      R"({"risk": 20, "team": )" + entity("Team", "x") +
          R"(, "a": {"k": 1}, "b": {"k": 2}, "level": 9, "ok": false, "who": "b"})",
      R"({"risk": 30, "team": "t", "a": "s", "b": "s", "level": "3", "ok": 1})", // other kinds
      R"({"risk": 95, "a": 1})",                                                 // missing sides
      R"({"risk": 0, "team": )" + entity("Team", "t") + R"(, "a": 1, "b": 1, "level": 3})",
  };
  std::vector<Engine> engines = loadEngines(policies);
  ASSERT_EQ(engines.size(), 3u);
  EXPECT_EQ(checkAgreement(engines, {"u", "b", "nobody"}, {"d", "bare", "gone"}, contexts), 45);
  std::vector<std::string> guards = guardLines(policies);
  ASSERT_EQ(guards.size(), 9u);
  // `team` and `notteam` are one condition, so they run one copy of it.
  EXPECT_EQ(guards[6], "principal == resource.owner && context.risk < 50 && context.risk > 1, "
                       "then @41");
  // Spot checks, so that agreement is not agreement on nothing.
  Decision d = engines[0].authorizeJson(request("u", "d", contexts[1]));
  EXPECT_TRUE(d.allowed); // records {k: 1} and {k: 2} differ; levels 3 and 9
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"own", "own2"}));
  d = engines[0].authorizeJson(request("u", "d", contexts[0]));
  EXPECT_FALSE(d.allowed); // the document's team is the context's
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"team", "notteam"}));
  d = engines[0].authorizeJson(request("u", "bare", contexts[3]));
  // bare has no owner or team; the context has no b, level or who: all
  // but `inself` err
  EXPECT_EQ(d.errors.size(), 8u);
}

// Guards on the action's attributes, `has` among them (a guard given no
// attributes for the action would say it has none), agree with the
// reference and the all-candidates mode.
TEST(Guards, GuardsOnTheActionsAttributesAgreeWithTheReference) {
  const std::string policies = R"(
@id("low") permit(principal, action, resource) when { action.risk < 5 };
@id("secret") forbid(principal, action, resource) when { action has secret && principal.level == 3 };
@id("open") permit(principal, action, resource) unless { action has secret };
@id("both") permit(principal, action, resource) when { principal.level == 3 && action.risk == 4 };
@id("team") permit(principal, action, resource) when { resource.team == action.team };
)";
  const std::string entities = R"([
    {"uid": {"type": "User", "id": "u"}, "attrs": {"level": 3}, "parents": []},
    {"uid": {"type": "Doc", "id": "d"}, "attrs": {"team": {"__entity": {"type": "Team", "id": "t"}}},
     "parents": []},
    {"uid": {"type": "Action", "id": "a"},
     "attrs": {"risk": 4, "secret": true, "team": {"__entity": {"type": "Team", "id": "t"}}},
     "parents": []},
    {"uid": {"type": "Action", "id": "b"}, "attrs": {"risk": 7}, "parents": []}
  ])";
  std::vector<Engine> engines(3);
  const Evaluator evaluators[] = {Evaluator::Compiled, Evaluator::CompiledAllCandidates,
                                  Evaluator::Reference};
  for (int e = 0; e < 3; ++e) {
    engines[e].setEvaluator(evaluators[e]);
    ASSERT_TRUE(engines[e].loadPolicyText("g.cedar", policies).ok);
    ASSERT_TRUE(engines[e].loadEntitiesJson("e.json", entities).ok);
  }
  int checked = 0;
  for (const char *action : {"a", "b", "none"})
    for (const char *principal : {"u", "nobody"}) {
      std::string line = R"({"principal":{"type":"User","id":")" + std::string(principal) +
                         R"("},"action":{"type":"Action","id":")" + action +
                         R"("},"resource":{"type":"Doc","id":"d"},"context":{}})";
      std::string want = engines[2].authorizeJson(line).toJson();
      EXPECT_EQ(engines[0].authorizeJson(line).toJson(), want) << line;
      EXPECT_EQ(engines[1].authorizeJson(line).toJson(), want) << line;
      ++checked;
    }
  EXPECT_EQ(checked, 6);
  Decision d = engines[0].authorizeJson(
      R"({"principal":{"type":"User","id":"u"},"action":{"type":"Action","id":"a"},)"
      R"("resource":{"type":"Doc","id":"d"},"context":{}})");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"secret"}));
  // The guards of `secret` and `open` test the action's attribute.
  const std::vector<std::string> guards = guardLines(policies);
  ASSERT_EQ(guards.size(), 5u);
  EXPECT_EQ(guards[1], "action has secret && principal.level == 3 (whole condition)");
  EXPECT_EQ(guards[2], "!(action has secret) (whole condition)");
}

TEST(Guards, PoliciesWithOneConditionDecideAsTheReferenceThroughItsOneCopy) {
  // The same condition under different scopes and effects (and written as
  // `unless` of its negation, which lowers to the same node), with a guard
  // that decides it, a guard that leaves the rest to the code, and none.
  const std::string policies = R"(
@id("p1") permit(principal, action, resource) when { principal.level > 2 && context.tags.contains(principal.name) };
@id("f1") forbid(principal == User::"u", action, resource) when { principal.level > 2 && context.tags.contains(principal.name) };
@id("p2") permit(principal, action == Action::"a", resource is Doc) when { principal.level > 2 && context.tags.contains(principal.name) };
@id("p3") permit(principal, action, resource) when { context.risk < 50 };
@id("f3") forbid(principal in Team::"t", action, resource) unless { context.risk >= 50 };
@id("e1") permit(principal, action, resource) when { context.deep.x == 1 };
@id("e2") forbid(principal is User, action, resource) when { context.deep.x == 1 };
)";
  const std::vector<std::string> contexts = {
      R"({"risk": 5, "tags": ["u", "b"], "deep": {"x": 1}})",
      R"({"risk": 70, "tags": [], "deep": {"x": 2}})",
      R"({"risk": 10})",                                 // no tags, no deep: errors
      R"({"risk": "high", "tags": "u", "deep": 1})",     // other kinds: errors
  };
  std::vector<Engine> engines = loadEngines(policies);
  ASSERT_EQ(engines.size(), 3u);
  EXPECT_EQ(checkAgreement(engines, {"u", "b", "nobody"}, {"d", "bare"}, contexts), 24);
  // One copy of each condition: p1, f1 and p2 share their code, as do p3
  // and f3, and e1 and e2.
  std::unique_ptr<testing_compiled::Compiled> c = testing_compiled::compile(policies);
  ASSERT_TRUE(c->program);
  llvm::ArrayRef<rt::PolicyInfo> info = c->program->getPolicies();
  ASSERT_EQ(info.size(), 7u);
  for (auto [a, b] : {std::pair{0, 1}, {0, 2}, {3, 4}, {5, 6}}) {
    EXPECT_EQ(info[a].bodyEntry, info[b].bodyEntry) << a << " " << b;
    EXPECT_EQ(info[a].codeEnd, info[b].codeEnd) << a << " " << b;
  }
  EXPECT_NE(info[0].bodyEntry, info[3].bodyEntry);
  // A policy with scope tests jumps from them to the shared code; one
  // without starts there.
  EXPECT_EQ(info[0].scopeEntry, info[0].bodyEntry);
  llvm::ArrayRef<rt::Insn> code = c->program->getCode();
  EXPECT_EQ(code[info[1].scopeEntry].op, rt::Opcode::ScopePrincipal);
  EXPECT_EQ(code[info[1].scopeEntry + 1].op, rt::Opcode::Jump);
  EXPECT_EQ(code[info[1].scopeEntry + 1].a, info[1].bodyEntry);
  EXPECT_EQ(info[3].scopeEntry, info[3].bodyEntry);
  EXPECT_NE(info[4].scopeEntry, info[4].bodyEntry);
  // Spot checks, so that agreement is not agreement on nothing.
  Decision d = engines[0].authorizeJson(request("u", "d", contexts[0]));
  EXPECT_FALSE(d.allowed); // f1 and f3 hold for u
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"f1", "f3", "e2"}));
  d = engines[0].authorizeJson(request("b", "d", contexts[0]));
  EXPECT_FALSE(d.allowed); // e2 holds for every User
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"e2"}));
  d = engines[0].authorizeJson(request("b", "d", contexts[2]));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"p3"}));
  // Each policy reports its own error from the one copy of its code.
  std::vector<std::string> erring;
  for (const auto &e : d.errors)
    erring.push_back(e.policy);
  EXPECT_EQ(erring, (std::vector<std::string>{"p1", "p2", "e1", "e2"}));
}

// Tests between two paths of the request (up to three attributes deep:
// `<`, `<=`, `==`, `in`, `.contains()`) and comparisons of an attribute's
// `toTime()` with a duration: their guards, and decisions that agree with
// the reference and the all-candidates mode on values of every kind,
// missing attributes, a path through an entity (the code's to read), a
// set on the right of `in`, and a datetime before 1970.
TEST(Guards, TestsBetweenPathsAndOfTimesAgreeWithTheReference) {
  const std::string policies = R"(
@id("fresh") forbid(principal, action, resource) unless { context.agent has approval && context.now < context.agent.approval.expires };
@id("named") permit(principal, action, resource) when { context.agent has approval && context.agent.approval.actions.contains(action) && context.now <= context.agent.approval.expires && context.risk < 50 };
@id("hours") forbid(principal, action, resource) when { context.risk >= 2 } unless { context.now.toTime() >= duration("6h") && context.now.toTime() < duration("18h") };
@id("noon") permit(principal, action, resource) when { context.now.toTime() <= duration("12h") || context.now.toTime() > duration("23h") };
@id("tags") permit(principal, action, resource) when { context.tags.contains(principal.name) };
@id("who") permit(principal, action, resource) when { resource.owner == context.who.user };
@id("within") permit(principal, action, resource) when { principal in context.who.team };
@id("bosslvl") permit(principal, action, resource) when { principal.boss.level <= context.who.level };
@id("time5") permit(principal, action, resource) when { context.now.toTime() < 5 };
)";
  auto dt = [](const std::string &t) {
    return R"({"__extn": {"fn": "datetime", "arg": ")" + t + R"("}})";
  };
  auto entity = [](const std::string &type, const std::string &id) {
    return R"({"__entity": {"type": ")" + type + R"(", "id": ")" + id + R"("}})";
  };
  const std::string approval =
      R"("approval": {"actions": [)" + entity("Action", "x") + ", " + entity("Action", "a") +
      R"(], "expires": )" + dt("2026-11-30T12:00:00Z") + "}";
  const std::string who = R"("who": {"user": )" + entity("User", "u") + R"(, "team": )" +
                          entity("Team", "t") + R"(, "level": 9})";
  const std::vector<std::string> contexts = {
      // approval still valid, in office hours, u's name tagged
      R"({"risk": 5, "now": )" + dt("2026-11-30T09:30:00Z") + R"(, "agent": {)" + approval +
          R"(}, "tags": ["u"], )" + who + "}",
      // approval expired, at night
      R"({"risk": 60, "now": )" + dt("2026-11-30T23:30:00Z") + R"(, "agent": {)" + approval +
          R"(}, "tags": [], )" + who + "}",
      // exactly at expiry: `<` false, `<=` true; exactly 18h and 12h
      R"({"risk": 5, "now": )" + dt("2026-11-30T12:00:00Z") + R"(, "agent": {)" + approval +
          R"(}, "tags": ["b", "u"]})",
      // before 1970: toTime() counts from that day's midnight (23h)
      R"({"risk": 5, "now": )" + dt("1969-12-31T23:00:00Z") +
          R"(, "agent": {}, "tags": "u", "who": {"user": "u", "team": [], "level": "9"}})",
      // values of other kinds: a long for a datetime, a record for the set
      R"({"risk": 5, "now": 7, "agent": {"approval": {"actions": {"a": 1}, "expires": 3}},)"
      R"( "who": 1})",
      // missing sides: no now, no expires, no actions
      R"({"risk": 5, "agent": {"approval": {}}, "who": {}})",
      R"({"risk": 5, "now": )" + dt("2026-11-30T18:00:00Z") +
          R"(, "agent": {"approval": {"actions": [], "expires": )" +
          R"({"__extn": {"fn": "duration", "arg": "1h"}}}}, "tags": [1, "u"]})",
  };
  std::vector<Engine> engines = loadEngines(policies);
  ASSERT_EQ(engines.size(), 3u);
  EXPECT_EQ(checkAgreement(engines, {"u", "b", "nobody"}, {"d", "bare", "gone"}, contexts), 63);
  const std::vector<std::string> guards = guardLines(policies);
  ASSERT_EQ(guards.size(), 9u);
  EXPECT_EQ(guards[0], "context.agent has approval (failing: satisfied) && "
                       "!(context.now < context.agent.approval.expires) (whole condition)");
  // three tests at most: the fourth is the code's
  EXPECT_EQ(guards[1].substr(0, guards[1].find(", then @")),
            "context.agent has approval && context.agent.approval.actions.contains(action) && "
            "context.now <= context.agent.approval.expires");
  EXPECT_EQ(guards[2], "context.risk >= 2 && context.now.toTime() >= duration(\"21600000ms\") "
                       "(failing: satisfied) && !(context.now.toTime() < "
                       "duration(\"64800000ms\")) (whole condition)");
  EXPECT_EQ(guards[4], "context.tags.contains(principal.name) (whole condition)");
  EXPECT_EQ(guards[5], "resource.owner == context.who.user (whole condition)");
  EXPECT_EQ(guards[6], "principal in context.who.team (whole condition)");
  EXPECT_EQ(guards[7], "principal.boss.level <= context.who.level (whole condition)");
  EXPECT_EQ(guards[8], "-"); // a duration compared with a long always errs
  // Spot checks, so that agreement is not agreement on nothing.
  Decision d = engines[0].authorizeJson(request("u", "d", contexts[0]));
  EXPECT_TRUE(d.allowed);
  // u's boss is an entity: the code reads its level.
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"named", "noon", "tags", "who", "within",
                                                 "bosslvl"}));
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].policy, "time5");
  d = engines[0].authorizeJson(request("u", "d", contexts[1]));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"fresh", "hours"}));
  d = engines[0].authorizeJson(request("u", "d", contexts[2]));
  EXPECT_FALSE(d.allowed); // `now < expires` fails at expiry
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"fresh"}));
  d = engines[0].authorizeJson(request("b", "d", contexts[3]));
  // No approval, and 23h is out of office hours: forbidden twice.
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"fresh", "hours"}));
  // Longs compare as longs (7 < 3 is false: forbidden); `contains` of a
  // record, toTime() of a long and attributes of a long err.
  d = engines[0].authorizeJson(request("u", "d", contexts[4]));
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"fresh"}));
  ASSERT_EQ(d.errors.size(), 8u);
  EXPECT_EQ(d.errors[0].policy, "named");
  EXPECT_EQ(d.errors[0].message, "type error: expected set, got record");
}
