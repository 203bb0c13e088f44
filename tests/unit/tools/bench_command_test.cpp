// `larch bench` end to end: the JSON report's decision mix matches what the
// requests decide, the library path allocates nothing, the percentiles are
// ordered, and the timer's floor is reported beside them.
#include "testlib/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace {

using larch::testlib::CliRun;

std::string writeFile(const std::string &name, const std::string &text) {
  std::filesystem::path dir = std::filesystem::path(LARCH_BINARY_DIR) / "bench-command-test" /
                              ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::create_directories(dir);
  std::filesystem::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
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
  CliRun r = larch::testlib::runLarch(
      "bench --json --passes 2 --policies " + writeFile("p.cedar", Policies) + " --entities " +
      writeFile("e.json", Entities) + " --requests " + writeFile("r.jsonl", requests));
  ASSERT_EQ(r.exitCode, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["policies"], 2);
  EXPECT_EQ(j["requests"], 4);
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
  CliRun r = larch::testlib::runLarch(
      "bench --json --passes 1 --policies " + writeFile("p.cedar", Policies) + " --entities " +
      writeFile("e.json", Entities) + " --requests " + writeFile("r.jsonl", requests));
  EXPECT_NE(r.exitCode, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  EXPECT_EQ(j["mix"]["unreadable"], 1);
  EXPECT_EQ(j["mix"]["allow"], 1);
}
