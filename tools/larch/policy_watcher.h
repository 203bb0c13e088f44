// The `larch` CLI: watches policy paths and calls back when they change
// (`larch eval --watch`). Polls a fingerprint (every `.cedar` file's path,
// size and modification time) on a background thread: portable, and cheap
// next to a reload.
#ifndef LARCH_TOOLS_POLICY_WATCHER_H
#define LARCH_TOOLS_POLICY_WATCHER_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace larch::cli {

class PolicyWatcher {
public:
  /// Starts polling `paths` every `interval`; `onChange` runs on the watcher
  /// thread after each change (never concurrently with itself).
  PolicyWatcher(std::vector<std::string> paths, std::chrono::milliseconds interval,
                std::function<void()> onChange);
  /// Stops and joins the thread.
  ~PolicyWatcher();

  PolicyWatcher(const PolicyWatcher &) = delete;
  PolicyWatcher &operator=(const PolicyWatcher &) = delete;

  /// The current fingerprint of `paths` (exposed for tests).
  static std::string fingerprint(const std::vector<std::string> &paths);

private:
  void run();

  std::vector<std::string> paths;
  std::chrono::milliseconds interval;
  std::function<void()> onChange;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;
};

} // namespace larch::cli

#endif
