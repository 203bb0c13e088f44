//===- support/huge_page_allocator.h - Large arrays on huge pages -*- C++ -*-===//
//
// An allocator for the large arrays a decision reads at random (instructions,
// guards, index nodes and edges, entity records and names). At 10,000
// policies they span tens of megabytes; with 4 KiB pages nearly every read
// of one also misses the TLB, and the page walk costs as much as the cache
// miss. Blocks of at least HugePageMinBytes are mapped on their own, aligned
// to 2 MiB and marked MADV_HUGEPAGE, so that the kernel backs them with huge
// pages where transparent huge pages are enabled (`always` or `madvise`);
// elsewhere they are ordinary pages. Smaller blocks come from operator new,
// so small policy sets cost no extra memory. docs/performance.md has the
// measurements.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_SUPPORT_HUGE_PAGE_ALLOCATOR_H
#define LARCH_SUPPORT_HUGE_PAGE_ALLOCATOR_H

#include <cstddef>
#include <new>
#include <vector>

namespace larch {

/// Blocks this large (and larger) get their own huge-page-aligned mapping.
/// Below it, rounding up to a 2 MiB page would waste more than it saves.
inline constexpr size_t HugePageMinBytes = size_t(1) << 20;

/// The least alignment of a block of allocateHugePages (on Linux it starts
/// on a huge page; elsewhere it is an ordinary block aligned this much).
inline constexpr size_t HugePageMinAlign = 64;

/// Maps `bytes` (at least HugePageMinBytes) rounded up to whole huge pages,
/// aligned to one; throws std::bad_alloc when the system refuses.
void *allocateHugePages(size_t bytes);
/// Unmaps a block of allocateHugePages(bytes).
void freeHugePages(void *p, size_t bytes) noexcept;

template <class T> struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U> HugePageAllocator(const HugePageAllocator<U> &) {}

  T *allocate(size_t n) {
    if (n > size_t(-1) / sizeof(T))
      throw std::bad_alloc();
    const size_t bytes = n * sizeof(T);
    if (bytes < HugePageMinBytes)
      return static_cast<T *>(::operator new(bytes, std::align_val_t(alignof(T))));
    static_assert(alignof(T) <= HugePageMinAlign, "a large block is aligned this much");
    return static_cast<T *>(allocateHugePages(bytes));
  }
  void deallocate(T *p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
    if (bytes < HugePageMinBytes)
      ::operator delete(p, std::align_val_t(alignof(T)));
    else
      freeHugePages(p, bytes);
  }
  template <class U> bool operator==(const HugePageAllocator<U> &) const { return true; }
};

/// A vector whose large buffers live on huge pages.
template <class T> using HugePageVector = std::vector<T, HugePageAllocator<T>>;

} // namespace larch

#endif // LARCH_SUPPORT_HUGE_PAGE_ALLOCATOR_H
