// EntityNameTable (see entity_names.h): open addressing, linear probing.
#include "runtime/compiled/entity_names.h"

#include "support/same_bytes.h"

#include <cstring>

namespace larch::rt {

bool EntityNameTable::holds(const Slot &s, uint32_t type, llvm::StringRef id, uint32_t hash) {
  if (s.hash != hash || s.type != type || s.length != id.size())
    return false;
  const char *stored = id.size() <= InlineBytes ? s.bytes : s.longId;
  return sameBytes(stored, id.data(), id.size());
}

uint32_t EntityNameTable::find(uint32_t type, llvm::StringRef id, uint32_t hash) const {
  if (slots.empty())
    return Empty;
  const size_t mask = slots.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot &s = slots[i];
    if (s.entity == Empty)
      return Empty;
    if (holds(s, type, id, hash))
      return s.entity;
  }
}

void EntityNameTable::place(const Slot &s) {
  const size_t mask = slots.size() - 1;
  size_t i = s.hash & mask;
  while (slots[i].entity != Empty)
    i = (i + 1) & mask;
  slots[i] = s;
}

void EntityNameTable::insert(uint32_t type, llvm::StringRef id, uint32_t hash, uint32_t e) {
  if ((count + 1) * 2 > slots.size()) {
    HugePageVector<Slot> old = std::move(slots);
    slots.assign(old.empty() ? 16 : old.size() * 2, Slot());
    for (const Slot &s : old)
      if (s.entity != Empty)
        place(s);
  }
  Slot s;
  s.entity = e;
  s.type = type;
  s.hash = hash;
  s.length = static_cast<uint32_t>(id.size());
  if (id.size() <= InlineBytes)
    std::memcpy(s.bytes, id.data(), id.size());
  else
    s.longId = id.data();
  place(s);
  ++count;
}

} // namespace larch::rt
