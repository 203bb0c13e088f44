// The direct record writer (compiler/audit/record_writer.h) against the JSON
// tree: for many records, with unicode, escapes and every optional section
// set or not, appendRecordJson must give exactly the bytes of
// toCanonicalJson(recordToJson(record)), and fail where that fails.
#include "audit_test_util.h"

#include "compiler/audit/canonical_json.h"
#include "compiler/audit/record_writer.h"

#include <random>

namespace larch::audit {
namespace {

using testutil::makeChainRecord;
using testutil::makeExampleRecord;

/// The reference: the JSON tree, canonicalised. Empty with `ok` false when
/// it fails.
std::string viaTree(const DecisionRecord &record, bool withHash, bool &ok) {
  llvm::Expected<std::string> text = toCanonicalJson(recordToJson(record, withHash));
  ok = bool(text);
  if (!text) {
    llvm::consumeError(text.takeError());
    return "";
  }
  return *text;
}

std::string direct(const DecisionRecord &record, bool withHash, bool &ok) {
  std::string out;
  llvm::Error e = appendRecordJson(record, out, withHash);
  ok = !e;
  if (e) {
    llvm::consumeError(std::move(e));
    return "";
  }
  return out;
}

void expectSameBytes(const DecisionRecord &record, const std::string &what) {
  for (bool withHash : {true, false}) {
    bool treeOk = false, directOk = false;
    std::string tree = viaTree(record, withHash, treeOk);
    std::string fast = direct(record, withHash, directOk);
    EXPECT_EQ(treeOk, directOk) << what;
    EXPECT_EQ(tree, fast) << what << (withHash ? "" : " (without hash)");
  }
}

/// Strings that exercise the escapes: quotes, backslashes, every control
/// character class, `/`, U+007F, 2-, 3- and 4-byte UTF-8.
const std::vector<std::string> &nastyStrings() {
  static const std::vector<std::string> strings = {
      "",
      "plain",
      "quote \" and backslash \\ and slash /",
      std::string("controls \x01\x02\x08\x09\x0a\x0b\x0c\x0d\x1f end"),
      std::string("nul \0 inside", 12),
      "del \x7f",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
      "User::\"al\\\"ice\"",
      "spiffe://acme.dev/agent/coder/instance/7f3a",
  };
  return strings;
}

TEST(RecordWriter, TheExampleRecordAndChainRecords) {
  DecisionRecord example = makeExampleRecord();
  expectSameBytes(example, "example");
  example.integrity = Integrity{7, kGenesisHash, "sha256:" + std::string(64, 'e')};
  expectSameBytes(example, "example with integrity");
  for (int i = 0; i < 50; ++i)
    expectSameBytes(makeChainRecord(i), "chain record " + std::to_string(i));
}

TEST(RecordWriter, EmptyRecordAndEverySectionAlone) {
  DecisionRecord empty;
  expectSameBytes(empty, "empty");
  DecisionRecord r;
  r.agent = AgentInfo{};
  expectSameBytes(r, "empty agent");
  r.agent->credential = CredentialRef{};
  expectSameBytes(r, "empty credential");
  r.agent->approval = ApprovalRef{};
  expectSameBytes(r, "empty approval");
  r = DecisionRecord{};
  r.loggedContext = nlohmann::json::object();
  expectSameBytes(r, "empty logged context");
  r.loggedContext = nullptr;
  r.contextDigest = "sha256:" + std::string(64, 'c');
  expectSameBytes(r, "digest only");
  r = DecisionRecord{};
  r.revoked = RevocationRef{};
  expectSameBytes(r, "empty revocation");
  r.revoked = RevocationRef{"entity", "Agent::\"p\"", "2026-11-28T19:43:00Z", "why"};
  expectSameBytes(r, "revocation");
  r = DecisionRecord{};
  r.delegation = {{"a", ""}, {"b", "Agent"}};
  expectSameBytes(r, "hop without kind");
  r = DecisionRecord{};
  r.obligations = {{"max_credential_ttl", {{"seconds", 900}}},
                   {"credential_scopes", {{"scopes", {"b", "a"}}}},
                   {"approval_required", {{"approvers", {"x"}}}},
                   {"t", nlohmann::json::object()}};
  expectSameBytes(r, "obligations");
  for (Outcome o : {Outcome::Allowed, Outcome::Forbidden, Outcome::NotPermitted,
                    Outcome::ApprovalRequired, Outcome::Revoked, Outcome::InvalidRequest}) {
    r.outcome = o;
    expectSameBytes(r, getOutcomeName(o));
  }
  r.evalNanos = UINT64_MAX;
  expectSameBytes(r, "largest eval_ns");
}

TEST(RecordWriter, RandomRecordsWithUnicodeAndEscapes) {
  std::mt19937 random(12345);
  const auto &strings = nastyStrings();
  auto pick = [&] { return strings[random() % strings.size()]; };
  auto coin = [&] { return random() % 2 == 0; };
  for (int n = 0; n < 2000; ++n) {
    DecisionRecord r;
    r.decisionId = pick();
    r.timestamp = pick();
    r.policySetDigest = pick();
    r.principal = {pick(), pick()};
    r.action = {pick(), pick()};
    r.resource = {pick(), pick()};
    r.contextDigest = pick();
    if (coin()) {
      nlohmann::json fields = nlohmann::json::object();
      for (int k = static_cast<int>(random() % 4); k > 0; --k) {
        switch (random() % 5) {
        case 0:
          fields[pick()] = static_cast<int64_t>(random()) - (1 << 30);
          break;
        case 1:
          fields[pick()] = pick();
          break;
        case 2:
          fields[pick()] = {{pick(), true}, {"z", nullptr}, {"a", {1, "x", false}}};
          break;
        case 3:
          fields[pick()] = nlohmann::json::array({pick(), uint64_t(1) << 63});
          break;
        default:
          fields[pick()] = nlohmann::json::object();
        }
      }
      r.loggedContext = fields;
    }
    if (coin()) {
      AgentInfo agent;
      agent.instance = pick();
      agent.owner = pick();
      agent.session = pick();
      if (coin())
        agent.credential = CredentialRef{pick(), pick(), pick(), {pick(), pick()}};
      if (coin())
        agent.approval = ApprovalRef{pick(), pick(), pick(), pick(), {pick()}, pick()};
      r.agent = agent;
    }
    for (int k = static_cast<int>(random() % 4); k > 0; --k)
      r.delegation.push_back({pick(), pick()});
    r.allowed = coin();
    r.outcome = static_cast<Outcome>(random() % 6);
    for (int k = static_cast<int>(random() % 3); k > 0; --k)
      r.determiningPolicies.push_back({pick(), pick()});
    for (int k = static_cast<int>(random() % 3); k > 0; --k)
      r.errors.push_back({pick(), pick()});
    for (int k = static_cast<int>(random() % 3); k > 0; --k)
      r.obligations.push_back({pick(), {{pick(), pick()}, {"n", random()}}});
    if (coin())
      r.revoked = RevocationRef{pick(), pick(), pick(), pick()};
    r.evalNanos = random();
    if (coin())
      r.integrity = Integrity{random(), pick(), pick()};
    expectSameBytes(r, "random record " + std::to_string(n));
  }
}

TEST(RecordWriter, FailsWhereTheTreeFails) {
  DecisionRecord r = makeExampleRecord();
  r.agent->session = "bad \xff utf-8";
  expectSameBytes(r, "invalid UTF-8 in a field");
  r = makeExampleRecord();
  r.loggedContext = {{"amount", 1.5}};
  expectSameBytes(r, "a float in the logged context");
  r = makeExampleRecord();
  r.obligations = {{"x", {{"f", 0.25}}}};
  expectSameBytes(r, "a float in an obligation");
  // Nesting: the limit counts from the record's top in both.
  for (int depth : {58, 60, 61, 62, 63, 64}) {
    nlohmann::json deep = 1;
    for (int i = 0; i < depth; ++i)
      deep = nlohmann::json::array({deep});
    r = makeExampleRecord();
    r.loggedContext = {{"deep", deep}};
    expectSameBytes(r, "logged context nested " + std::to_string(depth));
    r = makeExampleRecord();
    r.obligations = {{"deep", {{"d", deep}}}};
    expectSameBytes(r, "obligation nested " + std::to_string(depth));
  }
}

} // namespace
} // namespace larch::audit
