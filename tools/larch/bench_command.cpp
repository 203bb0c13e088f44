// `larch bench --policies P --entities E --requests R`: loads a policy set
// through the public engine API (larch/engine.h) and reports load time,
// resident memory, per-decision latency percentiles, single-thread throughput,
// heap allocations per decision and the decision mix.
//
// Allocations are counted by the `larch` binary's replaced operator new/delete
// (support/alloc_counter); the counter is read only around `decide` calls.
// Nothing here depends on the engine's internals.
#include "commands.h"
#include "engine_inputs.h"

#include "larch/engine.h"
#include "support/alloc_counter/alloc_counter.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>


namespace larch::cli {

static const char *kBenchUsage = R"(usage: larch bench --policies PATH --requests FILE [options]

Loads the policies (and the schema and entities) with the engine API, then
decides every request of FILE (one `larch eval` request per line) for three
untimed passes and several timed ones, each in a new pseudo-random order
(the same in every run; the requests are prepared anew in that order, then
decided once untimed in another), and reports:

  load        time to load (parse and prepare) the policies, schema, entities
  memory      resident memory (VmRSS) after each step, bytes per policy, and
              the peak (VmHWM)
  latency     p50/p90/p99 of one library call, `Engine::decide` on a prepared
              request with a reused scratch (steady clock around each call),
              and of decoding the request line then deciding it
              (`Engine::prepareJson` + `decide`, what `larch eval` does);
              and the timer's floor, an empty interval sampled the same way,
              which every sample includes
  throughput  library calls per second on one thread, by CPU time and by wall
              clock, over passes without per-call timing; and request lines
              decoded, decided and printed per second (no I/O)
  allocations heap allocations per `decide` call
  mix         allow / deny / decisions with policy errors

options:
  --policies PATH      a .cedar file or a directory of them (repeatable)
  --entities FILE      the entities, in Cedar's entities JSON format
  --schema FILE        a schema (.json: JSON format; else Cedar syntax)
  --requests FILE      the requests, one JSON object per line
  --passes K           timed passes over the requests (default 5)
  --engine NAME        compiled (default), all-candidates or reference
  --positional-ids     ignore `@id` annotations: every policy is `policyN`
  --json               one JSON object instead of the text report
  -h, --help           show this help

exit codes: 0 measured, 1 some request could not be read, 2 bad usage or
input that does not load
)";

namespace {

using Clock = std::chrono::steady_clock;

/// Untimed passes over the requests before the timed ones.
constexpr unsigned WarmUpPasses = 3;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
/// A sample: whole nanoseconds, as the clock counts them.
double nanoseconds(Clock::duration d) {
  return double(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

/// A field of /proc/self/status in bytes (VmRSS, VmHWM), 0 when unknown.
uint64_t procStatusBytes(const char *field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.compare(0, prefix.size(), prefix) == 0)
      return std::strtoull(line.c_str() + prefix.size(), nullptr, 10) * 1024;
  return 0;
}

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, mean = 0, max = 0;
};

Percentiles percentiles(std::vector<double> ns) {
  Percentiles p;
  if (ns.empty())
    return p;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) { return ns[size_t(q * double(ns.size() - 1))]; };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = ns.back();
  double sum = 0;
  for (double v : ns)
    sum += v;
  p.mean = sum / double(ns.size());
  return p;
}

std::string formatNs(double ns) {
  char buf[32];
  if (ns < 1000)
    std::snprintf(buf, sizeof buf, "%.0f ns", ns);
  else if (ns < 1e6)
    std::snprintf(buf, sizeof buf, "%.2f us", ns / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.2f ms", ns / 1e6);
  return buf;
}

std::string formatMiB(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / (1024.0 * 1024.0));
  return buf;
}

nlohmann::json percentilesJson(const Percentiles &p) {
  return {{"p50_ns", p.p50}, {"p90_ns", p.p90}, {"p99_ns", p.p99},
          {"mean_ns", p.mean}, {"max_ns", p.max}};
}

} // namespace

int runBench(const std::vector<std::string> &args) {
  EngineInputs inputs;
  std::string requestsPath;
  unsigned passes = 5;
  bool json = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    auto value = [&](std::string &out) {
      if (i + 1 >= args.size()) {
        std::cerr << "larch bench: `" << a << "` needs a value\n";
        return false;
      }
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "-h" || a == "--help") {
      std::cout << kBenchUsage;
      return ExitOk;
    }
    ArgResult shared = parseEngineArg("bench", args, i, inputs);
    if (shared == ArgResult::BadUsage)
      return ExitUsage;
    if (shared == ArgResult::Consumed)
      continue;
    if (a == "--requests") {
      if (!value(requestsPath))
        return ExitUsage;
    } else if (a == "--passes") {
      if (!value(v))
        return ExitUsage;
      char *end = nullptr;
      unsigned long n = std::strtoul(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n == 0 || n > 100000) {
        std::cerr << "larch bench: `--passes` needs a positive number, got `" << v << "`\n";
        return ExitUsage;
      }
      passes = unsigned(n);
    } else if (a == "--json") {
      json = true;
    } else {
      std::cerr << "larch bench: unexpected argument `" << a
                << "` (try `larch bench --help`)\n";
      return ExitUsage;
    }
  }
  if (inputs.policyPaths.empty() || requestsPath.empty()) {
    std::cerr << "larch bench: `--policies PATH` and `--requests FILE` are required\n"
              << kBenchUsage;
    return ExitUsage;
  }

  std::vector<std::string> lines;
  {
    std::ifstream in(requestsPath, std::ios::binary);
    if (!in) {
      std::cerr << "larch bench: cannot read `" << requestsPath << "`\n";
      return ExitUsage;
    }
    std::string line;
    while (std::getline(in, line))
      if (line.find_first_not_of(" \t\r\n") != std::string::npos)
        lines.push_back(line);
  }
  if (lines.empty()) {
    std::cerr << "larch bench: `" << requestsPath << "` holds no request\n";
    return ExitUsage;
  }

  // Load, timing each step and the resident memory after it.
  const uint64_t rssStart = procStatusBytes("VmRSS");
  Engine engine;
  LoadTimes times;
  uint64_t rssPolicies = 0;
  if (!loadEngine("bench", inputs, engine, &times,
                  [&] { rssPolicies = procStatusBytes("VmRSS"); }))
    return ExitUsage;
  const size_t policyCount = engine.getPolicyIds().size();
  const double policiesSeconds = times.policies;
  const double schemaSeconds = times.schema, entitiesSeconds = times.entities;
  const uint64_t rssLoaded = procStatusBytes("VmRSS");

  const char *engineName = inputs.evaluator == Evaluator::Reference ? "reference"
                           : inputs.evaluator == Evaluator::CompiledAllCandidates
                               ? "all-candidates"
                               : "compiled";

  // Every request prepared once (names to ids), as a library caller would.
  std::vector<PreparedRequest> requests(lines.size());
  for (size_t i = 0; i < lines.size(); ++i)
    engine.prepareJson(lines[i], requests[i]);
  DecisionScratch scratch;
  auto decide = [&](size_t i) { return engine.decide(requests[i], scratch); };

  // Decision mix, and warm-up passes: the scratch reaches its working size,
  // and the requests' data moves from memory into the caches (with 1,000
  // different requests at 10,000 policies the first passes after loading
  // were up to twice as slow as the third).
  size_t allow = 0, deny = 0, withErrors = 0, unreadable = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    bool allowed = decide(i);
    (allowed ? allow : deny) += 1;
    withErrors += scratch.getNumErrors() ? 1 : 0;
    unreadable += requests[i].ok() ? 0 : 1;
  }
  for (unsigned warm = 1; warm < WarmUpPasses; ++warm)
    for (size_t i = 0; i < lines.size(); ++i)
      decide(i);

  // Each timed pass decides the requests in a new order (seeded, so runs
  // repeat): in the same order every pass, the branch predictors learn the
  // sequence, which a stream of requests does not repeat (in order, p50 was
  // 10-15% lower at 10,000 policies with 1,000 requests). The requests are
  // prepared anew in that order before the pass (untimed), so that the
  // calls read them one after another in memory, as in file order: a
  // caller decides a request it has just prepared, not one scattered among
  // thousands of others.
  std::mt19937 shuffler(20261129);
  auto shuffledOrder = [&] {
    std::vector<uint32_t> order(lines.size());
    std::iota(order.begin(), order.end(), 0u);
    std::shuffle(order.begin(), order.end(), shuffler);
    return order;
  };
  std::vector<std::vector<uint32_t>> orders(passes);
  for (std::vector<uint32_t> &order : orders)
    order = shuffledOrder();
  // Preparing evicts some of the policies' data from the caches: after it,
  // the requests are decided once more untimed, in yet another order.
  const std::vector<uint32_t> rewarmOrder = shuffledOrder();
  auto prepareAndRewarm = [&](const std::vector<uint32_t> &order) {
    for (size_t k = 0; k < order.size(); ++k)
      engine.prepareJson(lines[order[k]], requests[k]);
    for (uint32_t k : rewarmOrder)
      decide(k);
  };

  // The timer's own floor: the same sampling around no call at all. Each
  // sample below includes it (about 30 ns where the clock is a virtual
  // machine's), so it is reported beside them, not subtracted.
  std::vector<double> floorNs;
  floorNs.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    auto s = Clock::now();
    auto e = Clock::now();
    floorNs.push_back(nanoseconds(e - s));
  }

  // Timed passes: one steady-clock sample per call; allocations counted
  // around the calls only.
  std::vector<double> libraryNs, jsonNs;
  libraryNs.reserve(size_t(passes) * lines.size());
  uint64_t allocations = 0;
  for (unsigned pass = 0; pass < passes; ++pass) {
    prepareAndRewarm(orders[pass]);
    for (size_t i = 0; i < lines.size(); ++i) {
      uint64_t a0 = support::getAllocationCount();
      auto s = Clock::now();
      decide(i);
      auto e = Clock::now();
      allocations += support::getAllocationCount() - a0;
      libraryNs.push_back(nanoseconds(e - s));
    }
  }
  const unsigned jsonPasses = std::max(1u, passes / 2);
  jsonNs.reserve(size_t(jsonPasses) * lines.size());
  PreparedRequest lineRequest;
  for (unsigned pass = 0; pass < jsonPasses; ++pass)
    for (uint32_t i : orders[pass]) {
      auto s = Clock::now();
      engine.prepareJson(lines[i], lineRequest);
      engine.decide(lineRequest, scratch);
      auto e = Clock::now();
      jsonNs.push_back(nanoseconds(e - s));
    }

  // Throughput without per-call timing: CPU time and wall clock, of the
  // deciding only.
  double cpu = 0, wall = 0;
  size_t allowedCount = 0;
  for (unsigned pass = 0; pass < passes; ++pass) {
    prepareAndRewarm(orders[pass]);
    const double cpu0 = cpuSeconds();
    auto t0 = Clock::now();
    for (size_t i = 0; i < lines.size(); ++i)
      allowedCount += decide(i) ? 1 : 0;
    wall += seconds(Clock::now() - t0);
    cpu += cpuSeconds() - cpu0;
  }
  const double decisions = double(passes) * double(lines.size());
  // What `larch eval` does per line, without the I/O: decode, decide, print.
  std::string printed;
  const double lineCpu0 = cpuSeconds();
  for (unsigned pass = 0; pass < passes; ++pass)
    for (uint32_t i : orders[pass]) {
      engine.prepareJson(lines[i], lineRequest);
      engine.decide(lineRequest, scratch);
      scratch.appendJson(printed);
      printed += '\n';
      if (printed.size() > (1 << 16))
        printed.clear();
    }
  const double lineCpu = cpuSeconds() - lineCpu0;
  const double linesPerSecond = lineCpu > 0 ? decisions / lineCpu : 0;
  const uint64_t rssEnd = procStatusBytes("VmRSS"), hwm = procStatusBytes("VmHWM");

  const Percentiles timer = percentiles(std::move(floorNs));
  const Percentiles lib = percentiles(std::move(libraryNs));
  const Percentiles js = percentiles(std::move(jsonNs));
  const double allocsPerDecision = double(allocations) / decisions;
  const double bytesPerPolicy =
      policyCount ? double(rssPolicies > rssStart ? rssPolicies - rssStart : 0) / double(policyCount)
                  : 0;
  const double perSecondCpu = cpu > 0 ? decisions / cpu : 0;
  const double perSecondWall = wall > 0 ? decisions / wall : 0;

  if (json) {
    nlohmann::json out = {
        {"engine", engineName},
        {"policies", policyCount},
        {"requests", lines.size()},
        {"passes", passes},
        {"warm_up_passes", WarmUpPasses},
        {"order", "shuffled per pass"},
        {"load_seconds", {{"policies", policiesSeconds}, {"schema", schemaSeconds}, {"entities", entitiesSeconds}}},
        {"memory_bytes",
         {{"rss_start", rssStart}, {"rss_policies", rssPolicies}, {"rss_loaded", rssLoaded},
          {"rss_end", rssEnd}, {"hwm", hwm}, {"per_policy", bytesPerPolicy}}},
        {"decide", percentilesJson(lib)},
        {"timer_floor", percentilesJson(timer)},
        {"decode_and_decide", percentilesJson(js)},
        {"throughput_per_second",
         {{"cpu", perSecondCpu}, {"wall", perSecondWall}, {"lines_cpu", linesPerSecond}}},
        {"allocations_per_decision", allocsPerDecision},
        {"mix", {{"allow", allow}, {"deny", deny}, {"with_errors", withErrors}, {"unreadable", unreadable}}},
    };
    std::cout << out.dump() << '\n';
  } else {
    auto pct = [&](size_t n) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * double(n) / double(lines.size()));
      return std::string(buf);
    };
    char buf[160];
    std::cout << "larch bench: " << policyCount << " policies, " << lines.size()
              << " requests x " << passes << " passes (each shuffled, after " << WarmUpPasses
              << " warm-up passes), engine " << engineName << "\n";
    std::snprintf(buf, sizeof buf, "load         policies %.1f ms, schema %.1f ms, entities %.1f ms\n",
                  policiesSeconds * 1e3, schemaSeconds * 1e3, entitiesSeconds * 1e3);
    std::cout << buf;
    std::snprintf(buf, sizeof buf, "%.0f", bytesPerPolicy);
    std::cout << "memory       RSS " << formatMiB(rssLoaded) << " loaded (policies +"
              << formatMiB(rssPolicies > rssStart ? rssPolicies - rssStart : 0) << ", " << buf
              << " B/policy; entities +"
              << formatMiB(rssLoaded > rssPolicies ? rssLoaded - rssPolicies : 0) << "), peak "
              << formatMiB(hwm) << "\n";
    std::cout << "decide       p50 " << formatNs(lib.p50) << "  p90 " << formatNs(lib.p90)
              << "  p99 " << formatNs(lib.p99) << "  mean " << formatNs(lib.mean)
              << "  (library call, prepared request)\n";
    std::cout << "timer        p50 " << formatNs(timer.p50) << "  p99 " << formatNs(timer.p99)
              << "  (an empty interval of the same clock, included in every sample)\n";
    std::cout << "line         p50 " << formatNs(js.p50) << "  p90 " << formatNs(js.p90)
              << "  p99 " << formatNs(js.p99) << "  (request line decoded, then decided)\n";
    std::snprintf(buf, sizeof buf,
                  "throughput   %.0f decisions/s by CPU time, %.0f by wall clock (one thread)\n",
                  perSecondCpu, perSecondWall);
    std::cout << buf;
    std::snprintf(buf, sizeof buf,
                  "lines        %.0f request lines/s decoded, decided and printed (one thread, no I/O)\n",
                  linesPerSecond);
    std::cout << buf;
    std::snprintf(buf, sizeof buf, "allocations  %.2f per decision (decide calls only)\n",
                  allocsPerDecision);
    std::cout << buf;
    std::cout << "mix          allow " << allow << " (" << pct(allow) << "), deny " << deny
              << " (" << pct(deny) << "), with policy errors " << withErrors << ", unreadable "
              << unreadable << "\n";
  }
  (void)allowedCount;
  return unreadable ? ExitFindings : ExitOk;
}

} // namespace larch::cli
