// Public API: the agent envelope, the part of a request that says which agent
// instance acts, for whom, under which approval and credential, and through
// which delegation chain. Std types only. docs/agents.md gives the JSON form,
// the checks the engine makes and how the envelope reaches policies (as
// ordinary Cedar values under `context.agent`).
#ifndef LARCH_AGENT_H
#define LARCH_AGENT_H

#include <string>
#include <vector>

namespace larch {

/// An entity reference: a type such as `NS::User` and an id.
struct EntityRef {
  std::string type;
  std::string id;
};

/// The short-lived credential the executing instance presents: identifiers
/// and times only, never a secret or a token.
struct AgentCredential {
  std::string id;
  std::string issuedAt;  // RFC 3339
  std::string expiresAt; // RFC 3339
  std::vector<std::string> scopes;
};

/// The approval the instance acts under.
struct AgentApproval {
  std::string id;
  EntityRef approver;
  std::vector<EntityRef> actions; // the actions it approves
  std::string task;
  std::string intent;
  std::string expiresAt; // RFC 3339
};

/// Who executes a tool call and for whom.
struct AgentEnvelope {
  /// The executing instance's workload identity, e.g. a SPIFFE ID.
  std::string instance;
  /// The human or team accountable for the instance.
  EntityRef owner;
  std::string session; // optional
  bool hasCredential = false;
  AgentCredential credential;
  bool hasApproval = false;
  AgentApproval approval;
  /// Originator first, executor last; the executor is the request's
  /// principal. Empty means the principal acts on its own (a chain of one).
  std::vector<EntityRef> delegation;
};

} // namespace larch

#endif // LARCH_AGENT_H
