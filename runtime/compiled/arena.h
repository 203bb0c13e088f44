//===- runtime/compiled/arena.h - Reusable bump allocation ---------*- C++ -*-===//
//
// Phase: runtime (compiled evaluation data).
// Entry point: Arena.
// Depends on LLVM Support only.
//
// Payloads of rt::Val (strings, set elements, record fields, ipaddrs) built
// while preparing a request or deciding are bump-allocated here. reset()
// keeps the first slab, so a caller that reuses its arena stops allocating
// once the slab is large enough for its requests (64 KiB; a request needing
// more costs one allocation per extra slab per call).
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_ARENA_H
#define LARCH_RUNTIME_COMPILED_ARENA_H

#include "runtime/compiled/val.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"

#include <cstring>

namespace larch::rt {

class Arena {
public:
  /// Forgets everything allocated; keeps the first slab for reuse.
  void reset() { alloc.Reset(); }

  template <typename T> T *allocate(size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    return alloc.Allocate<T>(n == 0 ? 1 : n);
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
  size_t getBytesAllocated() const { return alloc.getBytesAllocated(); }

private:
  llvm::BumpPtrAllocatorImpl<llvm::MallocAllocator, 65536> alloc;
};

/// Sorts and de-duplicates `elems` in place (compareVals) and returns the
/// canonical Set over the first unique elements.
Val makeSet(Val *elems, uint32_t n);
/// Sorts `fields` by key; returns null-kind false and sets `dupKey` if a key
/// repeats, else the canonical Record.
bool makeRecord(Field *fields, uint32_t n, Val &out, uint32_t &dupKey);

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_ARENA_H
