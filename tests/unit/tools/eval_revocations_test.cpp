// `larch eval --revocations FILE` end to end: revoked requests are denied
// with outcome `revoked` and the entry in the record; a list that does not
// load stops eval before anything is decided (exit 2).
#include "testlib/run_cli.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("larch-revocations-" + std::to_string(getpid()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string &name, const std::string &text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

const char *const Requests =
    R"({"principal": "Agent::\"coder-1\"", "action": "Action::\"push\"", "resource": "Repo::\"larch\""}
{"principal": "Agent::\"coder-2\"", "action": "Action::\"push\"", "resource": "Repo::\"larch\""}
{"principal": "Agent::\"coder-3\"", "action": "Action::\"push\"", "resource": "Repo::\"larch\""}
)";

std::vector<nlohmann::json> records(const std::string &out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] == '{')
      lines.push_back(nlohmann::json::parse(line));
  return lines;
}

} // namespace

TEST(EvalRevocations, RevokedRequestsAreDeniedBeforeAnyPolicy) {
  TempDir dir;
  std::string policies = dir.write("p.cedar", R"(@id("allow") permit(principal, action, resource);)");
  std::string list = dir.write("r.json", R"({"revocations": [
    {"kind": "entity", "entity": {"type": "Agent", "id": "coder-1"},
     "revoked_at": "2020-01-01T00:00:00Z", "reason": "compromised"},
    {"kind": "entity", "entity": "Agent::\"coder-3\"", "revoked_at": "2999-01-01T00:00:00Z"}]})");
  for (const char *engine : {"compiled", "all-candidates", "reference"}) {
    SCOPED_TRACE(engine);
    std::string args = std::string("eval --engine ") + engine + " --policies " + policies +
                       " --revocations " + list;
    larch::testlib::CliRun compact = larch::testlib::runLarch(args + " --format decision", Requests);
    EXPECT_EQ(compact.exitCode, 0) << compact.out;
    EXPECT_EQ(compact.out, R"({"decision":"deny","reasons":[],"errors":[]}
{"decision":"allow","reasons":["allow"],"errors":[]}
{"decision":"allow","reasons":["allow"],"errors":[]}
)");
    larch::testlib::CliRun run = larch::testlib::runLarch(args, Requests);
    EXPECT_EQ(run.exitCode, 0) << run.out;
    std::vector<nlohmann::json> rs = records(run.out);
    ASSERT_EQ(rs.size(), 3u) << run.out;
    EXPECT_EQ(rs[0]["outcome"], "revoked");
    EXPECT_EQ(rs[0]["revoked"]["kind"], "entity");
    EXPECT_EQ(rs[0]["revoked"]["id"], "Agent::\"coder-1\"");
    EXPECT_EQ(rs[0]["revoked"]["reason"], "compromised");
    EXPECT_EQ(rs[1]["outcome"], "allowed");
    EXPECT_EQ(rs[2]["outcome"], "allowed"); // its entry is not in force yet
  }
}

TEST(EvalRevocations, AListThatDoesNotLoadStopsEval) {
  TempDir dir;
  std::string policies = dir.write("p.cedar", "permit(principal, action, resource);");
  std::string list = dir.write("bad.json", R"({"revocations": [{"kind": "credential", "id": "c",
    "revoked_at": "2020-01-01T00:00:00Z", "reson": "typo"}]})");
  larch::testlib::CliRun run =
      larch::testlib::runLarch("eval --policies " + policies + " --revocations " + list, Requests);
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.out.find("bad.json: error: revocations[0].reson: unknown member of credential "
                         "entry [LA003]"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("larch eval: the revocation list does not load"), std::string::npos);
  run = larch::testlib::runLarch("eval --policies " + policies + " --revocations " +
                                     (dir.path / "missing.json").string(),
                                 Requests);
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.out.find("[LE004]"), std::string::npos) << run.out;
  run = larch::testlib::runLarch("eval --policies " + policies + " --revocations", "");
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.out.find("`--revocations` needs a value"), std::string::npos) << run.out;
}
