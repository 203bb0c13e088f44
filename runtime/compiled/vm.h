//===- runtime/compiled/vm.h - Evaluating compiled conditions ------*- C++ -*-===//
//
// Phase: runtime (evaluation).
// Entry points: evaluatePolicy, evaluateCandidates, evaluateConjunct,
// formatEvalError.
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

/// Whether any satisfied candidate was a forbid, or a permit.
struct CandidateTally {
  bool anyForbid = false;
  bool anyPermit = false;
};

/// Evaluates `candidates` in order, as evaluatePolicy does each: appends the
/// satisfied ones to scratch.reasons and the erroring ones to
/// scratch.errors, and, while scratch.recordOutcomes, every outcome to
/// scratch.outcomes. One loop for the whole decision. Without checkScope
/// (the index has tested the scopes), a candidate's guard (guards.h) is
/// tested first, and the VM runs only where the guard cannot decide.
CandidateTally evaluateCandidates(const Program &program, llvm::ArrayRef<uint32_t> candidates,
                                  bool checkScope, const World &world, EvalScratch &scratch);

/// Evaluates one conjunct of a policy (Program::getConjuncts) with the same
/// loop: Satisfied if it is true, NotSatisfied if false. Run after a
/// decision in the same scratch (same epoch), it reuses the values that
/// decision memoised (explanations, docs/explain.md).
PolicyOutcome evaluateConjunct(const Program &program, const ConjunctInfo &conjunct,
                               const World &world, EvalScratch &scratch, EvalError &error);

/// The first conjunct of `policy` (its index in Program::getConjuncts(info))
/// that is false (`outcome` NotSatisfied) or errors (Error, with `error`),
/// evaluating them in order with evaluateConjunct; scope conjuncts are
/// skipped when `skipScopes` (the decision index proved them). -1 if every
/// conjunct is true.
int findFailingConjunct(const Program &program, uint32_t policy, bool skipScopes,
                        const World &world, EvalScratch &scratch, PolicyOutcome &outcome,
                        EvalError &error);

/// The message of an evaluation error, worded as the reference evaluator
/// words it (Cedar's wording).
std::string formatEvalError(const EvalError &error, const Program &program,
                            const World &world);

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_VM_H
