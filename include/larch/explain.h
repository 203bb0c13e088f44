// Public API: why a request was decided the way it was (docs/explain.md).
// Std types only. Filled by Engine::explain, which decides the request and
// records the explanation in the same run, so the two cannot disagree:
//
//   larch::DecisionScratch scratch;
//   larch::Explanation why;
//   if (engine.prepareJson(line, req)) engine.explain(req, scratch, why);
//   for (const larch::PolicyExplanation &p : why.candidates) ...
#ifndef LARCH_EXPLAIN_H
#define LARCH_EXPLAIN_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace larch {

/// A place in a policy file (1-based line and byte column); empty file and
/// line 0 when unknown.
struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  /// `file:line:column`.
  std::string str() const;
};

enum class CandidateStatus { Satisfied, NotSatisfied, Error };

/// One conjunct of a policy: a scope, a top-level `&&` operand of a `when`,
/// or a whole `unless` clause.
struct ConditionExplanation {
  /// `principal`, `action`, `resource` (scopes), `when` or `unless`.
  std::string kind;
  /// As written (for `unless`, the expression inside the clause, which was
  /// true).
  std::string text;
  SourceLocation location;
};

/// One candidate policy.
struct PolicyExplanation {
  /// The policy's id (what Decision::reasons and errors name).
  std::string policyId;
  /// The value of its `@id` annotation, if it has one (static policies).
  std::optional<std::string> annotatedId;
  bool isForbid = false;
  /// Where the policy starts.
  SourceLocation location;
  CandidateStatus status = CandidateStatus::NotSatisfied;
  /// NotSatisfied: the first conjunct that was false. Error: the conjunct
  /// whose evaluation raised the error.
  std::optional<ConditionExplanation> condition;
  /// Error: the message (as in Decision::errors) and where it was raised.
  std::string errorMessage;
  SourceLocation errorLocation;
};

struct Explanation {
  /// False when there is no per-policy explanation: the request was not
  /// read, the reference evaluator decided (explanations need the compiled
  /// engine), or no policy was evaluated. `note` says which.
  bool available = false;
  std::string note;
  /// The decision of the same run.
  bool allowed = false;
  /// Every policy was a candidate (Evaluator::CompiledAllCandidates); else
  /// the candidates are those of the decision index.
  bool allCandidates = false;
  /// Policies in the set (static and linked).
  size_t numPolicies = 0;
  /// The candidates, in policy-set order.
  std::vector<PolicyExplanation> candidates;
};

/// `satisfied`, `not_satisfied` or `error`.
const char *getCandidateStatusName(CandidateStatus status);

} // namespace larch

#endif // LARCH_EXPLAIN_H
