// Validation phase: schema lookups for the validator (see schema_index.h).
#include "compiler/validate/schema_index.h"

namespace larch::validate {

SchemaIndex::SchemaIndex(const schema::Schema &schema) : schema(schema) {
  for (const auto &[name, ety] : schema.getEntityTypes()) {
    entityNames.push_back(name);
    shapes[name] = fromSchemaType(*ety.shape);
    if (ety.tags)
      tags[name] = fromSchemaType(*ety.tags);
    for (const std::string &anc : ety.ancestorTypes)
      descendants[anc].insert(name);
  }
  // Cedar relates two action types when some action of the first type has a
  // (transitive) member of the second.
  for (const auto &[uid, action] : schema.getActions())
    for (const schema::ActionUid &group : action.ancestors)
      actionTypeLinks.insert({group.type, uid.type});
}

bool SchemaIndex::isKnownEntityType(llvm::StringRef name) const {
  return isActionTypeName(name) || shapes.count(name);
}

VTypeRef SchemaIndex::getShape(llvm::StringRef entityType) const {
  auto it = shapes.find(entityType);
  return it == shapes.end() ? nullptr : it->second;
}

VTypeRef SchemaIndex::getTagType(llvm::StringRef entityType) const {
  auto it = tags.find(entityType);
  return it == tags.end() ? nullptr : it->second;
}

std::vector<VTypeRef> SchemaIndex::getAllTagTypes() const {
  std::vector<VTypeRef> out;
  for (const auto &[name, t] : tags)
    out.push_back(t);
  return out;
}

std::vector<std::string> SchemaIndex::getEntityTypesIn(llvm::StringRef ety) const {
  std::vector<std::string> out;
  auto it = descendants.find(ety);
  if (it != descendants.end())
    out.assign(it->second.begin(), it->second.end());
  out.push_back(ety.str());
  return out;
}

bool SchemaIndex::mayBeIn(llvm::StringRef lhs, llvm::StringRef rhs) const {
  if (lhs == rhs)
    return true;
  auto it = descendants.find(rhs);
  if (it != descendants.end() && it->second.count(lhs.str()))
    return true;
  return actionTypeLinks.count({rhs.str(), lhs.str()}) != 0;
}

std::optional<std::set<schema::ActionUid>>
SchemaIndex::getActionsInSet(llvm::ArrayRef<schema::ActionUid> groups) const {
  std::set<schema::ActionUid> out;
  for (const schema::ActionUid &g : groups) {
    if (!schema.getAction(g))
      return std::nullopt;
    for (schema::ActionUid &a : schema.getActionsInGroup(g))
      out.insert(std::move(a));
    out.insert(g);
  }
  return out;
}

} // namespace larch::validate
