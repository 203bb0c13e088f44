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
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace larch::audit {

/// The context of a request as decision records keep it: the digest of its
/// canonical JSON and the fields marked for logging.
struct ContextSummary {
  std::string digest;          // empty when the context cannot be canonicalised
  nlohmann::json fields;       // object (may be empty)
};

/// Reads the `context` member of a request written as JSON (an absent one is
/// `{}`) and keeps `keys` of it. A context that is not an object, or not
/// canonicalisable (a float, invalid UTF-8), gets no digest; a logged field
/// that is not canonicalisable is left out.
ContextSummary summariseContext(const nlohmann::json &request,
                                const std::vector<std::string> &keys);

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
  void fillRequest(const nlohmann::json &request, DecisionRecord &record);
  void stamp(const std::string &time, DecisionRecord &record);

  const Engine &engine;
  DecisionIdGenerator ids;
  uint64_t generation = UINT64_MAX;
  std::string digest;
  std::vector<std::string> loggedKeys;
  std::unordered_map<std::string, std::string> names; // policy id -> @id
};

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_RECORD_BUILDER_H
