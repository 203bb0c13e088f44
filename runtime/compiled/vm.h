//===- runtime/compiled/vm.h - Evaluating compiled conditions ------*- C++ -*-===//
//
// Phase: runtime (evaluation).
// Entry points: evaluatePolicy, formatEvalError.
// Depends on program.h, prepared_request.h (World) and scratch.h; never on
// grammar/ or compiler/.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_VM_H
#define LARCH_RUNTIME_COMPILED_VM_H

#include "runtime/compiled/prepared_request.h"
#include "runtime/compiled/program.h"
#include "runtime/compiled/scratch.h"

#include <string>

namespace larch::rt {

enum class PolicyOutcome : uint8_t { NotSatisfied, Satisfied, Error };

/// Evaluates policy `policy` of `program` for the request `world` reads:
/// from its scope test when `checkScope`, else from its conditions (the
/// decision index proved the scope). On Error, `error` says what and where.
/// Allocation-free once `scratch` has been sized for the program
/// (EvalScratch::reserveFor).
PolicyOutcome evaluatePolicy(const Program &program, uint32_t policy, bool checkScope,
                             const World &world, EvalScratch &scratch, EvalError &error);

/// The message of an evaluation error, worded as the reference evaluator
/// words it (Cedar's wording).
std::string formatEvalError(const EvalError &error, const Program &program,
                            const World &world);

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_VM_H
