// `larch eval` decision records and `--audit` end to end: the record of each
// request (every field), `--format decision`, the audit log it appends to
// (`larch audit verify` and `trace` on it), restarts continuing the chain, a
// torn tail, and kill -9 mid-stream under `--fsync always`.
#include "testlib/run_cli.h"
#include "unit/audit/audit_test_util.h"

#include "compiler/audit/canonical_json.h"
#include "compiler/audit/chain_verify.h"
#include "compiler/audit/digest.h"
#include "larch/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using Json = nlohmann::json;
using larch::audit::testutil::readFile;
using larch::audit::testutil::splitLines;
using larch::audit::testutil::TempDir;
using larch::audit::testutil::writeFile;
using larch::testlib::CliRun;

const char *Policies = R"(@id("read-docs")
@max_credential_ttl("15m")
@credential_scopes("docs:read docs:list")
@log_context("risk ticket")
permit(principal, action == Action::"read", resource) when { context.risk < 50 };

@id("push-needs-approval")
@approval_required("release-managers")
forbid(principal, action == Action::"push", resource) unless { context has approved };

permit(principal, action == Action::"push", resource);

@id("no-delete")
forbid(principal, action == Action::"delete", resource);
)";

/// An agent request: `coder-1`, delegated by `alice` through `planner-3`.
std::string agentRequest(const std::string &action, int risk, const std::string &extra = "") {
  return R"({"principal": {"type": "Agent", "id": "coder-1"}, "action": "Action::\")" +
         action + R"(\"", "resource": {"type": "Doc", "id": "d1"},
 "context": {"risk": )" +
         std::to_string(risk) + R"(, "ticket": "T-\u00e9\"1", "secret": "s3")" + extra + R"(},
 "time": "2026-11-28T21:30:00.250+02:00",
 "agent": {"instance": "spiffe://acme.dev/agent/coder/instance/7f3a",
   "owner": {"type": "Human", "id": "alice"}, "session": "s-42",
   "credential": {"id": "cred-9", "issued_at": "2026-11-28T19:30:00Z",
                  "expires_at": "2026-11-28T19:45:00Z", "scopes": ["repo:write"]},
   "approval": {"id": "apr-7", "approver": {"type": "Human", "id": "bob"},
                "actions": [{"type": "Action", "id": "push"}], "task": "T-1",
                "intent": "fix the build", "expires_at": "2026-11-28T23:00:00Z"},
   "delegation": [{"type": "Human", "id": "alice"}, {"type": "Agent", "id": "planner-3"},
                  {"type": "Agent", "id": "coder-1"}]}})";
}

std::string oneLine(std::string text) {
  for (char &c : text)
    if (c == '\n')
      c = ' ';
  return text + "\n";
}

/// The lines of `out` that are JSON objects (stderr is mixed in by runLarch).
std::vector<std::string> jsonLines(const std::string &out) {
  std::vector<std::string> lines;
  for (const std::string &line : splitLines(out))
    if (!line.empty() && line.front() == '{')
      lines.push_back(line);
  return lines;
}

class EvalAudit : public ::testing::Test {
protected:
  void SetUp() override {
    policyPath = dir.file("policies.cedar");
    writeFile(policyPath, Policies);
  }
  CliRun eval(const std::string &args, const std::string &input) {
    return larch::testlib::runLarch("eval --policies " + policyPath + " " + args, input);
  }
  TempDir dir;
  std::string policyPath;
};

TEST_F(EvalAudit, TheRecordHasEveryField) {
  CliRun r = eval("", oneLine(agentRequest("read", 20)));
  ASSERT_EQ(r.exitCode, 0) << r.out;
  std::vector<std::string> lines = jsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  // The line is canonical JSON.
  Json record = Json::parse(lines[0]);
  llvm::Expected<std::string> canonical = larch::audit::toCanonicalJson(record);
  ASSERT_TRUE(bool(canonical));
  EXPECT_EQ(*canonical, lines[0]);

  EXPECT_EQ(record["version"], 1);
  std::string id = record["decision_id"];
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '7') << "a UUID version 7";
  // The decision time given in the request, in UTC with six digits.
  EXPECT_EQ(record["timestamp"], "2026-11-28T19:30:00.250000Z");
  larch::Engine engine;
  ASSERT_TRUE(engine.loadPolicyPaths({policyPath}).ok);
  EXPECT_EQ(record["policy_set_digest"], engine.getPolicySetDigest());
  EXPECT_TRUE(larch::audit::isDigest(record["policy_set_digest"].get<std::string>()));
  EXPECT_EQ(record["principal"], (Json{{"type", "Agent"}, {"id", "coder-1"}}));
  EXPECT_EQ(record["action"], (Json{{"type", "Action"}, {"id", "read"}}));
  EXPECT_EQ(record["resource"], (Json{{"type", "Doc"}, {"id", "d1"}}));
  // The context: the digest of all of it, and only the logged fields.
  Json context = {{"risk", 20}, {"ticket", "T-\u00e9\"1"}, {"secret", "s3"}};
  EXPECT_EQ(record["context"]["digest"], *larch::audit::canonicalDigest(context));
  EXPECT_EQ(record["context"]["fields"], (Json{{"risk", 20}, {"ticket", "T-\u00e9\"1"}}));
  // The envelope and the chain.
  const Json &agent = record["agent"];
  EXPECT_EQ(agent["instance"], "spiffe://acme.dev/agent/coder/instance/7f3a");
  EXPECT_EQ(agent["owner"], "Human::\"alice\"");
  EXPECT_EQ(agent["session"], "s-42");
  EXPECT_EQ(agent["credential"],
            (Json{{"id", "cred-9"},
                  {"issued_at", "2026-11-28T19:30:00Z"},
                  {"expires_at", "2026-11-28T19:45:00Z"},
                  {"scopes", {"repo:write"}}}));
  EXPECT_EQ(agent["approval"], (Json{{"id", "apr-7"},
                                     {"approver", "Human::\"bob\""},
                                     {"actions", {"Action::\"push\""}},
                                     {"task", "T-1"},
                                     {"intent", "fix the build"},
                                     {"expires_at", "2026-11-28T23:00:00Z"}}));
  EXPECT_EQ(record["delegation"], (Json{{{"id", "alice"}, {"kind", "Human"}},
                                        {{"id", "planner-3"}, {"kind", "Agent"}},
                                        {{"id", "coder-1"}, {"kind", "Agent"}}}));
  // The decision.
  EXPECT_EQ(record["decision"], "allow");
  EXPECT_EQ(record["outcome"], "allowed");
  EXPECT_EQ(record["determining_policies"],
            (Json{{{"id", "read-docs"}, {"name", "read-docs"}}}));
  EXPECT_EQ(record["errors"], Json::array());
  EXPECT_EQ(record["obligations"],
            (Json{{{"type", "max_credential_ttl"}, {"properties", {{"seconds", 900}}}},
                  {{"type", "credential_scopes"},
                   {"properties", {{"scopes", {"docs:list", "docs:read"}}}}}}));
  EXPECT_GT(record["eval_ns"].get<uint64_t>(), 0u);
  EXPECT_FALSE(record.contains("integrity")) << "only with --audit";
  EXPECT_FALSE(record.contains("revoked"));
}

TEST_F(EvalAudit, OutcomesAndAMalformedLine) {
  std::string input = oneLine(agentRequest("push", 10)) + // approval_required
                      oneLine(agentRequest("push", 10, R"(, "approved": true)")) +
                      oneLine(agentRequest("delete", 10)) + // forbidden
                      oneLine(agentRequest("read", 90)) +   // not_permitted
                      "{\"principal\": \"Agent::\\\"x\\\"\", \"action\": 7}\n" +
                      // a plain Cedar request (no envelope)
                      "{\"principal\": \"User::\\\"u\\\"\", \"action\": \"Action::\\\"read\\\"\", "
                      "\"resource\": \"Doc::\\\"d\\\"\", \"context\": {\"risk\": 1}}\n";
  CliRun r = eval("", input);
  EXPECT_EQ(r.exitCode, 1) << r.out; // one request was not read
  std::vector<std::string> lines = jsonLines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  std::vector<Json> records;
  for (const std::string &line : lines)
    records.push_back(Json::parse(line));

  EXPECT_EQ(records[0]["outcome"], "approval_required");
  EXPECT_EQ(records[0]["decision"], "deny");
  EXPECT_EQ(records[0]["determining_policies"],
            (Json{{{"id", "push-needs-approval"}, {"name", "push-needs-approval"}}}));
  EXPECT_EQ(records[0]["obligations"],
            (Json{{{"type", "approval_required"},
                   {"properties", {{"approvers", {"release-managers"}}}}}}));
  EXPECT_EQ(records[1]["outcome"], "allowed");
  EXPECT_EQ(records[1]["determining_policies"], (Json{{{"id", "policy2"}}}))
      << "a policy without @id has no name";
  EXPECT_EQ(records[2]["outcome"], "forbidden");
  EXPECT_EQ(records[3]["outcome"], "not_permitted");
  EXPECT_EQ(records[3]["determining_policies"], Json::array());

  const Json &bad = records[4];
  EXPECT_EQ(bad["outcome"], "invalid_request");
  EXPECT_EQ(bad["decision"], "deny");
  ASSERT_EQ(bad["errors"].size(), 1u);
  EXPECT_EQ(bad["errors"][0]["policy"], "");
  EXPECT_NE(bad["errors"][0]["message"].get<std::string>().find("line 5: "), std::string::npos)
      << bad;
  EXPECT_EQ(bad["principal"], (Json{{"type", "Agent"}, {"id", "x"}}));
  EXPECT_FALSE(bad.contains("agent"));

  const Json &plain = records[5];
  EXPECT_EQ(plain["outcome"], "allowed");
  EXPECT_FALSE(plain.contains("agent"));
  EXPECT_FALSE(plain.contains("delegation"));
  EXPECT_EQ(plain["context"]["fields"], (Json{{"risk", 1}}));

  // Ids increase, as strings, within a run.
  for (size_t i = 1; i < records.size(); ++i)
    EXPECT_LT(records[i - 1]["decision_id"].get<std::string>(),
              records[i]["decision_id"].get<std::string>());
}

TEST_F(EvalAudit, FormatDecisionKeepsTheCompactLine) {
  CliRun r = eval("--format decision",
                  oneLine(agentRequest("read", 20)) + oneLine(agentRequest("delete", 1)) +
                      "{\"principal\": 1}\n");
  EXPECT_EQ(r.exitCode, 1);
  std::vector<std::string> lines = jsonLines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], R"({"decision":"allow","reasons":["read-docs"],"errors":[]})");
  EXPECT_EQ(lines[1], R"({"decision":"deny","reasons":["no-delete"],"errors":[]})");
  EXPECT_EQ(lines[2].rfind(R"({"decision":"deny","reasons":[],"errors":[{"policy":"",)", 0),
            0u)
      << lines[2];

  CliRun bad = eval("--format yaml", "");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.out.find("unknown format `yaml`"), std::string::npos) << bad.out;
  bad = eval("--fsync always", "");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.out.find("`--fsync` needs `--audit FILE`"), std::string::npos) << bad.out;
  bad = eval("--audit " + dir.file("x.jsonl") + " --fsync sometimes", "");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.out.find("unknown fsync policy"), std::string::npos) << bad.out;
}

TEST_F(EvalAudit, AuditLogVerifiesTracesAndRestartsContinueTheChain) {
  std::string log = dir.file("audit.jsonl");
  std::string first = oneLine(agentRequest("read", 20)) + oneLine(agentRequest("push", 1)) +
                      "not json\n";
  for (const char *fsync : {"always", "interval:5", "never"}) {
    SCOPED_TRACE(fsync);
    std::filesystem::remove(log);
    CliRun r = eval("--audit " + log + " --fsync " + fsync, first);
    EXPECT_EQ(r.exitCode, 1) << r.out;
    std::vector<std::string> printed = jsonLines(r.out);
    ASSERT_EQ(printed.size(), 3u) << r.out;
    // The printed lines are the stored lines.
    EXPECT_EQ(readFile(log), larch::audit::testutil::joinLines(printed));
    for (size_t i = 0; i < printed.size(); ++i)
      EXPECT_EQ(Json::parse(printed[i])["integrity"]["seq"], i);
  }

  // A restart continues the chain.
  std::vector<std::string> before = splitLines(readFile(log));
  CliRun again = eval("--audit " + log, oneLine(agentRequest("delete", 1)));
  EXPECT_EQ(again.exitCode, 0) << again.out;
  std::vector<std::string> after = splitLines(readFile(log));
  ASSERT_EQ(after.size(), 4u);
  Json last = Json::parse(before.back()), next = Json::parse(after.back());
  EXPECT_EQ(next["integrity"]["seq"], 3);
  EXPECT_EQ(next["integrity"]["prev_hash"], last["integrity"]["hash"]);
  EXPECT_EQ(jsonLines(again.out), std::vector<std::string>{after.back()});

  CliRun verify = larch::testlib::runLarch("audit verify " + log);
  EXPECT_EQ(verify.exitCode, 0) << verify.out;
  EXPECT_NE(verify.out.find("intact, 4 records"), std::string::npos) << verify.out;

  CliRun trace = larch::testlib::runLarch(
      "audit trace " + log + " --instance spiffe://acme.dev/agent/coder/instance/7f3a --json");
  EXPECT_EQ(trace.exitCode, 0) << trace.out;
  Json traced = Json::parse(trace.out);
  EXPECT_EQ(traced["matches"].size(), 3u) << trace.out; // not the unreadable line
  trace = larch::testlib::runLarch("audit trace " + log + " --instance planner-3 --json");
  EXPECT_EQ(Json::parse(trace.out)["matches"].size(), 3u) << "a hop of the chain";
  trace = larch::testlib::runLarch("audit trace " + log + " --owner 'Human::\"alice\"' --json");
  EXPECT_EQ(trace.exitCode, 0) << trace.out;
  EXPECT_EQ(Json::parse(trace.out)["matches"].size(), 3u) << trace.out;
  trace = larch::testlib::runLarch("audit trace " + log + " --owner alice --json");
  EXPECT_EQ(Json::parse(trace.out)["matches"].size(), 3u) << "the owner's id alone";
  trace = larch::testlib::runLarch("audit trace " + log + " --originator alice");
  EXPECT_NE(trace.out.find("alice (Human) -> planner-3 (Agent) -> coder-1 (Agent)"),
            std::string::npos)
      << trace.out;
}

TEST_F(EvalAudit, ATornTailIsReportedAndTheChainContinues) {
  std::string log = dir.file("audit.jsonl");
  CliRun r = eval("--audit " + log, oneLine(agentRequest("read", 20)));
  ASSERT_EQ(r.exitCode, 0) << r.out;
  std::string text = readFile(log);
  const std::string torn = "{\"action\":{\"id\":\"rea";
  writeFile(log, text + torn);
  CliRun again = eval("--audit " + log, oneLine(agentRequest("read", 21)));
  EXPECT_EQ(again.exitCode, 0) << again.out;
  EXPECT_NE(again.out.find("its last line was torn (" + std::to_string(torn.size()) + " bytes at offset " +
                           std::to_string(text.size()) + ", never acknowledged): moved to `" +
                           log + ".torn-" + std::to_string(text.size()) +
                           "`; the chain continues at seq 1"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(readFile(log + ".torn-" + std::to_string(text.size())), torn);
  llvm::Expected<larch::audit::VerifyReport> report = larch::audit::verifyLogFile(log);
  ASSERT_TRUE(bool(report));
  EXPECT_TRUE(report->isIntact());
  EXPECT_EQ(report->verified, 2u);

  // A tampered last record stops eval before it decides anything.
  std::string tampered = readFile(log);
  size_t at = tampered.rfind("\"risk\":21");
  ASSERT_NE(at, std::string::npos);
  tampered.replace(at, 9, "\"risk\":22");
  writeFile(log, tampered);
  CliRun refused = eval("--audit " + log, oneLine(agentRequest("read", 21)));
  EXPECT_EQ(refused.exitCode, 2);
  EXPECT_NE(refused.out.find("does not verify"), std::string::npos) << refused.out;
  EXPECT_TRUE(jsonLines(refused.out).empty()) << refused.out;
}

TEST_F(EvalAudit, ARevokedInstanceHasItsEntryInTheRecord) {
  std::string revocations = dir.file("revocations.json");
  writeFile(revocations, R"({"revocations": [
    {"kind": "instance", "id": "spiffe://acme.dev/agent/coder/instance/7f3a",
     "revoked_at": "2026-11-28T19:00:00Z", "reason": "instance compromised"}]})");
  CliRun r = eval("--revocations " + revocations, oneLine(agentRequest("read", 20)));
  EXPECT_EQ(r.exitCode, 0) << r.out;
  std::vector<std::string> lines = jsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  Json record = Json::parse(lines[0]);
  EXPECT_EQ(record["decision"], "deny");
  EXPECT_EQ(record["outcome"], "revoked");
  EXPECT_EQ(record["determining_policies"], Json::array());
  EXPECT_EQ(record["obligations"], Json::array());
  EXPECT_EQ(record["revoked"]["kind"], "instance");
  EXPECT_EQ(record["revoked"]["id"], "spiffe://acme.dev/agent/coder/instance/7f3a");
  EXPECT_EQ(record["revoked"]["reason"], "instance compromised");
  EXPECT_TRUE(record["revoked"].contains("revoked_at"));
}

TEST(EvalRecords, EveryEngineGivesTheSameRecordsForTheFleet) {
  // The coding-agent fleet: envelopes, delegation, revocation, approvals.
  std::string root = LARCH_SOURCE_DIR;
  std::string fleet = root + "/examples/coding-agent-fleet";
  std::string args = "--policies " + root + "/stdlib-policies/agents --policies " + fleet +
                     "/policies --schema " + fleet + "/schema.cedarschema --entities " + fleet +
                     "/entities.json --revocations " + fleet + "/revocations.json";
  std::string requests = readFile(fleet + "/requests.jsonl");
  ASSERT_FALSE(requests.empty());
  auto run = [&](const char *engine) {
    CliRun r = larch::testlib::runLarch(std::string("eval --engine ") + engine + " " + args,
                                        requests);
    EXPECT_EQ(r.exitCode, 0) << r.out;
    std::vector<Json> records;
    for (const std::string &line : jsonLines(r.out)) {
      Json record = Json::parse(line);
      record.erase("decision_id"); // per run
      record.erase("eval_ns");
      records.push_back(std::move(record));
    }
    return records;
  };
  std::vector<Json> compiled = run("compiled");
  ASSERT_EQ(compiled.size(), splitLines(requests).size());
  EXPECT_EQ(run("reference"), compiled);
  EXPECT_EQ(run("all-candidates"), compiled);
  std::set<std::string> outcomes;
  for (const Json &record : compiled) {
    outcomes.insert(record["outcome"].get<std::string>());
    EXPECT_TRUE(record.contains("agent")) << record;
    EXPECT_TRUE(record.contains("delegation")) << record;
  }
  EXPECT_GE(outcomes.size(), 3u);
  EXPECT_EQ(outcomes.count("revoked"), 1u);
}

/// `larch eval` as a child with pipes on stdin and stdout.
struct EvalProcess {
  pid_t pid = -1;
  int toChild = -1, fromChild = -1;

  explicit EvalProcess(const std::vector<std::string> &args) {
    int in[2], out[2];
    EXPECT_EQ(::pipe(in), 0);
    EXPECT_EQ(::pipe(out), 0);
    pid = ::fork();
    if (pid == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 2);
      for (int fd : {in[0], in[1], out[0], out[1], devnull})
        ::close(fd);
      std::vector<std::string> copy = args;
      std::string larch = LARCH_CLI_PATH;
      std::vector<char *> argv{larch.data()};
      for (std::string &a : copy)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(larch.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    toChild = in[1];
    fromChild = out[0];
  }
  ~EvalProcess() {
    if (toChild >= 0)
      ::close(toChild);
    if (fromChild >= 0)
      ::close(fromChild);
  }
};

TEST_F(EvalAudit, KilledMidStreamLosesNoPrintedRecord) {
  std::string log = dir.file("audit.jsonl");
  ::signal(SIGPIPE, SIG_IGN);
  EvalProcess child({"eval", "--policies", policyPath, "--audit", log, "--fsync", "always"});
  ASSERT_GT(child.pid, 0);
  std::string request = oneLine(agentRequest("read", 20));
  std::string printed;
  size_t lines = 0;
  char buf[65536];
  // Feed blocks of requests and read what comes back until 200 records were
  // printed, with input still queued, then kill the process.
  size_t written = 0;
  while (lines < 200) {
    // At most ~50 requests outstanding, so neither pipe fills and the
    // write below never blocks.
    if (written - lines < 40) {
      std::string batch;
      for (int i = 0; i < 7; ++i)
        batch += request;
      ASSERT_EQ(::write(child.toChild, batch.data(), batch.size()),
                static_cast<ssize_t>(batch.size()));
      written += 7;
    }
    pollfd p{child.fromChild, POLLIN, 0};
    while (::poll(&p, 1, 5) > 0) {
      ssize_t n = ::read(child.fromChild, buf, sizeof buf);
      ASSERT_GT(n, 0);
      printed.append(buf, static_cast<size_t>(n));
      lines = static_cast<size_t>(std::count(printed.begin(), printed.end(), '\n'));
    }
  }
  ASSERT_EQ(::kill(child.pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child.pid, &status, 0), child.pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  // Lines already in the pipe were printed before the kill.
  for (ssize_t n; (n = ::read(child.fromChild, buf, sizeof buf)) > 0;)
    printed.append(buf, static_cast<size_t>(n));
  std::vector<std::string> acknowledged;
  for (const std::string &line : splitLines(printed))
    if (!line.empty() && line.front() == '{')
      acknowledged.push_back(line);
  if (!printed.empty() && printed.back() != '\n')
    acknowledged.pop_back(); // a line cut by the kill was not fully printed

  // Every printed record is in the log, in order, from seq 0.
  std::vector<std::string> stored = splitLines(readFile(log));
  ASSERT_GE(stored.size(), acknowledged.size());
  for (size_t i = 0; i < acknowledged.size(); ++i)
    ASSERT_EQ(stored[i], acknowledged[i]) << "record " << i;

  // The log verifies after reopening, and the chain continues.
  CliRun again = eval("--audit " + log, request);
  EXPECT_EQ(again.exitCode, 0) << again.out;
  llvm::Expected<larch::audit::VerifyReport> report = larch::audit::verifyLogFile(log);
  ASSERT_TRUE(bool(report));
  EXPECT_TRUE(report->isIntact()) << report->finding->message;
  EXPECT_FALSE(report->tornTail);
  EXPECT_GE(report->verified, acknowledged.size() + 1);
}

} // namespace
