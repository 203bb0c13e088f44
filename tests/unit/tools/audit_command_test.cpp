// `larch audit verify` and `larch audit trace` end to end: logs written with
// the audit library, read by the built CLI.
#include "compiler/audit/audit_log.h"

#include "testlib/run_cli.h"
#include "unit/audit/audit_test_util.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

using larch::testlib::CliRun;
using larch::testlib::runLarch;
using namespace larch::audit;

/// A log of `n` chain records (testutil::makeChainRecord) plus, at the end,
/// the example record of docs/audit.md.
std::string writeLog(const testutil::TempDir &dir, int n) {
  std::string path = dir.file("audit.jsonl");
  llvm::Expected<std::unique_ptr<AuditLog>> log = AuditLog::open(path);
  EXPECT_TRUE(bool(log));
  if (!log) {
    llvm::consumeError(log.takeError());
    return path;
  }
  for (int i = 0; i < n; ++i) {
    DecisionRecord r = testutil::makeChainRecord(i);
    EXPECT_FALSE(bool((*log)->append(r)));
  }
  DecisionRecord example = testutil::makeExampleRecord();
  EXPECT_FALSE(bool((*log)->append(example)));
  return path;
}

TEST(AuditCommandTest, VerifyIntactLog) {
  testutil::TempDir dir;
  std::string path = writeLog(dir, 5);
  CliRun r = runLarch("audit verify " + path);
  EXPECT_EQ(r.exitCode, 0) << r.out;
  EXPECT_NE(r.out.find("intact, 6 records, head 5:sha256:"), std::string::npos) << r.out;

  CliRun json = runLarch("audit verify --json " + path);
  EXPECT_EQ(json.exitCode, 0);
  nlohmann::json report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["intact"], true);
  EXPECT_EQ(report["verified"], 6);
  EXPECT_EQ(report["log"], path);

  // The printed head works as an anchor.
  std::string head = report["head"]["hash"];
  EXPECT_EQ(runLarch("audit verify " + path + " --anchor 5:" + head).exitCode, 0);
  CliRun cut = runLarch("audit verify " + path + " --anchor 6:" + head);
  EXPECT_EQ(cut.exitCode, 1) << cut.out;
  EXPECT_NE(cut.out.find("removed at line 7"), std::string::npos) << cut.out;
}

TEST(AuditCommandTest, VerifyNamesTheFirstTamperedRecord) {
  testutil::TempDir dir;
  std::string path = writeLog(dir, 5);
  auto lines = testutil::splitLines(testutil::readFile(path));
  std::swap(lines[1], lines[2]);
  testutil::writeFile(path, testutil::joinLines(lines));
  CliRun r = runLarch("audit verify " + path);
  EXPECT_EQ(r.exitCode, 1) << r.out;
  EXPECT_NE(r.out.find("NOT intact: reordered at line 2: line 2 (seq 2) is out of "
                       "order: it follows line 3 (seq 1)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("the first 1 of 6 records verify"), std::string::npos) << r.out;
}

TEST(AuditCommandTest, VerifyWarnsAboutATornTail) {
  testutil::TempDir dir;
  std::string path = writeLog(dir, 2);
  testutil::writeFile(path, testutil::readFile(path) + "{\"action\":{");
  CliRun r = runLarch("audit verify " + path);
  EXPECT_EQ(r.exitCode, 0) << r.out;
  EXPECT_NE(r.out.find("warning: the last line (line 4, 11 bytes) has no newline"),
            std::string::npos)
      << r.out;
}

TEST(AuditCommandTest, TraceAnInstance) {
  testutil::TempDir dir;
  std::string path = writeLog(dir, 6);
  CliRun r = runLarch("audit trace " + path + " --instance inst-1");
  EXPECT_EQ(r.exitCode, 0) << r.out;
  EXPECT_NE(r.out.find("2 of 7 records match instance `inst-1`"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("chain: intact, 7 records"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(line 2, seq 1, chain verified)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  instance    inst-1, owned by owner-1"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  chain       human-1 (human) -> inst-1 (agent), depth 1"),
            std::string::npos)
      << r.out;
}

TEST(AuditCommandTest, TraceTheExampleByApprovalAndOriginator) {
  testutil::TempDir dir;
  std::string path = writeLog(dir, 3);
  CliRun r = runLarch("audit trace " + path + " --approval apr-7 --originator alice");
  EXPECT_EQ(r.exitCode, 0) << r.out;
  const char *expected =
      R"(decision 01938f4e-1a2b-7c3d-8e4f-0123456789ab at 2026-11-28T19:32:33.123456Z (line 4, seq 3, chain verified)
  decision    allow (allowed)
  request     Agent::"coder-1" Action::"write" on Repo::"larch"
  instance    spiffe://acme/agent/coder/v1/instance/1, owned by alice, session s-42
  credential  cred-9, issued 2026-11-28T19:30:00Z, expires 2026-11-28T19:45:00Z, scopes repo:write
  approval    apr-7, approved by bob, task T-1, for write, expires 2026-11-28T23:00:00Z
  chain       alice (human) -> planner-3 (agent) -> coder-1 (agent), depth 2
  because     `policy2` (write-with-approval)
  obligation  max_credential_ttl {"seconds":900}
  policy set  sha256:abababababababababababababababababababababababababababababababab
)";
  EXPECT_NE(r.out.find(expected), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 of 4 records match approval `apr-7` and originator `alice`"),
            std::string::npos)
      << r.out;

  CliRun json = runLarch("audit trace " + path + " --owner alice --json");
  EXPECT_EQ(json.exitCode, 0) << json.out;
  nlohmann::json out = nlohmann::json::parse(json.out);
  ASSERT_EQ(out["matches"].size(), 1u);
  EXPECT_EQ(out["matches"][0]["line"], 4);
  EXPECT_EQ(out["matches"][0]["verified"], true);
  EXPECT_EQ(out["matches"][0]["record"]["agent"]["approval"]["approver"], "bob");
  EXPECT_EQ(out["query"]["owner"], "alice");
  EXPECT_EQ(out["chain"]["intact"], true);
}

TEST(AuditCommandTest, TraceMarksRecordsAfterABreakUnverified) {
  testutil::TempDir dir;
  std::string path = writeLog(dir, 4);
  auto lines = testutil::splitLines(testutil::readFile(path));
  lines.erase(lines.begin() + 1);
  testutil::writeFile(path, testutil::joinLines(lines));
  CliRun r = runLarch("audit trace " + path +
                      " --decision 01938f4e-1a2b-7c3d-8e4f-0123456789ab");
  EXPECT_EQ(r.exitCode, 1) << r.out;
  EXPECT_NE(r.out.find("chain: BROKEN at line 2 (removed)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(line 4, seq 4, NOT VERIFIED)"), std::string::npos) << r.out;
}

TEST(AuditCommandTest, UsageErrors) {
  EXPECT_EQ(runLarch("audit").exitCode, 2);
  EXPECT_EQ(runLarch("audit frobnicate x").exitCode, 2);
  EXPECT_EQ(runLarch("audit verify").exitCode, 2);
  EXPECT_EQ(runLarch("audit trace x.jsonl --instance").exitCode, 2);
  EXPECT_EQ(runLarch("audit verify x.jsonl --owner alice").exitCode, 2);
  EXPECT_EQ(runLarch("audit verify x.jsonl --anchor 3:nothash").exitCode, 2);
  CliRun missing = runLarch("audit verify /nonexistent/audit.jsonl");
  EXPECT_EQ(missing.exitCode, 2);
  EXPECT_NE(missing.out.find("cannot read"), std::string::npos) << missing.out;
  CliRun help = runLarch("audit --help");
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.out.find("larch audit verify FILE"), std::string::npos);
}

} // namespace
