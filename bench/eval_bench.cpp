// Benchmark: deciding requests through the public engine API, per workload and
// size, on 1 and 2 threads sharing one engine: `Engine::decide` on requests
// prepared once (names already ids), each thread with its own reused
// DecisionScratch, with the compiled evaluator unless the name says
// otherwise. Workloads come from bench/workloads/ and are loaded once per
// (scenario, size, evaluator), outside the timed loop.
//
//   BM_EvalPaper/<scenario>/<entities per type>   gdrive=0 github=1 tinytodo=2
//   BM_EvalAgents/<policies>
//   BM_EvalAgentsAllCandidates/<policies>         compiled, index skipped
//   BM_EvalAgentsReference/<policies>             the reference evaluator
//   BM_EvalAgentsJson/<policies>                  prepareJson + decide per request line
#include "larch/engine.h"
#include "workloads/workload.h"

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <mutex>

using namespace larch;
using namespace larch::bench;

namespace {

struct Loaded {
  Engine engine;
  std::vector<std::string> lines;
  std::vector<PreparedRequest> requests;
};

/// The loaded workload for these options, built on first use and shared by
/// every thread of every benchmark that asks for it.
const Loaded *getLoaded(Scenario s, unsigned policies, unsigned entities,
                        Evaluator evaluator = Evaluator::Compiled) {
  static std::mutex mutex;
  static std::map<std::tuple<int, unsigned, unsigned, int>, std::unique_ptr<Loaded>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto &slot = cache[{int(s), policies, entities, int(evaluator)}];
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
  l->engine.setEvaluator(evaluator);
  if (!l->engine.loadPolicyText("bench.cedar", w.policiesCedar).ok ||
      !l->engine.loadEntitiesJson("bench.json", w.entitiesJson).ok)
    return nullptr;
  l->requests.resize(w.requests.size());
  for (size_t i = 0; i < w.requests.size(); ++i)
    if (!l->engine.prepareJson(w.requests[i], l->requests[i]))
      return nullptr;
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
  DecisionScratch scratch;
  PreparedRequest line;
  for (auto _ : state) {
    bool a;
    if (viaJson) {
      l->engine.prepareJson(l->lines[i % n], line);
      a = l->engine.decide(line, scratch);
    } else {
      a = l->engine.decide(l->requests[i % n], scratch);
    }
    allowed += a;
    benchmark::DoNotOptimize(a);
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

void BM_EvalAgentsAllCandidates(benchmark::State &state) {
  runEval(state,
          getLoaded(Scenario::Agents, unsigned(state.range(0)), 0,
                    Evaluator::CompiledAllCandidates),
          false);
}
BENCHMARK(BM_EvalAgentsAllCandidates)->RangeMultiplier(10)->Range(10, 1000)->UseRealTime();

void BM_EvalAgentsReference(benchmark::State &state) {
  runEval(state,
          getLoaded(Scenario::Agents, unsigned(state.range(0)), 0, Evaluator::Reference),
          false);
}
BENCHMARK(BM_EvalAgentsReference)->RangeMultiplier(10)->Range(10, 1000)->UseRealTime();

void BM_EvalAgentsJson(benchmark::State &state) {
  runEval(state, getLoaded(Scenario::Agents, unsigned(state.range(0)), 0), true);
}
BENCHMARK(BM_EvalAgentsJson)->RangeMultiplier(10)->Range(10, 10000)->ThreadRange(1, 2)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
