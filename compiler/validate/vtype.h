// Validation phase: the types the validator gives expressions. Entry points:
// `VType` and its factories, `isSubtype`, `leastUpperBound`, `fromSchemaType`.
// Depends on compiler/schema only (never on the grammar).
//
// These are Cedar's validator types (cedar-policy-core validator/types.rs),
// which are finer than schema types: `true` and `false` are types of their
// own (so `false && e` is known to be false without looking at `e`), sets may
// have an unknown element type, records may be open (only as an expectation:
// "any record"), and there is "any entity" for unlinked template slots.
// In strict mode two different entity types have no upper bound, so an
// expression never has a union of entity types.
#ifndef LARCH_COMPILER_VALIDATE_VTYPE_H
#define LARCH_COMPILER_VALIDATE_VTYPE_H

#include "compiler/schema/schema.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace larch::validate {

enum class VKind {
  Never,     ///< no value (the element type of `[]`, the start of a fold)
  True,      ///< the singleton `true`
  False,     ///< the singleton `false`
  Bool,      ///< any boolean
  Long,
  String,
  Set,       ///< element type may be null: a set of anything
  Record,    ///< attributes sorted by name; `open` only for "any record"
  Entity,    ///< exactly one entity type (actions included)
  AnyEntity, ///< some entity of unknown type
  Extension,
};

class VType;
using VTypeRef = std::shared_ptr<const VType>;

struct VAttr {
  std::string name;
  VTypeRef type;
  bool required = true;
};

/// An immutable validator type; compare with `equal`.
class VType {
public:
  static VTypeRef getNever();
  static VTypeRef getTrue();
  static VTypeRef getFalse();
  static VTypeRef getSingleton(bool value) { return value ? getTrue() : getFalse(); }
  static VTypeRef getBool();
  static VTypeRef getLong();
  static VTypeRef getString();
  /// `element` null: a set whose element type is unknown ("any set").
  static VTypeRef getSet(VTypeRef element);
  /// `attrs` need not be sorted; names must be unique.
  static VTypeRef getRecord(std::vector<VAttr> attrs, bool open = false);
  static VTypeRef getAnyRecord() { return getRecord({}, true); }
  static VTypeRef getEntity(std::string name);
  static VTypeRef getAnyEntity();
  static VTypeRef getExtension(schema::ExtensionKind kind);

  VKind getKind() const { return kind; }
  bool isBoolean() const {
    return kind == VKind::True || kind == VKind::False || kind == VKind::Bool;
  }
  const VTypeRef &getElement() const { return element; }
  llvm::ArrayRef<VAttr> getAttributes() const { return attrs; }
  const VAttr *getAttribute(llvm::StringRef name) const;
  bool isOpen() const { return open; }
  llvm::StringRef getEntityName() const { return name; }
  schema::ExtensionKind getExtensionKind() const { return extension; }

  /// Cedar-like rendering for messages: `Long`, `Set<User>`,
  /// `{ a: Long, b?: String }`, `true` and `false` for the singletons.
  std::string str() const;

private:
  explicit VType(VKind kind) : kind(kind) {}
  VKind kind;
  VTypeRef element;
  std::vector<VAttr> attrs;
  bool open = false;
  std::string name;
  schema::ExtensionKind extension = schema::ExtensionKind::Decimal;
};

/// Structural equality.
bool equal(const VType &a, const VType &b);

/// Subtyping. `strict` is Cedar's strict mode (used for upper bounds);
/// expectations ("any entity", "any record") are checked non-strictly, as
/// Cedar does.
bool isSubtype(const VType &a, const VType &b, bool strict);

/// The least upper bound in strict mode, or nothing (no common type).
VTypeRef leastUpperBound(const VTypeRef &a, const VTypeRef &b);

/// True when both are entity types and differ (so `==` is always false).
bool areDisjoint(const VType &a, const VType &b);

/// The validator type of a schema type (records closed).
VTypeRef fromSchemaType(const schema::Type &type);

/// Entity type names are "actions" when their last component is `Action`.
bool isActionTypeName(llvm::StringRef name);

} // namespace larch::validate

#endif // LARCH_COMPILER_VALIDATE_VTYPE_H
