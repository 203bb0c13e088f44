// Internal to the public API implementation (engine_api.cpp, engine_decide.cpp):
// the private parts of Engine, PreparedRequest and DecisionScratch.
#ifndef LARCH_COMPILER_ENGINE_IMPL_H
#define LARCH_COMPILER_ENGINE_IMPL_H

#include "compiler/agent/revocation_list.h"
#include "compiler/engine_snapshot.h"
#include "compiler/json/json_value.h"
#include "compiler/json/request_decoder.h"
#include "larch/engine.h"
#include "runtime/compiled/authorize.h"
#include "runtime/compiled/prepared_request.h"
#include "runtime/compiled/scratch.h"
#include "runtime/request.h"
#include "support/diagnostic_engine.h"
#include "support/json_escape.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace larch {

struct Engine::Impl {
  /// Serialises loads (decisions never take it).
  std::mutex loadMutex;
  /// The entities as loaded (the next schema parses them again).
  std::string entitiesName;
  std::optional<json::Json> entitiesJson;
  /// What decisions read, and what the next load starts from.
  std::atomic<std::shared_ptr<const engine::Snapshot>> current;
  /// current's stamp, stored after it: a prepared request that still holds
  /// the snapshot with this stamp keeps it instead of loading `current`
  /// (a lock and a reference count that every preparing thread shares).
  std::atomic<uint64_t> publishedStamp{0};
  Evaluator evaluator = Evaluator::Compiled;
  bool validateRequests = false;
  /// The revocation list, apart from the snapshot: replacing it compiles
  /// nothing. `hasRevocations` says whether it has any entry, so that a
  /// decision without a list costs one atomic load.
  std::atomic<std::shared_ptr<const agent::RevocationList>> revocations;
  std::atomic<bool> hasRevocations{false};

  Impl();
  std::shared_ptr<const engine::Snapshot> getSnapshot() const { return current.load(); }
  std::shared_ptr<const engine::PolicyState> getPolicies() const { return getSnapshot()->policies; }
  std::shared_ptr<const engine::DataState> getData() const { return getSnapshot()->data; }
  /// Publishes the pair as the new snapshot; on failure nothing changes.
  LoadStatus publish(std::shared_ptr<const engine::PolicyState> newPolicies,
                     std::shared_ptr<const engine::DataState> newData,
                     const std::string &dataName);
  /// A data state from entity JSON (may be none) and a schema (may be null).
  LoadStatus buildData(const std::optional<json::Json> &entities, const std::string &name,
                       std::shared_ptr<const schema::Schema> schema,
                       std::shared_ptr<const engine::DataState> &out) const;
};

/// Appends one decision as `larch eval` prints it,
/// `{"decision":"allow","reasons":[..],"errors":[{"policy":..,"message":..}]}`,
/// reading it through accessors so that Decision and DecisionScratch (whose
/// messages are formatted on demand) print through the same code.
template <typename ReasonFn, typename PolicyFn, typename MessageFn>
void appendDecisionJson(std::string &out, bool allowed, size_t numReasons, ReasonFn reason,
                        size_t numErrors, PolicyFn errorPolicy, MessageFn errorMessage) {
  // string_view literals: their lengths are known here, where `const char *`
  // made each append measure its text at run time.
  using namespace std::string_view_literals;
  out += allowed ? "{\"decision\":\"allow\",\"reasons\":["sv
                 : "{\"decision\":\"deny\",\"reasons\":["sv;
  for (size_t i = 0; i < numReasons; ++i) {
    if (i)
      out += ',';
    appendJsonString(out, reason(i));
  }
  out += "],\"errors\":["sv;
  for (size_t i = 0; i < numErrors; ++i) {
    if (i)
      out += ',';
    out += "{\"policy\":"sv;
    appendJsonString(out, errorPolicy(i));
    out += ",\"message\":"sv;
    appendJsonString(out, errorMessage(i));
    out += '}';
  }
  out += "]}"sv;
}

/// A load failure that has no source position (JSON data, links, I/O),
/// rendered like a diagnostic (engine_api.cpp).
LoadStatus failure(DiagCode code, const std::string &file, const std::string &message);

/// Strict validation of `policies` (and their template links) against
/// `schema` (engine_validate.cpp).
LoadStatus validatePolicyState(const engine::PolicyState &policies,
                               const schema::Schema &schema);

/// What a decision reads comes first, on as few cache lines as can hold
/// it: the snapshot, the two flags and the start of `prepared` (its ids,
/// context, resolved views, then the context's own records and values in
/// its arena's inline bytes). A prepared request that has gone cold costs a
/// miss per line (`forReference` was a third line, 2 KiB further on).
struct alignas(64) PreparedRequest::Impl {
  std::shared_ptr<const engine::Snapshot> snapshot;
  bool ok = false;
  bool forReference = false;
  /// Compiled evaluators.
  rt::PreparedRequest prepared;
  std::string error;
  /// Reference evaluator (and the source of `prepared` on the slow path).
  runtime::Request request;
  std::optional<runtime::EntityStore> requestEntities;
  /// The agent envelope as read (docs/agents.md) and the decision time:
  /// RFC 3339 text and Unix milliseconds.
  bool hasAgent = false;
  AgentEnvelope agent;
  std::string time;
  int64_t timeMillis = 0;
};

struct DecisionScratch::Impl {
  rt::EvalScratch eval;
  /// The last decision.
  const engine::Snapshot *snapshot = nullptr;
  const rt::PreparedRequest *prepared = nullptr;
  bool allowed = false;
  rt::DecisionView view;
  Outcome outcome = Outcome::NotPermitted;
  /// The list and entry that revoked the request (outcome Revoked).
  std::shared_ptr<const agent::RevocationList> revocations;
  const RevocationInfo *revocation = nullptr;
  /// The determining policies as instance indices (reference evaluator; the
  /// compiled ones are view.reasons).
  std::vector<uint32_t> reasonIndices;
  /// Reference results and request errors (allocating paths).
  bool byName = false;
  std::vector<std::string> reasonNames;
  std::vector<PolicyErrorInfo> namedErrors;
};

/// Whether the current revocation list revokes `p`; if so sets
/// `s.revocation` (and keeps the list alive in `s`). Allocation-free; with no
/// list one atomic load (engine_agent.cpp).
bool checkRevocation(const Engine::Impl &engine, const PreparedRequest::Impl &p,
                     DecisionScratch::Impl &s);

/// The outcome of a decision that ran the policies; `reasons` are instance
/// indices of the determining policies.
Outcome computeOutcome(const engine::PolicyState &policies, bool allowed,
                       bool permitSatisfied, llvm::ArrayRef<uint32_t> reasons);

} // namespace larch

#endif // LARCH_COMPILER_ENGINE_IMPL_H
