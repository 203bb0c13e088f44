// `larch eval --explain` end to end: the JSON member on each output line, the
// readable form on stderr, the engines, and agreement with the decisions of
// the agent-tools example.
#include "testlib/corpus.h"
#include "testlib/run_cli.h"
#include "unit/audit/audit_test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

namespace {

using larch::audit::testutil::TempDir;
using larch::testlib::CliRun;

const char *const Policies = R"(@id("approved-writes")
permit(principal, action == Action::"write", resource)
when {
  context has approval &&
  context.approval.actions.contains(action)
};

@id("large-payments")
forbid(principal, action == Action::"write", resource)
when { context.amount > 1000 };

permit(principal == User::"admin", action, resource);
)";

const char *const Requests =
    R"({"principal":{"type":"User","id":"bob"},"action":{"type":"Action","id":"write"},"resource":{"type":"Doc","id":"d"},"context":{"amount":5000,"approval":{"actions":[]}}}
{"principal":{"type":"User","id":"bob"},"action":{"type":"Action","id":"write"},"resource":{"type":"Doc","id":"d"},"context":{"amount":"x"}}
not json
)";

/// The policies, written into `dir`. One directory per test: ctest runs the
/// tests of this file in parallel, and a shared file rewritten by one could
/// be read half-written by another.
std::string policyFile(const TempDir &dir) {
  larch::audit::testutil::writeFile(dir.file("p.cedar"), Policies);
  return dir.file("p.cedar");
}

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream is(text);
  for (std::string l; std::getline(is, l);)
    out.push_back(l);
  return out;
}

} // namespace

TEST(ExplainCli, JsonMemberOnEachDecisionLine) {
  TempDir dir;
  std::string policies = policyFile(dir);
  CliRun r = larch::testlib::runLarch(
      "eval --format decision --explain --policies " + policies, Requests);
  EXPECT_EQ(r.exitCode, 1); // the last request cannot be read
  std::vector<std::string> ls = lines(r.out);
  ASSERT_EQ(ls.size(), 3u) << r.out;
  nlohmann::json first = nlohmann::json::parse(ls[0]);
  EXPECT_EQ(first["decision"], "deny");
  const nlohmann::json &e = first["explanation"];
  EXPECT_EQ(e["available"], true);
  EXPECT_EQ(e["candidates_mode"], "indexed");
  EXPECT_EQ(e["policies"], 3);
  ASSERT_EQ(e["candidates"].size(), 2u);
  EXPECT_EQ(e["candidates"][0]["policy"], "approved-writes");
  EXPECT_EQ(e["candidates"][0]["status"], "not_satisfied");
  EXPECT_EQ(e["candidates"][0]["condition"]["text"],
            "context.approval.actions.contains(action)");
  EXPECT_EQ(e["candidates"][0]["condition"]["location"], policies + ":5:3");
  EXPECT_EQ(e["candidates"][1]["policy"], "large-payments");
  EXPECT_EQ(e["candidates"][1]["effect"], "forbid");
  EXPECT_EQ(e["candidates"][1]["status"], "satisfied");

  nlohmann::json second = nlohmann::json::parse(ls[1]);
  const nlohmann::json &c = second["explanation"]["candidates"];
  EXPECT_EQ(c[0]["condition"]["text"], "context has approval");
  EXPECT_EQ(c[1]["status"], "error");
  EXPECT_EQ(c[1]["error"]["message"], second["errors"][0]["message"]);
  EXPECT_EQ(c[1]["error"]["location"], policies + ":10:8");

  nlohmann::json third = nlohmann::json::parse(ls[2]);
  EXPECT_EQ(third["explanation"]["available"], false);
}

TEST(ExplainCli, ReadableTextOnStderr) {
  TempDir dir;
  std::string policies = policyFile(dir);
  CliRun r = larch::testlib::runLarch(
      "eval --format decision --explain=text --policies " + policies, Requests);
  EXPECT_NE(r.out.find("request 1 (line 1): deny, forbidden; 2 of 3 policies were candidates\n"
                       "  permit approved-writes (" +
                       policies + ":1:1): not satisfied: " + policies +
                       ":5:3 `context.approval.actions.contains(action)` is false\n"
                       "  forbid large-payments (" +
                       policies + ":8:1): satisfied\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("forbid large-payments (" + policies +
                       ":8:1): error: type error: expected long, datetime or duration, got "
                       "string (at " +
                       policies + ":10:8) in `context.amount > 1000`"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("request 3 (line 3): deny, invalid_request; no explanation"),
            std::string::npos)
      << r.out;
  // The decision lines are unchanged.
  EXPECT_NE(r.out.find(R"({"decision":"deny","reasons":["large-payments"],"errors":[]})"),
            std::string::npos);
}

TEST(ExplainCli, EnginesAndRecords) {
  TempDir dir;
  std::string policies = policyFile(dir);
  std::string first = lines(Requests)[0] + "\n";
  CliRun all = larch::testlib::runLarch(
      "eval --explain --engine all-candidates --policies " + policies, first);
  ASSERT_EQ(all.exitCode, 0) << all.out;
  nlohmann::json a = nlohmann::json::parse(lines(all.out)[0]);
  EXPECT_TRUE(a.contains("decision_id")); // the record, with the member added
  EXPECT_EQ(a["explanation"]["candidates_mode"], "all");
  ASSERT_EQ(a["explanation"]["candidates"].size(), 3u);
  EXPECT_EQ(a["explanation"]["candidates"][2]["condition"]["kind"], "principal");
  EXPECT_EQ(a["explanation"]["candidates"][2]["condition"]["text"],
            "principal == User::\"admin\"");
  CliRun ref = larch::testlib::runLarch(
      "eval --format decision --explain --engine reference --policies " + policies, first);
  nlohmann::json f = nlohmann::json::parse(lines(ref.out)[0]);
  EXPECT_EQ(f["explanation"]["available"], false);
  EXPECT_EQ(f["decision"], "deny");
}

// On the agent-tools example: the satisfied candidates of each explanation are
// the reasons, or permits a satisfied forbid overrode.
TEST(ExplainCli, AgreesWithTheDecisionsOfTheExample) {
  const std::string dir = std::string(LARCH_SOURCE_DIR) + "/stdlib-policies/agent-tools";
  bool ok = false;
  std::string requests = larch::testlib::readFile(dir + "/requests.jsonl", &ok);
  ASSERT_TRUE(ok);
  for (const char *engine : {"compiled", "all-candidates"}) {
    CliRun r = larch::testlib::runLarch(
        std::string("eval --format decision --explain --engine ") + engine + " --policies " +
            dir + "/policies.cedar --schema " + dir + "/schema.cedarschema --entities " +
            dir + "/entities.json",
        requests);
    size_t explained = 0;
    for (const std::string &l : lines(r.out)) {
      if (l.empty() || l[0] != '{')
        continue;
      nlohmann::json j = nlohmann::json::parse(l);
      const nlohmann::json &e = j["explanation"];
      if (!e["available"])
        continue;
      ++explained;
      std::set<std::string> reasons(j["reasons"].begin(), j["reasons"].end());
      bool anyForbid = false;
      for (const nlohmann::json &c : e["candidates"])
        anyForbid |= c["status"] == "satisfied" && c["effect"] == "forbid";
      EXPECT_EQ(j["decision"] == "allow", !anyForbid && !reasons.empty()) << l;
      for (const nlohmann::json &c : e["candidates"]) {
        std::string id = c["policy"];
        if (c["status"] == "satisfied") {
          EXPECT_TRUE(reasons.count(id) || (anyForbid && c["effect"] == "permit")) << l;
        } else {
          EXPECT_FALSE(reasons.count(id)) << l;
        }
        if (c["status"] == "not_satisfied") {
          EXPECT_TRUE(c.contains("condition")) << l;
        }
      }
    }
    EXPECT_GE(explained, 10u) << r.out;
  }
}

TEST(ExplainCli, UnlessAndScopesInTheTextForm) {
  TempDir dir;
  std::string path = dir.file("unless.cedar");
  larch::audit::testutil::writeFile(path, R"(@id("office-hours")
forbid(principal, action, resource)
unless { context.weekday && context.hour < 18 };
@id("admins")
permit(principal in Group::"admins", action, resource);
)");
  std::string request =
      R"({"principal":{"type":"User","id":"bob"},"action":{"type":"Action","id":"read"},"resource":{"type":"Doc","id":"d"},"context":{"weekday":true,"hour":9}})"
      "\n";
  CliRun r = larch::testlib::runLarch(
      "eval --format decision --explain=text --engine all-candidates --policies " + path,
      request);
  EXPECT_NE(r.out.find("forbid office-hours (" + path + ":1:1): not satisfied: " + path +
                       ":3:10 `unless { context.weekday && context.hour < 18 }`: "
                       "`context.weekday && context.hour < 18` is true"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("permit admins (" + path + ":4:1): not satisfied: " + path +
                       ":5:8 principal scope `principal in Group::\"admins\"` does not hold"),
            std::string::npos)
      << r.out;
}
