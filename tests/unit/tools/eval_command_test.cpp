// `larch eval` end to end: runs the built CLI on requests from a file.
#include "testlib/corpus.h"
#include "testlib/run_cli.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <unistd.h>
#include <filesystem>
#include <fstream>

namespace {

using larch::testlib::CliRun;

CliRun runLarch(const std::string &args, const std::string &stdinText) {
  return larch::testlib::runLarch("eval --format decision " + args, stdinText);
}

const std::string Dir = std::string(LARCH_SOURCE_DIR) + "/stdlib-policies/agent-tools";

} // namespace

TEST(EvalCommandTest, DecidesTheExampleRequests) {
  bool ok = false;
  std::string requests = larch::testlib::readFile(Dir + "/requests.jsonl", &ok);
  ASSERT_TRUE(ok);
  CliRun r = runLarch("--policies " + Dir + "/policies.cedar --schema " + Dir +
                       "/schema.cedarschema --entities " + Dir + "/entities.json",
                   requests);
  EXPECT_EQ(r.exitCode, 1); // the last request is malformed on purpose
  std::vector<std::string> lines;
  std::istringstream is(r.out);
  for (std::string l; std::getline(is, l);)
    lines.push_back(l);
  ASSERT_EQ(lines.size(), 12u) << r.out;
  EXPECT_EQ(lines[0], R"({"decision":"allow","reasons":["read-low-sensitivity"],"errors":[]})");
  EXPECT_EQ(lines[4],
            R"({"decision":"deny","reasons":["large-payments-need-approval"],"errors":[]})");
  EXPECT_EQ(lines[7], R"({"decision":"allow","reasons":["shell-for-build-agents"],"errors":[]})");
  EXPECT_NE(lines[11].find(R"("policy":"","message":"line 12: context.source_ip)"),
            std::string::npos)
      << lines[11];
}

TEST(EvalCommandTest, MultiLineObjectsAndBadLinesKeepTheStreamGoing) {
  std::string policies = std::filesystem::temp_directory_path().string() +
                         "/larch_eval_test_p" + std::to_string(::getpid()) + ".cedar";
  std::ofstream(policies) << "permit(principal == User::\"a\", action, resource);\n";
  CliRun r = runLarch("--policies " + policies,
                   "{\"principal\": \"User::\\\"a\\\"\",\n"
                   "  \"action\": {\"type\": \"Action\", \"id\": \"x\"},\n"
                   "  \"resource\": \"R::\\\"r\\\"\"}\n"
                   "\n"
                   "{\"principal\": \"User::\\\"a\\\"\"}\n"
                   "[1,\n"
                   "{\"principal\": \"User::\\\"b\\\"\", \"action\": \"Action::\\\"x\\\"\", "
                   "\"resource\": \"R::\\\"r\\\"\"}\n");
  std::remove(policies.c_str());
  std::istringstream is(r.out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(is, l);)
    lines.push_back(l);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0], R"({"decision":"allow","reasons":["policy0"],"errors":[]})");
  EXPECT_NE(lines[1].find("line 5: action: missing field `action`"), std::string::npos)
      << lines[1];
  // An unclosed `[` is reported on its own; the whole request on the next
  // line is not swallowed by it but decided in its turn.
  EXPECT_NE(lines[2].find("line 6: invalid JSON"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[3], R"({"decision":"deny","reasons":[],"errors":[]})");
  EXPECT_EQ(r.exitCode, 1);
}

TEST(EvalCommandTest, PoliciesThatDoNotLoadExitTwoWithoutDecisions) {
  std::string policies = std::filesystem::temp_directory_path().string() +
                         "/larch_eval_test_bad" + std::to_string(::getpid()) + ".cedar";
  std::ofstream(policies) << "permit(principal, action);\n";
  CliRun r = runLarch("--policies " + policies, "{}\n");
  std::remove(policies.c_str());
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_EQ(r.out.find("\"decision\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("error"), std::string::npos) << r.out;
  EXPECT_EQ(runLarch("", "").exitCode, 2);
  CliRun help = runLarch("--help", "");
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.out.find("usage: larch eval"), std::string::npos);
}

// A long stream: every answer comes in input order, across unread lines and
// multi-line objects, each with its own decision, record and line number.
TEST(EvalCommandTest, ManyRequestsAnswerInInputOrder) {
  std::string policies = std::filesystem::temp_directory_path().string() +
                         "/larch_eval_test_batch" + std::to_string(::getpid()) + ".cedar";
  std::ofstream(policies) << "permit(principal, action, resource) when { context.ok };\n";
  auto request = [](int n) {
    return "{\"principal\": \"User::\\\"u" + std::to_string(n) +
           "\\\"\", \"action\": \"Action::\\\"x\\\"\", \"resource\": \"R::\\\"r\\\"\", "
           "\"context\": {\"ok\": " +
           (n % 3 == 0 ? "true" : "false") + "}}";
  };
  // 50 requests; line 18 cannot be read, lines 30-32 hold one request.
  std::string input;
  std::vector<std::string> expected;
  int lineNo = 0;
  for (int n = 0; n < 50; ++n) {
    ++lineNo;
    if (n == 17) {
      input += "{\"principal\": \"User::\\\"u17\\\"\"}\n";
      expected.push_back("line " + std::to_string(lineNo) + ": action: missing field");
      continue;
    }
    if (n == 29) {
      std::string r = request(n);
      size_t comma = r.find(", ");
      input += r.substr(0, comma + 1) + "\n" + r.substr(comma + 2) + "\n\n";
      lineNo += 2;
    } else {
      input += request(n) + "\n";
    }
    expected.push_back(n % 3 == 0 ? "\"decision\":\"allow\"" : "\"decision\":\"deny\"");
  }
  auto check = [&](const std::string &format, const std::string &out) {
    std::istringstream is(out);
    std::vector<std::string> lines;
    for (std::string l; std::getline(is, l);)
      lines.push_back(l);
    ASSERT_EQ(lines.size(), expected.size()) << out;
    for (size_t i = 0; i < lines.size(); ++i) {
      EXPECT_NE(lines[i].find(expected[i]), std::string::npos)
          << format << " answer " << i << ": " << lines[i];
      // A record names its own request.
      if (format == "record" && i != 17) {
        EXPECT_NE(lines[i].find("\"id\":\"u" + std::to_string(i) + "\""), std::string::npos)
            << lines[i];
      }
    }
  };
  CliRun decisions = runLarch("--policies " + policies, input);
  EXPECT_EQ(decisions.exitCode, 1);
  check("decision", decisions.out);
  CliRun records = larch::testlib::runLarch("eval --policies " + policies, input);
  EXPECT_EQ(records.exitCode, 1);
  check("record", records.out);
  std::remove(policies.c_str());
}
