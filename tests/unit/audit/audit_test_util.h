// Test support for tests/unit/audit: example records, chains built in
// memory, line editing and temporary files.
#ifndef LARCH_TESTS_UNIT_AUDIT_AUDIT_TEST_UTIL_H
#define LARCH_TESTS_UNIT_AUDIT_AUDIT_TEST_UTIL_H

#include "compiler/audit/decision_record.h"
#include "compiler/audit/hash_chain.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace larch::audit::testutil {

/// The record of docs/audit.md's example (without integrity).
inline DecisionRecord makeExampleRecord() {
  DecisionRecord r;
  r.decisionId = "01938f4e-1a2b-7c3d-8e4f-0123456789ab";
  r.timestamp = "2026-11-28T19:32:33.123456Z";
  r.policySetDigest =
      "sha256:abababababababababababababababababababababababababababababababab";
  r.principal = {"Agent", "coder-1"};
  r.action = {"Action", "write"};
  r.resource = {"Repo", "larch"};
  r.contextDigest =
      "sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
  r.loggedContext = {{"risk", 20}};
  AgentInfo agent;
  agent.instance = "spiffe://acme/agent/coder/v1/instance/1";
  agent.owner = "alice";
  agent.session = "s-42";
  agent.credential = CredentialRef{
      "cred-9", "2026-11-28T19:30:00Z", "2026-11-28T19:45:00Z", {"repo:write"}};
  agent.approval =
      ApprovalRef{"apr-7", "bob", "T-1", "", {"write"}, "2026-11-28T23:00:00Z"};
  r.agent = agent;
  r.delegation = {{"alice", "human"}, {"planner-3", "agent"}, {"coder-1", "agent"}};
  r.allowed = true;
  r.outcome = Outcome::Allowed;
  r.determiningPolicies = {{"policy2", "write-with-approval"}};
  r.obligations = {{"max_credential_ttl", {{"seconds", 900}}}};
  r.evalNanos = 1234;
  return r;
}

/// A small record for chains: instance `inst-<i % 3>`, owner `owner-<i % 2>`,
/// approval `apr-<i>`, originator `human-<i % 2>`.
inline DecisionRecord makeChainRecord(int i) {
  DecisionRecord r;
  r.principal = {"Agent", "inst-" + std::to_string(i % 3)};
  r.action = {"Action", i % 2 ? "read" : "write"};
  r.resource = {"Doc", "d" + std::to_string(i)};
  AgentInfo agent;
  agent.instance = "inst-" + std::to_string(i % 3);
  agent.owner = "owner-" + std::to_string(i % 2);
  agent.approval = ApprovalRef{"apr-" + std::to_string(i), "boss", "", "", {}, ""};
  r.agent = agent;
  r.delegation = {{"human-" + std::to_string(i % 2), "human"},
                  {"inst-" + std::to_string(i % 3), "agent"}};
  r.allowed = i % 2 == 1;
  r.outcome = r.allowed ? Outcome::Allowed : Outcome::NotPermitted;
  if (r.allowed)
    r.determiningPolicies = {{"policy" + std::to_string(i % 4), ""}};
  r.evalNanos = 100 + i;
  return r;
}

/// The lines (without newlines) of a fresh chain of `n` records.
inline std::vector<std::string> buildChainLines(int n) {
  HashChain chain;
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) {
    DecisionRecord r = makeChainRecord(i);
    llvm::Expected<std::string> line = chain.seal(r);
    EXPECT_TRUE(bool(line));
    if (!line) {
      llvm::consumeError(line.takeError());
      continue;
    }
    lines.push_back(*line);
  }
  return lines;
}

inline std::string joinLines(const std::vector<std::string> &lines) {
  std::string text;
  for (const std::string &line : lines)
    text += line + "\n";
  return text;
}

inline std::vector<std::string> splitLines(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void writeFile(const std::string &path, const std::string &text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

/// A fresh directory under the system temp directory, removed at the end.
class TempDir {
public:
  TempDir() {
    static int counter = 0;
    path = (std::filesystem::temp_directory_path() /
            ("larch_audit_test_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++)))
               .string();
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string &name) const { return path + "/" + name; }

  std::string path;
};

} // namespace larch::audit::testutil

#endif // LARCH_TESTS_UNIT_AUDIT_AUDIT_TEST_UTIL_H
