// The agent policy library (stdlib-policies/agents/): its policies validate
// strictly against its schema, and every case of tests/cases.jsonl (one
// request with an agent envelope, its expected decision, outcome, determining
// policies and obligations) is decided as expected by every evaluator.
#include "larch/engine.h"
#include "testlib/corpus.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::json;

const std::string Dir = std::string(LARCH_SOURCE_DIR) + "/stdlib-policies/agents";
const std::string FleetDir = std::string(LARCH_SOURCE_DIR) + "/examples/coding-agent-fleet";

std::string describe(const larch::LoadStatus &st) { return st.rendered; }

// Loads the library with its test entities and revocation list.
void loadLibrary(larch::Engine &engine) {
  larch::LoadStatus st = engine.loadPolicyPaths({Dir});
  ASSERT_TRUE(st.ok) << describe(st);
  st = engine.loadSchemaFile(Dir + "/agent.cedarschema");
  ASSERT_TRUE(st.ok) << describe(st);
  st = engine.loadEntitiesFile(Dir + "/tests/entities.json");
  ASSERT_TRUE(st.ok) << describe(st);
  st = engine.loadRevocationsFile(Dir + "/tests/revocations.json");
  ASSERT_TRUE(st.ok) << describe(st);
  engine.setRequestValidation(true);
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> strings(const Json &j) {
  std::vector<std::string> out;
  for (const Json &e : j)
    out.push_back(e.get<std::string>());
  return out;
}

std::vector<Json> readCases() {
  bool ok = false;
  std::string text = larch::testlib::readFile(Dir + "/tests/cases.jsonl", &ok);
  EXPECT_TRUE(ok);
  std::vector<Json> cases;
  std::istringstream is(text);
  for (std::string line; std::getline(is, line);)
    if (!line.empty())
      cases.push_back(Json::parse(line));
  return cases;
}

void checkCase(const larch::Engine &engine, const Json &c) {
  SCOPED_TRACE(c["control"].get<std::string>() + ": " + c["name"].get<std::string>());
  larch::Decision d = engine.authorizeJson(c["request"].dump());
  EXPECT_EQ(d.allowed ? "allow" : "deny", c["decision"].get<std::string>()) << d.toJson();
  EXPECT_EQ(larch::getOutcomeName(d.outcome), c["outcome"].get<std::string>()) << d.toJson();
  // Compared as sets: the order of the policy files is the adopter's.
  EXPECT_EQ(sorted(d.reasons), sorted(strings(c["reasons"]))) << d.toJson();
  const Json &ob = c["obligations"];
  EXPECT_EQ(d.obligations.maxCredentialTtlSeconds,
            ob.contains("max_credential_ttl") ? ob["max_credential_ttl"].get<int64_t>() : -1);
  EXPECT_EQ(d.obligations.credentialScopes,
            ob.contains("credential_scopes") ? strings(ob["credential_scopes"])
                                             : std::vector<std::string>{});
  EXPECT_EQ(d.obligations.approvers, ob.contains("approval_required")
                                         ? strings(ob["approval_required"])
                                         : std::vector<std::string>{});
  if (c.contains("error")) {
    ASSERT_EQ(d.errors.size(), 1u) << d.toJson();
    EXPECT_EQ(d.errors[0].policy, "");
    EXPECT_NE(d.errors[0].message.find(c["error"].get<std::string>()), std::string::npos)
        << d.errors[0].message;
  } else {
    EXPECT_TRUE(d.errors.empty()) << d.toJson();
  }
}

TEST(AgentLibrary, ValidatesStrictly) {
  larch::Engine engine;
  ASSERT_TRUE(engine.loadPolicyPaths({Dir}).ok);
  ASSERT_TRUE(engine.loadSchemaFile(Dir + "/agent.cedarschema").ok);
  larch::LoadStatus st = engine.validatePolicies();
  EXPECT_TRUE(st.ok) << describe(st);
  // Every policy has an id of its own (no positional policyN).
  for (const std::string &id : engine.getPolicyIds())
    EXPECT_EQ(id.rfind("agents.", 0), 0u) << id;
}

TEST(AgentLibrary, DecidesEveryCase) {
  std::vector<Json> cases = readCases();
  ASSERT_GE(cases.size(), 40u);
  for (larch::Evaluator ev : {larch::Evaluator::Compiled, larch::Evaluator::CompiledAllCandidates,
                              larch::Evaluator::Reference}) {
    larch::Engine engine;
    loadLibrary(engine);
    engine.setEvaluator(ev);
    for (const Json &c : cases)
      checkCase(engine, c);
  }
}

// The fleet example adopts the library by copying its agent model into its
// own schema; the copy must not drift.
std::string agentModel(const std::string &path) {
  std::string text = larch::testlib::readFile(path);
  size_t begin = text.find("// ---- begin agent model ----");
  size_t end = text.find("// ---- end agent model ----");
  if (begin == std::string::npos || end == std::string::npos)
    return "";
  return text.substr(begin, end - begin);
}

TEST(AgentLibrary, FleetSchemaCarriesTheAgentModel) {
  std::string model = agentModel(Dir + "/agent.cedarschema");
  ASSERT_FALSE(model.empty());
  EXPECT_EQ(agentModel(FleetDir + "/schema.cedarschema"), model);
}

// The coding-agent fleet (examples/coding-agent-fleet/): the library and the
// fleet's policies decide its day of requests as its README says.
TEST(AgentLibrary, FleetDayOfRequests) {
  larch::Engine engine;
  larch::LoadStatus st = engine.loadPolicyPaths({Dir, FleetDir + "/policies"});
  ASSERT_TRUE(st.ok) << describe(st);
  ASSERT_TRUE(engine.loadSchemaFile(FleetDir + "/schema.cedarschema").ok);
  st = engine.validatePolicies();
  ASSERT_TRUE(st.ok) << describe(st);
  ASSERT_TRUE(engine.loadEntitiesFile(FleetDir + "/entities.json").ok);
  st = engine.loadRevocationsFile(FleetDir + "/revocations.json");
  ASSERT_TRUE(st.ok) << describe(st);
  engine.setRequestValidation(true);
  struct Expected {
    const char *outcome;
    std::vector<std::string> reasons;
  };
  const std::vector<Expected> expected = {
      {"allowed", {"agents.baseline.read"}},
      {"allowed", {"agents.baseline.delegate"}},
      {"allowed", {"agents.baseline.read"}},
      {"allowed", {"fleet.coder-push"}},
      {"allowed", {"fleet.coder-push"}},
      {"allowed", {"fleet.test-runner-shell"}},
      {"forbidden", {"agents.delegation.max-depth"}},
      {"allowed", {"agents.baseline.read"}},
      {"allowed", {"agents.baseline.read-team"}},
      {"forbidden", {"agents.credential.expired"}},
      {"allowed", {"agents.write.approved"}},
      {"approval_required", {"fleet.merge-approval"}},
      {"allowed", {"agents.write.approved", "fleet.release-merge"}},
      {"revoked", {}},
      {"approval_required", {"agents.session.owner-present"}},
  };
  bool ok = false;
  std::istringstream is(larch::testlib::readFile(FleetDir + "/requests.jsonl", &ok));
  ASSERT_TRUE(ok);
  size_t i = 0;
  for (std::string line; std::getline(is, line); ++i) {
    ASSERT_LT(i, expected.size());
    SCOPED_TRACE("request " + std::to_string(i + 1));
    larch::Decision d = engine.authorizeJson(line);
    EXPECT_EQ(larch::getOutcomeName(d.outcome), std::string(expected[i].outcome)) << d.toJson();
    EXPECT_EQ(sorted(d.reasons), expected[i].reasons) << d.toJson();
    EXPECT_TRUE(d.errors.empty()) << d.toJson();
    if (i == 11) { // the merge waits for a release manager
      EXPECT_EQ(d.obligations.approvers, std::vector<std::string>{"release-managers"});
    }
    if (i == 12) { // the approved merge: the shortest TTL, both permits' scopes
      EXPECT_EQ(d.obligations.maxCredentialTtlSeconds, 300);
      EXPECT_EQ(d.obligations.credentialScopes,
                (std::vector<std::string>{"repo:merge", "tools:write"}));
    }
  }
  EXPECT_EQ(i, expected.size());
}

} // namespace
