// Revocation lists (docs/agents.md, "Revocation"): the format and its errors,
// the lookups of each kind (entity as principal, owner and any hop; only once
// in force), the engine denying with outcome `revoked` before any policy,
// atomic replacement while other threads decide, a malformed list leaving
// the previous one, and no heap allocation when deciding with or without a
// list.
#include "compiler/agent/envelope_time.h"
#include "compiler/agent/revocation_list.h"
#include "larch/engine.h"
#include "support/alloc_counter/alloc_counter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

using namespace larch;
using agent::RevocationKind;
using agent::RevocationList;

namespace {

const Evaluator AllEvaluators[] = {Evaluator::Compiled, Evaluator::CompiledAllCandidates,
                                   Evaluator::Reference};

const char *const FullList = R"({"revocations": [
  {"kind": "instance", "id": "spiffe://acme.dev/agent/coder/instance/7f3a",
   "revoked_at": "2026-11-28T19:40:00Z", "reason": "instance compromised"},
  {"kind": "credential", "id": "cred-9", "revoked_at": "2026-11-28T19:41:00Z"},
  {"kind": "approval", "id": "apr-7", "revoked_at": "2026-11-28T21:42:00.500+02:00"},
  {"kind": "entity", "entity": {"type": "Agent", "id": "planner-3"},
   "revoked_at": "2026-11-28T19:43:00Z"},
  {"kind": "entity", "entity": "Human::\"alice\"", "revoked_at": "2026-11-28T19:44:00Z"},
  {"kind": "credential", "id": "cred-9", "revoked_at": "2026-11-28T19:30:00Z",
   "reason": "listed twice"}
]})";

int64_t at(const char *time) {
  int64_t millis = 0;
  std::string why;
  EXPECT_TRUE(agent::parseTime(time, millis, why)) << why;
  return millis;
}

std::string parseError(const std::string &json) {
  std::string error;
  auto list = RevocationList::parse(json, error);
  return list ? "ok" : error;
}

const char *const Policies = R"(
@id("allow-all") permit(principal, action, resource);
)";

const char *const PlainRequest =
    R"({"principal": "Agent::\"coder-1\"", "action": "Action::\"push\"", "resource": "Repo::\"larch\""})";

std::string revokeEntity(const char *entity, const char *revokedAt = "2020-01-01T00:00:00Z") {
  return std::string(R"({"revocations": [{"kind": "entity", "entity": )") + entity +
         R"(, "revoked_at": ")" + revokedAt + R"(", "reason": "test"}]})";
}

/// A request with the example envelope of docs/agents.md, at `time`.
std::string envelopeRequest(const char *time = "2026-11-28T20:00:00Z") {
  return std::string(R"({"principal": {"type": "Agent", "id": "coder-1"},
 "action": {"type": "Action", "id": "push"}, "resource": {"type": "Repo", "id": "larch"},
 "time": ")") + time + R"(",
 "agent": {"instance": "spiffe://acme.dev/agent/coder/instance/7f3a",
   "owner": {"type": "Human", "id": "alice"},
   "credential": {"id": "cred-9", "issued_at": "2026-11-28T19:30:00Z",
                  "expires_at": "2026-11-28T23:45:00Z", "scopes": ["repo:write"]},
   "approval": {"id": "apr-7", "approver": {"type": "Human", "id": "bob"},
                "actions": [{"type": "Action", "id": "push"}], "expires_at": "2026-11-28T23:00:00Z"},
   "delegation": [{"type": "Human", "id": "alice"}, {"type": "Agent", "id": "planner-3"},
                  {"type": "Agent", "id": "coder-1"}]}})";
}

/// Whether the engine reads the envelope request: its agent and its time.
bool readsEnvelopes(Engine &engine) {
  PreparedRequest req;
  return engine.prepareJson(envelopeRequest(), req) && req.getAgent() != nullptr &&
         !req.getTime().empty();
}

} // namespace

TEST(RevocationList, ParsesEveryKindAndLooksUpInForceEntries) {
  std::string error;
  auto list = RevocationList::parse(FullList, error);
  ASSERT_TRUE(list) << error;
  EXPECT_EQ(list->size(), 6u);
  int64_t late = at("2026-11-28T20:00:00Z");
  EXPECT_EQ(list->matchId(RevocationKind::Instance,
                          "spiffe://acme.dev/agent/coder/instance/7f3a", late), 0u);
  EXPECT_EQ(list->matchId(RevocationKind::Instance, "spiffe://other", late), RevocationList::NoMatch);
  // cred-9 has two entries: the first in list order that is in force.
  EXPECT_EQ(list->matchId(RevocationKind::Credential, "cred-9", late), 1u);
  EXPECT_EQ(list->matchId(RevocationKind::Credential, "cred-9", at("2026-11-28T19:35:00Z")), 5u);
  EXPECT_EQ(list->matchId(RevocationKind::Credential, "cred-9", at("2026-11-28T19:29:59Z")),
            RevocationList::NoMatch);
  // Offsets and fractions: 21:42:00.500+02:00 is 19:42:00.500Z.
  EXPECT_EQ(list->matchId(RevocationKind::Approval, "apr-7", at("2026-11-28T19:42:00.499Z")),
            RevocationList::NoMatch);
  EXPECT_EQ(list->matchId(RevocationKind::Approval, "apr-7", at("2026-11-28T19:42:00.500Z")), 2u);
  EXPECT_EQ(list->matchEntity("Agent", "planner-3", late), 3u);
  EXPECT_EQ(list->matchEntity("Human", "alice", late), 4u);
  EXPECT_EQ(list->matchEntity("Human", "planner-3", late), RevocationList::NoMatch);
  EXPECT_EQ(list->getInfo(4).id, "Human::\"alice\"");
  EXPECT_EQ(list->getInfo(0).reason, "instance compromised");
  EXPECT_EQ(list->getInfo(2).revokedAt, "2026-11-28T21:42:00.500+02:00");
}

TEST(RevocationList, ErrorsNameTheEntryPath) {
  EXPECT_EQ(parseError(R"({"revocations": []})"), "ok");
  EXPECT_EQ(parseError("[]"), "a revocation list is an object `{\"revocations\": [..]}`");
  EXPECT_EQ(parseError("{}"), "revocations: missing");
  EXPECT_EQ(parseError(R"({"revocations": [], "extra": 1})"),
            "extra: unknown member (expected `revocations`)");
  EXPECT_EQ(parseError(R"({"revocations": [
      {"kind": "credential", "id": "c", "revoked_at": "2026-11-28T19:41:00Z"},
      {"kind": "user", "id": "c", "revoked_at": "2026-11-28T19:41:00Z"}]})"),
            "revocations[1].kind: unknown kind `user` (instance, credential, approval or entity)");
  EXPECT_EQ(parseError(R"({"revocations": [{"kind": "credential", "id": "c",
      "revoked_at": "2026-11-28T19:41:00Z", "reson": "typo"}]})"),
            "revocations[0].reson: unknown member of credential entry");
  EXPECT_EQ(parseError(R"({"revocations": [{"kind": "credential", "id": "c"}]})"),
            "revocations[0].revoked_at: missing");
  EXPECT_EQ(parseError(R"({"revocations": [{"kind": "credential", "id": "c",
      "revoked_at": "yesterday"}]})"),
            "revocations[0].revoked_at: `yesterday` is not a time: expected RFC 3339 such as "
            "`2026-11-28T19:30:00Z` or `2026-11-28T21:30:00.250+02:00`");
  EXPECT_EQ(parseError(R"({"revocations": [{"kind": "entity", "id": "c",
      "revoked_at": "2026-11-28T19:41:00Z"}]})"),
            "revocations[0].id: unknown member of entity entry");
  EXPECT_EQ(parseError(R"({"revocations": [{"kind": "instance", "id": 7,
      "revoked_at": "2026-11-28T19:41:00Z"}]})"),
            "revocations[0].id: not a string");
  EXPECT_NE(parseError(R"({"revocations": [{"kind": "entity", "entity": "nope",
      "revoked_at": "2026-11-28T19:41:00Z"}]})").find("revocations[0].entity: "),
            std::string::npos);
}

TEST(Revocation, EntityRevokesThePrincipalOnEveryEvaluator) {
  for (Evaluator e : AllEvaluators) {
    SCOPED_TRACE(int(e));
    Engine engine;
    engine.setEvaluator(e);
    ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
    EXPECT_EQ(engine.authorizeJson(PlainRequest).outcome, Outcome::Allowed);
    ASSERT_TRUE(engine.loadRevocationsJson("r.json", revokeEntity(R"("Agent::\"coder-1\"")")).ok);
    EXPECT_EQ(engine.getNumRevocations(), 1u);
    Decision d = engine.authorizeJson(PlainRequest);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.outcome, Outcome::Revoked);
    EXPECT_TRUE(d.revoked);
    EXPECT_EQ(d.revocation.kind, "entity");
    EXPECT_EQ(d.revocation.id, "Agent::\"coder-1\"");
    EXPECT_EQ(d.revocation.reason, "test");
    EXPECT_TRUE(d.reasons.empty());
    EXPECT_TRUE(d.errors.empty());
    EXPECT_EQ(d.toJson(), R"({"decision":"deny","reasons":[],"errors":[]})");
    // Not yet in force: revoked_at after the decision time (the clock here).
    ASSERT_TRUE(engine
                    .loadRevocationsJson("r.json", revokeEntity(R"({"type": "Agent", "id": "coder-1"})",
                                                                "2999-01-01T00:00:00Z"))
                    .ok);
    EXPECT_EQ(engine.authorizeJson(PlainRequest).outcome, Outcome::Allowed);
    // Another entity does not match; an unreadable request stays invalid.
    ASSERT_TRUE(engine.loadRevocationsJson("r.json", revokeEntity(R"("Agent::\"other\"")")).ok);
    EXPECT_EQ(engine.authorizeJson(PlainRequest).outcome, Outcome::Allowed);
    EXPECT_EQ(engine.authorizeJson("{").outcome, Outcome::InvalidRequest);
  }
}

TEST(Revocation, TakesEffectForAlreadyPreparedRequests) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  PreparedRequest req;
  DecisionScratch scratch;
  ASSERT_TRUE(engine.prepareJson(PlainRequest, req));
  EXPECT_TRUE(engine.decide(req, scratch));
  ASSERT_TRUE(engine.loadRevocationsJson("r.json", revokeEntity(R"("Agent::\"coder-1\"")")).ok);
  EXPECT_FALSE(engine.decide(req, scratch));
  EXPECT_EQ(scratch.getOutcome(), Outcome::Revoked);
  ASSERT_NE(scratch.getRevocation(), nullptr);
  EXPECT_EQ(scratch.getRevocation()->id, "Agent::\"coder-1\"");
  ASSERT_TRUE(engine.loadRevocationsJson("r.json", R"({"revocations": []})").ok);
  EXPECT_TRUE(engine.decide(req, scratch));
  EXPECT_EQ(scratch.getRevocation(), nullptr);
}

TEST(Revocation, AMalformedListLeavesThePreviousOne) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  ASSERT_TRUE(engine.loadRevocationsJson("r.json", revokeEntity(R"("Agent::\"coder-1\"")")).ok);
  LoadStatus st = engine.loadRevocationsJson(
      "bad.json", R"({"revocations": [{"kind": "agent", "id": "x", "revoked_at": "2020-01-01"}]})");
  EXPECT_FALSE(st.ok);
  ASSERT_EQ(st.diagnostics.size(), 1u);
  EXPECT_EQ(st.diagnostics[0].code, "LA003");
  EXPECT_EQ(st.diagnostics[0].file, "bad.json");
  EXPECT_NE(st.rendered.find("revocations[0].kind: unknown kind `agent`"), std::string::npos)
      << st.rendered;
  EXPECT_EQ(engine.getNumRevocations(), 1u);
  EXPECT_EQ(engine.authorizeJson(PlainRequest).outcome, Outcome::Revoked);
  EXPECT_FALSE(engine.loadRevocationsFile("/nonexistent/revocations.json").ok);
  EXPECT_EQ(engine.getNumRevocations(), 1u);
}

TEST(Revocation, LoadsFromAFile) {
  std::string path = ::testing::TempDir() + "larch-revocations-test.json";
  std::ofstream(path) << revokeEntity(R"("Agent::\"coder-1\"")");
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  LoadStatus st = engine.loadRevocationsFile(path);
  ASSERT_TRUE(st.ok) << st.rendered;
  EXPECT_EQ(engine.authorizeJson(PlainRequest).outcome, Outcome::Revoked);
  std::remove(path.c_str());
}

TEST(Revocation, EnvelopeKindsOwnerAndHops) {
  for (Evaluator e : AllEvaluators) {
    SCOPED_TRACE(int(e));
    Engine engine;
    engine.setEvaluator(e);
    ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
    ASSERT_TRUE(readsEnvelopes(engine));
    EXPECT_EQ(engine.authorizeJson(envelopeRequest()).outcome, Outcome::Allowed);
    ASSERT_TRUE(engine.loadRevocationsJson("r.json", FullList).ok);
    // At 20:00 every entry is in force: the first in list order wins.
    Decision d = engine.authorizeJson(envelopeRequest("2026-11-28T20:00:00Z"));
    EXPECT_EQ(d.outcome, Outcome::Revoked);
    EXPECT_EQ(d.revocation.kind, "instance");
    EXPECT_EQ(d.revocation.reason, "instance compromised");
    // Before 19:40 only the second cred-9 entry (19:30) is in force.
    d = engine.authorizeJson(envelopeRequest("2026-11-28T19:35:00Z"));
    EXPECT_EQ(d.revocation.kind, "credential");
    EXPECT_EQ(d.revocation.reason, "listed twice");
    // Before every revoked_at: allowed.
    EXPECT_EQ(engine.authorizeJson(envelopeRequest("2026-11-28T19:29:00Z")).outcome,
              Outcome::Allowed);
    auto only = [&](const std::string &entry) {
      std::string list = R"({"revocations": [)" + entry + "]}";
      EXPECT_TRUE(engine.loadRevocationsJson("r.json", list).ok) << list;
      return engine.authorizeJson(envelopeRequest());
    };
    EXPECT_EQ(only(R"({"kind": "approval", "id": "apr-7", "revoked_at": "2026-11-28T19:00:00Z"})")
                  .revocation.kind,
              "approval");
    EXPECT_EQ(only(R"({"kind": "credential", "id": "cred-9", "revoked_at": "2026-11-28T19:00:00Z"})")
                  .outcome,
              Outcome::Revoked);
    // The owner (also the chain's first hop) and a middle hop.
    EXPECT_EQ(only(R"({"kind": "entity", "entity": "Human::\"alice\"", "revoked_at": "2026-11-28T19:00:00Z"})")
                  .revocation.id,
              "Human::\"alice\"");
    EXPECT_EQ(only(R"({"kind": "entity", "entity": "Agent::\"planner-3\"", "revoked_at": "2026-11-28T19:00:00Z"})")
                  .revocation.id,
              "Agent::\"planner-3\"");
    EXPECT_EQ(only(R"({"kind": "entity", "entity": "Human::\"bob\"", "revoked_at": "2026-11-28T19:00:00Z"})")
                  .outcome,
              Outcome::Allowed); // the approver is not a hop
  }
}

TEST(Revocation, OwnerRevokedOutsideTheChain) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  ASSERT_TRUE(readsEnvelopes(engine));
  std::string req = R"({"principal": "Agent::\"coder-1\"", "action": "Action::\"push\"",
    "resource": "Repo::\"larch\"", "time": "2026-11-28T20:00:00Z",
    "agent": {"instance": "i-1", "owner": {"type": "Team", "id": "infra"}}})";
  ASSERT_TRUE(engine.loadRevocationsJson("r.json", revokeEntity(R"("Team::\"infra\"")")).ok);
  EXPECT_EQ(engine.authorizeJson(req).outcome, Outcome::Revoked);
}

TEST(Revocation, ReplacedAtomicallyWhileAnotherThreadDecides) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  std::string revoking = revokeEntity(R"("Agent::\"coder-1\"")");
  std::string other = revokeEntity(R"("Agent::\"someone-else\"")");
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> decided{0}, wrong{0}, revoked{0};
  std::thread reader([&] {
    PreparedRequest req;
    DecisionScratch scratch;
    engine.prepareJson(PlainRequest, req);
    while (!stop.load()) {
      bool allowed = engine.decide(req, scratch);
      // Either list: revoked with the coder's entry, or allowed by the policy.
      bool consistent =
          allowed ? scratch.getOutcome() == Outcome::Allowed && !scratch.getRevocation()
                  : scratch.getOutcome() == Outcome::Revoked && scratch.getRevocation() &&
                        scratch.getRevocation()->id == "Agent::\"coder-1\"";
      wrong += consistent ? 0 : 1;
      revoked += allowed ? 0 : 1;
      ++decided;
    }
  });
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(engine.loadRevocationsJson("r.json", i % 2 ? other : revoking).ok);
  while (decided.load() < 1000)
    std::this_thread::yield();
  stop = true;
  reader.join();
  EXPECT_EQ(wrong.load(), 0u);
}

TEST(Revocation, DecidingAllocatesNothingWithOrWithoutAList) {
  for (Evaluator e : {Evaluator::Compiled, Evaluator::CompiledAllCandidates}) {
    SCOPED_TRACE(int(e));
    Engine engine;
    engine.setEvaluator(e);
    ASSERT_TRUE(engine.loadPolicyText("p.cedar", R"(
@id("allow-all") @max_credential_ttl("15m") permit(principal, action, resource);
@id("gate") @approval_required("ops") forbid(principal, action, resource) when { context has risk };
)").ok);
    PreparedRequest req;
    DecisionScratch scratch;
    ASSERT_TRUE(engine.prepareJson(PlainRequest, req));
    auto countDecisions = [&](Outcome expected) {
      engine.decide(req, scratch); // warm the scratch
      support::CountAllocations counter;
      for (int i = 0; i < 10; ++i)
        engine.decide(req, scratch);
      EXPECT_EQ(scratch.getOutcome(), expected);
      return counter.count();
    };
    EXPECT_EQ(countDecisions(Outcome::Allowed), 0u);
    // A list that does not match, then one that does.
    std::string big = R"({"revocations": [)";
    for (int i = 0; i < 100; ++i)
      big += std::string(i ? "," : "") + R"({"kind": "entity", "entity": "Agent::\"a)" +
             std::to_string(i) + R"(\"", "revoked_at": "2020-01-01T00:00:00Z"},)" +
             R"({"kind": "credential", "id": "c)" + std::to_string(i) +
             R"(", "revoked_at": "2020-01-01T00:00:00Z"})";
    ASSERT_TRUE(engine.loadRevocationsJson("r.json", big + "]}").ok);
    EXPECT_EQ(countDecisions(Outcome::Allowed), 0u);
    ASSERT_TRUE(engine.loadRevocationsJson("r.json", revokeEntity(R"("Agent::\"coder-1\"")")).ok);
    EXPECT_EQ(countDecisions(Outcome::Revoked), 0u);
    ASSERT_TRUE(engine.prepareJson(
        R"({"principal": "Agent::\"x\"", "action": "Action::\"a\"", "resource": "R::\"r\"",
            "context": {"risk": 1}})",
        req));
    EXPECT_EQ(countDecisions(Outcome::ApprovalRequired), 0u);
    // With an envelope: instance, credential, approval, owner and every hop
    // are looked up (none matches, then the planner hop does).
    ASSERT_TRUE(readsEnvelopes(engine));
    ASSERT_TRUE(engine.prepareJson(envelopeRequest(), req));
    ASSERT_TRUE(engine.loadRevocationsJson("r.json", big + "]}").ok);
    EXPECT_EQ(countDecisions(Outcome::Allowed), 0u);
    ASSERT_TRUE(engine.loadRevocationsJson("r.json", revokeEntity(R"("Agent::\"planner-3\"")")).ok);
    EXPECT_EQ(countDecisions(Outcome::Revoked), 0u);
  }
}

TEST(Revocation, AlternatingOutcomesAllocateNothing) {
  // A reused scratch going from a request that was not read to a revoked one
  // to an allowed one and back keeps its memory.
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  ASSERT_TRUE(engine.loadRevocationsJson("r.json", revokeEntity(R"("Agent::\"coder-1\"")")).ok);
  PreparedRequest bad, revoked, allowed;
  EXPECT_FALSE(engine.prepareJson(R"({"principal": "Agent::\"coder-1\"", "action": 1,
                                      "resource": "Repo::\"a-long-enough-name-to-allocate\""})",
                                  bad));
  ASSERT_TRUE(engine.prepareJson(PlainRequest, revoked));
  ASSERT_TRUE(engine.prepareJson(
      R"({"principal": "Agent::\"coder-2\"", "action": "Action::\"push\"", "resource": "Repo::\"larch\""})",
      allowed));
  DecisionScratch scratch;
  for (int round = 0; round < 2; ++round) {
    support::CountAllocations counter;
    for (int i = 0; i < 5; ++i) {
      engine.decide(bad, scratch);
      EXPECT_EQ(scratch.getOutcome(), Outcome::InvalidRequest);
      engine.decide(revoked, scratch);
      EXPECT_EQ(scratch.getOutcome(), Outcome::Revoked);
      EXPECT_EQ(scratch.getNumReasons() + scratch.getNumErrors(), 0u);
      engine.decide(allowed, scratch);
      EXPECT_EQ(scratch.getOutcome(), Outcome::Allowed);
    }
    if (round == 1) { // the first round sizes the scratch
      EXPECT_EQ(counter.count(), 0u);
    }
  }
}
