//===- runtime/compiled/symbols.h - Interned names -----------------*- C++ -*-===//
//
// Phase: runtime (compiled evaluation data).
// Entry point: SymbolTable.
// Depends on LLVM ADT only.
//
// Dense ids for attribute (and record key) names, entity type names and
// entity uids. A Program owns the table of the names its policies use; a
// FlatStore copies it and appends the names of its entities, so a Program's
// ids stay valid in every store built for it; a PreparedRequest appends
// names seen only in one request beyond the store's (see prepared_request.h).
// Lookups hash strings, so they happen while loading or preparing a request,
// never while deciding.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_SYMBOLS_H
#define LARCH_RUNTIME_COMPILED_SYMBOLS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Allocator.h"
#include "llvm/ADT/StringRef.h"
#include "runtime/compiled/entity_names.h"
#include "support/same_bytes.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace larch::rt {

/// "No such symbol".
inline constexpr uint32_t NoSymbol = UINT32_MAX;

/// DenseMap traits for names: llvm::hash_value's short-string hash (with its
/// per-process seed) was a tenth of decoding a request; names are short, so
/// a multiply-xor over 8-byte words is enough (the table still compares the
/// bytes of every candidate key).
struct NameKeyInfo {
  static llvm::StringRef getEmptyKey() { return llvm::DenseMapInfo<llvm::StringRef>::getEmptyKey(); }
  static llvm::StringRef getTombstoneKey() {
    return llvm::DenseMapInfo<llvm::StringRef>::getTombstoneKey();
  }
  static unsigned getHashValue(llvm::StringRef s) { return hashName(s, 0); }
  static bool isEqual(llvm::StringRef a, llvm::StringRef b) {
    // As DenseMapInfo<StringRef>::isEqual (the bucket's key `b` may be a
    // marker, told by its pointer), with short names compared inline.
    if (a.size() != b.size())
      return false;
    if (b.data() == getEmptyKey().data() || b.data() == getTombstoneKey().data())
      return a.data() == b.data();
    return sameBytes(a.data(), b.data(), a.size());
  }
  static unsigned hashName(llvm::StringRef s, uint64_t seed) {
    uint64_t h = (seed + s.size()) * 0x9E3779B97F4A7C15ULL;
    const char *p = s.data();
    size_t n = s.size();
    // Each word is mixed on its own before it is folded in (multiply,
    // xor-shift, multiply): folded in raw, a difference in a word's high
    // bytes reached few bits, and the tail could cancel it (`team-1030-h1`
    // and `team-1040-h0` had one hash).
    constexpr uint64_t M = 0xc6a4a7935bd1e995ULL;
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      w *= M;
      w ^= w >> 47;
      w *= M;
      h = (h ^ w) * M;
    }
    // The last 0-7 bytes in at most two loads (they overlap; every byte is
    // read, and the length is in the seed); a loop over them was a third of
    // the hash.
    uint64_t tail = 0;
    if (n >= 4) {
      uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      tail = lo | uint64_t(hi) << 32;
    } else if (n > 0) {
      auto byte = [&](size_t k) { return uint64_t(static_cast<unsigned char>(p[k])); };
      tail = byte(0) | byte(n >> 1) << 8 | byte(n - 1) << 16;
    }
    // A full 64-bit finaliser (xor-shift, multiply, twice): tables index by
    // the low bits, and ids such as `agent-1559` differ in a few bits of
    // their last bytes; one multiply and shift left runs of hundreds of
    // slots in an entity table at 10,000 policies.
    h ^= tail;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return static_cast<unsigned>(h ^ (h >> 33));
  }
};

/// The same for (type id, entity id) keys.
struct EntityKeyInfo {
  using Key = std::pair<uint32_t, llvm::StringRef>;
  static Key getEmptyKey() { return {UINT32_MAX, NameKeyInfo::getEmptyKey()}; }
  static Key getTombstoneKey() { return {UINT32_MAX, NameKeyInfo::getTombstoneKey()}; }
  static unsigned getHashValue(const Key &k) { return NameKeyInfo::hashName(k.second, k.first); }
  static bool isEqual(const Key &a, const Key &b) {
    return a.first == b.first && NameKeyInfo::isEqual(a.second, b.second);
  }
};

class SymbolTable {
public:
  uint32_t internAttr(llvm::StringRef name) { return intern(attrIds, attrs, name); }
  uint32_t internType(llvm::StringRef name) { return intern(typeIds, types, name); }
  uint32_t internEntity(uint32_t type, llvm::StringRef id);

  uint32_t lookupAttr(llvm::StringRef name) const { return lookup(attrIds, name); }
  uint32_t lookupType(llvm::StringRef name) const { return lookup(typeIds, name); }
  uint32_t lookupEntity(uint32_t type, llvm::StringRef id) const;

  llvm::StringRef getAttr(uint32_t a) const { return attrs[a]; }
  llvm::StringRef getType(uint32_t t) const { return types[t]; }
  uint32_t getEntityType(uint32_t e) const { return entities[e].type; }
  llvm::StringRef getEntityId(uint32_t e) const { return entities[e].id; }
  /// `Type::"id"` in Cedar's text form.
  std::string getEntityText(uint32_t e) const;

  uint32_t getNumAttrs() const { return static_cast<uint32_t>(attrs.size()); }
  uint32_t getNumTypes() const { return static_cast<uint32_t>(types.size()); }
  uint32_t getNumEntities() const { return static_cast<uint32_t>(entities.size()); }

  /// Bytes held (for memory reports).
  size_t getMemoryUsage() const;

  SymbolTable() = default;
  /// A copy interns the same names in the same order (same ids).
  SymbolTable(const SymbolTable &other);
  SymbolTable &operator=(const SymbolTable &other);
  SymbolTable(SymbolTable &&) = default;
  SymbolTable &operator=(SymbolTable &&) = default;

private:
  struct EntityName {
    uint32_t type;
    llvm::StringRef id;
  };
  /// Names in open addressing (NameKeyInfo); the bytes live in `bytes`, so
  /// the keys never move.
  using NameMap = llvm::DenseMap<llvm::StringRef, uint32_t, NameKeyInfo>;
  uint32_t intern(NameMap &ids, std::vector<llvm::StringRef> &names, llvm::StringRef s);
  static uint32_t lookup(const NameMap &ids, llvm::StringRef s) {
    auto it = ids.find(s);
    return it == ids.end() ? NoSymbol : it->second;
  }
  llvm::StringRef save(llvm::StringRef s);
  void copyFrom(const SymbolTable &other);

  llvm::BumpPtrAllocator bytes;
  std::vector<llvm::StringRef> attrs, types;
  std::vector<EntityName> entities;
  NameMap attrIds, typeIds;
  EntityNameTable entityIds;
};

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_SYMBOLS_H
