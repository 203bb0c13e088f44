// SymbolTable (see symbols.h).
#include "runtime/compiled/symbols.h"

#include "runtime/value.h"

#include <cstring>

namespace larch::rt {

llvm::StringRef SymbolTable::save(llvm::StringRef s) {
  if (s.empty())
    return llvm::StringRef("", 0);
  char *p = bytes.Allocate<char>(s.size());
  std::memcpy(p, s.data(), s.size());
  return llvm::StringRef(p, s.size());
}

uint32_t SymbolTable::intern(NameMap &ids, std::vector<llvm::StringRef> &names,
                             llvm::StringRef s) {
  auto it = ids.find(s);
  if (it != ids.end())
    return it->second;
  uint32_t id = static_cast<uint32_t>(names.size());
  names.push_back(save(s));
  ids[names.back()] = id;
  return id;
}

uint32_t SymbolTable::internEntity(uint32_t type, llvm::StringRef id) {
  const uint32_t hash = EntityKeyInfo::getHashValue({type, id});
  uint32_t e = entityIds.find(type, id, hash);
  if (e != NoSymbol)
    return e;
  e = static_cast<uint32_t>(entities.size());
  entities.push_back(EntityName{type, save(id)});
  entityIds.insert(type, entities.back().id, hash, e);
  return e;
}

// EntityNameTable::find answers UINT32_MAX for a name it does not know.
static_assert(NoSymbol == UINT32_MAX, "the entity table's not-found is NoSymbol");

uint32_t SymbolTable::lookupEntity(uint32_t type, llvm::StringRef id) const {
  return entityIds.find(type, id, EntityKeyInfo::getHashValue({type, id}));
}

void SymbolTable::copyFrom(const SymbolTable &other) {
  for (llvm::StringRef a : other.attrs)
    internAttr(a);
  for (llvm::StringRef t : other.types)
    internType(t);
  for (const EntityName &e : other.entities)
    internEntity(e.type, e.id);
}

SymbolTable::SymbolTable(const SymbolTable &other) { copyFrom(other); }

SymbolTable &SymbolTable::operator=(const SymbolTable &other) {
  if (this != &other) {
    *this = SymbolTable();
    copyFrom(other);
  }
  return *this;
}

std::string SymbolTable::getEntityText(uint32_t e) const {
  return types[entities[e].type].str() + "::" + runtime::quoteCedarString(entities[e].id);
}

size_t SymbolTable::getMemoryUsage() const {
  return bytes.getTotalMemory() + (attrs.capacity() + types.capacity()) * sizeof(llvm::StringRef) +
         entities.capacity() * sizeof(EntityName) + attrIds.getMemorySize() +
         typeIds.getMemorySize() + entityIds.getMemorySize();
}

} // namespace larch::rt
