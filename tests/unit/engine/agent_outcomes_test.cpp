// Outcomes and obligations (docs/agents.md, "Obligations and outcomes") on
// every evaluator: each outcome, the smallest TTL and the union of scopes
// over several permits, the union of approvers over several forbids, and
// template links carrying their template's annotations.
#include "larch/engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace larch;

namespace {

const Evaluator AllEvaluators[] = {Evaluator::Compiled, Evaluator::CompiledAllCandidates,
                                   Evaluator::Reference};

const char *const Policies = R"(
@id("read-short") @max_credential_ttl("15m") @credential_scopes("repo:read")
permit(principal, action == Action::"read", resource);
@id("read-long") @max_credential_ttl("1h") @credential_scopes("repo:read repo:list")
permit(principal, action == Action::"read", resource) when { context.risk < 50 };
@id("read-plain")
permit(principal, action == Action::"read", resource) when { context.risk < 10 };
@id("push") permit(principal, action == Action::"push", resource);
@id("push-risky") @approval_required("release-managers")
forbid(principal, action == Action::"push", resource) when { context.risk > 50 };
@id("push-friday") @approval_required("leads")
forbid(principal, action == Action::"push", resource) when { context.risk > 70 };
@id("push-banned") forbid(principal, action == Action::"push", resource) when { context.risk > 90 };
@id("delete-err") permit(principal, action == Action::"delete", resource) when { context.nope };
@id("deploy-gate") @approval_required("release-managers")
forbid(principal, action == Action::"deploy", resource);
)";

std::string request(const char *action, int risk) {
  return std::string(R"({"principal": "User::\"alice\"", "action": "Action::\")") + action +
         R"(\"", "resource": "Repo::\"larch\"", "context": {"risk": )" + std::to_string(risk) +
         "}}";
}

struct Fixture {
  Engine engine;
  explicit Fixture(Evaluator e, const char *policies = Policies) {
    engine.setEvaluator(e);
    LoadStatus st = engine.loadPolicyText("p.cedar", policies);
    EXPECT_TRUE(st.ok) << st.rendered;
  }
};

} // namespace

TEST(AgentOutcomes, EachOutcomeOnEveryEvaluator) {
  for (Evaluator e : AllEvaluators) {
    SCOPED_TRACE(int(e));
    Fixture f(e);
    Decision d = f.engine.authorizeJson(request("read", 5));
    EXPECT_EQ(d.outcome, Outcome::Allowed);
    EXPECT_FALSE(d.revoked);
    d = f.engine.authorizeJson(request("push", 60));
    EXPECT_EQ(d.outcome, Outcome::ApprovalRequired);
    EXPECT_FALSE(d.allowed);
    d = f.engine.authorizeJson(request("push", 95));
    EXPECT_EQ(d.outcome, Outcome::Forbidden);
    d = f.engine.authorizeJson(request("write", 0));
    EXPECT_EQ(d.outcome, Outcome::NotPermitted);
    // Only an @approval_required forbid, but no permit: approving would not
    // allow the call, so it is plainly forbidden and names no approver.
    d = f.engine.authorizeJson(request("deploy", 0));
    EXPECT_EQ(d.outcome, Outcome::Forbidden);
    EXPECT_EQ(d.reasons, std::vector<std::string>{"deploy-gate"});
    EXPECT_TRUE(d.obligations.approvers.empty());
    d = f.engine.authorizeJson(request("delete", 0)); // only an erroring permit
    EXPECT_EQ(d.outcome, Outcome::NotPermitted);
    EXPECT_EQ(d.errors.size(), 1u);
    d = f.engine.authorizeJson(R"({"principal": "User::\"alice\"", "action": 3})");
    EXPECT_EQ(d.outcome, Outcome::InvalidRequest);
    EXPECT_EQ(d.obligations.maxCredentialTtlSeconds, -1);
  }
}

TEST(AgentOutcomes, ScratchAccessorsMatchTheDecision) {
  for (Evaluator e : AllEvaluators) {
    SCOPED_TRACE(int(e));
    Fixture f(e);
    PreparedRequest req;
    DecisionScratch scratch;
    ASSERT_TRUE(f.engine.prepareJson(request("push", 80), req));
    f.engine.decide(req, scratch);
    EXPECT_EQ(scratch.getOutcome(), Outcome::ApprovalRequired);
    EXPECT_EQ(scratch.getRevocation(), nullptr);
    EXPECT_EQ(scratch.getObligations().approvers,
              (std::vector<std::string>{"leads", "release-managers"}));
    ASSERT_FALSE(f.engine.prepareJson("{", req));
    f.engine.decide(req, scratch);
    EXPECT_EQ(scratch.getOutcome(), Outcome::InvalidRequest);
  }
}

TEST(AgentOutcomes, ObligationsOfSeveralPermits) {
  for (Evaluator e : AllEvaluators) {
    SCOPED_TRACE(int(e));
    Fixture f(e);
    // All three read permits: the smallest TTL, the union of scopes.
    Decision d = f.engine.authorizeJson(request("read", 5));
    EXPECT_EQ(d.reasons, (std::vector<std::string>{"read-short", "read-long", "read-plain"}));
    EXPECT_EQ(d.obligations.maxCredentialTtlSeconds, 900);
    EXPECT_EQ(d.obligations.credentialScopes,
              (std::vector<std::string>{"repo:list", "repo:read"}));
    EXPECT_TRUE(d.obligations.approvers.empty());
    // A permit without annotations adds nothing; one without a TTL gives -1.
    d = f.engine.authorizeJson(request("push", 0));
    EXPECT_EQ(d.outcome, Outcome::Allowed);
    EXPECT_EQ(d.obligations.maxCredentialTtlSeconds, -1);
    EXPECT_TRUE(d.obligations.credentialScopes.empty());
    // A forbid that is not @approval_required makes it Forbidden, with no
    // approvers even though approval forbids are satisfied too.
    d = f.engine.authorizeJson(request("push", 95));
    EXPECT_EQ(d.outcome, Outcome::Forbidden);
    EXPECT_TRUE(d.obligations.approvers.empty());
    EXPECT_EQ(d.toJson(),
              R"({"decision":"deny","reasons":["push-risky","push-friday","push-banned"],"errors":[]})");
  }
}

TEST(AgentOutcomes, TemplateLinksCarryTheirTemplatesAnnotations) {
  const char *policies = R"(
@id("t-permit") @max_credential_ttl("10m") @credential_scopes("docs:read")
permit(principal == ?principal, action, resource);
@id("t-forbid") @approval_required("owners")
forbid(principal, action, resource == ?resource);
)";
  for (Evaluator e : AllEvaluators) {
    SCOPED_TRACE(int(e));
    Fixture f(e, policies);
    ASSERT_TRUE(f.engine.linkTemplate("t-permit", "alice-read", EntityRef{"User", "alice"},
                                      std::nullopt).ok);
    Decision d = f.engine.authorizeJson(request("read", 0));
    EXPECT_EQ(d.outcome, Outcome::Allowed);
    EXPECT_EQ(d.obligations.maxCredentialTtlSeconds, 600);
    EXPECT_EQ(d.obligations.credentialScopes, std::vector<std::string>{"docs:read"});
    ASSERT_TRUE(f.engine.linkTemplate("t-forbid", "larch-locked", std::nullopt,
                                      EntityRef{"Repo", "larch"}).ok);
    d = f.engine.authorizeJson(request("read", 0));
    EXPECT_EQ(d.outcome, Outcome::ApprovalRequired);
    EXPECT_EQ(d.reasons, std::vector<std::string>{"larch-locked"});
    EXPECT_EQ(d.obligations.approvers, std::vector<std::string>{"owners"});
  }
}
