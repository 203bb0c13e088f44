// Audit: the decision record of one engine decision. Entry point:
// RecordBuilder. Reads the public engine API (larch/engine.h: the prepared
// request, the decision scratch, the policy set's digest, names and logged
// context keys) and the request as written; the engine never includes this
// file. docs/audit.md, "Records from the engine", says where each field
// comes from.
#ifndef LARCH_COMPILER_AUDIT_RECORD_BUILDER_H
#define LARCH_COMPILER_AUDIT_RECORD_BUILDER_H

#include "compiler/audit/decision_id.h"
#include "compiler/audit/decision_record.h"

#include "larch/engine.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace larch::audit {

/// What records keep of a request as written: the entities and the context
/// digest and logged fields.
struct RequestSummary {
  EntityRef principal, action, resource; // empty when unreadable
  std::string contextDigest; // empty when the context cannot be canonicalised
  nlohmann::json loggedContext = nlohmann::json::object();
};

/// The reference reading, through nlohmann::json: `principal`, `action` and
/// `resource` as `{"type", "id"}`, `{"__entity": ..}` or `T::"i"`; the
/// digest of the canonical `context` (absent: `{}`; not an object, or not
/// canonicalisable such as a float or invalid UTF-8: no digest); its members
/// named in `keys` (left out when absent or not canonicalisable). With
/// duplicate keys the last one counts, as in nlohmann::json.
RequestSummary summariseRequestTree(std::string_view requestJson,
                                    const std::vector<std::string> &keys);

/// The same result at a fraction of the cost: simdjson, and the canonical
/// form written straight from its document. Anything it cannot settle the
/// same way (floats, numbers out of range, deep nesting, text simdjson
/// refuses) goes to summariseRequestTree. Reusable; not thread-safe.
class RequestSummariser {
public:
  RequestSummariser();
  ~RequestSummariser();
  RequestSummary summarise(std::string_view requestJson,
                           const std::vector<std::string> &keys);

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// Builds records for the decisions of one engine. One per thread: it holds
/// a decision id generator and a cache of the policy set's digest, names and
/// logged keys (refreshed when the engine's generation changes).
class RecordBuilder {
public:
  explicit RecordBuilder(const Engine &engine);

  /// The record of the decision just made: `request` (prepared from
  /// `requestJson`) decided into `scratch` in `evalNanos` nanoseconds.
  /// Every field of `record` is overwritten; `integrity` is reset.
  void build(std::string_view requestJson, const PreparedRequest &request,
             const DecisionScratch &scratch, uint64_t evalNanos, DecisionRecord &record);

  /// The record of a request that could not be read: a deny, outcome
  /// `invalid_request`, with one error without policy (`message`), at the
  /// clock's time. What can be read of `requestJson` (principal, action,
  /// resource, context) is kept.
  void buildInvalid(std::string_view requestJson, const std::string &message,
                    DecisionRecord &record);

private:
  void refresh();
  void fillRequest(std::string_view requestJson, DecisionRecord &record);
  void stamp(const std::string &time, DecisionRecord &record);

  const Engine &engine;
  DecisionIdGenerator ids;
  uint64_t generation = UINT64_MAX;
  std::string digest;
  std::vector<std::string> loggedKeys;
  std::unordered_map<std::string, std::string> names; // policy id -> @id
  RequestSummariser summariser;
};

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_RECORD_BUILDER_H
