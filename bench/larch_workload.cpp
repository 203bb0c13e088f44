// `larch_workload`: writes a benchmark workload (policies.cedar, entities.json,
// requests.jsonl) to a folder, so that any engine decides the same work.
//
//   larch_workload --scenario gdrive|github|tinytodo|agents [--policies N]
//                  [--entities E] [--requests R] [--seed S] --out DIR
#include "workloads/workload.h"

#include <cstdlib>
#include <iostream>
#include <string>

using namespace larch::bench;

static const char *kUsage = R"(usage: larch_workload --scenario NAME --out DIR [options]

Writes DIR/policies.cedar, DIR/entities.json and DIR/requests.jsonl (one
`larch eval` request per line). The same options give the same files.

  --scenario NAME   gdrive, github, tinytodo (the OOPSLA 2024 Cedar paper's
                    scenarios, fixed policy sets) or agents (AI-agent tool calls)
  --policies N      policies of the agents workload (default 100)
  --entities E      entities per entity type (paper scenarios: default 5; the
                    paper uses 5 to 50); agents: default scales with N
  --requests R      requests (default 1000)
  --seed S          random seed (default 1)
  --out DIR         output folder (created if needed)
)";

static bool parseNumber(const std::string &text, uint64_t &out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::strtoull(text.c_str(), nullptr, 10);
  return true;
}

int main(int argc, char **argv) {
  WorkloadOptions options;
  std::string out;
  bool haveScenario = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= argc) {
      std::cerr << "larch_workload: `" << a << "` needs a value\n" << kUsage;
      return 2;
    }
    std::string v = argv[++i];
    uint64_t number = 0;
    if (a == "--scenario") {
      auto s = parseScenario(v);
      if (!s) {
        std::cerr << "larch_workload: unknown scenario `" << v << "`\n";
        return 2;
      }
      options.scenario = *s;
      haveScenario = true;
    } else if (a == "--out") {
      out = v;
    } else if (a == "--policies" || a == "--entities" || a == "--requests" || a == "--seed") {
      if (!parseNumber(v, number) || (a != "--seed" && number > 10'000'000)) {
        std::cerr << "larch_workload: `" << a << "` needs a number, got `" << v << "`\n";
        return 2;
      }
      if (a == "--policies")
        options.policies = unsigned(number);
      else if (a == "--entities")
        options.entitiesPerType = unsigned(number);
      else if (a == "--requests")
        options.requests = unsigned(number);
      else
        options.seed = number;
    } else {
      std::cerr << "larch_workload: unexpected argument `" << a << "`\n" << kUsage;
      return 2;
    }
  }
  if (!haveScenario || out.empty()) {
    std::cerr << "larch_workload: `--scenario` and `--out` are required\n" << kUsage;
    return 2;
  }
  Workload w = generateWorkload(options);
  std::string err = writeWorkload(w, out);
  if (!err.empty()) {
    std::cerr << "larch_workload: " << err << "\n";
    return 1;
  }
  return 0;
}
