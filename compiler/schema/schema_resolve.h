// Schema: the syntax-neutral schema fragment both parsers produce, and name
// resolution that turns it into a `Schema`. Entry point: `resolveSchema`.
// Depends on schema.h and support/ diagnostics; knows nothing about either
// concrete syntax.
//
// Resolution follows Cedar (validator/schema.rs, schema/raw_name.rs, RFC 24,
// RFC 52, RFC 70): an unqualified reference `N` inside namespace `NS` means
// `NS::N` if that is declared, else `N` in the empty namespace; at each of
// those two candidates a common type wins over an entity type; the built-in
// `Bool`, `Long`, `String` and extension types are common types of the
// `__cedar` namespace, aliased into the empty namespace unless the user
// declares those names there.
#ifndef LARCH_COMPILER_SCHEMA_SCHEMA_RESOLVE_H
#define LARCH_COMPILER_SCHEMA_SCHEMA_RESOLVE_H

#include "compiler/schema/schema.h"
#include "support/diagnostic_engine.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace larch::schema {

/// What a written type name may refer to.
enum class RefKind {
  Common,         ///< JSON `{"type": "Name"}`, Cedar-syntax `context: Name`
  Entity,         ///< JSON `{"type": "Entity"}`, parents, appliesTo lists
  CommonOrEntity, ///< Cedar-syntax type names, JSON `EntityOrCommon`
};

/// A name as written (`User`, `NS::User`, `__cedar::String`).
struct RawName {
  std::string text;
  SourceRange loc;
};

struct RawAttribute;

/// A type as written, before resolution.
struct RawType {
  enum class Kind { Bool, Long, String, Set, Record, Extension, Ref };
  Kind kind = Kind::Record;
  std::shared_ptr<RawType> element;  ///< Set
  std::vector<RawAttribute> attrs;   ///< Record, in source order
  bool additionalAttributes = false; ///< Record (JSON only)
  RawName name;                      ///< Ref: the name; Extension: its name
  RefKind refKind = RefKind::CommonOrEntity; ///< Ref
  SourceRange loc;
};

struct RawAttribute {
  std::string name;
  RawType type;
  bool required = true;
  Annotations annotations;
  SourceRange loc;
};

struct RawEntityDecl {
  RawName name; ///< a single identifier
  std::vector<RawName> memberOfTypes;
  std::optional<RawType> shape; ///< none: empty record
  std::optional<RawType> tags;
  std::optional<std::vector<std::string>> enumIds;
  Annotations annotations;
};

/// A reference to an action: `"id"` or `Type::"id"` (type defaults to Action).
struct RawActionRef {
  std::optional<RawName> type;
  std::string id;
  SourceRange loc;
};

struct RawActionDecl {
  RawName name; ///< the action id (any string)
  std::vector<RawActionRef> memberOf;
  std::vector<RawName> principalTypes;
  std::vector<RawName> resourceTypes;
  std::optional<RawType> context; ///< none: empty record
  Annotations annotations;
};

struct RawCommonTypeDecl {
  RawName name;
  RawType type;
  Annotations annotations;
};

struct RawNamespace {
  std::string name; ///< "" for the empty namespace
  SourceRange loc;  ///< the name (or the first declaration)
  Annotations annotations;
  std::vector<RawEntityDecl> entityTypes;
  std::vector<RawActionDecl> actions;
  std::vector<RawCommonTypeDecl> commonTypes;
};

/// A whole schema as parsed, namespaces in source order. Each parser has
/// already rejected duplicate namespaces and duplicate declarations within a
/// namespace, as Cedar does at that stage.
struct RawSchema {
  std::vector<RawNamespace> namespaces;
};

/// Resolves names, inlines common types, checks what Cedar checks when it
/// builds a schema, and computes the entity-type and action hierarchies.
/// Returns nothing if any error was reported.
std::optional<Schema> resolveSchema(const RawSchema &raw,
                                    DiagnosticEngine &diags);

// ---- name helpers shared by the parsers ----

/// The reserved identifiers of Cedar (`true`, `in`, `like`, ...), which may be
/// no name component (`__cedar` is not among them: it is allowed in
/// references and rejected in declarations separately).
bool isReservedIdentifier(llvm::StringRef id);
/// `[_a-zA-Z][_a-zA-Z0-9]*`
bool isIdentifier(llvm::StringRef id);
/// Names no common type may have: Bool Boolean Entity Extension Long Record
/// Set String.
bool isReservedCommonTypeName(llvm::StringRef id);
/// True if some `::`-separated component of `name` is `__cedar`.
bool usesCedarNamespace(llvm::StringRef name);

} // namespace larch::schema

#endif // LARCH_COMPILER_SCHEMA_SCHEMA_RESOLVE_H
