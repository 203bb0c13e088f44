//===- runtime/compiled/scratch.h - Per-call state, owned by the caller -*- C++ -*-===//
//
// Phase: runtime (evaluation).
// Entry points: EvalScratch, EvalError.
// Depends on the compiled value types only.
//
// Everything a decision writes lives here, so a Program stays immutable and
// shared, and a caller that reuses one EvalScratch per thread decides without
// heap allocation (cel-cpp's FlatExpressionEvaluatorState, OPA's sync.Pool).
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_SCRATCH_H
#define LARCH_RUNTIME_COMPILED_SCRATCH_H

#include "runtime/compiled/arena.h"
#include "runtime/compiled/decision_index.h"
#include "runtime/compiled/val.h"

#include <cstdint>
#include <vector>

namespace larch::rt {

class Program;

/// What went wrong in one policy (formatted only when asked, by
/// formatEvalError). Trivially copyable.
struct EvalError {
  uint32_t code = 0;   // an rt::ErrorCode (program.h)
  uint32_t pc = 0;     // the failing instruction
  uint32_t detail = 0; // what the code needs besides the instruction
  Val a, b;            // offending operands, if any (payloads may live in the
                       // scratch arena: format before the next decision)
};

/// A policy that errored during a decision.
struct PolicyErrorRec {
  uint32_t policy = 0;
  EvalError error;
};

class EvalScratch {
public:
  /// Sizes the buffers for `program` (once per program; cheap if already
  /// large enough).
  void reserveFor(const Program &program);

  // Decision state (authorize.cpp).
  CandidateList candidates;
  CandidateList reasons;
  std::vector<PolicyErrorRec> errors;
  /// Explanations (docs/explain.md): while `recordOutcomes` is set, decide
  /// records each candidate's PolicyOutcome in `outcomes` (parallel to
  /// `candidates`) and sets `outcomesRecorded`.
  bool recordOutcomes = false;
  bool outcomesRecorded = false;
  std::vector<uint8_t> outcomes;

  // VM state (vm.cpp). A memo slot holds a value for the decision whose
  // `epoch` it records; the caller advances `epoch` (never to 0, which no
  // slot is valid for) and resets `arena` before each decision.
  Arena arena;                       // values built while deciding
  std::vector<Val> stack;
  /// A memoised value, valid while `epoch` is the scratch's epoch (errors
  /// are not memoised: a failing shared node is evaluated again).
  struct MemoSlot {
    uint32_t epoch = 0;
    Val value;
  };
  std::vector<MemoSlot> memo;
  uint32_t epoch = 0;
  /// Where the decisions found attributes (guards and VM): only guesses.
  FieldHints fieldHints;
};

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_SCRATCH_H
