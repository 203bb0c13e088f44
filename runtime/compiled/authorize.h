//===- runtime/compiled/authorize.h - Deciding with a compiled program -*- C++ -*-===//
//
// Phase: runtime (evaluation).
// Entry point: decide.
// Depends on program.h, prepared_request.h, scratch.h and vm.h; never on
// grammar/ or compiler/.
//
// Cedar's authorization over the candidates: Allow iff some candidate permit
// is satisfied and no candidate forbid is; erroring policies are skipped and
// reported. Every candidate is evaluated (the reasons and errors must be
// complete), in policy order.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_AUTHORIZE_H
#define LARCH_RUNTIME_COMPILED_AUTHORIZE_H

#include "runtime/compiled/prepared_request.h"
#include "runtime/compiled/program.h"
#include "runtime/compiled/scratch.h"

#include "llvm/ADT/ArrayRef.h"

namespace larch::rt {

enum class CandidateMode : uint8_t {
  /// The decision index picks the candidates (the default).
  Indexed,
  /// Every policy is a candidate and tests its own scope: the index's oracle.
  AllPolicies,
};

/// A decision; the arrays live in the scratch (valid until its next use).
struct DecisionView {
  bool allowed = false;
  /// Some permit was satisfied (on a Deny: a forbid overrode it).
  bool permitSatisfied = false;
  /// Satisfied forbids on Deny, satisfied permits on Allow; ascending.
  llvm::ArrayRef<uint32_t> reasons;
  /// Erroring policies, ascending.
  llvm::ArrayRef<PolicyErrorRec> errors;
};

DecisionView decide(const Program &program, const PreparedRequest &request,
                    EvalScratch &scratch, CandidateMode mode = CandidateMode::Indexed);

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_AUTHORIZE_H
