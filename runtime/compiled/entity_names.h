//===- runtime/compiled/entity_names.h - Entity uids to ids ------*- C++ -*-===//
//
// Phase: runtime (compiled evaluation data).
// Entry point: EntityNameTable.
//
// The (type, id) -> entity map of a SymbolTable, looked up for every entity
// a request names while it is prepared. With thousands of entities the
// table is cold by then, and a general hash map costs two cache misses per
// name: its bucket, then the stored id's bytes to compare. Here a slot
// holds the key's hash and, for ids of up to 16 bytes (most: `agent-1559`,
// `team-59-h3`), the bytes themselves, so a name found costs one miss; a
// longer id is compared with the symbol table's copy.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_ENTITY_NAMES_H
#define LARCH_RUNTIME_COMPILED_ENTITY_NAMES_H

#include "llvm/ADT/StringRef.h"
#include "support/huge_page_allocator.h"

#include <cstdint>
#include <vector>

namespace larch::rt {

class EntityNameTable {
public:
  /// The entity named (type, id) with `hash`, or UINT32_MAX.
  uint32_t find(uint32_t type, llvm::StringRef id, uint32_t hash) const;
  /// Files entity `e`, named (type, id) with `hash`, which find() does not
  /// know yet. An id longer than InlineBytes is kept by reference: its
  /// bytes must outlive the table (a SymbolTable's saved copy).
  void insert(uint32_t type, llvm::StringRef id, uint32_t hash, uint32_t e);
  size_t size() const { return count; }
  size_t getMemorySize() const { return slots.capacity() * sizeof(Slot); }

private:
  static constexpr unsigned InlineBytes = 16;
  static constexpr uint32_t Empty = UINT32_MAX;
  /// Half a cache line: the key's hash and type, and its id's bytes (or,
  /// when longer than InlineBytes, where they are).
  struct Slot {
    uint32_t entity = Empty;
    uint32_t type = 0;
    uint32_t hash = 0;
    uint32_t length = 0;
    union {
      char bytes[InlineBytes];
      const char *longId;
    };
    Slot() : bytes{} {}
  };
  static_assert(sizeof(Slot) == 32, "two slots a cache line");
  static bool holds(const Slot &s, uint32_t type, llvm::StringRef id, uint32_t hash);
  void place(const Slot &s);

  HugePageVector<Slot> slots; // a power of two, at most half full
  size_t count = 0;
};

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_ENTITY_NAMES_H
