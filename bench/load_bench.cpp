// Benchmark: loading through the public engine API: policy text to a ready
// policy set (`Engine::loadPolicyText`: parse, ids, lowering to the IR, code
// generation, the decision index and the flat entity store, i.e. the whole
// compile) and the entities JSON
// (`Engine::loadEntitiesJson`), over the agent workload at 10 to 10,000
// policies. Generation happens outside the timed loop.
#include "larch/engine.h"
#include "workloads/workload.h"

#include <benchmark/benchmark.h>

using namespace larch;
using namespace larch::bench;

namespace {

Workload agents(unsigned policies) {
  WorkloadOptions o;
  o.scenario = Scenario::Agents;
  o.policies = policies;
  o.requests = 0;
  return generateWorkload(o);
}

void BM_LoadPolicies(benchmark::State &state) {
  const unsigned n = unsigned(state.range(0));
  const Workload w = agents(n);
  for (auto _ : state) {
    Engine engine;
    if (!engine.loadPolicyText("bench.cedar", w.policiesCedar).ok) {
      state.SkipWithError("generated policies failed to load");
      break;
    }
    benchmark::DoNotOptimize(engine);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * n);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(w.policiesCedar.size()));
  state.counters["policies"] = n;
}
BENCHMARK(BM_LoadPolicies)->RangeMultiplier(10)->Range(10, 10000)->Unit(benchmark::kMillisecond);

void BM_LoadEntities(benchmark::State &state) {
  const Workload w = agents(unsigned(state.range(0)));
  Engine engine;
  for (auto _ : state) {
    if (!engine.loadEntitiesJson("bench.json", w.entitiesJson).ok) {
      state.SkipWithError("generated entities failed to load");
      break;
    }
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(w.entitiesJson.size()));
}
BENCHMARK(BM_LoadEntities)->RangeMultiplier(10)->Range(10, 10000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
