// Benchmark: deciding requests through the public engine API
// (`Engine::authorize` on prepared requests), per workload and size, on 1 and
// 2 threads sharing one engine. Workloads come from bench/workloads/ and are
// loaded once per (scenario, size), outside the timed loop.
//
//   BM_EvalPaper/<scenario>/<entities per type>   gdrive=0 github=1 tinytodo=2
//   BM_EvalAgents/<policies>
//   BM_EvalAgentsJson/<policies>                  authorizeJson on the request line
#include "larch/engine.h"
#include "workloads/workload.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>

using namespace larch;
using namespace larch::bench;

namespace {

struct Loaded {
  Engine engine;
  std::vector<std::string> lines;
  std::vector<Request> requests;
};

EntityRef toEntityRef(const nlohmann::json &j) {
  return EntityRef{j["type"].get<std::string>(), j["id"].get<std::string>()};
}

/// The loaded workload for these options, built on first use and shared by
/// every thread of every benchmark that asks for it.
const Loaded *getLoaded(Scenario s, unsigned policies, unsigned entities) {
  static std::mutex mutex;
  static std::map<std::tuple<int, unsigned, unsigned>, std::unique_ptr<Loaded>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto &slot = cache[{int(s), policies, entities}];
  if (slot)
    return slot.get();
  WorkloadOptions o;
  o.scenario = s;
  o.policies = policies;
  o.entitiesPerType = entities;
  o.requests = 500;
  o.seed = 1;
  Workload w = generateWorkload(o);
  auto l = std::make_unique<Loaded>();
  if (!l->engine.loadPolicyText("bench.cedar", w.policiesCedar).ok ||
      !l->engine.loadEntitiesJson("bench.json", w.entitiesJson).ok)
    return nullptr;
  for (const std::string &line : w.requests) {
    nlohmann::json j = nlohmann::json::parse(line);
    Request r;
    r.principal = toEntityRef(j["principal"]);
    r.action = toEntityRef(j["action"]);
    r.resource = toEntityRef(j["resource"]);
    r.contextJson = j["context"].dump();
    l->requests.push_back(std::move(r));
  }
  l->lines = std::move(w.requests);
  slot = std::move(l);
  return slot.get();
}

void runEval(benchmark::State &state, const Loaded *l, bool viaJson) {
  if (!l) {
    state.SkipWithError("workload failed to load");
    return;
  }
  // Threads start at different requests so they do not move in lockstep.
  size_t i = size_t(state.thread_index()) * 97, allowed = 0;
  const size_t n = l->requests.size();
  for (auto _ : state) {
    Decision d = viaJson ? l->engine.authorizeJson(l->lines[i % n])
                         : l->engine.authorize(l->requests[i % n]);
    allowed += d.allowed;
    benchmark::DoNotOptimize(d);
    ++i;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.counters["allow_rate"] =
      benchmark::Counter(double(allowed), benchmark::Counter::kAvgIterations);
}

void BM_EvalPaper(benchmark::State &state) {
  const Scenario s[] = {Scenario::GDrive, Scenario::GitHub, Scenario::TinyTodo};
  runEval(state, getLoaded(s[state.range(0)], 0, unsigned(state.range(1))), false);
}
BENCHMARK(BM_EvalPaper)
    ->ArgsProduct({{0, 1, 2}, {5, 20, 50}})
    ->ThreadRange(1, 2)
    ->UseRealTime();

void BM_EvalAgents(benchmark::State &state) {
  runEval(state, getLoaded(Scenario::Agents, unsigned(state.range(0)), 0), false);
}
BENCHMARK(BM_EvalAgents)->RangeMultiplier(10)->Range(10, 10000)->ThreadRange(1, 2)->UseRealTime();

void BM_EvalAgentsJson(benchmark::State &state) {
  runEval(state, getLoaded(Scenario::Agents, unsigned(state.range(0)), 0), true);
}
BENCHMARK(BM_EvalAgentsJson)->RangeMultiplier(10)->Range(10, 10000)->ThreadRange(1, 2)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
