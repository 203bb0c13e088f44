//===- runtime/compiled/val.h - Compact values of the compiled runtime -*- C++ -*-===//
//
// Phase: runtime (compiled evaluation data).
// Entry points: Val (16 bytes, trivially copyable), Field, compareVals,
// equalVals.
// Depends on runtime/extensions only; never on grammar/ or compiler/.
//
// The compiled engine never allocates per decision, so its values are plain
// 16-byte structs whose payloads live elsewhere: in the Program's constant
// arena, the FlatStore's arena, a PreparedRequest's arena or the caller's
// EvalScratch arena. Names are interned: an entity is a dense entity id, a
// record key an attribute id (rt::SymbolTable), so nothing hashes a string
// while deciding.
//
// INVARIANT: a Set's elements are sorted by compareVals and unique; a
// Record's fields are sorted by key id with unique keys. So equality is
// element-wise, as in runtime/value.h. The order is internal (entities by
// id, keys by id) and only meaningful within one symbol space.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_VAL_H
#define LARCH_RUNTIME_COMPILED_VAL_H

#include "runtime/extensions/datetime.h"
#include "runtime/extensions/decimal.h"
#include "runtime/extensions/ipaddr.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <type_traits>

namespace larch::rt {

// ORDER Kind: the same order as runtime::ValueKind (compareVals orders kinds
// by it, as Cedar does).
enum class Kind : uint8_t {
  Bool,
  Long,
  String,
  Entity,
  Set,
  Record,
  Decimal,
  IpAddr,
  Datetime,
  Duration,
};

struct Field;

/// One value. `n` is the length of a String and the element count of a Set
/// or Record; the union holds the rest.
struct Val {
  Kind kind = Kind::Bool;
  uint32_t n = 0;
  union {
    bool b;
    int64_t i;           // Long; Decimal (scaled by 10^4); Datetime and
                         // Duration (milliseconds)
    uint32_t entity;     // Entity: an entity id
    const char *str;     // String: n bytes, not NUL-terminated
    const Val *elems;    // Set: n elements
    const Field *fields; // Record: n fields
    const ext::IpAddr *ip;
  };

  Val() : i(0) {}

  static Val boolean(bool v) { Val x; x.kind = Kind::Bool; x.b = v; return x; }
  static Val integer(int64_t v) { Val x; x.kind = Kind::Long; x.i = v; return x; }
  static Val string(llvm::StringRef s) {
    Val x; x.kind = Kind::String; x.n = static_cast<uint32_t>(s.size()); x.str = s.data(); return x;
  }
  static Val entityId(uint32_t id) { Val x; x.kind = Kind::Entity; x.entity = id; return x; }
  /// `elems` must be sorted and unique (see makeSet in val.cpp).
  static Val set(const Val *elems, uint32_t n) { Val x; x.kind = Kind::Set; x.n = n; x.elems = elems; return x; }
  /// `fields` must be sorted by key and unique.
  static Val record(const Field *fields, uint32_t n) { Val x; x.kind = Kind::Record; x.n = n; x.fields = fields; return x; }
  static Val decimal(ext::Decimal d) { Val x; x.kind = Kind::Decimal; x.i = d.scaled; return x; }
  /// `ip` must outlive the value (it lives in an arena).
  static Val ipaddr(const ext::IpAddr *ip) { Val x; x.kind = Kind::IpAddr; x.ip = ip; return x; }
  static Val datetime(ext::Datetime d) { Val x; x.kind = Kind::Datetime; x.i = d.millis; return x; }
  static Val duration(ext::Duration d) { Val x; x.kind = Kind::Duration; x.i = d.millis; return x; }

  bool is(Kind k) const { return kind == k; }
  llvm::StringRef getString() const { return llvm::StringRef(str, n); }
  llvm::ArrayRef<Val> getSet() const { return llvm::ArrayRef<Val>(elems, n); }
  llvm::ArrayRef<Field> getRecord() const;
  ext::Decimal getDecimal() const { return ext::Decimal{i}; }
  ext::Datetime getDatetime() const { return ext::Datetime{i}; }
  ext::Duration getDuration() const { return ext::Duration{i}; }

  /// The field with key `key`, or null (Record only); binary search.
  const Val *findField(uint32_t key) const;
};

/// A record field: an attribute id and its value.
struct Field {
  uint32_t key = 0;
  Val value;
};

static_assert(sizeof(Val) == 16, "Val is two words");
static_assert(std::is_trivially_copyable_v<Val>);

inline llvm::ArrayRef<Field> Val::getRecord() const {
  return llvm::ArrayRef<Field>(fields, n);
}

/// The field of `fs` (sorted by key) with key `key`, or null. Records are
/// small and their keys arbitrary, so the branches of std::lower_bound
/// mispredict about half the time. Up to 8 fields, the position is the count
/// of smaller keys: independent compares, where even a branchless binary
/// search waits on one load per step. Larger records: that binary search.
inline const Val *findFieldByKey(llvm::ArrayRef<Field> fs, uint32_t key) {
  const Field *base = fs.data();
  size_t len = fs.size();
  if (len <= 8) {
    size_t below = 0;
    for (size_t k = 0; k < len; ++k)
      below += base[k].key < key;
    return below < len && base[below].key == key ? &base[below].value : nullptr;
  }
  while (len > 1) {
    size_t half = len / 2;
    base = base[half].key <= key ? base + half : base;
    len -= half;
  }
  return base->key == key ? &base->value : nullptr;
}

/// Where each attribute key was last found (by the key's low bits), so
/// that a decision reading the same attributes of same-shaped records again
/// (the context of every request, entities of one type) reads one field
/// instead of counting through all of them: an inline cache, as in Lua's
/// and V8's property lookups. A position is only a guess, checked against
/// the key, so a stale or colliding one costs a full lookup, never a wrong
/// field. Owned by a caller's scratch (never shared between threads).
class FieldHints {
public:
  const Val *find(llvm::ArrayRef<Field> fs, uint32_t key) {
    uint16_t &hint = positions[key % NumSlots];
    if (hint < fs.size() && fs[hint].key == key)
      return &fs[hint].value;
    const Val *v = findFieldByKey(fs, key);
    if (v) {
      // `v` is inside field `at`.
      size_t at = static_cast<size_t>(reinterpret_cast<const char *>(v) -
                                      reinterpret_cast<const char *>(fs.data())) /
                  sizeof(Field);
      if (at <= UINT16_MAX)
        hint = static_cast<uint16_t>(at);
    }
    return v;
  }

private:
  static constexpr size_t NumSlots = 256;
  uint16_t positions[NumSlots] = {};
};

/// Whether `<` and `<=` order values of kind `k` (Long, datetime and
/// duration keep their number in `i`); both sides must be of one kind.
inline bool isComparable(Kind k) {
  return k == Kind::Long || k == Kind::Datetime || k == Kind::Duration;
}

/// A total order consistent with equalVals: by kind, then content (numbers
/// numerically, strings by bytes, entities and keys by id, sets and records
/// lexicographically, ipaddrs as ext::IpAddr orders them). <0, 0 or >0.
int compareVals(const Val &a, const Val &b);
/// Deep equality; values of different kinds are unequal (never an error).
bool equalVals(const Val &a, const Val &b);
/// Set membership (Set only); binary search.
bool setContains(const Val &set, const Val &v);

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_VAL_H
