// Tests for compiler/audit/decision_record.h and hash_chain.h: the record's
// JSON form, its canonical bytes and hash (a fixed vector, computed
// independently), and the checks applied to a stored line.
#include "compiler/audit/canonical_json.h"
#include "compiler/audit/decision_record.h"
#include "compiler/audit/digest.h"
#include "compiler/audit/hash_chain.h"

#include "unit/audit/audit_test_util.h"

#include <gtest/gtest.h>

namespace larch::audit {
namespace {

using Json = nlohmann::json;

// The example of docs/audit.md, as sealed first in a new chain.
const char *kExampleLine =
    R"({"action":{"id":"write","type":"Action"},"agent":{"approval":{"actions":["write"],"approver":"bob","expires_at":"2026-11-28T23:00:00Z","id":"apr-7","task":"T-1"},"credential":{"expires_at":"2026-11-28T19:45:00Z","id":"cred-9","issued_at":"2026-11-28T19:30:00Z","scopes":["repo:write"]},"instance":"spiffe://acme/agent/coder/v1/instance/1","owner":"alice","session":"s-42"},"context":{"digest":"sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd","fields":{"risk":20}},"decision":"allow","decision_id":"01938f4e-1a2b-7c3d-8e4f-0123456789ab","delegation":[{"id":"alice","kind":"human"},{"id":"planner-3","kind":"agent"},{"id":"coder-1","kind":"agent"}],"determining_policies":[{"id":"policy2","name":"write-with-approval"}],"errors":[],"eval_ns":1234,"integrity":{"hash":"sha256:8521769537b5147a40f590571924bae4043efd3b5e3a94e0df02a3d7d106f25c","prev_hash":"sha256:0000000000000000000000000000000000000000000000000000000000000000","seq":0},"obligations":[{"properties":{"seconds":900},"type":"max_credential_ttl"}],"outcome":"allowed","policy_set_digest":"sha256:abababababababababababababababababababababababababababababababab","principal":{"id":"coder-1","type":"Agent"},"resource":{"id":"larch","type":"Repo"},"timestamp":"2026-11-28T19:32:33.123456Z","version":1})";

TEST(DecisionRecord, ExampleSealsToTheDocumentedLineAndHash) {
  DecisionRecord record = testutil::makeExampleRecord();
  HashChain chain;
  llvm::Expected<std::string> line = chain.seal(record);
  ASSERT_TRUE(bool(line)) << llvm::toString(line.takeError());
  EXPECT_EQ(*line, kExampleLine);
  ASSERT_TRUE(record.integrity.has_value());
  EXPECT_EQ(record.integrity->seq, 0u);
  EXPECT_EQ(record.integrity->prevHash, kGenesisHash);
  EXPECT_EQ(record.integrity->hash,
            "sha256:8521769537b5147a40f590571924bae4043efd3b5e3a94e0df02a3d7d106f25c");
  EXPECT_EQ(chain.getNextSeq(), 1u);
  EXPECT_EQ(chain.getHeadHash(), record.integrity->hash);

  // The hash is over the canonical form without `integrity.hash`.
  llvm::Expected<std::string> withoutHash =
      toCanonicalJson(recordToJson(record, /*withHash=*/false));
  ASSERT_TRUE(bool(withoutHash));
  EXPECT_EQ(sha256Digest(*withoutHash), record.integrity->hash);
  llvm::Expected<std::string> recomputed = computeRecordHash(Json::parse(*line));
  ASSERT_TRUE(bool(recomputed));
  EXPECT_EQ(*recomputed, record.integrity->hash);
}

TEST(DecisionRecord, OmitsEmptyFieldsButKeepsTheLists) {
  DecisionRecord record;
  record.decisionId = "id";
  record.timestamp = "t";
  Json json = recordToJson(record);
  EXPECT_EQ(json.dump(),
            R"({"action":{"id":"","type":""},"decision":"deny","decision_id":"id",)"
            R"("determining_policies":[],"errors":[],"eval_ns":0,"obligations":[],)"
            R"("outcome":"not_permitted","principal":{"id":"","type":""},)"
            R"("resource":{"id":"","type":""},"timestamp":"t","version":1})");
  record.agent = AgentInfo{};
  record.agent->owner = "alice";
  record.revoked = RevocationRef{"credential", "cred-1", "2026-01-01T00:00:00Z", ""};
  json = recordToJson(record);
  EXPECT_EQ(json["agent"].dump(), R"({"owner":"alice"})");
  EXPECT_EQ(json["revoked"].dump(),
            R"({"id":"cred-1","kind":"credential","revoked_at":"2026-01-01T00:00:00Z"})");
}

namespace {

larch::Decision makeDecision(bool allowed, std::vector<std::string> reasons,
                             std::vector<larch::PolicyErrorInfo> errors, Outcome outcome) {
  larch::Decision d;
  d.allowed = allowed;
  d.reasons = std::move(reasons);
  d.errors = std::move(errors);
  d.outcome = outcome;
  return d;
}

} // namespace

TEST(DecisionRecord, SetDecisionCopiesTheEngineDecision) {
  DecisionRecord record;
  larch::Decision allow = makeDecision(true, {"p1", "p2"}, {}, Outcome::Allowed);
  allow.obligations.maxCredentialTtlSeconds = 900;
  allow.obligations.credentialScopes = {"repo:read"};
  setDecision(record, allow);
  EXPECT_TRUE(record.allowed);
  EXPECT_EQ(record.outcome, Outcome::Allowed);
  ASSERT_EQ(record.determiningPolicies.size(), 2u);
  EXPECT_EQ(record.determiningPolicies[1].id, "p2");
  ASSERT_EQ(record.obligations.size(), 2u);
  EXPECT_EQ(record.obligations[0].type, "max_credential_ttl");
  EXPECT_EQ(record.obligations[0].properties.dump(), R"({"seconds":900})");
  EXPECT_EQ(record.obligations[1].properties.dump(), R"({"scopes":["repo:read"]})");

  larch::Decision forbid =
      makeDecision(false, {"f"}, {{"p3", "boom"}}, Outcome::ApprovalRequired);
  forbid.obligations.approvers = {"leads"};
  setDecision(record, forbid);
  EXPECT_EQ(record.outcome, Outcome::ApprovalRequired);
  ASSERT_EQ(record.errors.size(), 1u);
  EXPECT_EQ(record.errors[0].message, "boom");
  ASSERT_EQ(record.obligations.size(), 1u);
  EXPECT_EQ(record.obligations[0].properties.dump(), R"({"approvers":["leads"]})");
  EXPECT_FALSE(record.revoked);

  larch::Decision revoked = makeDecision(false, {}, {}, Outcome::Revoked);
  revoked.revoked = true;
  revoked.revocation = {"instance", "spiffe://a/b", "2026-01-01T00:00:00Z", "leaked"};
  setDecision(record, revoked);
  EXPECT_EQ(record.outcome, Outcome::Revoked);
  EXPECT_TRUE(record.obligations.empty());
  ASSERT_TRUE(record.revoked);
  EXPECT_EQ(record.revoked->reason, "leaked");
  EXPECT_STREQ(getOutcomeName(Outcome::ApprovalRequired), "approval_required");
  EXPECT_STREQ(getOutcomeName(Outcome::Revoked), "revoked");
}

TEST(HashChain, LinksRecordsAndStampsIdsInOrder) {
  HashChain chain;
  std::string prev = kGenesisHash;
  std::string lastId;
  for (int i = 0; i < 5; ++i) {
    DecisionRecord r = testutil::makeChainRecord(i);
    llvm::Expected<std::string> line = chain.seal(r);
    ASSERT_TRUE(bool(line));
    EXPECT_EQ(r.integrity->seq, static_cast<uint64_t>(i));
    EXPECT_EQ(r.integrity->prevHash, prev);
    prev = r.integrity->hash;
    EXPECT_GT(r.decisionId, lastId);
    lastId = r.decisionId;
    EXPECT_EQ(r.timestamp.size(), 27u) << r.timestamp;
    LineCheck check = checkRecordLine(*line);
    EXPECT_EQ(check.status, LineCheck::Status::Ok) << check.message;
    EXPECT_EQ(check.hash, r.integrity->hash);
  }
}

TEST(HashChain, AFailedSealLeavesTheChainUnchanged) {
  HashChain chain;
  DecisionRecord good = testutil::makeChainRecord(0);
  ASSERT_TRUE(bool(chain.seal(good)));
  DecisionRecord bad = testutil::makeChainRecord(1);
  bad.obligations = {{"ttl", {{"ratio", 0.5}}}};
  llvm::Expected<std::string> line = chain.seal(bad);
  ASSERT_FALSE(bool(line));
  EXPECT_NE(llvm::toString(line.takeError()).find("floating-point"), std::string::npos);
  EXPECT_FALSE(bad.integrity.has_value());
  EXPECT_EQ(chain.getNextSeq(), 1u);
  EXPECT_EQ(chain.getHeadHash(), good.integrity->hash);
}

TEST(HashChain, CheckRecordLineStatuses) {
  std::string line = kExampleLine;
  EXPECT_EQ(checkRecordLine(line).status, LineCheck::Status::Ok);

  std::string edited = line;
  edited.replace(edited.find("\"allow\""), 7, "\"deny\"");
  LineCheck check = checkRecordLine(edited);
  EXPECT_EQ(check.status, LineCheck::Status::HashMismatch);
  EXPECT_EQ(check.seq, 0u);

  // The same content with a space, or a duplicated key: not canonical.
  std::string spaced = line;
  spaced.insert(1, " ");
  EXPECT_EQ(checkRecordLine(spaced).status, LineCheck::Status::NotCanonical);
  std::string duplicated = line;
  duplicated.insert(1, R"("decision":"deny",)");
  EXPECT_EQ(checkRecordLine(duplicated).status, LineCheck::Status::NotCanonical);
  std::string escaped = line;
  escaped.replace(escaped.find("alice"), 5, "\\u0061lice");
  EXPECT_EQ(checkRecordLine(escaped).status, LineCheck::Status::NotCanonical);

  EXPECT_EQ(checkRecordLine("").status, LineCheck::Status::Malformed);
  EXPECT_EQ(checkRecordLine("[1]").status, LineCheck::Status::Malformed);
  EXPECT_EQ(checkRecordLine(R"({"integrity":{"seq":-1}})").status,
            LineCheck::Status::Malformed);
  EXPECT_EQ(checkRecordLine(line.substr(0, line.size() / 2)).status,
            LineCheck::Status::Malformed);
}

} // namespace
} // namespace larch::audit
