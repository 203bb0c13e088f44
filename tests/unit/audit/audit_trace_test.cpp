// Tests for compiler/audit/audit_trace.h: query matching, and which matches
// count as verified.
#include "compiler/audit/audit_trace.h"
#include "compiler/audit/decision_record.h"

#include "unit/audit/audit_test_util.h"

#include <gtest/gtest.h>

namespace larch::audit {
namespace {

TEST(AuditTrace, MatchesEveryGivenField) {
  nlohmann::json record = recordToJson(testutil::makeExampleRecord());
  auto matches = [&](TraceQuery q) { return matchesQuery(record, q); };
  EXPECT_TRUE(matches({}));
  EXPECT_TRUE(matches({"spiffe://acme/agent/coder/v1/instance/1", "", "", "", ""}));
  EXPECT_TRUE(matches({"planner-3", "", "", "", ""})); // a delegating hop
  EXPECT_FALSE(matches({"spiffe://acme/agent/other", "", "", "", ""}));
  EXPECT_TRUE(matches({"", "alice", "apr-7", "alice", ""}));
  EXPECT_FALSE(matches({"", "alice", "apr-8", "", ""}));
  EXPECT_FALSE(matches({"", "", "", "planner-3", ""})); // not the originator
  EXPECT_TRUE(matches({"", "", "", "", "01938f4e-1a2b-7c3d-8e4f-0123456789ab"}));
  EXPECT_FALSE(matches({"", "bob", "", "", ""}));

  nlohmann::json bare = recordToJson(DecisionRecord{});
  EXPECT_FALSE(matchesQuery(bare, {"", "alice", "", "", ""}));
  EXPECT_FALSE(matchesQuery(bare, {"", "", "", "alice", ""}));
  EXPECT_FALSE(matchesQuery(nlohmann::json::array(), {"x", "", "", "", ""}));
}

TEST(AuditTrace, DescribesTheQuery) {
  EXPECT_EQ(TraceQuery{}.describe(), "every record");
  EXPECT_EQ((TraceQuery{"i", "o", "", "", ""}.describe()), "instance `i` and owner `o`");
}

TEST(AuditTrace, OnlyRecordsBeforeTheFirstFindingAreVerified) {
  auto lines = testutil::buildChainLines(6);
  lines[3].replace(lines[3].find("\"read\""), 6, "\"sudo\"");
  std::string text = testutil::joinLines(lines) + "{\"torn";
  TraceResult result = traceLogText(text, TraceQuery{"inst-0", "", "", "", ""}, "log");
  EXPECT_EQ(result.recordsScanned, 6u);
  ASSERT_EQ(result.matches.size(), 2u); // records 0 and 3
  EXPECT_EQ(result.matches[0].line, 1u);
  EXPECT_TRUE(result.matches[0].verified);
  EXPECT_EQ(result.matches[1].line, 4u);
  EXPECT_FALSE(result.matches[1].verified);
  std::string report = formatTraceText(result);
  EXPECT_NE(report.find("chain: BROKEN at line 4 (changed)"), std::string::npos)
      << report;
  EXPECT_NE(report.find("note: the last line (line 7, 6 bytes) is a torn write"),
            std::string::npos)
      << report;
  nlohmann::json json = traceToJson(result);
  EXPECT_EQ(json["matches"].size(), 2u);
  EXPECT_EQ(json["chain"]["finding"]["kind"], "changed");
}

} // namespace
} // namespace larch::audit
