// Tests for compiler/audit/audit_log.h: appending, restarting, torn tails,
// the writer lock, fsync policies, and a crash test (a child process killed
// with SIGKILL while appending).
#include "compiler/audit/audit_log.h"
#include "compiler/audit/chain_verify.h"

#include "unit/audit/audit_test_util.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace larch::audit {
namespace {

using testutil::makeChainRecord;
using testutil::readFile;
using testutil::TempDir;

std::unique_ptr<AuditLog> openLog(const std::string &path,
                                  const AuditLogOptions &options = {}) {
  llvm::Expected<std::unique_ptr<AuditLog>> log = AuditLog::open(path, options);
  if (!log) {
    ADD_FAILURE() << llvm::toString(log.takeError());
    return nullptr;
  }
  return std::move(*log);
}

void appendRecords(AuditLog &log, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    DecisionRecord record = makeChainRecord(i);
    llvm::Error e = log.append(record);
    ASSERT_FALSE(bool(e)) << llvm::toString(std::move(e));
    ASSERT_TRUE(record.integrity.has_value());
    EXPECT_FALSE(record.decisionId.empty());
  }
}

VerifyReport verifyFile(const std::string &path) {
  llvm::Expected<VerifyReport> report = verifyLogFile(path);
  if (!report) {
    ADD_FAILURE() << llvm::toString(report.takeError());
    return {};
  }
  return *report;
}

TEST(AuditLog, AppendsOneCanonicalLinePerRecord) {
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  {
    auto log = openLog(path);
    ASSERT_TRUE(log);
    EXPECT_EQ(log->getNextSeq(), 0u);
    EXPECT_EQ(log->getHeadHash(), kGenesisHash);
    appendRecords(*log, 0, 3);
    EXPECT_EQ(log->getNextSeq(), 3u);
    DecisionRecord fourth = makeChainRecord(3);
    std::string written;
    ASSERT_FALSE(bool(log->append(fourth, &written)));
    EXPECT_EQ(written + "\n", testutil::splitLines(readFile(path)).back() + "\n");
    EXPECT_EQ(readFile(path).back(), '\n');
    EXPECT_EQ(checkRecordLine(written).hash, fourth.integrity->hash);
  }
  auto lines = testutil::splitLines(readFile(path));
  ASSERT_EQ(lines.size(), 4u);
  for (const std::string &line : lines)
    EXPECT_EQ(checkRecordLine(line).status, LineCheck::Status::Ok);
  VerifyReport report = verifyFile(path);
  EXPECT_TRUE(report.isIntact());
  EXPECT_EQ(report.verified, 4u);
}

TEST(AuditLog, RestartContinuesTheChain) {
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  std::string head;
  {
    auto log = openLog(path);
    ASSERT_TRUE(log);
    appendRecords(*log, 0, 4);
    head = log->getHeadHash();
  }
  {
    auto log = openLog(path);
    ASSERT_TRUE(log);
    EXPECT_FALSE(log->getRecovery().tornTail);
    EXPECT_EQ(log->getNextSeq(), 4u);
    EXPECT_EQ(log->getHeadHash(), head);
    appendRecords(*log, 4, 3);
  }
  VerifyReport report = verifyFile(path);
  EXPECT_TRUE(report.isIntact()) << report.finding->message;
  EXPECT_EQ(report.verified, 7u);
  EXPECT_EQ(report.headSeq, 6u);
}

TEST(AuditLog, TornTailIsSavedTruncatedAndTheChainContinues) {
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  {
    auto log = openLog(path);
    ASSERT_TRUE(log);
    appendRecords(*log, 0, 3);
  }
  std::string good = readFile(path);
  // What a crash in the middle of writing the fourth line leaves.
  HashChain chain(3, verifyLogText(good).headHash);
  DecisionRecord fourth = makeChainRecord(3);
  std::string torn = chain.seal(fourth).get().substr(0, 57);
  testutil::writeFile(path, good + torn);
  VerifyReport before = verifyFile(path);
  EXPECT_TRUE(before.isIntact());
  EXPECT_TRUE(before.tornTail);
  EXPECT_EQ(before.tornLine, 4u);

  {
    auto log = openLog(path);
    ASSERT_TRUE(log);
    const TailRecovery &recovery = log->getRecovery();
    EXPECT_TRUE(recovery.tornTail);
    EXPECT_EQ(recovery.tornOffset, good.size());
    EXPECT_EQ(recovery.tornBytes, 57u);
    EXPECT_EQ(recovery.tornSavedTo, path + ".torn-" + std::to_string(good.size()));
    EXPECT_EQ(readFile(recovery.tornSavedTo), torn);
    EXPECT_EQ(readFile(path), good);
    EXPECT_EQ(log->getNextSeq(), 3u);
    appendRecords(*log, 3, 2);
  }
  VerifyReport after = verifyFile(path);
  EXPECT_TRUE(after.isIntact());
  EXPECT_FALSE(after.tornTail);
  EXPECT_EQ(after.verified, 5u);
}

TEST(AuditLog, ATornOnlyLineLeavesAnEmptyLog) {
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  testutil::writeFile(path, "{\"action\":");
  auto log = openLog(path);
  ASSERT_TRUE(log);
  EXPECT_TRUE(log->getRecovery().tornTail);
  EXPECT_EQ(log->getNextSeq(), 0u);
  appendRecords(*log, 0, 1);
  log.reset();
  EXPECT_EQ(verifyFile(path).verified, 1u);
}

TEST(AuditLog, RefusesToContinueFromATamperedLastRecord) {
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  {
    auto log = openLog(path);
    ASSERT_TRUE(log);
    appendRecords(*log, 0, 2);
  }
  std::string text = readFile(path);
  size_t at = text.rfind("\"eval_ns\":101");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 13, "\"eval_ns\":999");
  testutil::writeFile(path, text);
  llvm::Expected<std::unique_ptr<AuditLog>> log = AuditLog::open(path);
  ASSERT_FALSE(bool(log));
  std::string message = llvm::toString(log.takeError());
  EXPECT_NE(message.find("does not verify"), std::string::npos) << message;
  EXPECT_NE(message.find("larch audit verify"), std::string::npos) << message;
}

TEST(AuditLog, OneWriterAtATime) {
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  auto first = openLog(path);
  ASSERT_TRUE(first);
  llvm::Expected<std::unique_ptr<AuditLog>> second = AuditLog::open(path);
  ASSERT_FALSE(bool(second));
  EXPECT_NE(llvm::toString(second.takeError()).find("another process"),
            std::string::npos);
  first.reset();
  EXPECT_TRUE(openLog(path));
}

TEST(AuditLog, ARecordThatCannotBeCanonicalisedIsNotWritten) {
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  auto log = openLog(path);
  ASSERT_TRUE(log);
  appendRecords(*log, 0, 1);
  DecisionRecord bad = makeChainRecord(1);
  bad.obligations = {{"ttl", {{"ratio", 0.25}}}};
  llvm::Error e = log->append(bad);
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("floating-point"), std::string::npos);
  EXPECT_EQ(log->getNextSeq(), 1u);
  appendRecords(*log, 1, 1);
  log.reset();
  VerifyReport report = verifyFile(path);
  EXPECT_TRUE(report.isIntact());
  EXPECT_EQ(report.verified, 2u);
}

TEST(AuditLog, ParseFsyncPolicy) {
  AuditLogOptions options;
  ASSERT_FALSE(bool(parseFsyncPolicy("never", options)));
  EXPECT_EQ(options.fsync, FsyncPolicy::Never);
  ASSERT_FALSE(bool(parseFsyncPolicy("interval:250", options)));
  EXPECT_EQ(options.fsync, FsyncPolicy::Interval);
  EXPECT_EQ(options.interval.count(), 250);
  ASSERT_FALSE(bool(parseFsyncPolicy("always", options)));
  EXPECT_EQ(options.fsync, FsyncPolicy::Always);
  for (const char *bad :
       {"", "sometimes", "interval:", "interval:0", "interval:x", "interval:-5"}) {
    llvm::Error e = parseFsyncPolicy(bad, options);
    ASSERT_TRUE(bool(e)) << bad;
    EXPECT_NE(llvm::toString(std::move(e)).find("fsync policy"), std::string::npos);
  }
}

TEST(AuditLog, IntervalPolicySyncsInTheBackground) {
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  AuditLogOptions options;
  options.fsync = FsyncPolicy::Interval;
  options.interval = std::chrono::milliseconds(5);
  {
    auto log = openLog(path, options);
    ASSERT_TRUE(log);
    for (int round = 0; round < 4; ++round) {
      appendRecords(*log, round * 5, 5);
      std::this_thread::sleep_for(std::chrono::milliseconds(12));
    }
    EXPECT_FALSE(bool(log->sync()));
  }
  EXPECT_EQ(verifyFile(path).verified, 20u);
}

TEST(AuditLog, ABatchCommittedWithOneSync) {
  // `never` plus one sync() per batch: the pattern for a caller that
  // releases decisions in blocks (docs/audit.md).
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  AuditLogOptions options;
  options.fsync = FsyncPolicy::Never;
  auto log = openLog(path, options);
  ASSERT_TRUE(log);
  for (int batch = 0; batch < 3; ++batch) {
    appendRecords(*log, batch * 4, 4);
    llvm::Error e = log->sync();
    EXPECT_FALSE(bool(e)) << llvm::toString(std::move(e));
  }
  log.reset();
  EXPECT_EQ(verifyFile(path).verified, 12u);
}

// The crash test: a child appends records and acknowledges each one on a
// pipe after append() returns; the parent kills it with SIGKILL mid-stream.
// Every acknowledged record must be in the log and the chain intact; a
// restart then continues the chain.
/// In a forked child: opens the log at `path`, or exits with `code`.
std::unique_ptr<AuditLog> openOrExit(const std::string &path, const AuditLogOptions &options,
                                     int code) {
  llvm::Expected<std::unique_ptr<AuditLog>> log = AuditLog::open(path, options);
  if (!log) {
    llvm::consumeError(log.takeError());
    ::_exit(code);
  }
  return std::move(*log);
}

/// In a forked child: appends `record`, or exits with `code`.
void appendOrExit(AuditLog &log, DecisionRecord &record, int code) {
  if (llvm::Error e = log.append(record)) {
    llvm::consumeError(std::move(e));
    ::_exit(code);
  }
}

void crashTest(const AuditLogOptions &options, int killAfterAcks) {
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(acks[0]);
    std::unique_ptr<AuditLog> log = openOrExit(path, options, 3);
    for (int i = 0;; ++i) {
      DecisionRecord record = makeChainRecord(i);
      record.obligations = {{"padding", {{"text", std::string(i % 7 * 300, 'x')}}}};
      appendOrExit(*log, record, 4);
      uint64_t seq = record.integrity->seq;
      if (::write(acks[1], &seq, sizeof seq) != sizeof seq)
        ::_exit(5);
    }
  }
  ::close(acks[1]);
  uint64_t seq = 0;
  int64_t lastAcked = -1;
  int received = 0;
  while (received < killAfterAcks && ::read(acks[0], &seq, sizeof seq) == sizeof seq) {
    EXPECT_EQ(seq, static_cast<uint64_t>(lastAcked + 1));
    lastAcked = static_cast<int64_t>(seq);
    ++received;
  }
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  // Acknowledgements already in the pipe when the child died.
  while (::read(acks[0], &seq, sizeof seq) == sizeof seq)
    lastAcked = static_cast<int64_t>(seq);
  ::close(acks[0]);
  ASSERT_GE(lastAcked, killAfterAcks - 1);

  VerifyReport report = verifyFile(path);
  ASSERT_TRUE(report.isIntact()) << report.finding->message;
  EXPECT_GE(static_cast<int64_t>(report.verified), lastAcked + 1)
      << "an acknowledged record was lost";
  EXPECT_EQ(report.headSeq + 1, report.verified);

  // The child may have died inside write(2); if not, make the torn tail it
  // could have left, then restart.
  std::string text = readFile(path);
  if (!report.tornTail)
    testutil::writeFile(path, text + "{\"action\":{\"id\":\"wri");
  uint64_t complete = report.verified;
  {
    auto log = openLog(path, options);
    ASSERT_TRUE(log);
    EXPECT_TRUE(log->getRecovery().tornTail);
    EXPECT_EQ(log->getNextSeq(), complete);
    appendRecords(*log, 1000, 3);
  }
  VerifyReport after = verifyFile(path);
  EXPECT_TRUE(after.isIntact());
  EXPECT_FALSE(after.tornTail);
  EXPECT_EQ(after.verified, complete + 3);
}

TEST(AuditLogCrash, KilledWhileAppendingUnderAlways) {
  crashTest(AuditLogOptions{FsyncPolicy::Always, std::chrono::milliseconds(100)}, 150);
}

TEST(AuditLogCrash, KilledWhileAppendingUnderInterval) {
  crashTest(AuditLogOptions{FsyncPolicy::Interval, std::chrono::milliseconds(2)}, 300);
}

TEST(AuditLogCrash, KilledWhileAppendingUnderNever) {
  // Without fsync an acknowledged record is still in the page cache, so a
  // killed process loses nothing (only an OS crash could).
  crashTest(AuditLogOptions{FsyncPolicy::Never, std::chrono::milliseconds(100)}, 500);
}

TEST(AuditLog, AFailedWriteLeavesNothingBehind) {
  // In a child (file-size limits are per process): with SIGXFSZ ignored, a
  // write past the limit is cut short and then fails with EFBIG. The append
  // must fail, take back the partial line and leave the chain unchanged.
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    std::unique_ptr<AuditLog> log = openOrExit(path, {}, 10);
    for (int i = 0; i < 3; ++i) {
      DecisionRecord record = makeChainRecord(i);
      appendOrExit(*log, record, 11);
    }
    struct stat st;
    ::stat(path.c_str(), &st);
    off_t sizeBefore = st.st_size;
    struct rlimit original;
    ::getrlimit(RLIMIT_FSIZE, &original);
    struct rlimit limit = original;
    limit.rlim_cur = static_cast<rlim_t>(sizeBefore + 100);
    ::setrlimit(RLIMIT_FSIZE, &limit);
    DecisionRecord failing = makeChainRecord(3);
    llvm::Error e = log->append(failing);
    if (!e)
      ::_exit(12);
    llvm::consumeError(std::move(e));
    ::stat(path.c_str(), &st);
    if (st.st_size != sizeBefore)
      ::_exit(13);
    if (log->getNextSeq() != 3 || failing.integrity)
      ::_exit(14);
    ::setrlimit(RLIMIT_FSIZE, &original);
    DecisionRecord next = makeChainRecord(3);
    appendOrExit(*log, next, 15);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  VerifyReport report = verifyFile(path);
  EXPECT_TRUE(report.isIntact());
  EXPECT_FALSE(report.tornTail);
  EXPECT_EQ(report.verified, 4u);
}

TEST(AuditLogCrash, DiesInsideWrite) {
  // A deterministic death in the middle of write(2): the child lowers its
  // file-size limit to 100 bytes past the log's end, so the kernel writes
  // only the first 100 bytes of the next line and then kills the process
  // with SIGXFSZ as it tries to write the rest.
  TempDir dir;
  std::string path = dir.file("audit.jsonl");
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(acks[0]);
    struct rlimit noCore = {0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
    std::unique_ptr<AuditLog> log = openOrExit(path, {}, 3);
    for (int i = 0; i < 5; ++i) {
      DecisionRecord record = makeChainRecord(i);
      appendOrExit(*log, record, 4);
      uint64_t seq = record.integrity->seq;
      if (::write(acks[1], &seq, sizeof seq) != sizeof seq)
        ::_exit(5);
    }
    struct stat st;
    ::stat(path.c_str(), &st);
    struct rlimit limit = {static_cast<rlim_t>(st.st_size + 100),
                           static_cast<rlim_t>(st.st_size + 100)};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    DecisionRecord record = makeChainRecord(5);
    llvm::consumeError(log->append(record));
    ::_exit(6); // not reached: SIGXFSZ ends the process inside append()
  }
  ::close(acks[1]);
  uint64_t seq = 0;
  int acked = 0;
  while (::read(acks[0], &seq, sizeof seq) == sizeof seq)
    ++acked;
  ::close(acks[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGXFSZ);
  EXPECT_EQ(acked, 5);

  VerifyReport report = verifyFile(path);
  EXPECT_TRUE(report.isIntact());
  EXPECT_EQ(report.verified, 5u); // every acknowledged record
  EXPECT_TRUE(report.tornTail);
  EXPECT_EQ(report.tornLine, 6u);
  EXPECT_EQ(report.tornBytes, 100u);

  {
    auto log = openLog(path);
    ASSERT_TRUE(log);
    EXPECT_TRUE(log->getRecovery().tornTail);
    EXPECT_EQ(log->getRecovery().tornBytes, 100u);
    EXPECT_EQ(log->getNextSeq(), 5u);
    appendRecords(*log, 5, 2);
  }
  VerifyReport after = verifyFile(path);
  EXPECT_TRUE(after.isIntact());
  EXPECT_FALSE(after.tornTail);
  EXPECT_EQ(after.verified, 7u);
}

} // namespace
} // namespace larch::audit
