// Edge (JSON -> runtime request). Entry points: parseRequestJson,
// parseEntityUidText, parseContextJson (see request_json.h).
#include "compiler/json/request_json.h"

#include "compiler/agent/envelope_context.h"
#include "compiler/agent/envelope_json.h"
#include "compiler/agent/envelope_time.h"
#include "compiler/json/entity_json.h"
#include "grammar/unescape.h"

namespace larch::json {

using runtime::EntityUid;
using runtime::Value;

std::optional<EntityUid> parseEntityUidText(llvm::StringRef text,
                                            std::string &error) {
  size_t sep = text.find("::\"");
  if (sep == llvm::StringRef::npos || text.size() < sep + 4 || text.back() != '"') {
    error = "expected an entity uid such as `User::\"alice\"`, got `" + text.str() + "`";
    return std::nullopt;
  }
  llvm::StringRef type = text.substr(0, sep);
  llvm::StringRef body = text.substr(sep + 3, text.size() - sep - 4);
  if (!isNormalizedName(type)) {
    error = "invalid entity type name `" + type.str() + "`";
    return std::nullopt;
  }
  // An unescaped quote inside would end the literal early.
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\') {
      ++i;
      continue;
    }
    if (body[i] == '"') {
      error = "unexpected text after the entity id in `" + text.str() + "`";
      return std::nullopt;
    }
  }
  if (!body.empty() && body.back() == '\\') {
    // `\"` at the very end escaped the closing quote.
    size_t n = 0;
    while (n < body.size() && body[body.size() - 1 - n] == '\\')
      ++n;
    if (n % 2 == 1) {
      error = "unterminated entity id in `" + text.str() + "`";
      return std::nullopt;
    }
  }
  std::string id;
  llvm::SmallVector<UnescapeError, 2> errors;
  if (!unescapeString(body, id, errors)) {
    error = "invalid escape in entity id: " +
            (errors.empty() ? std::string("malformed string") : errors.front().message);
    return std::nullopt;
  }
  return EntityUid{type.str(), std::move(id)};
}

std::optional<Value> parseContextJson(const Json &j, const EntityUid &action,
                                      const schema::Schema *schema,
                                      JsonError &error, const Value *agent) {
  if (!j.is_object()) {
    error = {"context", "the context must be a JSON object"};
    return std::nullopt;
  }
  if (agent && j.contains("agent")) {
    error = {"context.agent", "the context has a member `agent`, which the agent envelope "
                              "would replace"};
    return std::nullopt;
  }
  const schema::Type *type = nullptr;
  if (schema) {
    type = schema->getContextType(schema::ActionUid{action.type, action.id});
    if (!type) {
      error = {"action", "action " + action.str() +
                             " is not declared in the schema, so its context cannot be parsed"};
      return std::nullopt;
    }
  }
  schema::TypeRef withoutAgent;
  if (agent && type && (withoutAgent = agent::contextTypeWithoutAgent(*type)))
    type = withoutAgent.get();
  JsonValueParser parser(schema);
  auto v = parser.parse(j, type, "context", error);
  if (!v)
    return std::nullopt;
  if (!v->is(runtime::ValueKind::Record)) {
    error = {"context", "the context must be a record"};
    return std::nullopt;
  }
  if (agent)
    agent::addAgentToContext(*v, *agent);
  return v;
}

std::optional<ParsedRequest> parseRequestJson(const Json &j,
                                              const schema::Schema *schema,
                                              JsonError &error,
                                              std::optional<int64_t> clockMillis) {
  if (!j.is_object()) {
    error = {"", "a request must be a JSON object"};
    return std::nullopt;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string &k = it.key();
    if (k != "principal" && k != "action" && k != "resource" && k != "context" &&
        k != "entities" && k != "time" && k != "agent") {
      error = {k, "unknown request field `" + k + "`"};
      return std::nullopt;
    }
  }
  ParsedRequest out;
  EntityUid *slots[] = {&out.request.principal, &out.request.action,
                        &out.request.resource};
  const char *names[] = {"principal", "action", "resource"};
  for (int i = 0; i < 3; ++i) {
    auto it = j.find(names[i]);
    if (it == j.end()) {
      error = {names[i], std::string("missing field `") + names[i] + "`"};
      return std::nullopt;
    }
    std::optional<EntityUid> uid;
    if (it->is_string()) {
      std::string why;
      uid = parseEntityUidText(it->get<std::string>(), why);
      if (!uid)
        error = {names[i], why};
    } else {
      uid = parseEntityUidJson(*it, names[i], error);
    }
    if (!uid)
      return std::nullopt;
    *slots[i] = std::move(*uid);
  }
  // ORDER: time and agent (the envelope's checks need the principal), then
  // the context (which receives the envelope); request_decoder.cpp agrees.
  const EntityUid &principal = out.request.principal;
  if (!agent::readAgentPartJson(j, principal.type, principal.id,
                                clockMillis ? *clockMillis : agent::readClockMillis(),
                                out.agentPart, error))
    return std::nullopt;
  std::optional<Value> agentValue;
  if (out.agentPart.hasAgent)
    agentValue = agent::materializeAgent(out.agentPart, principal);
  const Value *agent = agentValue ? &*agentValue : nullptr;
  auto ctx = j.find("context");
  if (ctx != j.end()) {
    auto v = parseContextJson(*ctx, out.request.action, schema, error, agent);
    if (!v)
      return std::nullopt;
    out.request.context = std::move(*v);
  } else if (schema || agent) {
    auto v = parseContextJson(Json::object(), out.request.action, schema, error, agent);
    if (!v)
      return std::nullopt;
    out.request.context = std::move(*v);
  }
  auto ents = j.find("entities");
  if (ents != j.end()) {
    auto parsed = parseEntitiesJson(*ents, schema, error);
    if (!parsed) {
      error.path = "entities" + error.path;
      return std::nullopt;
    }
    out.entities = std::move(*parsed);
    out.hasEntities = true;
  }
  return out;
}

} // namespace larch::json
