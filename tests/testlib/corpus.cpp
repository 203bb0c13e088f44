// Test support: corpus location and one-time unpacking (see corpus.h).
#include "testlib/corpus.h"

#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace larch::testlib {

std::string sharedCorpusDir() {
  if (const char *env = std::getenv("LARCH_CEDAR_CORPUS"))
    return env;
  fs::path p = fs::path(LARCH_SHARED_DIR) / "cedar-corpus";
  return fs::exists(p) ? p.string() : std::string();
}

std::string unpackedCorpusDir(std::string *error) {
  auto fail = [&](const std::string &why) {
    if (error)
      *error = why;
    return std::string();
  };
  std::string shared = sharedCorpusDir();
  if (shared.empty())
    return fail("the Cedar corpus folder was not found");
  fs::path root = fs::path(LARCH_BINARY_DIR) / "cedar-corpus";
  fs::path done = root / ".unpacked";
  if (fs::exists(done))
    return root.string();

  // Serialise concurrent test processes on a lock file.
  std::error_code ec;
  fs::create_directories(LARCH_BINARY_DIR, ec);
  std::string lockPath = (fs::path(LARCH_BINARY_DIR) / "cedar-corpus.lock").string();
  int fd = ::open(lockPath.c_str(), O_CREAT | O_RDWR, 0644);
  if (fd < 0 || ::flock(fd, LOCK_EX) != 0)
    return fail("cannot lock " + lockPath);
  struct Unlock {
    int fd;
    ~Unlock() { ::flock(fd, LOCK_UN); ::close(fd); }
  } unlock{fd};
  if (fs::exists(done))
    return root.string();

  fs::remove_all(root, ec);
  fs::create_directories(root, ec);
  if (ec)
    return fail("cannot create " + root.string());
  for (const char *sub : {"tests", "sample-data"})
    fs::create_directory_symlink(fs::absolute(fs::path(shared) / sub),
                                 root / sub, ec);
  std::string cmd = "tar xzf '" + (fs::path(shared) / "corpus-tests.tar.gz").string() +
                    "' -C '" + root.string() + "'";
  if (std::system(cmd.c_str()) != 0)
    return fail("cannot unpack the corpus: " + cmd);
  std::ofstream(done.string()) << "ok\n";
  return root.string();
}

std::vector<std::string> listFiles(const std::string &dir,
                                   const std::string &suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(
           dir, fs::directory_options::follow_directory_symlink, ec),
       end;
       it != end && !ec; it.increment(ec)) {
    const std::string p = it->path().string();
    if (it->is_regular_file() && p.size() >= suffix.size() &&
        p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string readFile(const std::string &path, bool *ok) {
  std::ifstream in(path, std::ios::binary);
  if (ok)
    *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace larch::testlib
