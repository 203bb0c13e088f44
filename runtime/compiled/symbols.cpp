// SymbolTable (see symbols.h).
#include "runtime/compiled/symbols.h"

#include "runtime/value.h"

#include "llvm/ADT/SmallString.h"

namespace larch::rt {

uint32_t SymbolTable::intern(llvm::StringMap<uint32_t> &ids,
                             std::vector<std::string> &names, llvm::StringRef s) {
  auto [it, inserted] = ids.try_emplace(s, static_cast<uint32_t>(names.size()));
  if (inserted)
    names.push_back(s.str());
  return it->second;
}

std::string SymbolTable::entityKey(uint32_t type, llvm::StringRef id) {
  std::string key(reinterpret_cast<const char *>(&type), sizeof type);
  key.append(id.data(), id.size());
  return key;
}

uint32_t SymbolTable::internEntity(uint32_t type, llvm::StringRef id) {
  auto [it, inserted] =
      entityIds.try_emplace(entityKey(type, id), static_cast<uint32_t>(entities.size()));
  if (inserted)
    entities.push_back(EntityName{type, id.str()});
  return it->second;
}

uint32_t SymbolTable::lookupEntity(uint32_t type, llvm::StringRef id) const {
  // On the stack: a lookup happens for every entity a request names, and
  // must not allocate for ids of ordinary length.
  llvm::SmallString<64> key(llvm::StringRef(reinterpret_cast<const char *>(&type), sizeof type));
  key += id;
  return lookup(entityIds, key);
}

std::string SymbolTable::getEntityText(uint32_t e) const {
  return types[entities[e].type] + "::" + runtime::quoteCedarString(entities[e].id);
}

size_t SymbolTable::getMemoryUsage() const {
  size_t bytes = 0;
  for (const std::string &s : attrs)
    bytes += sizeof(std::string) + s.capacity() + 24 + s.size();
  for (const std::string &s : types)
    bytes += sizeof(std::string) + s.capacity() + 24 + s.size();
  for (const EntityName &e : entities)
    bytes += sizeof(EntityName) + e.id.capacity() + 24 + e.id.size() + 4;
  return bytes;
}

} // namespace larch::rt
