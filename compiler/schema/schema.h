// Schema: the in-memory model of a Cedar schema after name resolution, shared
// by both schema formats (Cedar syntax and JSON). Entry point: `Schema`, built
// by `resolveSchema` (schema_resolve.h) from what either parser produced.
// Depends on support/ (SourceRange) and LLVM ADT only; never on the grammar.
//
// Every name in this model is fully qualified (`NS::User`, `NS::Action`) and
// every common type is inlined, so a consumer never resolves names again.
// Ordering: record attributes, annotations, entity types, actions and common
// types are kept sorted by name (byte order), as Cedar's own maps are, so two
// schemas meaning the same thing compare equal whatever their source order.
#ifndef LARCH_COMPILER_SCHEMA_SCHEMA_H
#define LARCH_COMPILER_SCHEMA_SCHEMA_H

#include "larch/diagnostic.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace larch::schema {

/// Annotations on a namespace, declaration or attribute: key -> value.
/// `@key` without a value has the value "" (as in Cedar).
using Annotations = std::map<std::string, std::string>;

/// The extension types of Cedar 4.x.
enum class ExtensionKind { Decimal, IpAddr, Datetime, Duration };

/// The name Cedar uses for an extension type (`decimal`, `ipaddr`, ...).
llvm::StringRef getExtensionName(ExtensionKind kind);
/// The extension type called `name`, if there is one.
std::optional<ExtensionKind> lookupExtension(llvm::StringRef name);

enum class TypeKind { Bool, Long, String, Set, Record, Entity, Extension };

class Type;
/// Types are immutable once built and shared between their users (a common
/// type used twice is one object).
using TypeRef = std::shared_ptr<const Type>;

/// One attribute of a record type.
struct Attribute {
  std::string name;
  TypeRef type;
  bool required = true;
  Annotations annotations;
  SourceRange loc; ///< the declaration `name?: Type` (not part of `==`)

  friend bool operator==(const Attribute &a, const Attribute &b);
};

/// A resolved schema type. Records keep their attributes sorted by name.
class Type {
public:
  static TypeRef getBool();
  static TypeRef getLong();
  static TypeRef getString();
  static TypeRef getSet(TypeRef element);
  /// `attrs` need not be sorted; duplicates must have been removed.
  static TypeRef getRecord(std::vector<Attribute> attrs);
  static TypeRef getEntity(std::string qualifiedName);
  static TypeRef getExtension(ExtensionKind kind);

  TypeKind getKind() const { return kind; }
  bool isRecord() const { return kind == TypeKind::Record; }
  /// Set element type (Set only).
  const TypeRef &getElement() const { return element; }
  /// Attributes sorted by name (Record only).
  llvm::ArrayRef<Attribute> getAttributes() const { return attrs; }
  /// The attribute called `name`, or null (Record only).
  const Attribute *getAttribute(llvm::StringRef name) const;
  /// Fully qualified entity type name (Entity only).
  llvm::StringRef getEntityName() const { return name; }
  /// Extension kind (Extension only).
  ExtensionKind getExtensionKind() const { return extension; }

  /// Cedar-syntax rendering: `Long`, `Set<NS::User>`, `{"a"?: String}`.
  std::string str() const;

  /// Structural equality; source locations are ignored.
  friend bool operator==(const Type &a, const Type &b);

private:
  explicit Type(TypeKind kind) : kind(kind) {}
  TypeKind kind;
  ExtensionKind extension = ExtensionKind::Decimal;
  TypeRef element;
  std::vector<Attribute> attrs;
  std::string name;
};

/// Compares two possibly-null type references structurally.
bool typesEqual(const TypeRef &a, const TypeRef &b);

/// The uid of an action: fully qualified type (`NS::Action`) and id.
struct ActionUid {
  std::string type;
  std::string id;

  /// `NS::Action::"id"`, the id escaped as in Cedar.
  std::string str() const;
  friend bool operator==(const ActionUid &, const ActionUid &) = default;
  friend auto operator<=>(const ActionUid &, const ActionUid &) = default;
};

/// An entity type declaration.
struct EntityType {
  std::string name; ///< fully qualified
  /// Direct parent types as declared (`in [...]`), sorted and unique.
  std::vector<std::string> memberOfTypes;
  /// Every type an entity of this type may be a descendant of (transitive
  /// closure of `memberOfTypes`), sorted; excludes the type itself unless the
  /// hierarchy is cyclic (Cedar allows cycles among entity types).
  std::vector<std::string> ancestorTypes;
  TypeRef shape;               ///< always a Record (empty if none declared)
  TypeRef tags;                ///< null when the type has no tags
  std::optional<std::vector<std::string>> enumIds; ///< enum entity ids, in order
  Annotations annotations;
  SourceRange loc; ///< the declared name

  bool isEnum() const { return enumIds.has_value(); }
  friend bool operator==(const EntityType &a, const EntityType &b);
};

/// An action declaration.
struct Action {
  ActionUid uid;
  std::vector<ActionUid> memberOf;  ///< direct parent groups, sorted, unique
  std::vector<ActionUid> ancestors; ///< transitive closure of memberOf, sorted
  std::vector<std::string> principalTypes; ///< sorted, unique
  std::vector<std::string> resourceTypes;  ///< sorted, unique
  TypeRef context;                         ///< always a Record
  Annotations annotations;
  SourceRange loc; ///< the declared name

  friend bool operator==(const Action &a, const Action &b);
};

/// A user-declared common type (`type Name = T;`), already inlined everywhere.
struct CommonType {
  std::string name; ///< fully qualified
  TypeRef type;
  Annotations annotations;
  SourceRange loc;

  friend bool operator==(const CommonType &a, const CommonType &b);
};

/// A namespace as declared ("" is the empty namespace).
struct Namespace {
  std::string name;
  Annotations annotations;
  SourceRange loc;

  friend bool operator==(const Namespace &a, const Namespace &b) {
    return a.name == b.name && a.annotations == b.annotations;
  }
};

/// A resolved, valid schema. Built only by `resolveSchema`; read-only after.
class Schema {
public:
  const std::map<std::string, Namespace> &getNamespaces() const {
    return namespaces;
  }
  const std::map<std::string, EntityType> &getEntityTypes() const {
    return entityTypes;
  }
  const std::map<ActionUid, Action> &getActions() const { return actions; }
  const std::map<std::string, CommonType> &getCommonTypes() const {
    return commonTypes;
  }

  /// The entity type with this fully qualified name, or null. Action types
  /// (`NS::Action`) are not entity types here.
  const EntityType *getEntityType(llvm::StringRef name) const;
  /// True if `name` is a declared entity type or the type of some action.
  bool isKnownEntityType(llvm::StringRef name) const;
  /// True if some action has the type `name` (for example `NS::Action`).
  bool isActionType(llvm::StringRef name) const;
  const Action *getAction(const ActionUid &uid) const;
  const Action *getAction(llvm::StringRef type, llvm::StringRef id) const {
    return getAction(ActionUid{type.str(), id.str()});
  }
  const CommonType *getCommonType(llvm::StringRef name) const;

  /// The declared type of attribute `attr` of entities of type `entityType`,
  /// or null if the type or the attribute is not declared.
  const Attribute *getAttributeType(llvm::StringRef entityType,
                                    llvm::StringRef attr) const;
  /// The tag type of `entityType`, or null (no such type, or no tags).
  const Type *getTagType(llvm::StringRef entityType) const;
  /// The context record type of an action, or null if it is not declared.
  const Type *getContextType(const ActionUid &action) const;

  /// True if an entity of type `child` may have a parent of type `parent`
  /// (directly, per `memberOfTypes`).
  bool mayBeMemberOf(llvm::StringRef child, llvm::StringRef parent) const;
  /// True if `action` is `group` or a (transitive) member of it.
  bool isActionInGroup(const ActionUid &action, const ActionUid &group) const;
  /// Every action that is `group` or a transitive member of it, sorted.
  std::vector<ActionUid> getActionsInGroup(const ActionUid &group) const;

  /// Structural equality (declarations, types, annotations; no locations).
  friend bool operator==(const Schema &a, const Schema &b);

  /// A deterministic Cedar-like listing of the whole model, for tests and
  /// `--dump` output.
  std::string dump() const;

private:
  friend class SchemaBuilder;
  std::map<std::string, Namespace> namespaces;
  std::map<std::string, EntityType> entityTypes;
  std::map<ActionUid, Action> actions;
  std::map<std::string, CommonType> commonTypes;
  std::vector<std::string> actionTypes; ///< sorted
};

/// Cedar's quoting of a string in a uid or message: `"a\"b"`.
std::string quoteString(llvm::StringRef text);

} // namespace larch::schema

#endif // LARCH_COMPILER_SCHEMA_SCHEMA_H
