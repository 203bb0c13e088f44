//===- runtime/compiled/flat_store.h - Interned, flat entities -----*- C++ -*-===//
//
// Phase: runtime (compiled evaluation data).
// Entry points: FlatStore::build, and the per-entity accessors the VM and the
// decision index read.
// Depends on runtime/entity_store.h (what it is built from) and the compiled
// value types; never on grammar/ or compiler/.
//
// The loaded entities (runtime::EntityStore, ancestors already closed) turned
// into arrays indexed by dense entity id: type, attributes as Fields sorted by
// attribute id, tags sorted by key bytes, ancestors as a sorted id array. The
// symbol space starts as a copy of the Program's (so the Program's ids hold)
// and appends the store's names. Every id of the symbol table has an entry;
// entities that were only named (by a policy, or as a parent) have
// hasRecord() false and no attributes.
//
// Immutable after build; shared by any number of threads.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_FLAT_STORE_H
#define LARCH_RUNTIME_COMPILED_FLAT_STORE_H

#include "runtime/compiled/arena.h"
#include "runtime/compiled/decision_index.h"
#include "runtime/compiled/symbols.h"
#include "runtime/compiled/val.h"
#include "runtime/entity_store.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace larch::rt {

/// An entity tag: key (a String Val) and value.
struct Tag {
  Val key;
  Val value;
};

namespace detail {

/// Where a value conversion interns the names it meets: record keys as
/// attribute ids, entity references as entity ids. Implemented over the
/// store's symbol table while building and over a PreparedRequest while
/// preparing, so one converter serves both.
class ValueNames {
public:
  virtual ~ValueNames() = default;
  virtual uint32_t internAttr(llvm::StringRef name) = 0;
  virtual uint32_t internEntity(llvm::StringRef type, llvm::StringRef id) = 0;
};

/// `v` as a Val whose payload (strings, set elements, record fields,
/// ipaddrs) is allocated in `arena`; sets and records are made canonical.
Val convertValue(const runtime::Value &v, ValueNames &names, Arena &arena);

} // namespace detail

class FlatStore {
public:
  /// Builds the flat form of `entities` in a symbol space extending `base`.
  /// Only `entities`' own map is read (a layer's base is not): pass the
  /// shared store. Fails (with a message) only on limits (more than 2^32-2
  /// names, or more attributes, tags or ancestor links than 2^32-2).
  static std::unique_ptr<FlatStore> build(const SymbolTable &base,
                                          const runtime::EntityStore &entities,
                                          std::string &error);

  const SymbolTable &getSymbols() const { return symbols; }
  uint32_t getNumEntities() const { return static_cast<uint32_t>(records.size()); }

  uint32_t getType(uint32_t e) const { return records[e].type; }
  bool hasRecord(uint32_t e) const { return records[e].hasRecord; }
  llvm::ArrayRef<Field> getAttrs(uint32_t e) const {
    const Record &r = records[e];
    return llvm::ArrayRef<Field>(fields).slice(r.attrsFirst, r.attrsCount);
  }
  llvm::ArrayRef<Tag> getTags(uint32_t e) const {
    const Record &r = records[e];
    return llvm::ArrayRef<Tag>(tags).slice(r.tagsFirst, r.tagsCount);
  }
  /// Proper ancestors, sorted by id.
  llvm::ArrayRef<uint32_t> getAncestors(uint32_t e) const {
    const Record &r = records[e];
    return llvm::ArrayRef<uint32_t>(ancestors).slice(r.ancFirst, r.ancCount);
  }
  /// A cache hint (no effect on results) for a caller that knows an entity
  /// well before reading it: its record.
  void prefetchRecord(uint32_t e) const {
    if (e < records.size())
      __builtin_prefetch(&records[e]);
  }

  /// Store entities that have `e` as an ancestor, sorted; only kept for
  /// entities without a record (so a request may supply their record and
  /// parents, which then extends these descendants' ancestors).
  llvm::ArrayRef<uint32_t> getDescendantsOfUnrecorded(uint32_t e) const;

  /// The decision index specialised to this store's actions and the
  /// policies the store was built for (DecisionIndex::buildForActions), or
  /// null. Set once, before the store is shared.
  const DecisionIndex *getActionIndex() const { return actionIndex.get(); }
  void setActionIndex(std::unique_ptr<DecisionIndex> index) { actionIndex = std::move(index); }

  /// Bytes held by the arrays and arena (for memory reports).
  size_t getMemoryUsage() const;

private:
  struct Record {
    uint32_t type = 0;
    bool hasRecord = false;
    uint32_t attrsFirst = 0, attrsCount = 0;
    uint32_t tagsFirst = 0, tagsCount = 0;
    uint32_t ancFirst = 0, ancCount = 0;
  };

  SymbolTable symbols;
  HugePageVector<Record> records;
  HugePageVector<Field> fields;
  std::vector<Tag> tags;
  HugePageVector<uint32_t> ancestors;
  llvm::DenseMap<uint32_t, std::vector<uint32_t>> descendantsOfUnrecorded;
  Arena arena; // payloads of attribute and tag values
  std::unique_ptr<DecisionIndex> actionIndex;
};

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_FLAT_STORE_H
