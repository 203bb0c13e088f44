// `larch eval --watch` and `--engine` end to end: a running eval reloads its
// policies when the file changes, keeps the previous set when the change does
// not load, and answers each line as it arrives (output is not held back
// until the end of the input).
#include "testlib/run_cli.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

/// A `larch eval` child with pipes to its stdin and from its stdout/stderr.
class EvalChild {
public:
  explicit EvalChild(const std::vector<std::string> &args) {
    int in[2], out[2], err[2];
    EXPECT_EQ(pipe(in), 0);
    EXPECT_EQ(pipe(out), 0);
    EXPECT_EQ(pipe(err), 0);
    pid = fork();
    if (pid == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
      for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
        close(fd);
      std::vector<char *> argv;
      std::string larch = LARCH_CLI_PATH, eval = "eval";
      argv.push_back(larch.data());
      argv.push_back(eval.data());
      std::string format = "--format", decision = "decision";
      argv.push_back(format.data());
      argv.push_back(decision.data());
      std::vector<std::string> copy = args;
      for (std::string &a : copy)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(larch.c_str(), argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    toChild = in[1];
    fromChild = out[0];
    errFromChild = err[0];
  }
  ~EvalChild() {
    if (toChild >= 0)
      close(toChild);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(fromChild);
    close(errFromChild);
  }

  void send(const std::string &line) {
    std::string l = line + "\n";
    ASSERT_EQ(write(toChild, l.data(), l.size()), ssize_t(l.size()));
  }
  /// The next line of stdout, or "" after `timeoutMs`.
  std::string readLine(int timeoutMs = 10000) { return readLineFrom(fromChild, outBuf, timeoutMs); }
  /// Waits until stderr contains `text`.
  bool waitForStderr(const std::string &text, int timeoutMs = 10000) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (errText.find(text) == std::string::npos) {
      int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(
                         end - std::chrono::steady_clock::now())
                         .count());
      if (left <= 0)
        return false;
      pollfd p{errFromChild, POLLIN, 0};
      if (poll(&p, 1, left) > 0) {
        char buf[4096];
        ssize_t n = read(errFromChild, buf, sizeof buf);
        if (n <= 0)
          return false;
        errText.append(buf, size_t(n));
      }
    }
    return true;
  }
  const std::string &getStderr() const { return errText; }

private:
  static std::string readLineFrom(int fd, std::string &buf, int timeoutMs) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
      size_t nl = buf.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        return line;
      }
      int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(
                         end - std::chrono::steady_clock::now())
                         .count());
      if (left <= 0)
        return "";
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, left) <= 0)
        return "";
      char chunk[4096];
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0)
        return "";
      buf.append(chunk, size_t(n));
    }
  }

  pid_t pid = -1;
  int toChild = -1, fromChild = -1, errFromChild = -1;
  std::string outBuf, errText;
};

const char *Request =
    R"({"principal": "User::\"alice\"", "action": "Action::\"read\"", "resource": "Doc::\"d\""})";

void writeFile(const fs::path &p, const std::string &text) {
  // Write beside, then rename: the watcher never sees half a file.
  fs::path tmp = p.string() + ".tmp";
  std::ofstream(tmp) << text;
  fs::rename(tmp, p);
}

} // namespace

TEST(EvalWatch, ReloadsChangedPoliciesAndKeepsTheLastGoodSet) {
  fs::path dir = fs::temp_directory_path() / ("larch-watch-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path policy = dir / "p.cedar";
  writeFile(policy, R"(@id("allow") permit(principal == User::"alice", action, resource);)");
  {
    EvalChild child({"--watch", "--policies", dir.string()});
    child.send(Request);
    EXPECT_EQ(child.readLine(), R"({"decision":"allow","reasons":["allow"],"errors":[]})");

    // A change that loads replaces the set.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    writeFile(policy, R"(@id("deny") forbid(principal, action, resource);)");
    ASSERT_TRUE(child.waitForStderr("policies reloaded")) << child.getStderr();
    child.send(Request);
    EXPECT_EQ(child.readLine(), R"({"decision":"deny","reasons":["deny"],"errors":[]})");

    // A change that does not load is reported; the previous set keeps deciding.
    writeFile(policy, "permit(principal, action, resource) when { 1 + };");
    ASSERT_TRUE(child.waitForStderr("previous policies keep deciding")) << child.getStderr();
    EXPECT_NE(child.getStderr().find("p.cedar:1:"), std::string::npos) << child.getStderr();
    child.send(Request);
    EXPECT_EQ(child.readLine(), R"({"decision":"deny","reasons":["deny"],"errors":[]})");
  }
  fs::remove_all(dir);
}

TEST(EvalWatch, EveryEngineGivesTheSameAnswers) {
  std::string dir = std::string(LARCH_SOURCE_DIR) + "/stdlib-policies/agent-tools";
  std::string args = "--policies " + dir + "/policies.cedar --schema " + dir +
                     "/schema.cedarschema --entities " + dir + "/entities.json";
  std::ifstream in(dir + "/requests.jsonl");
  std::string requests((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto run = [&](const char *engine) {
    return larch::testlib::runLarch(std::string("eval --format decision --engine ") + engine +
                                        " " + args,
                                    requests);
  };
  larch::testlib::CliRun reference = run("reference");
  EXPECT_EQ(reference.exitCode, 1) << reference.out; // one request is malformed on purpose
  EXPECT_EQ(run("compiled").out, reference.out);
  EXPECT_EQ(run("all-candidates").out, reference.out);
  larch::testlib::CliRun bad = larch::testlib::runLarch("eval --engine fast " + args, "");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.out.find("unknown engine `fast`"), std::string::npos) << bad.out;
}

TEST(EvalWatch, ReloadsTheRevocationListAndKeepsTheLastGoodOne) {
  fs::path dir = fs::temp_directory_path() / ("larch-watch-rev-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path policy = dir / "p.cedar", list = dir / "revocations.json";
  writeFile(policy, R"(@id("allow") permit(principal, action, resource);)");
  writeFile(list, R"({"revocations": []})");
  {
    EvalChild child({"--watch", "--policies", policy.string(), "--revocations", list.string()});
    child.send(Request);
    EXPECT_EQ(child.readLine(), R"({"decision":"allow","reasons":["allow"],"errors":[]})");

    // Revoking alice denies her next request, without reloading policies.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    writeFile(list, R"({"revocations": [{"kind": "entity", "entity": "User::\"alice\"",
                        "revoked_at": "2020-01-01T00:00:00Z"}]})");
    ASSERT_TRUE(child.waitForStderr("revocations reloaded (1 entries)")) << child.getStderr();
    child.send(Request);
    EXPECT_EQ(child.readLine(), R"({"decision":"deny","reasons":[],"errors":[]})");

    // A malformed list is reported; the previous list keeps deciding.
    writeFile(list, R"({"revocations": [{"kind": "user", "id": "alice"}]})");
    ASSERT_TRUE(child.waitForStderr("previous list keeps deciding")) << child.getStderr();
    EXPECT_NE(child.getStderr().find("revocations[0].kind: unknown kind `user`"),
              std::string::npos)
        << child.getStderr();
    child.send(Request);
    EXPECT_EQ(child.readLine(), R"({"decision":"deny","reasons":[],"errors":[]})");
    EXPECT_EQ(child.getStderr().find("policies reloaded"), std::string::npos);
  }
  fs::remove_all(dir);
}
