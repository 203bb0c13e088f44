// Edge (JSON -> runtime values): Cedar's JSON value syntax, with and without
// a schema. Entry points: parseJsonText, JsonValueParser, parseEntityUidJson,
// typecheckValue. Depends on nlohmann::json, runtime/value.h,
// runtime/extension_functions.h and compiler/schema/schema.h. The runtime
// never includes this file: JSON stays at the edge.
//
// Semantics follow cedar-policy-core src/entities/json/value.rs:
// - without an expected type: string, integer (64-bit), bool, array (set),
//   object (record); `{"__entity": {"type", "id"}}` is an entity reference;
//   `{"__extn": {"fn", "arg"}}` or `{"__extn": {"fn", "args": [..]}}` calls an
//   extension function; `{"__expr": ..}` (removed from Cedar), null and
//   non-integer numbers are errors;
// - with a schema type ("schema-based parsing"): an entity may be written
//   `{"type", "id"}`, an extension value as its constructor's argument
//   (`"10.0.0.1"` for an ipaddr) or `{"fn", "arg"}`; records are closed
//   (required attributes enforced, unknown ones rejected); sets parse their
//   elements with the element type. Bool, Long and String are parsed
//   ordinarily and only checked by typecheckValue.
#ifndef LARCH_COMPILER_JSON_JSON_VALUE_H
#define LARCH_COMPILER_JSON_JSON_VALUE_H

#include "compiler/schema/schema.h"
#include "runtime/value.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace larch::json {

using Json = nlohmann::json;

/// A problem in JSON input: where (a field path such as
/// `attrs.address.city` or `context.ip`) and what.
struct JsonError {
  std::string path;
  std::string message;

  /// `path: message`, or just the message when there is no path.
  std::string str() const;
};

/// Parses JSON text, rejecting duplicate object keys anywhere (which the JSON
/// library would otherwise silently merge). Never throws.
std::optional<Json> parseJsonText(llvm::StringRef text, JsonError &error);

/// True if `name` is a normalized Cedar name: identifiers joined by `::`, no
/// spaces, no reserved identifier (`NS::User`, not `NS :: User`).
bool isNormalizedName(llvm::StringRef name);

/// An entity uid written `{"type": "T", "id": "i"}` or
/// `{"__entity": {"type": "T", "id": "i"}}`.
std::optional<runtime::EntityUid> parseEntityUidJson(const Json &j,
                                                     const std::string &path,
                                                     JsonError &error);

/// Converts JSON values to runtime values (see the file comment).
class JsonValueParser {
public:
  /// `schema` may be null.
  explicit JsonValueParser(const schema::Schema *schema) : schema(schema) {}

  /// Parses `j`; `expected` (may be null) is the schema type at this place.
  std::optional<runtime::Value> parse(const Json &j, const schema::Type *expected,
                                      const std::string &path,
                                      JsonError &error) const;

private:
  std::optional<runtime::Value> parsePlain(const Json &j, const std::string &path,
                                           JsonError &error) const;
  std::optional<runtime::Value>
  parseExtension(const Json &j, schema::ExtensionKind kind,
                 const std::string &path, JsonError &error) const;
  std::optional<runtime::Value> callFunction(const std::string &fn,
                                             const Json *args, size_t numArgs,
                                             bool typedArgs,
                                             const std::string &path,
                                             JsonError &error) const;

  const schema::Schema *schema;
  /// Current nesting, for the depth limit (a parser is used by one thread).
  mutable unsigned depth = 0;
};

/// Checks that `v` has schema type `type` (Cedar's entity conformance check):
/// kinds match, set elements and record attributes recursively, required
/// attributes present, no undeclared attributes, entity types equal, and
/// every entity of an enumerated type or action type mentioned is declared.
bool typecheckValue(const runtime::Value &v, const schema::Type &type,
                    const schema::Schema &schema, const std::string &path,
                    JsonError &error);

/// Checks that a uid is allowed by the schema: an enumerated entity type's id
/// must be one of its choices, and an action must be declared.
bool checkUidAgainstSchema(const runtime::EntityUid &uid,
                           const schema::Schema &schema,
                           const std::string &path, JsonError &error);

/// The runtime value kind of a schema extension type.
runtime::ValueKind getValueKind(schema::ExtensionKind kind);

/// A field path extended by a key: `a` + `b` = `a.b` (keys that are not
/// identifiers are quoted: `a["x y"]`).
std::string joinPath(const std::string &path, llvm::StringRef key);
/// A field path extended by an array index: `a[3]`.
std::string indexPath(const std::string &path, size_t index);

} // namespace larch::json

#endif // LARCH_COMPILER_JSON_JSON_VALUE_H
