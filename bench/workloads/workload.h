// Benchmark support: deterministic authorization workloads that any engine
// can decide (Larch through its public API, Cedar through the emitted files).
//
// Entry points: `generateWorkload` (a workload in memory, the same bytes for
// the same options) and `writeWorkload` (emits policies.cedar, entities.json,
// requests.jsonl). Depends only on the standard library: the workloads are
// text, so they never depend on Larch's own parser or values.
//
// Scenarios:
//   gdrive, github, tinytodo  our own Cedar renditions of the three scenarios of
//                             the OOPSLA 2024 Cedar paper (5, 8 and 4 policies),
//                             written from the paper's description, over random
//                             entity hierarchies of `entitiesPerType` entities
//                             of every type (the paper uses 5 to 50)
//   agents                    AI agents calling tools: `policies` policies
//                             (10 to 10,000), mostly scoped to one tool or one
//                             tool group, so a request can only match a few
//
// Policies carry no `@id`: every engine names them policy0, policy1, ... in
// text order. Contexts use Cedar's `__extn`/`__entity` escapes, so no schema is
// needed to read them.
#ifndef LARCH_BENCH_WORKLOAD_H
#define LARCH_BENCH_WORKLOAD_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace larch::bench {

enum class Scenario { GDrive, GitHub, TinyTodo, Agents };

/// The scenario's command-line name: gdrive, github, tinytodo, agents.
std::string_view getScenarioName(Scenario scenario);
/// The scenario named `name`, if any.
std::optional<Scenario> parseScenario(std::string_view name);

struct WorkloadOptions {
  Scenario scenario = Scenario::Agents;
  /// Number of policies; used by `agents` only (the paper scenarios have a
  /// fixed set).
  unsigned policies = 100;
  /// Entities of every entity type (paper scenarios: 5 to 50). For `agents`,
  /// 0 scales the entity counts with the policy count.
  unsigned entitiesPerType = 0;
  unsigned requests = 1000;
  uint64_t seed = 1;
};

/// A workload as text, ready to be written out or loaded.
struct Workload {
  std::string name;
  std::string policiesCedar;
  std::string entitiesJson;
  /// One `larch eval` request per element, each a single line of JSON.
  std::vector<std::string> requests;
};

/// Generates a workload; the same options give the same bytes on every
/// platform (the random source is a fixed-algorithm PRNG, not <random>'s
/// distributions, whose results vary between standard libraries).
Workload generateWorkload(const WorkloadOptions &options);

/// Writes `policies.cedar`, `entities.json` and `requests.jsonl` into `dir`
/// (created if needed). Returns an error message, empty on success.
std::string writeWorkload(const Workload &workload, const std::string &dir);

namespace detail {

/// A small, portable PRNG (splitmix64) with the helpers the generators use.
class Rng {
public:
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n); n > 0.
  unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
  /// True with probability percent/100.
  bool chance(unsigned percent) { return below(100) < percent; }

private:
  uint64_t state;
};

/// `{"type":"T","id":"i"}`.
std::string uidJson(std::string_view type, std::string_view id);
/// `{"__entity":{"type":"T","id":"i"}}`.
std::string entityEscape(std::string_view type, std::string_view id);
/// `{"__extn":{"fn":"f","arg":"a"}}`.
std::string extnEscape(std::string_view fn, std::string_view arg);

/// Builds an entities JSON array, one entity per line.
class EntitiesBuilder {
public:
  /// `attrsJson` is the body of the attrs object (without braces); `parents`
  /// are (type, id) pairs.
  void add(std::string_view type, std::string_view id, std::string_view attrsJson,
           const std::vector<std::pair<std::string, std::string>> &parents);
  std::string finish();

private:
  std::string out = "[\n";
  bool first = true;
};

/// One request line.
std::string requestJson(std::string_view principalType, std::string_view principalId,
                        std::string_view action, std::string_view resourceType,
                        std::string_view resourceId, std::string_view contextJson);

Workload generateGDrive(const WorkloadOptions &options);
Workload generateGitHub(const WorkloadOptions &options);
Workload generateTinyTodo(const WorkloadOptions &options);
Workload generateAgents(const WorkloadOptions &options);

} // namespace detail

} // namespace larch::bench

#endif
