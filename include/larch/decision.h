// Public API: the answer to one authorization request. Std types only.
#ifndef LARCH_DECISION_H
#define LARCH_DECISION_H

#include <cstdint>
#include <string>
#include <vector>

namespace larch {

/// A policy whose evaluation failed for this request (it was skipped), or,
/// with an empty `policy`, a request that could not be read at all.
struct PolicyErrorInfo {
  std::string policy;
  std::string message;
};

/// Why a decision is what it is, beyond allow/deny (docs/agents.md).
enum class Outcome {
  Allowed,          // a permit was satisfied and no forbid
  Forbidden,        // a forbid was satisfied
  NotPermitted,     // no permit was satisfied (Cedar's default deny)
  ApprovalRequired, // denied only by forbids annotated @approval_required
  Revoked,          // the instance, credential, approval or a hop is revoked
  InvalidRequest,   // the request or its agent envelope could not be read
};

/// `allowed`, `forbidden`, `not_permitted`, `approval_required`, `revoked`,
/// `invalid_request`.
const char *getOutcomeName(Outcome outcome);

/// What the caller must do with the decision, from the annotations of the
/// determining policies (docs/agents.md).
struct Obligations {
  /// On Allow: the smallest `@max_credential_ttl` of the determining
  /// permits, in seconds; -1 when none carries one.
  int64_t maxCredentialTtlSeconds = -1;
  /// On Allow: the union of their `@credential_scopes`, sorted, no repeats.
  std::vector<std::string> credentialScopes;
  /// On outcome ApprovalRequired: who may approve (the `@approval_required`
  /// values of the determining forbids, sorted, no repeats).
  std::vector<std::string> approvers;
};

/// The revocation-list entry that denied a request (outcome Revoked).
struct RevocationInfo {
  std::string kind; // `instance`, `credential`, `approval` or `entity`
  std::string id;   // for `entity`, `Type::"id"`
  std::string revokedAt; // RFC 3339
  std::string reason;
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
  Outcome outcome = Outcome::NotPermitted;
  Obligations obligations;
  /// Set for outcome Revoked.
  bool revoked = false;
  RevocationInfo revocation;

  /// One line of JSON, as `larch eval` prints it:
  /// `{"decision":"allow","reasons":["p0"],"errors":[{"policy":"p1","message":".."}]}`.
  std::string toJson() const;
};

} // namespace larch

#endif // LARCH_DECISION_H
