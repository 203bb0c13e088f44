// Audit: the durable decision log (see audit_log.h).
#include "compiler/audit/audit_log.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace larch::audit {

namespace {

/// A record line longer than this is not ours: open() refuses to read it.
constexpr uint64_t kMaxLineBytes = uint64_t(64) << 20;

llvm::Error makeError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

llvm::Error errnoError(const std::string &what, int err) {
  return makeError(what + ": " + std::strerror(err));
}

/// Writes all of `data` at the end of `fd` (opened O_APPEND).
int writeAll(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return 0;
}

int readAt(int fd, char *data, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n = ::pread(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    if (n == 0)
      return EIO; // the file shrank under us
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return 0;
}

/// The offset of the last '\n' before `end`, or -1 if there is none.
llvm::Expected<int64_t> findLastNewline(int fd, uint64_t end) {
  char buf[65536];
  while (end > 0) {
    uint64_t begin = end > sizeof buf ? end - sizeof buf : 0;
    if (int err = readAt(fd, buf, end - begin, begin))
      return errnoError("cannot read the audit log", err);
    for (uint64_t i = end - begin; i > 0; --i)
      if (buf[i - 1] == '\n')
        return static_cast<int64_t>(begin + i - 1);
    end = begin;
  }
  return -1;
}

/// fsync(2) on the directory holding `path`, so a new file's name is durable.
void syncParentDirectory(const std::string &path) {
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

} // namespace

llvm::Error parseFsyncPolicy(llvm::StringRef text, AuditLogOptions &options) {
  if (text == "always") {
    options.fsync = FsyncPolicy::Always;
    return llvm::Error::success();
  }
  if (text == "never") {
    options.fsync = FsyncPolicy::Never;
    return llvm::Error::success();
  }
  llvm::StringRef millis = text;
  unsigned long long n = 0;
  if (millis.consume_front("interval:") && !millis.getAsInteger(10, n) && n >= 1 &&
      n <= 24ull * 3600 * 1000) {
    options.fsync = FsyncPolicy::Interval;
    options.interval = std::chrono::milliseconds(n);
    return llvm::Error::success();
  }
  return makeError("unknown fsync policy `" + text.str() +
                   "` (expected `always`, `never` or `interval:MS`)");
}

AuditLog::AuditLog(std::string path, int fd, const AuditLogOptions &options)
    : path(std::move(path)), fd(fd), options(options) {}

llvm::Expected<std::unique_ptr<AuditLog>> AuditLog::open(const std::string &path,
                                                         const AuditLogOptions &options) {
  struct stat st;
  bool existed = ::stat(path.c_str(), &st) == 0;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0)
    return errnoError("cannot open audit log `" + path + "`", errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return makeError("audit log `" + path + "` is open for writing by another process");
    return errnoError("cannot lock audit log `" + path + "`", err);
  }
  std::unique_ptr<AuditLog> log(new AuditLog(path, fd, options));
  if (llvm::Error e = log->recoverTail())
    return e;
  if (!existed)
    syncParentDirectory(path);
  if (options.fsync == FsyncPolicy::Interval)
    log->syncer = std::thread([raw = log.get()] { raw->syncLoop(); });
  return log;
}

llvm::Error AuditLog::recoverTail() {
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return errnoError("cannot stat audit log `" + path + "`", errno);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  llvm::Expected<int64_t> lastNewline = findLastNewline(fd, size);
  if (!lastNewline)
    return lastNewline.takeError();
  uint64_t goodEnd = static_cast<uint64_t>(*lastNewline + 1);

  if (goodEnd < size) {
    // A torn last line: keep its bytes beside the log, then cut it off so
    // the next record starts on a line of its own.
    recovery.tornTail = true;
    recovery.tornOffset = goodEnd;
    recovery.tornBytes = size - goodEnd;
    recovery.tornSavedTo = path + ".torn-" + std::to_string(goodEnd);
    int tfd = ::open(recovery.tornSavedTo.c_str(),
                     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (tfd < 0)
      return errnoError("cannot save the torn tail of audit log `" + path + "` to `" +
                            recovery.tornSavedTo + "`",
                        errno);
    int err = 0;
    std::string chunk;
    for (uint64_t at = goodEnd; at < size && !err; at += chunk.size()) {
      chunk.resize(static_cast<size_t>(std::min<uint64_t>(size - at, 1 << 20)));
      err = readAt(fd, chunk.data(), chunk.size(), at);
      if (!err)
        err = writeAll(tfd, chunk.data(), chunk.size());
    }
    if (!err && ::fsync(tfd) != 0)
      err = errno;
    ::close(tfd);
    if (err)
      return errnoError("cannot save the torn tail of audit log `" + path + "` to `" +
                            recovery.tornSavedTo + "`",
                        err);
    if (::ftruncate(fd, static_cast<off_t>(goodEnd)) != 0 || ::fsync(fd) != 0)
      return errnoError("cannot truncate the torn tail of audit log `" + path + "`",
                        errno);
  }
  fileSize = goodEnd;
  if (goodEnd == 0)
    return llvm::Error::success(); // a new chain

  llvm::Expected<int64_t> previousNewline = findLastNewline(fd, goodEnd - 1);
  if (!previousNewline)
    return previousNewline.takeError();
  uint64_t lineBegin = static_cast<uint64_t>(*previousNewline + 1);
  uint64_t lineSize = goodEnd - 1 - lineBegin;
  if (lineSize > kMaxLineBytes)
    return makeError("the last record of audit log `" + path + "` is over " +
                     std::to_string(kMaxLineBytes >> 20) + " MiB");
  std::string line(static_cast<size_t>(lineSize), '\0');
  if (int err = readAt(fd, line.data(), line.size(), lineBegin))
    return errnoError("cannot read audit log `" + path + "`", err);
  LineCheck check = checkRecordLine(line);
  if (check.status != LineCheck::Status::Ok)
    return makeError("cannot continue audit log `" + path +
                     "`: its last record (at byte " + std::to_string(lineBegin) +
                     ") does not verify: " + check.message +
                     "; run `larch audit verify` on it");
  chain.rewind(check.seq + 1, check.hash);
  return llvm::Error::success();
}

AuditLog::~AuditLog() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  if (syncer.joinable())
    syncer.join();
  if (options.fsync != FsyncPolicy::Never)
    (void)::fdatasync(fd);
  ::close(fd);
}

void AuditLog::syncLoop() {
  std::unique_lock<std::mutex> lock(mutex);
  while (!stopping) {
    wake.wait_for(lock, options.interval, [this] { return stopping; });
    if (!dirty)
      continue;
    dirty = false;
    lock.unlock();
    int err = ::fdatasync(fd) == 0 ? 0 : errno;
    lock.lock();
    if (err && failure.empty())
      failure = std::string("fdatasync failed: ") + std::strerror(err);
  }
}

llvm::Error AuditLog::append(DecisionRecord &record, std::string *lineOut) {
  std::lock_guard<std::mutex> lock(mutex);
  if (!failure.empty())
    return makeError("audit log `" + path + "` refuses appends: " + failure);
  uint64_t seqBefore = chain.getNextSeq();
  std::string headBefore = chain.getHeadHash();
  llvm::Expected<std::string> line = chain.seal(record);
  if (!line)
    return line.takeError();
  line->push_back('\n');
  if (int err = writeAll(fd, line->data(), line->size())) {
    // Take back whatever part of the line reached the file, so the next
    // record does not follow a fragment.
    chain.rewind(seqBefore, std::move(headBefore));
    record.integrity.reset();
    if (::ftruncate(fd, static_cast<off_t>(fileSize)) != 0)
      failure =
          std::string("a failed write could not be undone: ") + std::strerror(errno);
    return errnoError("cannot write to audit log `" + path + "`", err);
  }
  fileSize += line->size();
  switch (options.fsync) {
  case FsyncPolicy::Always:
    if (::fdatasync(fd) != 0) {
      int err = errno;
      failure = std::string("fdatasync failed: ") + std::strerror(err);
      return errnoError("cannot sync audit log `" + path + "`", err);
    }
    break;
  case FsyncPolicy::Interval:
    dirty = true;
    break;
  case FsyncPolicy::Never:
    break;
  }
  if (lineOut) {
    line->pop_back(); // the newline
    *lineOut = std::move(*line);
  }
  return llvm::Error::success();
}

llvm::Error AuditLog::sync() {
  if (::fdatasync(fd) != 0) {
    // As in append(): after a failed sync the kernel may have dropped the
    // unsynced pages, so nothing written since the last good sync is known
    // to be durable.
    int err = errno;
    std::lock_guard<std::mutex> lock(mutex);
    failure = std::string("fdatasync failed: ") + std::strerror(err);
    return errnoError("cannot sync audit log `" + path + "`", err);
  }
  std::lock_guard<std::mutex> lock(mutex);
  if (!failure.empty())
    return makeError("audit log `" + path + "` refuses appends: " + failure);
  return llvm::Error::success();
}

uint64_t AuditLog::getNextSeq() const {
  std::lock_guard<std::mutex> lock(mutex);
  return chain.getNextSeq();
}

std::string AuditLog::getHeadHash() const {
  std::lock_guard<std::mutex> lock(mutex);
  return chain.getHeadHash();
}

} // namespace larch::audit
