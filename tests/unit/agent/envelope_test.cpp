// The agent envelope (docs/agents.md; compiler/agent/): times, every check
// with its error text, the values of `context.agent`, the two JSON readers
// (the fast decoder and the reference parser) against each other, and whole
// requests decided through the Engine by every evaluator, from JSON, from the
// C++ API and with a schema.
#include "compiler/agent/envelope_context.h"
#include "compiler/agent/envelope_json.h"
#include "compiler/agent/envelope_time.h"
#include "compiler/json/request_decoder.h"
#include "compiler/json/request_json.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "larch/engine.h"
#include "support/diagnostic_engine.h"
#include "testlib/run_cli.h"
#include "runtime/compiled/flat_store.h"

#include <gtest/gtest.h>

using namespace larch;
using runtime::Value;

namespace {

// 2026-11-28T19:32:33Z
constexpr int64_t Now = 1795894353000;

const char *Principal = R"("principal": {"type": "Agent", "id": "coder-1"},)"
                        R"("action": {"type": "Action", "id": "push"},)"
                        R"("resource": {"type": "Repo", "id": "larch"})";

/// A request line with `extra` members (`"agent": {..}`, `"time": ..`).
std::string requestWith(const std::string &extra) {
  return std::string("{") + Principal + (extra.empty() ? "" : ", " + extra) + "}";
}

const char *FullAgent = R"("agent": {
  "instance": "spiffe://acme.dev/agent/coder/instance/7f3a",
  "owner": {"type": "Human", "id": "alice"},
  "session": "s-42",
  "credential": {"id": "cred-9", "issued_at": "2026-11-28T19:30:00Z",
                 "expires_at": "2026-11-28T19:45:00Z", "scopes": ["repo:write", "repo:read"]},
  "approval": {"id": "apr-7", "approver": {"type": "Human", "id": "bob"},
               "actions": [{"type": "Action", "id": "push"}],
               "task": "T-1", "intent": "fix the failing build",
               "expires_at": "2026-11-28T23:00:00Z"},
  "delegation": [{"type": "Human", "id": "alice"},
                 "Agent::\"planner-3\"",
                 {"__entity": {"type": "Agent", "id": "coder-1"}}]})";

const char *Time = R"("time": "2026-11-28T19:32:33Z")";

std::string fullRequest() { return requestWith(std::string(Time) + ", " + FullAgent); }

/// An envelope with only the required members, and `more` inside it.
std::string minimalAgent(const std::string &more = "") {
  return R"("agent": {"instance": "i-1", "owner": "Human::\"alice\"")" +
         (more.empty() ? "" : ", " + more) + "}";
}

/// Both readers on one line: "" when they agree (on the error, or on the
/// values and the agent part), else why not. `error` gets the error text.
class BothReaders {
public:
  BothReaders() {
    std::string why;
    flat = rt::FlatStore::build(rt::SymbolTable(), entities, why);
  }

  std::string check(const std::string &line, std::string *errorOut = nullptr,
                    const schema::Schema *schema = nullptr) {
    json::JsonError refError;
    std::optional<json::ParsedRequest> ref;
    if (std::optional<json::Json> j = json::parseJsonText(line, refError))
      ref = json::parseRequestJson(*j, schema, refError, Now);
    prepared.clear(*flat);
    json::JsonError error;
    bool ok = decoder.decode(line, schema, entities, prepared, error, Now);
    if (errorOut)
      *errorOut = ok ? "" : error.str();
    if (ok != ref.has_value())
      return ok ? "decoder accepts, reference says: " + refError.str()
                : "decoder rejects (" + error.str() + "), reference accepts";
    if (!ok)
      return error.str() == refError.str()
                 ? ""
                 : "errors differ: `" + error.str() + "` vs `" + refError.str() + "`";
    rt::World world(prepared);
    Value context = world.toValue(prepared.getContext());
    if (context != ref->request.context)
      return "contexts differ: " + context.str() + " vs " + ref->request.context.str();
    const agent::AgentPart &a = decoder.getAgentPart(), &b = ref->agentPart;
    if (a.timeMillis != b.timeMillis || a.hasAgent != b.hasAgent)
      return "agent parts differ";
    lastContext = context;
    lastRoute = decoder.getLastRoute();
    return "";
  }

  Value lastContext;
  json::RequestDecoder::Route lastRoute = json::RequestDecoder::Route::Fast;

private:
  runtime::EntityStore entities;
  std::unique_ptr<rt::FlatStore> flat;
  rt::PreparedRequest prepared;
  json::RequestDecoder decoder;
};

/// The error both readers report for `line` (failing the test if they
/// disagree or accept it).
std::string errorOf(const std::string &line) {
  BothReaders r;
  std::string error;
  std::string diff = r.check(line, &error);
  EXPECT_EQ(diff, "") << line;
  EXPECT_NE(error, "") << "accepted: " << line;
  return error;
}

Value agentOf(const std::string &line) {
  BothReaders r;
  std::string error;
  EXPECT_EQ(r.check(line, &error), "") << line;
  EXPECT_EQ(error, "") << line;
  if (!error.empty())
    return Value();
  const Value *a = r.lastContext.findField("agent");
  EXPECT_TRUE(a) << r.lastContext.str();
  return a ? *a : Value();
}

Value dt(const char *text) {
  int64_t ms = 0;
  std::string why;
  EXPECT_TRUE(agent::parseTime(text, ms, why)) << why;
  return Value::datetime(ext::Datetime::fromMillis(ms));
}
Value dur(int64_t ms) { return Value::duration(ext::Duration::fromMillis(ms)); }
Value ent(const char *type, const char *id) { return Value::entity(type, id); }

} // namespace

// ------------------------------------------------------------------ times

TEST(EnvelopeTime, AcceptsRfc3339AndCedarForms) {
  struct Case {
    const char *text;
    const char *canonical;
  } cases[] = {
      {"2026-11-28T19:30:00Z", "2026-11-28T19:30:00.000Z"},
      {"2026-11-28t19:30:00z", "2026-11-28T19:30:00.000Z"},
      {"2026-11-28T21:30:00.250+02:00", "2026-11-28T19:30:00.250Z"},
      {"2026-11-28T19:30:00.1Z", "2026-11-28T19:30:00.100Z"},
      {"2026-11-28T19:30:00.123456789Z", "2026-11-28T19:30:00.123Z"},
      {"2026-11-28T14:00:00-05:30", "2026-11-28T19:30:00.000Z"},
      {"2026-11-28T14:00:00-0530", "2026-11-28T19:30:00.000Z"},
      {"2026-11-28T19:30:00.250Z", "2026-11-28T19:30:00.250Z"},
      {"2026-11-28", "2026-11-28T00:00:00.000Z"},
      {"1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"},
      {"2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"},
      {"0000-01-01T00:00:00Z", "0000-01-01T00:00:00.000Z"},
      {"9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"},
  };
  for (const Case &c : cases) {
    int64_t ms = 0;
    std::string why;
    ASSERT_TRUE(agent::parseTime(c.text, ms, why)) << c.text << ": " << why;
    EXPECT_EQ(agent::canonicalTime(ms), c.canonical) << c.text;
    // The canonical form is a Cedar datetime literal of the same instant.
    ext::ExtResult<ext::Datetime> back = ext::Datetime::parse(c.canonical);
    ASSERT_TRUE(back.ok()) << c.canonical;
    EXPECT_EQ(back.value.millis, ms) << c.text;
  }
  int64_t ms = 0;
  std::string why;
  ASSERT_TRUE(agent::parseTime("2026-11-28T19:32:33Z", ms, why));
  EXPECT_EQ(ms, Now);
}

TEST(EnvelopeTime, RejectsMalformedTimes) {
  for (const char *text : {"", "yesterday", "2026-11-28T19:30:00", "2026-11-28T25:00:00Z",
                           "2026-02-30T00:00:00Z", "2026-11-28T19:30:00.Z",
                           "2026-11-28T19:30:00+2:00", "2026-11-28T19:30:60Z",
                           "2026-11-28 19:30:00Z", "0000-01-01T00:00:00+01:00"}) {
    int64_t ms = 0;
    std::string why;
    EXPECT_FALSE(agent::parseTime(text, ms, why)) << text;
    EXPECT_NE(why.find(std::string("`") + text + "`"), std::string::npos) << why;
  }
}

// ------------------------------------------------------------------ checks

TEST(EnvelopeChecks, EveryCheckNamesItsField) {
  struct Case {
    std::string extra;
    const char *error;
  } cases[] = {
      {R"("agent": 3)", "agent: expected a JSON object"},
      {R"("agent": {"owner": "Human::\"a\""})", "agent.instance: missing member `instance`"},
      {R"("agent": {"instance": "", "owner": "Human::\"a\""})",
       "agent.instance: the instance must be a non-empty string"},
      {R"("agent": {"instance": 7, "owner": "Human::\"a\""})", "agent.instance: expected a string"},
      {R"("agent": {"instance": "i"})", "agent.owner: missing member `owner`"},
      {R"("agent": {"instance": "i", "owner": "alice"})",
       "agent.owner: expected an entity uid such as `User::\"alice\"`, got `alice`"},
      {R"("agent": {"instance": "i", "owner": {"type": "Human"}})",
       "agent.owner.id: missing member `id`"},
      {R"("agent": {"instance": "i", "owner": {"type": "Human", "id": "a", "x": 1}})",
       "agent.owner.x: unknown member `x`"},
      {R"("agent": {"instance": "i", "owner": {"type": "bad type", "id": "a"}})",
       "agent.owner: invalid entity type name `bad type`"},
      {minimalAgent(R"("aproval": {}, "zeta": 1)"), "agent.aproval: unknown member `aproval`"},
      {minimalAgent(R"("session": ["s"])"), "agent.session: expected a string"},
      {minimalAgent(R"("credential": "cred")"), "agent.credential: expected a JSON object"},
      {minimalAgent(R"("credential": {"issued_at": "2026-11-28T19:30:00Z", "expires_at": "2026-11-28T19:45:00Z"})"),
       "agent.credential.id: missing member `id`"},
      {minimalAgent(R"("credential": {"id": "c", "expires_at": "2026-11-28T19:45:00Z"})"),
       "agent.credential.issued_at: missing member `issued_at`"},
      {minimalAgent(R"("credential": {"id": "c", "issued_at": "2026-11-28T19:30:00Z", "expires_at": "soon"})"),
       "agent.credential.expires_at: `soon` is not a time: expected RFC 3339 such as "
       "`2026-11-28T19:30:00Z` or `2026-11-28T21:30:00.250+02:00`"},
      {minimalAgent(R"("credential": {"id": "c", "issued_at": "2026-11-28T19:50:00Z", "expires_at": "2026-11-28T19:45:00Z"})"),
       "agent.credential.issued_at: the credential is issued at 2026-11-28T19:50:00.000Z, after "
       "it expires (2026-11-28T19:45:00.000Z)"},
      {minimalAgent(R"("credential": {"id": "c", "issued_at": "2026-11-28T19:30:00Z", "expires_at": "2026-11-28T19:45:00Z", "scopes": ["a", 2]})"),
       "agent.credential.scopes[1]: expected a string"},
      {minimalAgent(R"("credential": {"id": "c", "issued_at": "2026-11-28T19:30:00Z", "expires_at": "2026-11-28T19:45:00Z", "secret": "x"})"),
       "agent.credential.secret: unknown member `secret`"},
      {minimalAgent(R"("approval": {"id": "a", "approver": "Human::\"b\"", "expires_at": "2026-11-28T23:00:00Z"})"),
       "agent.approval.actions: missing member `actions`"},
      {minimalAgent(R"("approval": {"id": "a", "approver": "Human::\"b\"", "actions": ["Action::\"push\"", "Repo::\"x\""], "expires_at": "2026-11-28T23:00:00Z"})"),
       "agent.approval.actions[1]: Repo::\"x\" is not an action (its type must be `Action` or end "
       "in `::Action`)"},
      {minimalAgent(R"("approval": {"id": "a", "approver": "Human::\"b\"", "actions": []})"),
       "agent.approval.expires_at: missing member `expires_at`"},
      {minimalAgent(R"("approval": {"id": "", "approver": "Human::\"b\"", "actions": [], "expires_at": "2026-11-28T23:00:00Z"})"),
       "agent.approval.id: the approval id must be a non-empty string"},
      {minimalAgent(R"("delegation": "Agent::\"coder-1\"")"),
       "agent.delegation: expected an array of entities"},
      {minimalAgent(R"("delegation": ["Human::\"alice\"", "Agent::\"planner-3\"", "Agent::\"planner-3\"", "Agent::\"coder-1\""])"),
       "agent.delegation[2]: Agent::\"planner-3\" appears twice in the chain"},
      {minimalAgent(R"("delegation": ["Human::\"alice\"", "Agent::\"planner-3\""])"),
       "agent.delegation[1]: the last hop Agent::\"planner-3\" is not the principal "
       "Agent::\"coder-1\""},
      {R"("time": "now")", "time: `now` is not a time: expected RFC 3339 such as "
                           "`2026-11-28T19:30:00Z` or `2026-11-28T21:30:00.250+02:00`"},
      {R"("time": 17)", "time: the time must be a string such as `2026-11-28T19:32:33Z`"},
      {minimalAgent() + R"(, "context": {"agent": 1})",
       "context.agent: the context has a member `agent`, which the agent envelope would replace"},
      {"\"agent\": {\"instance\": \"i\", \"instance\": \"j\", \"owner\": \"Human::\\\"a\\\"\"}",
       "duplicate key `instance` in a JSON object"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(errorOf(requestWith(c.extra)), c.error) << c.extra;
}

TEST(EnvelopeChecks, Limits) {
  auto hops = [](size_t n) {
    std::string s = "\"delegation\": [";
    for (size_t i = 0; i + 1 < n; ++i)
      s += "\"Agent::\\\"a" + std::to_string(i) + "\\\"\", ";
    return s + "\"Agent::\\\"coder-1\\\"\"]";
  };
  EXPECT_EQ(agentOf(requestWith(minimalAgent(hops(32)))).findField("depth")->getLong(), 31);
  EXPECT_EQ(errorOf(requestWith(minimalAgent(hops(33)))),
            "agent.delegation: the chain has 33 hops; at most 32 are allowed");
  auto scopes = [](size_t n) {
    std::string s = R"("credential": {"id": "c", "issued_at": "2026-11-28T19:30:00Z", )"
                    R"("expires_at": "2026-11-28T19:45:00Z", "scopes": [)";
    for (size_t i = 0; i < n; ++i)
      s += (i ? ", \"s" : "\"s") + std::to_string(i) + "\"";
    return s + "]}";
  };
  EXPECT_EQ(agentOf(requestWith(minimalAgent(scopes(256))))
                .findField("credential")
                ->findField("scopes")
                ->getSet()
                .size(),
            256u);
  EXPECT_EQ(errorOf(requestWith(minimalAgent(scopes(257)))),
            "agent.credential.scopes: the credential has 257 scopes; at most 256 are allowed");
  auto actions = [](size_t n) {
    std::string s = R"("approval": {"id": "a", "approver": "Human::\"b\"", )"
                    R"("expires_at": "2026-11-28T23:00:00Z", "actions": [)";
    for (size_t i = 0; i < n; ++i)
      s += (i ? ", \"Action::\\\"a" : "\"Action::\\\"a") + std::to_string(i) + "\\\"\"";
    return s + "]}";
  };
  EXPECT_EQ(agentOf(requestWith(minimalAgent(actions(256))))
                .findField("approval")
                ->findField("actions")
                ->getSet()
                .size(),
            256u);
  EXPECT_EQ(errorOf(requestWith(minimalAgent(actions(257)))),
            "agent.approval.actions: the approval names 257 actions; at most 256 are allowed");
}

// ------------------------------------------------------- context.agent

TEST(EnvelopeContext, FullEnvelope) {
  Value a = agentOf(fullRequest());
  ASSERT_TRUE(a.is(runtime::ValueKind::Record)) << a.str();
  EXPECT_EQ(*a.findField("instance"), Value::string("spiffe://acme.dev/agent/coder/instance/7f3a"));
  EXPECT_EQ(*a.findField("owner"), ent("Human", "alice"));
  EXPECT_EQ(*a.findField("session"), Value::string("s-42"));
  EXPECT_EQ(*a.findField("now"), dt("2026-11-28T19:32:33Z"));
  EXPECT_EQ(*a.findField("chain"), Value::set({ent("Human", "alice"), ent("Agent", "planner-3"),
                                               ent("Agent", "coder-1")}));
  EXPECT_EQ(*a.findField("depth"), Value::integer(2));
  EXPECT_EQ(*a.findField("originator"), ent("Human", "alice"));
  EXPECT_EQ(*a.findField("delegator"), ent("Agent", "planner-3"));
  const Value &c = *a.findField("credential");
  EXPECT_EQ(*c.findField("id"), Value::string("cred-9"));
  EXPECT_EQ(*c.findField("issued_at"), dt("2026-11-28T19:30:00Z"));
  EXPECT_EQ(*c.findField("expires_at"), dt("2026-11-28T19:45:00Z"));
  EXPECT_EQ(*c.findField("ttl"), dur(900000));
  EXPECT_EQ(*c.findField("remaining"), dur(747000)); // 19:45:00 - 19:32:33
  EXPECT_EQ(*c.findField("scopes"),
            Value::set({Value::string("repo:read"), Value::string("repo:write")}));
  EXPECT_EQ(c.getRecord().size(), 6u);
  const Value &ap = *a.findField("approval");
  EXPECT_EQ(*ap.findField("id"), Value::string("apr-7"));
  EXPECT_EQ(*ap.findField("approver"), ent("Human", "bob"));
  EXPECT_EQ(*ap.findField("actions"), Value::set({ent("Action", "push")}));
  EXPECT_EQ(*ap.findField("task"), Value::string("T-1"));
  EXPECT_EQ(*ap.findField("intent"), Value::string("fix the failing build"));
  EXPECT_EQ(*ap.findField("expires_at"), dt("2026-11-28T23:00:00Z"));
  EXPECT_EQ(ap.getRecord().size(), 6u);
  EXPECT_EQ(a.getRecord().size(), 10u);
}

TEST(EnvelopeContext, MinimalEnvelopeDepthZero) {
  Value a = agentOf(requestWith(std::string(Time) + ", " + minimalAgent()));
  EXPECT_EQ(*a.findField("session"), Value::string(""));
  EXPECT_EQ(*a.findField("chain"), Value::set({ent("Agent", "coder-1")}));
  EXPECT_EQ(*a.findField("depth"), Value::integer(0));
  EXPECT_EQ(*a.findField("originator"), ent("Agent", "coder-1"));
  EXPECT_FALSE(a.findField("delegator"));
  EXPECT_FALSE(a.findField("credential"));
  EXPECT_FALSE(a.findField("approval"));
  EXPECT_EQ(a.getRecord().size(), 7u);
  // A chain of one hop (the principal itself) is depth 0 as well.
  Value one = agentOf(requestWith(minimalAgent(R"("delegation": ["Agent::\"coder-1\""])")));
  EXPECT_EQ(*one.findField("depth"), Value::integer(0));
  EXPECT_FALSE(one.findField("delegator"));
  // Without `time` the decision time is the clock given (Now here).
  EXPECT_EQ(*one.findField("now"), Value::datetime(ext::Datetime::fromMillis(Now)));
}

TEST(EnvelopeContext, ExpiredCredentialHasNegativeRemainingAndOptionalApprovalTexts) {
  Value a = agentOf(requestWith(
      R"("time": "2026-11-28T20:00:00.500+00:00", )" +
      minimalAgent(R"("credential": {"id": "c", "issued_at": "2026-11-28T19:30:00Z", )"
                   R"("expires_at": "2026-11-28T19:45:00Z"}, "approval": {"id": "a", )"
                   R"("approver": "Human::\"b\"", "actions": [], "expires_at": "2026-11-29"})")));
  const Value &c = *a.findField("credential");
  EXPECT_EQ(*c.findField("remaining"), dur(-900500));
  EXPECT_EQ(*c.findField("scopes"), Value::set({}));
  const Value &ap = *a.findField("approval");
  EXPECT_EQ(*ap.findField("task"), Value::string(""));
  EXPECT_EQ(*ap.findField("intent"), Value::string(""));
  EXPECT_EQ(*ap.findField("expires_at"), dt("2026-11-29T00:00:00Z"));
}

TEST(EnvelopeContext, PlainRequestsAreUntouched) {
  BothReaders r;
  ASSERT_EQ(r.check(requestWith(R"("context": {"agent": {"x": 1}})")), "");
  EXPECT_EQ(r.lastContext.str(), R"({"agent": {"x": 1}})");
  ASSERT_EQ(r.check(requestWith("")), "");
  EXPECT_EQ(r.lastContext.getRecord().size(), 0u);
  // `time` alone adds nothing to the context.
  ASSERT_EQ(r.check(requestWith(std::string(Time) + R"(, "context": {"k": 1})")), "");
  EXPECT_EQ(r.lastContext.str(), R"({"k": 1})");
}

TEST(EnvelopeContext, CedarJsonForm) {
  Value a = agentOf(fullRequest());
  json::Json j = agent::toCedarJson(a);
  EXPECT_EQ(j["now"].dump(), R"({"__extn":{"arg":"2026-11-28T19:32:33.000Z","fn":"datetime"}})");
  EXPECT_EQ(j["credential"]["ttl"].dump(), R"({"__extn":{"arg":"900000ms","fn":"duration"}})");
  EXPECT_EQ(j["owner"].dump(), R"({"__entity":{"id":"alice","type":"Human"}})");
  EXPECT_EQ(j["depth"].dump(), "2");
  // Parsing it back (no schema) gives the same value.
  json::JsonError err;
  json::JsonValueParser parser(nullptr);
  std::optional<Value> back = parser.parse(j, nullptr, "agent", err);
  ASSERT_TRUE(back) << err.str();
  EXPECT_EQ(*back, a);
}

// ---------------------------------------------------------------- engine

namespace {

const char *Policies = R"(
@id("depth") forbid(principal, action, resource) when { context has agent && context.agent.depth > 2 };
@id("chain") permit(principal, action, resource)
  when { context has agent && context.agent.chain.contains(Agent::"planner-3") };
@id("human") permit(principal, action, resource)
  when { context has agent && context.agent.originator is Human && context.agent.depth == 0 };
@id("cred") permit(principal, action, resource)
  when { context has agent && context.agent has credential &&
         context.agent.credential.remaining > duration("5m") &&
         context.agent.credential.ttl <= duration("1h") &&
         context.agent.credential.scopes.contains("repo:admin") };
@id("approved") permit(principal, action, resource)
  when { context has agent && context.agent has approval &&
         context.agent.approval.actions.contains(action) &&
         context.agent.now < context.agent.approval.expires_at &&
         context.agent.approval.task == "T-9" };
@id("now") permit(principal, action, resource)
  when { context has agent && context.agent.now == datetime("2030-01-01T00:00:00.000Z") };
)";

struct Result {
  bool allowed;
  std::vector<std::string> reasons;
  std::string error;
};

Result decideJson(Engine &engine, const std::string &line) {
  Decision d = engine.authorizeJson(line);
  return {d.allowed, d.reasons, d.errors.empty() ? "" : d.errors[0].message};
}

const Evaluator AllEvaluators[] = {Evaluator::Compiled, Evaluator::CompiledAllCandidates,
                                   Evaluator::Reference};

} // namespace

TEST(EnvelopeEngine, PoliciesSeeContextAgentOnEveryEvaluator) {
  for (Evaluator e : AllEvaluators) {
    Engine engine;
    engine.setEvaluator(e);
    ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
    // Delegated through planner-3: `chain`.
    Result o = decideJson(engine, fullRequest());
    EXPECT_TRUE(o.allowed) << o.error;
    EXPECT_EQ(o.reasons, std::vector<std::string>{"chain"});
    // Depth 0 with a human owner but the originator is the agent itself:
    // nothing permits.
    o = decideJson(engine, requestWith(minimalAgent()));
    EXPECT_FALSE(o.allowed);
    EXPECT_EQ(o.error, "");
    // A human originator at depth 0 is impossible (the executor is the
    // principal), but at depth 1 the `human` policy does not apply either.
    o = decideJson(engine, requestWith(minimalAgent(R"("delegation": ["Human::\"h\"", "Agent::\"coder-1\""])")));
    EXPECT_FALSE(o.allowed);
    // Credentials: long enough remaining, admin scope.
    std::string cred = R"("credential": {"id": "c", "issued_at": "2026-11-28T19:30:00Z", )"
                       R"("expires_at": "2026-11-28T20:00:00Z", "scopes": ["repo:admin"]})";
    o = decideJson(engine, requestWith(std::string(Time) + ", " + minimalAgent(cred)));
    EXPECT_TRUE(o.allowed) << o.error;
    EXPECT_EQ(o.reasons, std::vector<std::string>{"cred"});
    // 4 minutes left: not enough.
    o = decideJson(engine, requestWith(R"("time": "2026-11-28T19:56:00Z", )" + minimalAgent(cred)));
    EXPECT_FALSE(o.allowed);
    // Approval for `push` until 23:00, task T-9.
    std::string apr = R"("approval": {"id": "a", "approver": "Human::\"b\"", "task": "T-9", )"
                      R"("actions": ["Action::\"push\""], "expires_at": "2026-11-28T23:00:00Z"})";
    o = decideJson(engine, requestWith(std::string(Time) + ", " + minimalAgent(apr)));
    EXPECT_TRUE(o.allowed) << o.error;
    EXPECT_EQ(o.reasons, std::vector<std::string>{"approved"});
    o = decideJson(engine, requestWith(R"("time": "2026-11-28T23:00:00Z", )" + minimalAgent(apr)));
    EXPECT_FALSE(o.allowed);
    // `now` is the decision time.
    o = decideJson(engine, requestWith(R"("time": "2030-01-01T00:00:00Z", )" + minimalAgent()));
    EXPECT_TRUE(o.allowed);
    EXPECT_EQ(o.reasons, std::vector<std::string>{"now"});
    // Depth 3 is forbidden even though the chain passes planner-3.
    o = decideJson(engine,
                   requestWith(minimalAgent(R"("delegation": ["Human::\"h\"", "Agent::\"planner-3\"", "Agent::\"x\"", "Agent::\"coder-1\""])")));
    EXPECT_FALSE(o.allowed);
    // A bad envelope: denied with one error naming the field, no policy.
    Decision d = engine.authorizeJson(requestWith(minimalAgent(R"("aproval": {})")));
    EXPECT_FALSE(d.allowed);
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_EQ(d.errors[0].policy, "");
    EXPECT_EQ(d.errors[0].message, "agent.aproval: unknown member `aproval`");
    EXPECT_EQ(d.outcome, Outcome::InvalidRequest);
  }
}

TEST(EnvelopeEngine, PreparedRequestKeepsTimeAndEnvelope) {
  for (Evaluator e : AllEvaluators) {
    Engine engine;
    engine.setEvaluator(e);
    ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
    PreparedRequest p;
    ASSERT_TRUE(engine.prepareJson(fullRequest(), p)) << p.getError();
    EXPECT_EQ(p.getTime(), "2026-11-28T19:32:33.000Z");
    ASSERT_TRUE(p.getAgent());
    EXPECT_EQ(p.getAgent()->approval.id, "apr-7");
    EXPECT_EQ(p.getAgent()->delegation.size(), 3u);
    // A plain request: no envelope, the clock's time.
    ASSERT_TRUE(engine.prepareJson(requestWith(""), p));
    EXPECT_FALSE(p.getAgent());
    ASSERT_EQ(p.getTime().size(), 24u) << p.getTime();
    int64_t ms = 0;
    std::string why;
    ASSERT_TRUE(agent::parseTime(p.getTime(), ms, why)) << why;
    EXPECT_LE(std::llabs(ms - agent::readClockMillis()), 60000);
    // `time` alone.
    ASSERT_TRUE(engine.prepareJson(requestWith(R"("time": "2026-01-02T03:04:05.678+01:00")"), p));
    EXPECT_EQ(p.getTime(), "2026-01-02T02:04:05.678Z");
    EXPECT_FALSE(p.getAgent());
    // Reusing the prepared request: same second, next second, before 1970.
    for (const char *t : {"2026-01-02T02:04:05.001Z", "2026-01-02T02:04:05.999Z",
                          "2026-01-02T02:04:06.000Z", "1969-12-31T23:59:59.999Z",
                          "1969-12-31T23:59:59.001Z", "1970-01-01T00:00:00.000Z"}) {
      ASSERT_TRUE(engine.prepareJson(requestWith(std::string("\"time\": \"") + t + "\""), p));
      EXPECT_EQ(p.getTime(), t);
    }
  }
}

TEST(EnvelopeEngine, CppApiAgreesWithJson) {
  Request r;
  r.principal = {"Agent", "coder-1"};
  r.action = {"Action", "push"};
  r.resource = {"Repo", "larch"};
  r.time = "2026-11-28T19:32:33Z";
  r.hasAgent = true;
  r.agent.instance = "spiffe://acme.dev/agent/coder/instance/7f3a";
  r.agent.owner = {"Human", "alice"};
  r.agent.session = "s-42";
  r.agent.hasCredential = true;
  r.agent.credential = {"cred-9", "2026-11-28T19:30:00Z", "2026-11-28T19:45:00Z",
                        {"repo:write", "repo:read"}};
  r.agent.hasApproval = true;
  r.agent.approval = {"apr-7", {"Human", "bob"}, {{"Action", "push"}}, "T-1",
                      "fix the failing build", "2026-11-28T23:00:00Z"};
  r.agent.delegation = {{"Human", "alice"}, {"Agent", "planner-3"}, {"Agent", "coder-1"}};
  for (Evaluator e : AllEvaluators) {
    Engine engine;
    engine.setEvaluator(e);
    ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
    Decision viaApi = engine.authorize(r);
    Decision viaJson = engine.authorizeJson(fullRequest());
    EXPECT_TRUE(viaApi.allowed);
    EXPECT_EQ(viaApi.reasons, viaJson.reasons);
    PreparedRequest p;
    ASSERT_TRUE(engine.prepare(r, p)) << p.getError();
    EXPECT_EQ(p.getTime(), "2026-11-28T19:32:33.000Z");
    ASSERT_TRUE(p.getAgent());
    EXPECT_EQ(p.getAgent()->instance, r.agent.instance);
    // The same checks, the same messages.
    Request bad = r;
    bad.agent.delegation.push_back({"Agent", "planner-3"});
    EXPECT_FALSE(engine.prepare(bad, p));
    EXPECT_EQ(p.getError(), "agent.delegation[3]: Agent::\"planner-3\" appears twice in the chain");
    bad = r;
    bad.agent.approval.actions.push_back({"Repo", "x"});
    EXPECT_FALSE(engine.prepare(bad, p));
    EXPECT_EQ(p.getError(), "agent.approval.actions[1]: Repo::\"x\" is not an action (its type "
                            "must be `Action` or end in `::Action`)");
    bad = r;
    bad.agent.instance.clear();
    EXPECT_FALSE(engine.prepare(bad, p));
    EXPECT_EQ(p.getError(), "agent.instance: the instance must be a non-empty string");
    bad = r;
    bad.time = "tomorrow";
    EXPECT_FALSE(engine.prepare(bad, p));
    EXPECT_EQ(p.getError().substr(0, 18), "time: `tomorrow` i");
    bad = r;
    bad.contextJson = R"({"agent": true})";
    EXPECT_FALSE(engine.prepare(bad, p));
    EXPECT_EQ(p.getError(), "context.agent: the context has a member `agent`, which the agent "
                            "envelope would replace");
    // Without an envelope the context's own `agent` is plain data.
    Request plain = bad;
    plain.hasAgent = false;
    plain.time.clear();
    EXPECT_TRUE(engine.prepare(plain, p)) << p.getError();
    EXPECT_FALSE(p.getAgent());
  }
}

namespace {

const char *AgentSchema = R"(
entity Human;
entity Agent;
entity Repo;
type AgentCredential = {
  id: String, issued_at: datetime, expires_at: datetime, ttl: duration,
  remaining: duration, scopes: Set<String>,
};
type AgentApproval = {
  id: String, approver: Human, actions: Set<Action>, task: String, intent: String,
  expires_at: datetime,
};
type AgentEnvelope = {
  instance: String, owner: Human, session: String, now: datetime, chain: Set<Agent>,
  depth: Long, originator: Agent, delegator?: Agent,
  credential?: AgentCredential, approval?: AgentApproval,
};
action push appliesTo { principal: Agent, resource: Repo,
                        context: { risk: Long, agent: AgentEnvelope } };
action plain appliesTo { principal: Agent, resource: Repo, context: { risk: Long } };
)";

const char *SchemaPolicies = R"(
@id("p") permit(principal, action == Action::"push", resource)
  when { context.risk < 50 && context.agent.depth <= 1 &&
         context.agent has credential && context.agent.credential.remaining > duration("1m") };
)";

std::string agentRequest(const std::string &context, const std::string &delegation) {
  return R"({"principal": "Agent::\"coder-1\"", "action": "Action::\"push\"",)"
         R"( "resource": "Repo::\"larch\"", "time": "2026-11-28T19:32:33Z",)" +
         context + R"( "agent": {"instance": "i", "owner": "Human::\"alice\"",)"
         R"( "credential": {"id": "c", "issued_at": "2026-11-28T19:30:00Z",)"
         R"( "expires_at": "2026-11-28T19:45:00Z"}, "delegation": )" +
         delegation + "}}";
}

} // namespace

TEST(EnvelopeEngine, SchemaValidatedRequests) {
  for (Evaluator e : AllEvaluators) {
    Engine engine;
    engine.setEvaluator(e);
    ASSERT_TRUE(engine.loadSchemaText("s.cedarschema", AgentSchema, SchemaFormat::Cedar).ok);
    PolicyOptions validating;
    validating.validateWithSchema = true;
    LoadStatus st = engine.loadPolicyText("p.cedar", SchemaPolicies, validating);
    ASSERT_TRUE(st.ok) << st.rendered;
    engine.setRequestValidation(true);
    std::string chain1 = R"(["Agent::\"planner-3\"", "Agent::\"coder-1\""])";
    Decision d = engine.authorizeJson(agentRequest(R"( "context": {"risk": 10},)", chain1));
    EXPECT_TRUE(d.allowed) << (d.errors.empty() ? "" : d.errors[0].message);
    // Depth 2.
    d = engine.authorizeJson(agentRequest(
        R"( "context": {"risk": 10},)",
        R"(["Agent::\"o\"", "Agent::\"planner-3\"", "Agent::\"coder-1\""])"));
    EXPECT_FALSE(d.allowed);
    EXPECT_TRUE(d.errors.empty()) << d.errors[0].message;
    // The context's other attributes are still parsed and required.
    d = engine.authorizeJson(agentRequest(R"( "context": {},)", chain1));
    EXPECT_FALSE(d.allowed);
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_NE(d.errors[0].message.find("risk"), std::string::npos) << d.errors[0].message;
    // A human hop does not fit `Set<Agent>`: request validation refuses it.
    d = engine.authorizeJson(agentRequest(R"( "context": {"risk": 10},)",
                                          R"(["Human::\"h\"", "Agent::\"coder-1\""])"));
    EXPECT_FALSE(d.allowed);
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_NE(d.errors[0].message.find("does not conform to the schema"), std::string::npos)
        << d.errors[0].message;
    // Without the envelope the declared `agent` is missing.
    d = engine.authorizeJson(
        R"({"principal": "Agent::\"coder-1\"", "action": "Action::\"push\"", "resource": "Repo::\"larch\"", "context": {"risk": 1}})");
    EXPECT_FALSE(d.allowed);
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_NE(d.errors[0].message.find("agent"), std::string::npos) << d.errors[0].message;
    // The C++ API with the schema.
    Request r;
    r.principal = {"Agent", "coder-1"};
    r.action = {"Action", "push"};
    r.resource = {"Repo", "larch"};
    r.contextJson = R"({"risk": 10})";
    r.time = "2026-11-28T19:32:33Z";
    r.hasAgent = true;
    r.agent.instance = "i";
    r.agent.owner = {"Human", "alice"};
    r.agent.hasCredential = true;
    r.agent.credential = {"c", "2026-11-28T19:30:00Z", "2026-11-28T19:45:00Z", {}};
    d = engine.authorize(r);
    EXPECT_TRUE(d.allowed) << (d.errors.empty() ? "" : d.errors[0].message);
    // An action whose context does not declare `agent`: the envelope's record
    // is undeclared, so request validation refuses it.
    r.action = {"Action", "plain"};
    d = engine.authorize(r);
    EXPECT_FALSE(d.allowed);
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_NE(d.errors[0].message.find("does not conform to the schema"), std::string::npos)
        << d.errors[0].message;
  }
}

TEST(EnvelopeEngine, ReadersAgreeWithASchema) {
  // The fast decoder and the reference parse the context with the declared
  // type minus `agent`, then add the envelope's record.
  SourceManager sm;
  DiagnosticEngine diags;
  std::optional<schema::Schema> s = schema::loadCedarSchema(sm, "s", AgentSchema, diags);
  ASSERT_TRUE(s);
  BothReaders r;
  std::string chain1 = R"(["Agent::\"planner-3\"", "Agent::\"coder-1\""])";
  std::string error;
  EXPECT_EQ(r.check(agentRequest(R"( "context": {"risk": 10},)", chain1), &error, &*s), "");
  EXPECT_EQ(error, "");
  EXPECT_EQ(r.check(agentRequest(R"( "context": {},)", chain1), &error, &*s), "");
  EXPECT_NE(error, "");
  EXPECT_EQ(r.check(agentRequest(R"( "context": {"risk": 1, "agent": {}},)", chain1), &error, &*s),
            "");
  EXPECT_EQ(error, "context.agent: the context has a member `agent`, which the agent envelope "
                   "would replace");
}

TEST(EnvelopeContext, EnvelopeRequestsTakeTheFastDecoder) {
  BothReaders r;
  ASSERT_EQ(r.check(fullRequest()), "");
  EXPECT_EQ(r.lastRoute, json::RequestDecoder::Route::Fast);
  // With request entities the reference decodes it, with the same result.
  ASSERT_EQ(r.check(requestWith(std::string(Time) + ", " + FullAgent + R"(, "entities": [])")),
            "");
  EXPECT_EQ(r.lastRoute, json::RequestDecoder::Route::Fallback);
  EXPECT_TRUE(r.lastContext.findField("agent"));
}

// -------------------------------------------------------- larch materialize

TEST(EnvelopeMaterialize, PrintsPlainCedarRequests) {
  std::string input = fullRequest();
  for (char &c : input)
    if (c == '\n')
      c = ' ';
  input += "\n\n" + requestWith(R"("context": {"k": 1}, "entities": [])") + "\n" +
           requestWith(minimalAgent(R"("delegation": ["Agent::\"x\"", "Agent::\"x\""])")) + "\n";
  testlib::CliRun run = testlib::runLarch("materialize", input);
  EXPECT_EQ(run.exitCode, 1) << run.out;
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = run.out.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(run.out.substr(start, nl - start));
  ASSERT_EQ(lines.size(), 3u) << run.out;
  json::Json first = json::Json::parse(lines[0]);
  EXPECT_EQ(first["principal"].dump(), R"({"id":"coder-1","type":"Agent"})");
  EXPECT_FALSE(first.contains("agent"));
  EXPECT_FALSE(first.contains("time"));
  EXPECT_FALSE(first.contains("entities"));
  EXPECT_EQ(first["context"]["agent"]["now"].dump(),
            R"({"__extn":{"arg":"2026-11-28T19:32:33.000Z","fn":"datetime"}})");
  EXPECT_EQ(first["context"]["agent"]["credential"]["remaining"].dump(),
            R"({"__extn":{"arg":"747000ms","fn":"duration"}})");
  EXPECT_EQ(first["context"]["agent"]["delegator"].dump(),
            R"({"__entity":{"id":"planner-3","type":"Agent"}})");
  // The printed context is the materialised one, value for value.
  json::JsonError err;
  json::JsonValueParser parser(nullptr);
  std::optional<Value> ctx = parser.parse(first["context"], nullptr, "context", err);
  ASSERT_TRUE(ctx) << err.str();
  EXPECT_EQ(*ctx->findField("agent"), agentOf(fullRequest()));
  // A plain request is printed unchanged, with its entities.
  EXPECT_EQ(lines[1], R"({"action":{"id":"push","type":"Action"},"context":{"k":1},"entities":[],)"
                      R"("principal":{"id":"coder-1","type":"Agent"},"resource":{"id":"larch","type":"Repo"}})");
  EXPECT_EQ(lines[2], R"({"error":"line 4: agent.delegation[1]: Agent::\"x\" appears twice in the chain"})");
  EXPECT_EQ(testlib::runLarch("materialize --bogus").exitCode, 2);
}

TEST(EnvelopeMaterialize, WithTheAgentLibrarySchema) {
  std::string schema = std::string(LARCH_SOURCE_DIR) + "/stdlib-policies/agents/agent.cedarschema";
  std::string input =
      R"({"principal": "Agent::\"coder-1\"", "action": "Action::\"write_file\"", "resource": "Repo::\"larch\"", "context": {"risk": 20}, "time": "2026-11-28T21:30:00.250+02:00", "agent": {"instance": "i-1", "owner": "Human::\"alice\"", "delegation": ["Agent::\"planner-3\"", "Agent::\"coder-1\""]}})"
      "\n";
  testlib::CliRun run = testlib::runLarch("materialize --schema '" + schema + "'", input);
  ASSERT_EQ(run.exitCode, 0) << run.out;
  json::Json out = json::Json::parse(run.out);
  EXPECT_EQ(out["context"]["risk"], 20);
  EXPECT_EQ(out["context"]["agent"]["now"].dump(),
            R"({"__extn":{"arg":"2026-11-28T19:30:00.250Z","fn":"datetime"}})");
  EXPECT_EQ(out["context"]["agent"]["depth"], 1);
  // Without `risk` the declared context type is not met.
  run = testlib::runLarch("materialize --schema '" + schema + "'",
                          R"({"principal": "Agent::\"coder-1\"", "action": "Action::\"write_file\"", "resource": "Repo::\"larch\"", "agent": {"instance": "i-1", "owner": "Human::\"alice\""}})"
                          "\n");
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_NE(run.out.find("risk"), std::string::npos) << run.out;
  EXPECT_EQ(testlib::runLarch("materialize --schema /nonexistent.cedarschema").exitCode, 2);
}
