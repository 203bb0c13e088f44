// Test support (oracle for the IR): evaluates an ir::Module's policies
// directly, node by node, with runtime values; slow and obviously correct,
// so lowering can be checked against the reference evaluator. Entry points:
// IrInterpreter::evaluate, IrInterpreter::evaluatePolicy, authorizeIr.
// Depends on compiler/ir/ir.h and the runtime data; test-only.
#ifndef LARCH_TESTS_UNIT_IR_IR_INTERPRETER_H
#define LARCH_TESTS_UNIT_IR_IR_INTERPRETER_H

#include "compiler/ir/ir.h"
#include "runtime/entity_store.h"
#include "runtime/request.h"
#include "runtime/value.h"

#include <optional>
#include <string>
#include <vector>

namespace larch::ir::testing {

class IrInterpreter {
public:
  /// All three must outlive the interpreter. Results are memoised per node,
  /// which is sound because evaluation is pure.
  IrInterpreter(const Module &m, const runtime::Request &request,
                const runtime::EntityView &entities)
      : m(m), request(request), entities(entities), memo(m.getNodes().size()) {}

  runtime::EvalResult evaluate(NodeId n);
  /// The policy's condition, which must be a Bool.
  runtime::EvalResult evaluatePolicy(const Policy &p);

private:
  runtime::EvalResult eval(NodeId n);
  runtime::EvalResult evalMethod(NodeId n, std::vector<runtime::Value> args);

  const Module &m;
  const runtime::Request &request;
  const runtime::EntityView &entities;
  std::vector<std::optional<runtime::EvalResult>> memo;
};

struct IrDecision {
  bool allow = false;
  std::vector<std::string> reasons; // policy order
  std::vector<std::string> errors;  // erroring policy ids, policy order
};

/// Cedar's authorization over every policy of `m`.
IrDecision authorizeIr(const Module &m, const runtime::Request &request,
                       const runtime::EntityView &entities);

} // namespace larch::ir::testing

#endif
