// Agents: the annotations that give policies meaning for Larch
// (`@max_credential_ttl`, `@credential_scopes`, `@approval_required`,
// `@log_context`; docs/agents.md, "Obligations and outcomes"). Entry points:
// checkAgentAnnotations (at load time, reports misplaced or malformed ones)
// and readAgentAnnotations (what a decision needs of one checked policy).
// Depends on grammar/ast.h and support/ only.
#ifndef LARCH_COMPILER_AGENT_ANNOTATIONS_H
#define LARCH_COMPILER_AGENT_ANNOTATIONS_H

#include "grammar/ast.h"
#include "support/diagnostic_engine.h"

#include <cstdint>
#include <string>
#include <vector>

namespace larch::agent {

/// What decisions read of one policy's agent annotations.
struct PolicyAnnotations {
  /// A forbid with `@approval_required`.
  bool approvalRequired = false;
  /// `@max_credential_ttl` in whole seconds (truncated); -1 without one.
  int64_t maxCredentialTtlSeconds = -1;
  /// `@credential_scopes`, split at spaces, sorted, no repeats.
  std::vector<std::string> credentialScopes;
  /// `@approval_required`'s value (trimmed), empty without one.
  std::string approvers;
  /// `@log_context`, split at spaces, in the order written, no repeats.
  std::vector<std::string> logContext;
};

/// Checks the agent annotations of every policy of `set` (templates
/// included); reports each misplaced or malformed one at its source range.
/// Returns true when there was none.
bool checkAgentAnnotations(const ast::PolicySet &set, DiagnosticEngine &diags);

/// The annotations of `policy`, which checkAgentAnnotations accepted.
PolicyAnnotations readAgentAnnotations(const ast::Policy &policy);

} // namespace larch::agent

#endif // LARCH_COMPILER_AGENT_ANNOTATIONS_H
