// Benchmark support: deterministic generator of realistic Cedar policy text
// for agent tool calls (scopes on agents, tool groups and resources; conditions
// on risk, sensitivity, approvals, delegation depth, time, `like`, `ip`).
#ifndef LARCH_BENCH_POLICY_TEXT_GENERATOR_H
#define LARCH_BENCH_POLICY_TEXT_GENERATOR_H

#include <cstdint>
#include <string>

namespace larch::bench {

/// `count` policies as one Cedar source, the same text for the same seed.
std::string generateAgentPolicies(unsigned count, uint64_t seed = 42);

} // namespace larch::bench

#endif
