// The `larch` CLI: shared engine options and loading (engine_inputs.h).
#include "engine_inputs.h"

#include <chrono>
#include <iostream>

namespace larch::cli {

ArgResult parseEngineArg(const std::string &command,
                         const std::vector<std::string> &args, size_t &i,
                         EngineInputs &inputs) {
  const std::string &a = args[i];
  std::string *target = a == "--schema"        ? &inputs.schemaPath
                        : a == "--entities"    ? &inputs.entitiesPath
                        : a == "--revocations" ? &inputs.revocationsPath
                                               : nullptr;
  if (a == "--positional-ids") {
    inputs.policyOptions.positionalIds = true;
    return ArgResult::Consumed;
  }
  if (a == "--no-validate") {
    inputs.validate = false;
    return ArgResult::Consumed;
  }
  if (a == "--engine") {
    if (i + 1 >= args.size()) {
      std::cerr << "larch " << command << ": `--engine` needs a value\n";
      return ArgResult::BadUsage;
    }
    const std::string &v = args[++i];
    if (v == "compiled")
      inputs.evaluator = Evaluator::Compiled;
    else if (v == "all-candidates")
      inputs.evaluator = Evaluator::CompiledAllCandidates;
    else if (v == "reference")
      inputs.evaluator = Evaluator::Reference;
    else {
      std::cerr << "larch " << command << ": unknown engine `" << v
                << "` (compiled, all-candidates or reference)\n";
      return ArgResult::BadUsage;
    }
    return ArgResult::Consumed;
  }
  if (a != "--policies" && !target)
    return ArgResult::NotMine;
  if (i + 1 >= args.size()) {
    std::cerr << "larch " << command << ": `" << a << "` needs a value\n";
    return ArgResult::BadUsage;
  }
  if (target)
    *target = args[++i];
  else
    inputs.policyPaths.push_back(args[++i]);
  return ArgResult::Consumed;
}

bool loadEngine(const std::string &command, const EngineInputs &inputs,
                Engine &engine, LoadTimes *times,
                const std::function<void()> &afterPolicies) {
  using Clock = std::chrono::steady_clock;
  LoadTimes local;
  LoadTimes &t = times ? *times : local;
  engine.setEvaluator(inputs.evaluator);
  auto step = [&](const char *what, double &seconds, auto load) {
    auto start = Clock::now();
    LoadStatus st = load();
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!st.ok)
      std::cerr << st.rendered << "larch " << command << ": " << what << "\n";
    return st.ok;
  };
  if (!step("the policies do not load", t.policies, [&] {
        return engine.loadPolicyPaths(inputs.policyPaths, inputs.policyOptions);
      }))
    return false;
  if (afterPolicies)
    afterPolicies();
  if (!inputs.schemaPath.empty() &&
      !step("the schema does not load", t.schema, [&] { return engine.loadSchemaFile(inputs.schemaPath); }))
    return false;
  if (!inputs.entitiesPath.empty() &&
      !step("the entities do not load", t.entities,
            [&] { return engine.loadEntitiesFile(inputs.entitiesPath); }))
    return false;
  if (!inputs.revocationsPath.empty() &&
      !step("the revocation list does not load", t.revocations,
            [&] { return engine.loadRevocationsFile(inputs.revocationsPath); }))
    return false;
  // Requests are checked against the schema too, unless --no-validate.
  engine.setRequestValidation(!inputs.schemaPath.empty() && inputs.validate);
  if (!inputs.schemaPath.empty() && !inputs.validate)
    std::cerr << "larch " << command
              << ": --no-validate: the policies and requests are not validated against the "
                 "schema\n";
  else if (!inputs.schemaPath.empty() &&
           !step("the policies fail validation against the schema (--no-validate runs "
                 "them anyway)",
                 t.validation, [&] { return engine.validatePolicies(); }))
    return false;
  return true;
}

void reloadRevocations(const std::string &command, const EngineInputs &inputs, Engine &engine) {
  LoadStatus st = engine.loadRevocationsFile(inputs.revocationsPath);
  if (st.ok)
    std::cerr << "larch " << command << ": revocations reloaded (" << engine.getNumRevocations()
              << " entries)\n";
  else
    std::cerr << st.rendered << "larch " << command
              << ": the changed revocation list does not load; the previous list keeps "
                 "deciding\n";
}

} // namespace larch::cli
