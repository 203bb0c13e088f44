// What decision records say about the policy set that decided: its digest and
// the context keys its policies mark for logging. Computed once per policy
// load (PolicyState::compile), read by Engine::getPolicySetDigest and
// Engine::getLoggedContextKeys. Entry point: computePolicySetAudit. Depends on
// the parsed policies, their agent annotations (agent/annotations.h) and
// LLVM's SHA-256.
//
// The digest is `sha256:` and the lowercase hex SHA-256 of these bytes:
//
//   "larch-policy-set-v1\n"
//   for each parsed policy (templates included), in policy-set order:
//     "policy " ID " " LEN "\n" TEXT "\n"
//   for each template link, in link order:
//     "link " NEW_ID " " TEMPLATE_ID " " LEN "\n" SLOTS "\n"
//
// TEXT is the policy's source text exactly as written (its annotations up to
// the final `;`), SLOTS is `?principal=E` and/or `?resource=E` joined by a
// space (E is Cedar's entity text, `User::"alice"`), LEN is the byte length
// of the text that follows, in decimal. So the digest changes when any
// policy's text, id or order changes, or a link is added, removed or
// rebound, and not when only whitespace between policies or file names do.
#ifndef LARCH_COMPILER_POLICY_SET_AUDIT_H
#define LARCH_COMPILER_POLICY_SET_AUDIT_H

#include <string>
#include <vector>

namespace larch::engine {

struct PolicyState;

struct PolicySetAudit {
  /// `sha256:<64 hex digits>`, as above.
  std::string digest;
  /// The top-level context keys named by `@log_context("k1 k2")` on any
  /// policy that decides (static policies and template links), sorted,
  /// without repeats.
  std::vector<std::string> loggedContextKeys;
  /// The `@id` annotation of each policy the program decides with (static
  /// policies, then links), parallel to the instances; empty for a policy
  /// without one and for links.
  std::vector<std::string> names;
};

/// Computes the above for `policies` (its parsed policies, links and
/// instances).
PolicySetAudit computePolicySetAudit(const PolicyState &policies);

} // namespace larch::engine

#endif // LARCH_COMPILER_POLICY_SET_AUDIT_H
