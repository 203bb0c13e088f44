// Audit: the decision record, one per decision, and its JSON form. Entry
// points: DecisionRecord, recordToJson, setDecision. Depends on the public
// decision type (larch/decision.h), nlohmann::json and LLVM Support; the
// engine never includes this file.
//
// The record answers the investigator's questions: which agent instance
// acted, who owned it, under which approval, with which credential, through
// which delegation chain, and why it was allowed or denied. docs/audit.md
// describes every field with an example. String fields left empty and
// optional sections left unset are omitted from the JSON; the lists
// `determining_policies`, `errors` and `obligations` are always written.
#ifndef LARCH_COMPILER_AUDIT_DECISION_RECORD_H
#define LARCH_COMPILER_AUDIT_DECISION_RECORD_H

#include "larch/decision.h"

#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace larch::audit {

/// The record format's version, written as `version`.
constexpr int kRecordVersion = 1;

/// An entity as `{"type": "T", "id": "i"}`.
struct EntityRef {
  std::string type;
  std::string id;
};

/// The credential the executing agent presented: identifiers and times only,
/// never a secret or a token.
struct CredentialRef {
  std::string id;
  std::string issuedAt;  // RFC 3339
  std::string expiresAt; // RFC 3339
  std::vector<std::string> scopes;
};

/// The approval the agent acts under.
struct ApprovalRef {
  std::string id;
  std::string approver; // `Type::"id"`
  std::string task;
  std::string intent;
  std::vector<std::string> actions; // the actions it approves, `Action::"a"`
  std::string expiresAt;            // RFC 3339
};

/// The agent envelope as checked by the engine: who executes, for whom.
struct AgentInfo {
  std::string instance; // workload identity, e.g. a SPIFFE ID
  std::string owner;    // the human or team accountable, as `Type::"id"`
  std::string session;
  std::optional<CredentialRef> credential;
  std::optional<ApprovalRef> approval;
};

/// One hop of a delegation chain.
struct DelegationHop {
  std::string id;   // the party's entity id
  std::string kind; // its entity type, e.g. `Human`, `Agent`
};

/// What a revocation list matched, for outcome `revoked`.
struct RevocationRef {
  std::string kind; // `instance`, `credential`, `approval` or `entity`
  std::string id;   // for `entity`, `Type::"id"`
  std::string revokedAt; // RFC 3339
  std::string reason;    // optional
};

/// A determining policy: its id and, when it has one, its `@id` name.
struct PolicyRef {
  std::string id;
  std::string name;
};

/// A policy that errored (and was skipped); an empty `policy` is an error of
/// the request itself.
struct ErrorRef {
  std::string policy;
  std::string message;
};

/// Something the caller must do with an allow (or a deny), in the AuthZEN
/// obligations shape: e.g. `{"type": "max_credential_ttl", "properties":
/// {"seconds": 900}}`. Properties must be canonicalisable (no floats).
struct Obligation {
  std::string type;
  nlohmann::json properties = nlohmann::json::object();
};

/// The outcome names are the public ones (larch/decision.h).
using larch::Outcome;

/// The chain fields, set when a record is sealed into a hash chain
/// (hash_chain.h).
struct Integrity {
  uint64_t seq = 0;     // 0 for the first record of a log
  std::string prevHash; // the previous record's hash (kGenesisHash first)
  std::string hash;     // SHA-256 of this record's canonical form
};

/// One decision. Fill what is known; the log stamps `decisionId` and
/// `timestamp` when they are empty and always sets `integrity`.
struct DecisionRecord {
  std::string decisionId; // DecisionIdGenerator
  std::string timestamp;  // formatTimestamp: the decision time
  std::string policySetDigest;

  EntityRef principal;
  EntityRef action;
  EntityRef resource;
  std::string contextDigest;    // digest of the whole context
  nlohmann::json loggedContext; // the context fields marked for logging (object or null)

  std::optional<AgentInfo> agent;
  /// Originator first, executor last; empty when the request has none.
  std::vector<DelegationHop> delegation;

  bool allowed = false;
  Outcome outcome = Outcome::NotPermitted;
  std::vector<PolicyRef> determiningPolicies;
  std::vector<ErrorRef> errors;
  std::vector<Obligation> obligations;
  std::optional<RevocationRef> revoked;
  uint64_t evalNanos = 0;

  std::optional<Integrity> integrity;
};

/// The obligations of a decision in the record's AuthZEN shape
/// (`max_credential_ttl`, `credential_scopes`, `approval_required`).
void setObligations(const larch::Obligations &from, std::vector<Obligation> &to);

/// Sets `allowed`, `outcome`, `determiningPolicies` (ids; names left empty),
/// `errors`, `obligations` and `revoked` from the engine's decision.
void setDecision(DecisionRecord &record, const larch::Decision &decision);

/// The record's JSON form (keys as in docs/audit.md). `integrity` is written
/// only if set; pass `withHash = false` to leave out `integrity.hash`, which
/// gives the object the hash is computed over.
nlohmann::json recordToJson(const DecisionRecord &record, bool withHash = true);

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_DECISION_RECORD_H
