// The `larch` CLI: PolicyWatcher (see policy_watcher.h).
#include "policy_watcher.h"

#include <algorithm>
#include <filesystem>

namespace larch::cli {

namespace fs = std::filesystem;

PolicyWatcher::PolicyWatcher(std::vector<std::string> paths,
                             std::chrono::milliseconds interval,
                             std::function<void()> onChange)
    : paths(std::move(paths)), interval(interval), onChange(std::move(onChange)) {
  thread = std::thread([this] { run(); });
}

PolicyWatcher::~PolicyWatcher() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  thread.join();
}

std::string PolicyWatcher::fingerprint(const std::vector<std::string> &paths) {
  std::vector<std::string> entries;
  auto add = [&](const fs::path &p) {
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    auto time = fs::last_write_time(p, ec);
    entries.push_back(p.string() + "|" + std::to_string(ec ? 0 : size) + "|" +
                      std::to_string(ec ? 0 : time.time_since_epoch().count()));
  };
  for (const std::string &root : paths) {
    std::error_code ec;
    if (fs::is_directory(root, ec)) {
      for (auto it = fs::recursive_directory_iterator(root, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->path().extension() == ".cedar")
          add(it->path());
    } else {
      add(root); // a missing file is part of the fingerprint too
    }
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const std::string &e : entries)
    out += e + "\n";
  return out;
}

void PolicyWatcher::run() {
  std::string last = fingerprint(paths);
  std::unique_lock<std::mutex> lock(mutex);
  while (!wake.wait_for(lock, interval, [this] { return stopping; })) {
    lock.unlock();
    std::string now = fingerprint(paths);
    if (now != last) {
      last = now;
      onChange();
    }
    lock.lock();
  }
}

} // namespace larch::cli
