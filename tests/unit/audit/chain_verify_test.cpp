// Tests for compiler/audit/chain_verify.h: every kind of tampering is
// detected and the first record concerned is named.
#include "compiler/audit/chain_verify.h"
#include "compiler/audit/hash_chain.h"

#include "unit/audit/audit_test_util.h"

#include <gtest/gtest.h>

#include <functional>

namespace larch::audit {
namespace {

using testutil::buildChainLines;
using testutil::joinLines;

VerifyReport verifyLines(const std::vector<std::string> &lines,
                         const std::optional<ChainAnchor> &anchor = {}) {
  return verifyLogText(joinLines(lines), anchor);
}

void expectFinding(const VerifyReport &report, FindingKind kind, uint64_t line,
                   std::optional<uint64_t> seq, const std::string &messagePart) {
  ASSERT_TRUE(report.finding.has_value()) << "chain reported intact";
  EXPECT_EQ(getFindingKindName(report.finding->kind),
            std::string(getFindingKindName(kind)))
      << report.finding->message;
  EXPECT_EQ(report.finding->line, line) << report.finding->message;
  EXPECT_EQ(report.finding->seq, seq) << report.finding->message;
  EXPECT_NE(report.finding->message.find(messagePart), std::string::npos)
      << report.finding->message;
}

/// Re-seals line `index` after `edit` changed its JSON, keeping its seq and
/// prev_hash: what an attacker who knows the format can do.
std::string editAndRehash(const std::string &line,
                          const std::function<void(nlohmann::json &)> &edit) {
  nlohmann::json record = nlohmann::json::parse(line);
  edit(record);
  llvm::Expected<std::string> hash = computeRecordHash(record);
  EXPECT_TRUE(bool(hash));
  record["integrity"]["hash"] = hash ? *hash : "";
  return record.dump(); // sorted keys, no spaces: canonical for these records
}

TEST(ChainVerify, IntactChain) {
  auto lines = buildChainLines(6);
  VerifyReport report = verifyLines(lines);
  EXPECT_TRUE(report.isIntact());
  EXPECT_EQ(report.lines, 6u);
  EXPECT_EQ(report.verified, 6u);
  EXPECT_EQ(report.headSeq, 5u);
  EXPECT_EQ(report.headHash, nlohmann::json::parse(lines[5])["integrity"]["hash"]);
  EXPECT_FALSE(report.tornTail);

  VerifyReport empty = verifyLogText("");
  EXPECT_TRUE(empty.isIntact());
  EXPECT_EQ(empty.verified, 0u);
}

TEST(ChainVerify, EditedRecord) {
  auto lines = buildChainLines(6);
  lines[2].replace(lines[2].find("\"write\""), 7, "\"admin\"");
  expectFinding(verifyLines(lines), FindingKind::Changed, 3, 2,
                "does not match its hash");
  EXPECT_EQ(verifyLines(lines).verified, 2u);
}

TEST(ChainVerify, EditedAndRehashedRecord) {
  auto lines = buildChainLines(6);
  lines[2] = editAndRehash(lines[2], [](nlohmann::json &r) { r["decision"] = "allow"; });
  EXPECT_EQ(checkRecordLine(lines[2]).status, LineCheck::Status::Ok);
  expectFinding(verifyLines(lines), FindingKind::Changed, 3, 2, "re-hashed");
}

TEST(ChainVerify, EditedIntoNonCanonicalForm) {
  auto lines = buildChainLines(4);
  lines[1].insert(1, " ");
  expectFinding(verifyLines(lines), FindingKind::Changed, 2, 1, "canonical");
}

TEST(ChainVerify, RemovedRecords) {
  auto lines = buildChainLines(6);
  auto middle = lines;
  middle.erase(middle.begin() + 2, middle.begin() + 4);
  expectFinding(verifyLines(middle), FindingKind::Removed, 3, 4,
                "records seq 2 to 3 were removed between line 2 and line 3");

  auto first = lines;
  first.erase(first.begin());
  expectFinding(verifyLines(first), FindingKind::Removed, 1, 1,
                "records seq 0 were removed before the first line");
}

TEST(ChainVerify, RemovedFromTheEndNeedsAnAnchor) {
  auto lines = buildChainLines(6);
  std::string hash5 = nlohmann::json::parse(lines[5])["integrity"]["hash"];
  lines.pop_back();
  EXPECT_TRUE(verifyLines(lines).isIntact()); // a chain alone cannot tell
  expectFinding(verifyLines(lines, ChainAnchor{5, hash5}), FindingKind::Removed, 6, 5,
                "removed from the end");
}

TEST(ChainVerify, AnchorChecksTheAnchoredRecord) {
  auto lines = buildChainLines(6);
  std::string hash3 = nlohmann::json::parse(lines[3])["integrity"]["hash"];
  EXPECT_TRUE(verifyLines(lines, ChainAnchor{3, hash3}).isIntact());
  // The last record re-hashed: invisible to the chain, caught by an anchor.
  std::string hash5 = nlohmann::json::parse(lines[5])["integrity"]["hash"];
  lines[5] = editAndRehash(lines[5], [](nlohmann::json &r) { r["eval_ns"] = 1; });
  EXPECT_TRUE(verifyLines(lines).isIntact());
  expectFinding(verifyLines(lines, ChainAnchor{5, hash5}), FindingKind::Changed, 6, 5,
                "anchor");

  llvm::Expected<ChainAnchor> parsed = parseChainAnchor("3:" + hash3);
  ASSERT_TRUE(bool(parsed));
  EXPECT_EQ(parsed->seq, 3u);
  EXPECT_EQ(parsed->hash, hash3);
  llvm::Expected<ChainAnchor> bad = parseChainAnchor("x:" + hash3);
  EXPECT_FALSE(bool(bad));
  llvm::consumeError(bad.takeError());
}

TEST(ChainVerify, ReorderedRecords) {
  auto lines = buildChainLines(6);
  std::swap(lines[2], lines[3]);
  expectFinding(verifyLines(lines), FindingKind::Reordered, 3, 3,
                "line 3 (seq 3) is out of order: it follows line 4 (seq 2)");

  auto last = buildChainLines(6);
  std::swap(last[4], last[5]);
  expectFinding(verifyLines(last), FindingKind::Reordered, 5, 5, "out of order");
}

TEST(ChainVerify, InsertedForgedRecordThatChainsCorrectly) {
  // The forger seals a record after line 2 (seq 1) and puts it before the
  // original seq 2, which still chains to line 2.
  auto lines = buildChainLines(5);
  nlohmann::json second = nlohmann::json::parse(lines[1]);
  HashChain forger(2, second["integrity"]["hash"]);
  DecisionRecord forged = testutil::makeChainRecord(99);
  llvm::Expected<std::string> forgedLine = forger.seal(forged);
  ASSERT_TRUE(bool(forgedLine));
  lines.insert(lines.begin() + 2, *forgedLine);
  expectFinding(verifyLines(lines), FindingKind::Inserted, 3, 2,
                "line 3 was inserted: line 4 (seq 2) chains to line 2");
}

TEST(ChainVerify, InsertedRecordsThatDoNotChain) {
  auto lines = buildChainLines(5);
  auto other = buildChainLines(9); // a different chain: its hashes are not ours
  lines.insert(lines.begin() + 2, {other[7], other[8]});
  expectFinding(verifyLines(lines), FindingKind::Inserted, 3, 7,
                "lines 3 to 4 were inserted: line 5 (seq 2) chains to line 2");

  auto front = buildChainLines(3);
  front.insert(front.begin(), other[0]); // another chain's own seq 0
  expectFinding(verifyLines(front), FindingKind::Inserted, 1, 0,
                "line 1 was inserted: line 2 (seq 0) chains to the start of the chain");
}

TEST(ChainVerify, DuplicatedRecord) {
  auto lines = buildChainLines(5);
  lines.insert(lines.begin() + 3, lines[2]);
  expectFinding(verifyLines(lines), FindingKind::Inserted, 4, 2,
                "line 4 (seq 2) was inserted: it repeats line 3");
}

TEST(ChainVerify, MalformedLine) {
  auto lines = buildChainLines(4);
  lines.insert(lines.begin() + 1, "not json at all");
  expectFinding(verifyLines(lines), FindingKind::Malformed, 2, std::nullopt,
                "not a decision record");
  auto cut = buildChainLines(4);
  cut[2] = cut[2].substr(0, cut[2].size() / 2); // a cut line, newline kept
  expectFinding(verifyLines(cut), FindingKind::Malformed, 3, std::nullopt,
                "not a JSON value");
}

TEST(ChainVerify, TornTailIsReportedNotAFinding) {
  auto lines = buildChainLines(4);
  std::string text = joinLines({lines[0], lines[1], lines[2]}) +
                     lines[3].substr(0, 40); // no newline: a torn write
  VerifyReport report = verifyLogText(text);
  EXPECT_TRUE(report.isIntact());
  EXPECT_EQ(report.verified, 3u);
  EXPECT_TRUE(report.tornTail);
  EXPECT_EQ(report.tornLine, 4u);
  EXPECT_EQ(report.tornBytes, 40u);
  nlohmann::json json = verifyReportToJson(report);
  EXPECT_EQ(json["torn_tail"]["line"], 4);
  EXPECT_EQ(json["intact"], true);
}

TEST(ChainVerify, ReportJson) {
  auto lines = buildChainLines(3);
  lines[1].replace(lines[1].find("\"read\""), 6, "\"exec\"");
  nlohmann::json json = verifyReportToJson(verifyLines(lines));
  EXPECT_EQ(json["intact"], false);
  EXPECT_EQ(json["finding"]["kind"], "changed");
  EXPECT_EQ(json["finding"]["line"], 2);
  EXPECT_EQ(json["finding"]["seq"], 1);
  EXPECT_EQ(json["verified"], 1);
  EXPECT_EQ(json["head"]["seq"], 0);
  EXPECT_TRUE(json["torn_tail"].is_null());
}

} // namespace
} // namespace larch::audit
