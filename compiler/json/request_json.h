// Edge (JSON -> runtime request): the request format of `larch eval` and the
// public API. Entry points: parseRequestJson, parseEntityUidText.
// Depends on json_value.h, entity_json.h, runtime/request.h, the schema model
// and grammar/unescape.h (for the `T::"id"` text form).
//
// Format: `{"principal": E, "action": E, "resource": E, "context": {..},
// "entities": [..]}` where E is `{"type": "T", "id": "i"}`, the escaped form
// `{"__entity": {..}}`, or Cedar's text form `"T::\"i\""`. `context` is
// optional (empty record) and, with a schema, is parsed with the action's
// declared context type (Cedar context.rs), which requires the action to be
// declared. `entities` (optional) are extra entities for this request only,
// in the entities JSON format. `time` and `agent` (optional) are the decision
// time and the agent envelope (docs/agents.md, compiler/agent/): the envelope
// is checked and materialised into the context as `agent`.
#ifndef LARCH_COMPILER_JSON_REQUEST_JSON_H
#define LARCH_COMPILER_JSON_REQUEST_JSON_H

#include "compiler/agent/envelope_check.h"
#include "compiler/json/json_value.h"
#include "runtime/entity_store.h"
#include "runtime/request.h"

#include <optional>
#include <vector>

namespace larch::json {

struct ParsedRequest {
  runtime::Request request;
  /// The request's own `entities`, if any (not yet checked for hierarchy).
  std::vector<runtime::Entity> entities;
  bool hasEntities = false;
  /// The decision time and the envelope (already in request.context).
  agent::AgentPart agentPart;
};

/// Parses one request object; errors name the field path (`context.ip`).
/// The decision time is the request's `time`, else `clockMillis`, else the
/// clock read now.
std::optional<ParsedRequest> parseRequestJson(const Json &j,
                                              const schema::Schema *schema,
                                              JsonError &error,
                                              std::optional<int64_t> clockMillis = std::nullopt);

/// Parses Cedar's text form of a uid, `NS::Type::"id"` (the id with Cedar's
/// string escapes; no spaces around `::`).
std::optional<runtime::EntityUid> parseEntityUidText(llvm::StringRef text,
                                                     std::string &error);

/// Parses the context alone: `j` must be a JSON object; with a schema it is
/// parsed with `action`'s context type. With `agent` (a materialised
/// envelope), `j` must not have a member `agent`, the schema's `agent`
/// attribute is left to the envelope, and the result has `agent` added.
std::optional<runtime::Value> parseContextJson(const Json &j,
                                               const runtime::EntityUid &action,
                                               const schema::Schema *schema,
                                               JsonError &error,
                                               const runtime::Value *agent = nullptr);

} // namespace larch::json

#endif // LARCH_COMPILER_JSON_REQUEST_JSON_H
