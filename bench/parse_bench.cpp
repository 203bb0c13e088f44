// Benchmark: policy parsing (text -> AST with ids), reported as policies/s and
// bytes/s, over generated agent policy sets of 100 to 10,000 policies.
#include "compiler/policy_loader.h"
#include "workloads/policy_text_generator.h"

#include <benchmark/benchmark.h>

using namespace larch;

static void BM_ParsePolicies(benchmark::State &state) {
  const unsigned count = static_cast<unsigned>(state.range(0));
  const std::string text = bench::generateAgentPolicies(count);
  for (auto _ : state) {
    SourceManager sm;
    DiagnosticEngine diags;
    LoadedPolicies loaded;
    bool ok = loadPolicyText("bench.cedar", text, sm, loaded, diags);
    if (!ok || loaded.set.policies.size() != count) {
      state.SkipWithError("generated policies failed to parse");
      break;
    }
    benchmark::DoNotOptimize(loaded.set.policies.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * count);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
  state.counters["policies"] = count;
  state.counters["source_bytes"] = double(text.size());
}
BENCHMARK(BM_ParsePolicies)->RangeMultiplier(10)->Range(100, 10000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
