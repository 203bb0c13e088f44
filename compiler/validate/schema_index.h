// Validation phase: the questions the validator asks of a schema, answered
// from tables built once per schema. Entry point: `SchemaIndex`.
// Depends on compiler/schema and vtype.h only.
#ifndef LARCH_COMPILER_VALIDATE_SCHEMA_INDEX_H
#define LARCH_COMPILER_VALIDATE_SCHEMA_INDEX_H

#include "compiler/schema/schema.h"
#include "compiler/validate/vtype.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace larch::validate {

class SchemaIndex {
public:
  explicit SchemaIndex(const schema::Schema &schema);

  const schema::Schema &getSchema() const { return schema; }

  /// Declared entity types, or names whose last component is `Action`
  /// (Cedar treats every such type as known; its uids are checked as actions).
  bool isKnownEntityType(llvm::StringRef name) const;
  /// Declared (non-action) entity type names, sorted.
  const std::vector<std::string> &getEntityTypeNames() const { return entityNames; }

  /// The attributes of an entity type as a closed record; null for action
  /// types and undeclared names (no attributes).
  VTypeRef getShape(llvm::StringRef entityType) const;
  /// The tag type of an entity type, or null.
  VTypeRef getTagType(llvm::StringRef entityType) const;
  /// Tag types of every declared entity type that has tags.
  std::vector<VTypeRef> getAllTagTypes() const;

  /// `ety` and every entity type that may be a (transitive) member of it.
  std::vector<std::string> getEntityTypesIn(llvm::StringRef ety) const;
  /// True if an entity of type `lhs` may be `in` an entity of type `rhs`
  /// (same type, declared membership, or actions of those types related).
  bool mayBeIn(llvm::StringRef lhs, llvm::StringRef rhs) const;

  /// Every action that is in one of `groups` (each group included); nothing
  /// if some group is not a declared action.
  std::optional<std::set<schema::ActionUid>>
  getActionsInSet(llvm::ArrayRef<schema::ActionUid> groups) const;

private:
  const schema::Schema &schema;
  std::vector<std::string> entityNames;
  std::map<std::string, VTypeRef, std::less<>> shapes;
  std::map<std::string, VTypeRef, std::less<>> tags;
  /// entity type -> types that may be its descendants (not itself)
  std::map<std::string, std::set<std::string>, std::less<>> descendants;
  /// action-type pairs (group type, member type) that some declaration relates
  std::set<std::pair<std::string, std::string>> actionTypeLinks;
};

} // namespace larch::validate

#endif // LARCH_COMPILER_VALIDATE_SCHEMA_INDEX_H
