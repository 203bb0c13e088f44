// Edge (JSON -> runtime values): Cedar's JSON value syntax, with and without
// a schema. Entry points: parseJsonText, JsonValueParser, parseEntityUidJson,
// typecheckValue (see json_value.h). Depends on nlohmann::json, the runtime
// value model and the schema model.
#include "compiler/json/json_value.h"

#include "runtime/extension_functions.h"

#include <set>
#include <vector>

namespace larch::json {

using runtime::EntityUid;
using runtime::Value;
using runtime::ValueKind;

namespace {

/// Deepest JSON nesting converted (the conversion recurses).
constexpr unsigned MaxDepth = 256;

bool isIdentifier(llvm::StringRef s) {
  if (s.empty() || !(isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  for (char c : s)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

bool isReserved(llvm::StringRef s) {
  return s == "true" || s == "false" || s == "if" || s == "then" ||
         s == "else" || s == "in" || s == "has" || s == "like" || s == "is" ||
         s == "__cedar";
}

/// Counts the nesting of the conversion, which recurses.
struct DepthGuard {
  unsigned &depth;
  explicit DepthGuard(unsigned &d) : depth(d) { ++depth; }
  ~DepthGuard() { --depth; }
  bool tooDeep() const { return depth > MaxDepth; }
};

const char *jsonKindName(const Json &j) {
  switch (j.type()) {
  case Json::value_t::null:
    return "null";
  case Json::value_t::boolean:
    return "a bool";
  case Json::value_t::number_integer:
  case Json::value_t::number_unsigned:
    return "an integer";
  case Json::value_t::number_float:
    return "a floating-point number";
  case Json::value_t::string:
    return "a string";
  case Json::value_t::array:
    return "an array";
  case Json::value_t::object:
    return "an object";
  case Json::value_t::binary:
  case Json::value_t::discarded:
    return "an unsupported JSON value";
  }
  return "an unsupported JSON value";
}

std::optional<Value> fail(JsonError &error, const std::string &path,
                          std::string message) {
  error.path = path;
  error.message = std::move(message);
  return std::nullopt;
}

/// `{"type": "T", "id": "i"}` (extra keys ignored, as Cedar does).
std::optional<EntityUid> typeAndId(const Json &j, const std::string &path,
                                   JsonError &error) {
  auto t = j.find("type");
  auto i = j.find("id");
  if (t == j.end() || i == j.end() || !t->is_string() || !i->is_string()) {
    error = {path, "expected an entity reference `{\"type\": \"..\", \"id\": \"..\"}`, got " +
                       j.dump()};
    return std::nullopt;
  }
  std::string type = t->get<std::string>();
  if (!isNormalizedName(type)) {
    error = {path, "invalid entity type name `" + type + "`"};
    return std::nullopt;
  }
  return EntityUid{type, i->get<std::string>()};
}

/// The single key of a one-key object, or "".
std::string singleKey(const Json &j) {
  if (!j.is_object() || j.size() != 1)
    return "";
  return j.begin().key();
}

} // namespace

std::string indexPath(const std::string &path, size_t index) {
  std::string out = path;
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

std::string JsonError::str() const {
  return path.empty() ? message : path + ": " + message;
}

std::string joinPath(const std::string &path, llvm::StringRef key) {
  std::string k;
  if (isIdentifier(key)) {
    k = key.str();
  } else {
    // Built piecewise: GCC 12 warns falsely (-Wrestrict) on "[" + string.
    k = "[";
    k += runtime::quoteCedarString(key);
    k += "]";
  }
  if (path.empty())
    return k;
  return k[0] == '[' ? path + k : path + "." + k;
}

std::optional<Json> parseJsonText(llvm::StringRef text, JsonError &error) {
  std::vector<std::set<std::string>> keys;
  std::string duplicate;
  auto callback = [&](int, Json::parse_event_t ev, Json &parsed) {
    switch (ev) {
    case Json::parse_event_t::object_start:
      keys.emplace_back();
      break;
    case Json::parse_event_t::key:
      if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second &&
          duplicate.empty())
        duplicate = parsed.get<std::string>();
      break;
    case Json::parse_event_t::object_end:
      if (!keys.empty())
        keys.pop_back();
      break;
    case Json::parse_event_t::array_start:
    case Json::parse_event_t::array_end:
    case Json::parse_event_t::value:
      break;
    }
    return true;
  };
  try {
    Json j = Json::parse(text.begin(), text.end(), callback);
    if (!duplicate.empty()) {
      error = {"", "duplicate key `" + duplicate + "` in a JSON object"};
      return std::nullopt;
    }
    return j;
  } catch (const Json::exception &e) {
    std::string what = e.what();
    // Drop the library's "[json.exception.parse_error.101] " prefix.
    if (size_t p = what.find("] "); p != std::string::npos)
      what = what.substr(p + 2);
    error = {"", "invalid JSON: " + what};
    return std::nullopt;
  }
}

bool isNormalizedName(llvm::StringRef name) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  name.split(parts, "::", -1, true);
  for (llvm::StringRef p : parts)
    if (!isIdentifier(p) || isReserved(p))
      return false;
  return true;
}

std::optional<EntityUid> parseEntityUidJson(const Json &j, const std::string &path,
                                            JsonError &error) {
  if (j.is_object()) {
    std::string key = singleKey(j);
    if (key == "__expr") {
      error = {path, "the `__expr` escape is no longer supported"};
      return std::nullopt;
    }
    if (key == "__entity")
      return typeAndId(j["__entity"], joinPath(path, "__entity"), error);
    if (j.contains("type") && j.contains("id"))
      return typeAndId(j, path, error);
  }
  error = {path, "expected an entity reference `{\"type\": \"..\", \"id\": \"..\"}`, got " +
                     j.dump()};
  return std::nullopt;
}

runtime::ValueKind getValueKind(schema::ExtensionKind kind) {
  switch (kind) {
  case schema::ExtensionKind::Decimal:
    return ValueKind::Decimal;
  case schema::ExtensionKind::IpAddr:
    return ValueKind::IpAddr;
  case schema::ExtensionKind::Datetime:
    return ValueKind::Datetime;
  case schema::ExtensionKind::Duration:
    return ValueKind::Duration;
  }
  return ValueKind::Decimal;
}

std::optional<Value> JsonValueParser::callFunction(const std::string &fn,
                                                   const Json *args, size_t numArgs,
                                                   bool typedArgs,
                                                   const std::string &path,
                                                   JsonError &error) const {
  if (!isNormalizedName(fn))
    return fail(error, path, "invalid extension function name `" + fn + "`");
  if (fn == "unknown")
    return fail(error, path, "unknown values (partial evaluation) are not supported");
  const runtime::ExtensionFunctionInfo *info = runtime::lookupExtensionFunction(fn);
  if (!info)
    return fail(error, path, "unknown extension function `" + fn + "`");
  if (typedArgs && !info->isVariadic && numArgs != info->params.size())
    return fail(error, path,
                "wrong number of arguments to `" + fn + "`: expected " +
                    std::to_string(info->params.size()) + ", got " +
                    std::to_string(numArgs));
  std::vector<Value> values;
  for (size_t i = 0; i < numArgs; ++i) {
    std::string argPath = indexPath(path, i);
    std::optional<Value> v;
    // With a schema, an argument of an extension type may itself omit its
    // escape (Cedar recurses with the parameter type).
    ValueKind want = info->params[std::min(i, info->params.size() - 1)];
    std::optional<schema::ExtensionKind> ext;
    switch (want) {
    case ValueKind::Decimal:
      ext = schema::ExtensionKind::Decimal;
      break;
    case ValueKind::IpAddr:
      ext = schema::ExtensionKind::IpAddr;
      break;
    case ValueKind::Datetime:
      ext = schema::ExtensionKind::Datetime;
      break;
    case ValueKind::Duration:
      ext = schema::ExtensionKind::Duration;
      break;
    default:
      break;
    }
    if (typedArgs && ext)
      v = parseExtension(args[i], *ext, argPath, error);
    else
      v = parsePlain(args[i], argPath, error);
    if (!v)
      return std::nullopt;
    values.push_back(std::move(*v));
  }
  runtime::EvalResult r = runtime::callExtensionFunction(*info, values);
  if (!r)
    return fail(error, path, r.getError());
  return r.get();
}

std::optional<Value> JsonValueParser::parsePlain(const Json &j,
                                                 const std::string &path,
                                                 JsonError &error) const {
  DepthGuard guard(depth);
  if (guard.tooDeep())
    return fail(error, path, "value nested too deeply");
  switch (j.type()) {
  case Json::value_t::boolean:
    return Value::boolean(j.get<bool>());
  case Json::value_t::number_integer:
    return Value::integer(j.get<int64_t>());
  case Json::value_t::number_unsigned: {
    uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX))
      return fail(error, path, "integer " + std::to_string(u) +
                                   " does not fit in a 64-bit signed integer");
    return Value::integer(static_cast<int64_t>(u));
  }
  case Json::value_t::number_float:
    return fail(error, path, "floating-point numbers are not supported: " + j.dump());
  case Json::value_t::string:
    return Value::string(j.get<std::string>());
  case Json::value_t::null:
    return fail(error, path, "null is not a Cedar value");
  case Json::value_t::array: {
    std::vector<Value> elems;
    for (size_t i = 0; i < j.size(); ++i) {
      auto v = parsePlain(j[i], indexPath(path, i), error);
      if (!v)
        return std::nullopt;
      elems.push_back(std::move(*v));
    }
    return Value::set(std::move(elems));
  }
  case Json::value_t::object: {
    std::string key = singleKey(j);
    const Json &inner = key.empty() ? j : j.begin().value();
    // Escapes are recognised only in their exact shape; anything else is an
    // ordinary record (Cedar value.rs, `From<RawCedarValueJson>`).
    if (key == "__extn" && inner.is_object() && inner.size() >= 2 &&
        inner.contains("fn") && inner["fn"].is_string()) {
      std::string fn = inner["fn"].get<std::string>();
      std::string escPath = joinPath(path, "__extn");
      if (inner.contains("arg"))
        return callFunction(fn, &inner["arg"], 1, false, escPath, error);
      if (inner.contains("args") && inner["args"].is_array()) {
        std::vector<Json> args(inner["args"].begin(), inner["args"].end());
        return callFunction(fn, args.data(), args.size(), false, escPath, error);
      }
    }
    if (key == "__expr" && inner.is_string())
      return fail(error, path, "the `__expr` escape is no longer supported");
    if (key == "__entity" && inner.is_object() && inner.size() >= 2 &&
        inner.contains("type") && inner["type"].is_string() &&
        inner.contains("id") && inner["id"].is_string()) {
      auto uid = typeAndId(inner, joinPath(path, "__entity"), error);
      if (!uid)
        return std::nullopt;
      return Value::entity(std::move(*uid));
    }
    std::vector<runtime::RecordEntry> entries;
    for (auto it = j.begin(); it != j.end(); ++it) {
      auto v = parsePlain(it.value(), joinPath(path, it.key()), error);
      if (!v)
        return std::nullopt;
      entries.emplace_back(it.key(), std::move(*v));
    }
    return Value::recordFromEntries(std::move(entries));
  }
  case Json::value_t::binary:
  case Json::value_t::discarded:
    break;
  }
  return fail(error, path, "unsupported JSON value");
}

std::optional<Value> JsonValueParser::parseExtension(const Json &j,
                                                     schema::ExtensionKind kind,
                                                     const std::string &path,
                                                     JsonError &error) const {
  if (j.is_object()) {
    std::string key = singleKey(j);
    if (key == "__expr")
      return fail(error, path, "the `__expr` escape is no longer supported");
    // `{"__extn": {"fn", "arg"|"args"}}` or the same without `__extn`.
    const Json *fa = nullptr;
    std::string faPath = path;
    if (key == "__extn" && j["__extn"].is_object()) {
      fa = &j["__extn"];
      faPath = joinPath(path, "__extn");
    } else if (j.contains("fn")) {
      fa = &j;
    }
    if (fa && (*fa).contains("fn") && (*fa)["fn"].is_string()) {
      std::string fn = (*fa)["fn"].get<std::string>();
      if (fa->contains("arg"))
        return callFunction(fn, &(*fa)["arg"], 1, true, faPath, error);
      if (fa->contains("args") && (*fa)["args"].is_array()) {
        std::vector<Json> args((*fa)["args"].begin(), (*fa)["args"].end());
        return callFunction(fn, args.data(), args.size(), true, faPath, error);
      }
    }
  }
  // The implicit constructor: the JSON is the constructor's argument.
  const runtime::ExtensionFunctionInfo *ctor =
      runtime::getConstructorFor(getValueKind(kind));
  assert(ctor && "every extension type has a constructor");
  return callFunction(ctor->name.str(), &j, 1, true, path, error);
}

std::optional<Value> JsonValueParser::parse(const Json &j,
                                            const schema::Type *expected,
                                            const std::string &path,
                                            JsonError &error) const {
  DepthGuard guard(depth);
  if (guard.tooDeep())
    return fail(error, path, "value nested too deeply");
  if (!expected)
    return parsePlain(j, path, error);
  switch (expected->getKind()) {
  case schema::TypeKind::Bool:
  case schema::TypeKind::Long:
  case schema::TypeKind::String:
    return parsePlain(j, path, error);
  case schema::TypeKind::Entity: {
    auto uid = parseEntityUidJson(j, path, error);
    if (!uid)
      return std::nullopt;
    return Value::entity(std::move(*uid));
  }
  case schema::TypeKind::Extension:
    return parseExtension(j, expected->getExtensionKind(), path, error);
  case schema::TypeKind::Set: {
    if (!j.is_array())
      return fail(error, path,
                  "type mismatch: expected " + expected->str() + ", got " +
                      jsonKindName(j));
    std::vector<Value> elems;
    for (size_t i = 0; i < j.size(); ++i) {
      auto v = parse(j[i], expected->getElement().get(),
                     indexPath(path, i), error);
      if (!v)
        return std::nullopt;
      elems.push_back(std::move(*v));
    }
    return Value::set(std::move(elems));
  }
  case schema::TypeKind::Record: {
    if (!j.is_object())
      return fail(error, path,
                  "type mismatch: expected a record, got " + std::string(jsonKindName(j)));
    std::vector<runtime::RecordEntry> entries;
    for (const schema::Attribute &a : expected->getAttributes()) {
      auto it = j.find(a.name);
      if (it == j.end()) {
        if (a.required)
          return fail(error, path,
                      "required attribute `" + a.name + "` is missing");
        continue;
      }
      auto v = parse(*it, a.type.get(), joinPath(path, a.name), error);
      if (!v)
        return std::nullopt;
      entries.emplace_back(a.name, std::move(*v));
    }
    for (auto it = j.begin(); it != j.end(); ++it)
      if (!expected->getAttribute(it.key()))
        return fail(error, joinPath(path, it.key()),
                    "attribute `" + it.key() + "` is not declared in the schema");
    return Value::recordFromEntries(std::move(entries));
  }
  }
  return parsePlain(j, path, error);
}

bool checkUidAgainstSchema(const EntityUid &uid, const schema::Schema &schema,
                           const std::string &path, JsonError &error) {
  if (const schema::EntityType *et = schema.getEntityType(uid.type))
    if (et->isEnum()) {
      bool found = false;
      for (const std::string &id : *et->enumIds)
        found |= id == uid.id;
      if (!found) {
        error = {path, "entity " + uid.str() +
                           " is not one of the declared values of the enumerated type `" +
                           uid.type + "`"};
        return false;
      }
    }
  if (runtime::isActionType(uid.type) && !schema.getAction(uid.type, uid.id)) {
    error = {path, "action " + uid.str() + " is not declared in the schema"};
    return false;
  }
  return true;
}

namespace {

std::string describe(const Value &v) {
  if (v.is(ValueKind::Entity))
    return "entity of type `" + v.getEntity().type + "`";
  return runtime::getValueKindName(v.getKind()).str();
}

bool mismatch(const Value &v, const schema::Type &type, const std::string &path,
              JsonError &error) {
  error = {path, "type mismatch: value " + v.str() + " of type " + describe(v) +
                     " does not have the declared type " + type.str()};
  return false;
}

/// Every enumerated-entity and action uid inside `v` must be declared.
bool checkUidsIn(const Value &v, const schema::Schema &schema,
                 const std::string &path, JsonError &error) {
  switch (v.getKind()) {
  case ValueKind::Entity:
    return checkUidAgainstSchema(v.getEntity(), schema, path, error);
  case ValueKind::Set:
    for (const Value &e : v.getSet())
      if (!checkUidsIn(e, schema, path, error))
        return false;
    return true;
  case ValueKind::Record:
    for (const runtime::RecordEntry &e : v.getRecord())
      if (!checkUidsIn(e.second, schema, joinPath(path, e.first), error))
        return false;
    return true;
  default:
    return true;
  }
}

bool typecheckShape(const Value &v, const schema::Type &type,
                    const std::string &path, JsonError &error) {
  switch (type.getKind()) {
  case schema::TypeKind::Bool:
    return v.is(ValueKind::Bool) || mismatch(v, type, path, error);
  case schema::TypeKind::Long:
    return v.is(ValueKind::Long) || mismatch(v, type, path, error);
  case schema::TypeKind::String:
    return v.is(ValueKind::String) || mismatch(v, type, path, error);
  case schema::TypeKind::Extension:
    return v.is(getValueKind(type.getExtensionKind())) ||
           mismatch(v, type, path, error);
  case schema::TypeKind::Entity:
    return (v.is(ValueKind::Entity) && v.getEntity().type == type.getEntityName()) ||
           mismatch(v, type, path, error);
  case schema::TypeKind::Set:
    if (!v.is(ValueKind::Set))
      return mismatch(v, type, path, error);
    for (const Value &e : v.getSet())
      if (!typecheckShape(e, *type.getElement(), path, error))
        return false;
    return true;
  case schema::TypeKind::Record:
    if (!v.is(ValueKind::Record))
      return mismatch(v, type, path, error);
    for (const schema::Attribute &a : type.getAttributes()) {
      const Value *f = v.findField(a.name);
      if (!f) {
        if (a.required) {
          error = {path, "required attribute `" + a.name + "` is missing"};
          return false;
        }
        continue;
      }
      if (!typecheckShape(*f, *a.type, joinPath(path, a.name), error))
        return false;
    }
    for (const runtime::RecordEntry &e : v.getRecord())
      if (!type.getAttribute(e.first)) {
        error = {joinPath(path, e.first),
                 "attribute `" + e.first + "` is not declared in the schema"};
        return false;
      }
    return true;
  }
  return true;
}

} // namespace

bool typecheckValue(const Value &v, const schema::Type &type,
                    const schema::Schema &schema, const std::string &path,
                    JsonError &error) {
  return typecheckShape(v, type, path, error) && checkUidsIn(v, schema, path, error);
}

} // namespace larch::json
