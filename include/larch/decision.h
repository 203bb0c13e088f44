// Public API: the answer to one authorization request. Std types only.
#ifndef LARCH_DECISION_H
#define LARCH_DECISION_H

#include <string>
#include <vector>

namespace larch {

/// A policy whose evaluation failed for this request (it was skipped), or,
/// with an empty `policy`, a request that could not be read at all.
struct PolicyErrorInfo {
  std::string policy;
  std::string message;
};

/// Cedar's response: Allow only if some permit is satisfied and no forbid
/// is; otherwise Deny.
struct Decision {
  bool allowed = false;
  /// The determining policies: the satisfied forbids on Deny, the satisfied
  /// permits on Allow (empty on a default Deny). Policy-set order.
  std::vector<std::string> reasons;
  /// Every policy that errored, in policy-set order, whatever the decision.
  std::vector<PolicyErrorInfo> errors;

  /// One line of JSON, as `larch eval` prints it:
  /// `{"decision":"allow","reasons":["p0"],"errors":[{"policy":"p1","message":".."}]}`.
  std::string toJson() const;
};

} // namespace larch

#endif // LARCH_DECISION_H
