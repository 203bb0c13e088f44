// `larch bench` end to end: the JSON report's decision mix matches what the
// requests decide, the library path allocates nothing, the percentiles are
// ordered, and the timer's floor is reported beside them.
#include "testlib/run_cli.h"
#include "unit/audit/audit_test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using larch::audit::testutil::TempDir;
using larch::testlib::CliRun;

/// `larch bench --json` on these files, written to a fresh directory.
CliRun runBench(const std::string &options, const std::string &policies,
                const std::string &entities, const std::string &requests) {
  TempDir dir;
  larch::audit::testutil::writeFile(dir.file("p.cedar"), policies);
  larch::audit::testutil::writeFile(dir.file("e.json"), entities);
  larch::audit::testutil::writeFile(dir.file("r.jsonl"), requests);
  return larch::testlib::runLarch("bench --json " + options + " --policies " +
                                  dir.file("p.cedar") + " --entities " + dir.file("e.json") +
                                  " --requests " + dir.file("r.jsonl"));
}

const char *const Policies = R"(permit(principal, action == Action::"read", resource)
when { resource.public };
forbid(principal, action, resource) when { context.risk > 80 };
)";

const char *const Entities =
    R"([{"uid":{"type":"Doc","id":"open"},"attrs":{"public":true},"parents":[]},
        {"uid":{"type":"Doc","id":"closed"},"attrs":{"public":false},"parents":[]}])";

std::string request(const char *doc, const char *risk) {
  return std::string(R"({"principal":{"type":"User","id":"u"},"action":{"type":"Action","id":"read"},)") +
         R"("resource":{"type":"Doc","id":")" + doc + R"("},"context":{"risk":)" + risk + "}}\n";
}

} // namespace

TEST(BenchCommand, ReportsTheDecisionMixAndNoAllocations) {
  // Allowed; denied by the forbid; denied, no permit holds; and an erroring
  // forbid (`risk` is a string), which leaves the permit to allow.
  std::string requests = request("open", "10") + request("open", "90") +
                         request("closed", "10") + request("open", "\"high\"");
  CliRun r = runBench("--passes 2", Policies, Entities, requests);
  ASSERT_EQ(r.exitCode, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["policies"], 2);
  EXPECT_EQ(j["requests"], 4);
  EXPECT_EQ(j["passes"], 2);
  EXPECT_EQ(j["warm_up_passes"], 3);
  EXPECT_EQ(j["order"], "shuffled per pass");
  EXPECT_EQ(j["mix"]["allow"], 2);
  EXPECT_EQ(j["mix"]["deny"], 2);
  EXPECT_EQ(j["mix"]["with_errors"], 1);
  EXPECT_EQ(j["mix"]["unreadable"], 0);
  EXPECT_EQ(j["allocations_per_decision"], 0.0);
  for (const char *part : {"decide", "decode_and_decide", "timer_floor"}) {
    const nlohmann::json &p = j[part];
    EXPECT_GE(p["p50_ns"].get<double>(), 0) << part; // a coarse clock may read 0
    EXPECT_LE(p["p50_ns"].get<double>(), p["p90_ns"].get<double>()) << part;
    EXPECT_LE(p["p90_ns"].get<double>(), p["p99_ns"].get<double>()) << part;
  }
  EXPECT_GT(j["throughput_per_second"]["cpu"].get<double>(), 0);
}

TEST(BenchCommand, CountsUnreadableRequestsAndSaysSoInItsExitCode) {
  std::string requests = request("open", "10") + "{\"principal\": 3}\n";
  CliRun r = runBench("--passes 1", Policies, Entities, requests);
  EXPECT_NE(r.exitCode, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  EXPECT_EQ(j["mix"]["unreadable"], 1);
  EXPECT_EQ(j["mix"]["allow"], 1);
}
