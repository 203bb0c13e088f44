// The `larch` CLI: the options and the loading sequence shared by every
// command that builds an Engine (`eval`, `bench`).
#ifndef LARCH_TOOLS_ENGINE_INPUTS_H
#define LARCH_TOOLS_ENGINE_INPUTS_H

#include "larch/engine.h"

#include <functional>
#include <string>
#include <vector>

namespace larch::cli {

/// What to load: policy paths, an optional schema and optional entities.
struct EngineInputs {
  std::vector<std::string> policyPaths;
  std::string schemaPath;
  std::string entitiesPath;
  /// A revocation list (docs/agents.md, "Revocation"); empty for none.
  std::string revocationsPath;
  PolicyOptions policyOptions;
  Evaluator evaluator = Evaluator::Compiled;
  /// With a schema, refuse policies that fail strict validation against it
  /// (`--no-validate` turns this off, and says so on stderr).
  bool validate = true;
};

enum class ArgResult { Consumed, NotMine, BadUsage };

/// If `args[i]` is `--policies`, `--schema`, `--entities`, `--revocations`,
/// `--engine`, `--positional-ids` or `--no-validate`, stores it (advancing `i` past a value) and returns
/// Consumed; a missing value is reported as `larch COMMAND: ...` (BadUsage).
ArgResult parseEngineArg(const std::string &command,
                         const std::vector<std::string> &args, size_t &i,
                         EngineInputs &inputs);

/// Seconds each load step took.
struct LoadTimes {
  double policies = 0;
  double schema = 0;
  double entities = 0;
  double revocations = 0;
  double validation = 0;
};

/// Loads the policies, then the schema (entities are parsed with it), then the
/// entities, then the revocation list; with a schema, validates the policies against it unless
/// `inputs.validate` is off. On failure prints the diagnostics and which input failed to
/// stderr and returns false. `afterPolicies` runs right after the policies
/// loaded (bench reads the resident memory there).
bool loadEngine(const std::string &command, const EngineInputs &inputs,
                Engine &engine, LoadTimes *times = nullptr,
                const std::function<void()> &afterPolicies = {});

/// Reloads `inputs.revocationsPath` into `engine`: on success says so on
/// stderr; on failure prints the diagnostics and that the previous list keeps
/// deciding. For `--watch`.
void reloadRevocations(const std::string &command, const EngineInputs &inputs, Engine &engine);

} // namespace larch::cli

#endif
