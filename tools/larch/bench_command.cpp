// `larch bench --policies P --entities E --requests R`: loads a policy set
// through the public engine API (larch/engine.h) and reports load time,
// resident memory, per-decision latency percentiles, single-thread throughput,
// heap allocations per decision and the decision mix.
//
// Allocations are counted by replacing the global operator new/delete of the
// `larch` binary (below); the counter is read only around `authorize` calls.
// Nothing here depends on the engine's internals.
#include "commands.h"
#include "engine_inputs.h"

#include "larch/engine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {
// Heap allocations made by this process (every thread); relaxed, since only
// differences taken on one thread are reported.
std::atomic<uint64_t> gAllocations{0};

void *countedAlloc(std::size_t size) {
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  if (void *p = std::malloc(size ? size : 1))
    return p;
  throw std::bad_alloc();
}
} // namespace

// The replaced allocation functions. The nothrow forms of libstdc++ call
// these; the aligned forms (unused by the engine) keep their own allocator.
void *operator new(std::size_t size) { return countedAlloc(size); }
void *operator new[](std::size_t size) { return countedAlloc(size); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }

namespace larch::cli {

static const char *kBenchUsage = R"(usage: larch bench --policies PATH --requests FILE [options]

Loads the policies (and the schema and entities) with the engine API, then
decides every request of FILE (one `larch eval` request per line) for several
passes and reports:

  load        time to load (parse and prepare) the policies, schema, entities
  memory      resident memory (VmRSS) after each step, bytes per policy, and
              the peak (VmHWM)
  latency     p50/p90/p99 of one library call, `Engine::authorize` on a
              prepared request (steady clock around each call), and of
              `Engine::authorizeJson` on the request line
  throughput  library calls per second on one thread, by CPU time and by wall
              clock, over passes without per-call timing
  allocations heap allocations per `authorize` call
  mix         allow / deny / decisions with policy errors

options:
  --policies PATH      a .cedar file or a directory of them (repeatable)
  --entities FILE      the entities, in Cedar's entities JSON format
  --schema FILE        a schema (.json: JSON format; else Cedar syntax)
  --requests FILE      the requests, one JSON object per line
  --passes K           timed passes over the requests (default 5)
  --engine NAME        the evaluator: `reference` (the only one today)
  --positional-ids     ignore `@id` annotations: every policy is `policyN`
  --json               one JSON object instead of the text report
  -h, --help           show this help

exit codes: 0 measured, 1 some request could not be read, 2 bad usage or
input that does not load
)";

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

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

/// Reads `T::"i"` (no escapes inside the id) or {"type", "id"}.
std::optional<EntityRef> entityRef(const nlohmann::json &j) {
  if (j.is_object() && j.contains("__entity"))
    return entityRef(j["__entity"]);
  if (j.is_object() && j.contains("type") && j.contains("id") && j["type"].is_string() &&
      j["id"].is_string())
    return EntityRef{j["type"].get<std::string>(), j["id"].get<std::string>()};
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    size_t sep = s.rfind("::\"");
    if (sep == std::string::npos || s.size() < sep + 4 || s.back() != '"')
      return std::nullopt;
    std::string id = s.substr(sep + 3, s.size() - sep - 4);
    if (id.find('\\') != std::string::npos)
      return std::nullopt;
    return EntityRef{s.substr(0, sep), id};
  }
  return std::nullopt;
}

/// The request of a JSON line as the library takes it, if it is simple
/// enough to split here (else the JSON path decides it).
std::optional<Request> toRequest(const std::string &line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object())
    return std::nullopt;
  Request r;
  auto p = j.contains("principal") ? entityRef(j["principal"]) : std::nullopt;
  auto a = j.contains("action") ? entityRef(j["action"]) : std::nullopt;
  auto res = j.contains("resource") ? entityRef(j["resource"]) : std::nullopt;
  if (!p || !a || !res)
    return std::nullopt;
  r.principal = *p;
  r.action = *a;
  r.resource = *res;
  if (j.contains("context"))
    r.contextJson = j["context"].dump();
  if (j.contains("entities"))
    r.entitiesJson = j["entities"].dump();
  return r;
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
  std::string requestsPath, engineName = "reference";
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
    } else if (a == "--engine") {
      if (!value(engineName))
        return ExitUsage;
      if (engineName != "reference") {
        std::cerr << "larch bench: unknown engine `" << engineName
                  << "` (available: `reference`)\n";
        return ExitUsage;
      }
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

  // Prepared requests for the library call; lines this splitter cannot read
  // go through authorizeJson instead (and are counted).
  std::vector<std::optional<Request>> requests;
  requests.reserve(lines.size());
  size_t viaJson = 0;
  for (const std::string &line : lines) {
    requests.push_back(toRequest(line));
    viaJson += requests.back() ? 0 : 1;
  }
  auto decide = [&](size_t i) {
    return requests[i] ? engine.authorize(*requests[i]) : engine.authorizeJson(lines[i]);
  };

  // Decision mix, and a warm-up pass.
  size_t allow = 0, deny = 0, withErrors = 0, unreadable = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    Decision d = decide(i);
    (d.allowed ? allow : deny) += 1;
    withErrors += d.errors.empty() ? 0 : 1;
    for (const PolicyErrorInfo &e : d.errors)
      if (e.policy.empty()) {
        ++unreadable;
        break;
      }
  }

  // Timed passes: one steady-clock sample per call; allocations counted
  // around the calls only.
  std::vector<double> libraryNs, jsonNs;
  libraryNs.reserve(size_t(passes) * lines.size());
  uint64_t allocations = 0;
  for (unsigned pass = 0; pass < passes; ++pass)
    for (size_t i = 0; i < lines.size(); ++i) {
      uint64_t a0 = gAllocations.load(std::memory_order_relaxed);
      auto s = Clock::now();
      Decision d = decide(i);
      auto e = Clock::now();
      allocations += gAllocations.load(std::memory_order_relaxed) - a0;
      libraryNs.push_back(double(std::chrono::duration_cast<std::chrono::nanoseconds>(e - s).count()));
      (void)d;
    }
  const unsigned jsonPasses = std::max(1u, passes / 2);
  jsonNs.reserve(size_t(jsonPasses) * lines.size());
  for (unsigned pass = 0; pass < jsonPasses; ++pass)
    for (size_t i = 0; i < lines.size(); ++i) {
      auto s = Clock::now();
      Decision d = engine.authorizeJson(lines[i]);
      auto e = Clock::now();
      jsonNs.push_back(double(std::chrono::duration_cast<std::chrono::nanoseconds>(e - s).count()));
      (void)d;
    }

  // Throughput without per-call timing: CPU time and wall clock.
  const double cpu0 = cpuSeconds();
  auto t0 = Clock::now();
  size_t allowedCount = 0;
  for (unsigned pass = 0; pass < passes; ++pass)
    for (size_t i = 0; i < lines.size(); ++i)
      allowedCount += decide(i).allowed ? 1 : 0;
  const double wall = seconds(Clock::now() - t0);
  const double cpu = cpuSeconds() - cpu0;
  const double decisions = double(passes) * double(lines.size());
  const uint64_t rssEnd = procStatusBytes("VmRSS"), hwm = procStatusBytes("VmHWM");

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
        {"load_seconds", {{"policies", policiesSeconds}, {"schema", schemaSeconds}, {"entities", entitiesSeconds}}},
        {"memory_bytes",
         {{"rss_start", rssStart}, {"rss_policies", rssPolicies}, {"rss_loaded", rssLoaded},
          {"rss_end", rssEnd}, {"hwm", hwm}, {"per_policy", bytesPerPolicy}}},
        {"authorize", percentilesJson(lib)},
        {"authorize_json", percentilesJson(js)},
        {"throughput_per_second", {{"cpu", perSecondCpu}, {"wall", perSecondWall}}},
        {"allocations_per_decision", allocsPerDecision},
        {"requests_via_json", viaJson},
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
              << " requests x " << passes << " passes, engine " << engineName << "\n";
    std::snprintf(buf, sizeof buf, "load         policies %.1f ms, schema %.1f ms, entities %.1f ms\n",
                  policiesSeconds * 1e3, schemaSeconds * 1e3, entitiesSeconds * 1e3);
    std::cout << buf;
    std::snprintf(buf, sizeof buf, "%.0f", bytesPerPolicy);
    std::cout << "memory       RSS " << formatMiB(rssLoaded) << " loaded (policies +"
              << formatMiB(rssPolicies > rssStart ? rssPolicies - rssStart : 0) << ", " << buf
              << " B/policy; entities +"
              << formatMiB(rssLoaded > rssPolicies ? rssLoaded - rssPolicies : 0) << "), peak "
              << formatMiB(hwm) << "\n";
    std::cout << "authorize    p50 " << formatNs(lib.p50) << "  p90 " << formatNs(lib.p90)
              << "  p99 " << formatNs(lib.p99) << "  mean " << formatNs(lib.mean)
              << "  (library call, prepared request)\n";
    std::cout << "authorizeJson p50 " << formatNs(js.p50) << "  p90 " << formatNs(js.p90)
              << "  p99 " << formatNs(js.p99) << "  (request line parsed each time)\n";
    std::snprintf(buf, sizeof buf,
                  "throughput   %.0f decisions/s by CPU time, %.0f by wall clock (one thread)\n",
                  perSecondCpu, perSecondWall);
    std::cout << buf;
    std::snprintf(buf, sizeof buf, "allocations  %.1f per decision (authorize calls only)\n",
                  allocsPerDecision);
    std::cout << buf;
    std::cout << "mix          allow " << allow << " (" << pct(allow) << "), deny " << deny
              << " (" << pct(deny) << "), with policy errors " << withErrors << ", unreadable "
              << unreadable << "\n";
    if (viaJson)
      std::cout << "note         " << viaJson
                << " requests were decided through authorizeJson (not split here)\n";
  }
  (void)allowedCount;
  return unreadable ? ExitFindings : ExitOk;
}

} // namespace larch::cli
