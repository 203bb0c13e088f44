//===- runtime/compiled/arena.h - Reusable bump allocation ---------*- C++ -*-===//
//
// Phase: runtime (compiled evaluation data).
// Entry point: Arena.
// Depends on LLVM Support only.
//
// Payloads of rt::Val (strings, set elements, record fields, ipaddrs) built
// while preparing a request or deciding are bump-allocated here. Slabs grow
// by doubling from a first size chosen by the owner: a decision scratch
// starts large (64 KiB), a prepared request small (512 bytes), so that a
// caller holding many prepared requests keeps each one's values on a few
// cache lines rather than in a slab of its own. reset() keeps the largest
// slab, so a caller that reuses its arena stops allocating once that slab
// fits its requests.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_ARENA_H
#define LARCH_RUNTIME_COMPILED_ARENA_H

#include "runtime/compiled/val.h"

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstring>
#include <vector>

namespace larch::rt {

class Arena {
public:
  /// Payloads of decisions and constants.
  static constexpr size_t LargeSlab = 64 * 1024;
  /// Payloads of one prepared request.
  static constexpr size_t SmallSlab = 512;

  explicit Arena(size_t firstSlab = LargeSlab) : nextSlab(firstSlab) {}
  /// An arena whose first bytes are `buffer` (which must outlive it, and
  /// which reset() returns to); heap slabs follow from `firstSlab` bytes.
  /// Such an arena cannot be moved.
  Arena(char *buffer, size_t size, size_t firstSlab)
      : cur(buffer), end(buffer + size), nextSlab(firstSlab), inlineBegin(buffer),
        inlineSize(size) {}
  ~Arena();
  Arena(Arena &&other) noexcept;
  Arena &operator=(Arena &&other) noexcept;
  Arena(const Arena &) = delete;
  Arena &operator=(const Arena &) = delete;

  /// Forgets everything allocated; keeps the largest heap slab for reuse
  /// (after the inline buffer, if the arena has one).
  void reset();

  template <typename T> T *allocate(size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    static_assert(alignof(T) <= alignof(std::max_align_t));
    return static_cast<T *>(allocateBytes((n == 0 ? 1 : n) * sizeof(T), alignof(T)));
  }
  /// A copy of `s` in the arena.
  llvm::StringRef copyString(llvm::StringRef s) {
    if (s.empty())
      return llvm::StringRef();
    char *p = allocate<char>(s.size());
    std::memcpy(p, s.data(), s.size());
    return llvm::StringRef(p, s.size());
  }
  template <typename T> T *copyArray(llvm::ArrayRef<T> xs) {
    T *p = allocate<T>(xs.size());
    if (!xs.empty())
      std::memcpy(static_cast<void *>(p), xs.data(), xs.size() * sizeof(T));
    return p;
  }
  /// Bytes of the slabs held.
  size_t getBytesAllocated() const;

private:
  void *allocateBytes(size_t bytes, size_t align) {
    uintptr_t at = (reinterpret_cast<uintptr_t>(cur) + align - 1) & ~(uintptr_t(align) - 1);
    if (cur && at + bytes <= reinterpret_cast<uintptr_t>(end)) {
      cur = reinterpret_cast<char *>(at + bytes);
      return reinterpret_cast<void *>(at);
    }
    return allocateSlow(bytes);
  }
  void *allocateSlow(size_t bytes);

  struct Slab {
    char *begin;
    size_t size;
  };
  std::vector<Slab> slabs;
  char *cur = nullptr, *end = nullptr;
  size_t nextSlab;
  char *inlineBegin = nullptr;
  size_t inlineSize = 0;
  /// slabs[nextSpare...] are kept but not yet used since the last reset().
  size_t nextSpare = 0;
};

/// Sorts and de-duplicates `elems` in place (compareVals) and returns the
/// canonical Set over the first unique elements.
Val makeSet(Val *elems, uint32_t n);
/// Sorts `fields` by key; returns null-kind false and sets `dupKey` if a key
/// repeats, else the canonical Record.
bool makeRecord(Field *fields, uint32_t n, Val &out, uint32_t &dupKey);

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_ARENA_H
