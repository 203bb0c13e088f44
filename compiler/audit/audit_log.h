// Audit: the durable decision log. Entry point: AuditLog. Depends on
// hash_chain.h and POSIX file calls; the engine never includes this file.
//
// A log is a file of decision records, one canonical JSON object per line
// (hash_chain.h), each chained to the one before. Appending writes the whole
// line with write(2) straight from the caller (no user-space buffer), then
// syncs it to the storage device as the fsync policy says:
//   always       fdatasync(2) before append() returns;
//   interval:N   a background thread calls fdatasync(2) at most N ms after
//                a write; append() does not wait;
//   never        left to the operating system.
// "Acknowledged" means append() returned success. An acknowledged record
// survives the process being killed at any point (kill -9) under every
// policy, since write(2) has put it in the kernel's page cache; it survives
// an operating-system crash or power loss under `always` (and, under
// `interval:N`, once N ms have passed).
//
// Opening an existing log continues its chain from the last complete line,
// which must verify on its own (else open fails: run `larch audit verify`).
// A last line without its newline is a torn write from a crash: it was never
// acknowledged. open() copies its bytes to `<log>.torn-<offset>`, truncates
// the log to the end of the last complete line, and reports it in
// getRecovery(); the chain continues from the last good record. An open log
// holds an exclusive flock(2), so a second writer fails to open it.
#ifndef LARCH_COMPILER_AUDIT_AUDIT_LOG_H
#define LARCH_COMPILER_AUDIT_AUDIT_LOG_H

#include "compiler/audit/decision_record.h"
#include "compiler/audit/hash_chain.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace larch::audit {

enum class FsyncPolicy { Always, Interval, Never };

struct AuditLogOptions {
  FsyncPolicy fsync = FsyncPolicy::Always;
  /// For FsyncPolicy::Interval: the longest a written record stays unsynced.
  std::chrono::milliseconds interval{100};
};

/// Parses `always`, `never` or `interval:N` (N milliseconds, 1 or more)
/// into `options`.
llvm::Error parseFsyncPolicy(llvm::StringRef text, AuditLogOptions &options);

/// What open() found at the end of an existing log.
struct TailRecovery {
  bool tornTail = false;
  uint64_t tornOffset = 0; // where the torn line began (the new file size)
  uint64_t tornBytes = 0;
  std::string tornSavedTo; // the file holding the torn bytes
};

class AuditLog {
public:
  /// Opens (creating if needed) the log at `path` and recovers its tail.
  static llvm::Expected<std::unique_ptr<AuditLog>>
  open(const std::string &path, const AuditLogOptions &options = {});

  /// Syncs (unless the policy is `never`) and closes.
  ~AuditLog();
  AuditLog(const AuditLog &) = delete;
  AuditLog &operator=(const AuditLog &) = delete;

  /// Appends one record: stamps its id and time if empty, seals it into the
  /// chain (filling `record.integrity`), writes its line and syncs per the
  /// policy. On success the record is acknowledged. On failure nothing of
  /// the record stays in the file and the chain is unchanged, except after a
  /// failed fdatasync: the line is then in the file but may not be durable,
  /// and the log refuses further appends. If `line` is given it receives
  /// the line written (the record's canonical JSON, without the newline),
  /// e.g. for `larch eval` to print. Thread-safe.
  llvm::Error append(DecisionRecord &record, std::string *line = nullptr);

  /// fdatasync(2) now, whatever the policy: every record appended before
  /// the call is durable when it succeeds. Fails, and makes the log refuse
  /// appends, if the sync fails (or an earlier background sync did).
  llvm::Error sync();

  const std::string &getPath() const { return path; }
  const TailRecovery &getRecovery() const { return recovery; }
  /// The seq the next record will get (the number of records, for a log
  /// that starts at seq 0).
  uint64_t getNextSeq() const;
  /// The hash of the last record (kGenesisHash for an empty log).
  std::string getHeadHash() const;

private:
  AuditLog(std::string path, int fd, const AuditLogOptions &options);
  llvm::Error recoverTail();
  void syncLoop();

  std::string path;
  int fd;
  AuditLogOptions options;
  TailRecovery recovery;
  uint64_t fileSize = 0;

  mutable std::mutex mutex;
  HashChain chain;
  std::string failure; // non-empty: the log refuses appends, and why
  bool dirty = false;  // written since the last sync (interval policy)
  bool stopping = false;
  std::condition_variable wake;
  std::thread syncer;
};

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_AUDIT_LOG_H
