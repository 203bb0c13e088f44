// allocateHugePages / freeHugePages (see huge_page_allocator.h).
#include "support/huge_page_allocator.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace larch {

#if defined(__linux__) && defined(MADV_HUGEPAGE)

namespace {

constexpr size_t HugePageBytes = size_t(2) << 20;

/// `x` rounded up to a whole number of huge pages.
size_t roundUp(size_t x) { return (x + HugePageBytes - 1) & ~(HugePageBytes - 1); }

} // namespace

void *allocateHugePages(size_t bytes) {
  if (bytes > SIZE_MAX - 2 * HugePageBytes)
    throw std::bad_alloc();
  const size_t size = roundUp(bytes);
  // Map one huge page more than needed, then trim both ends so that the
  // block starts on a huge-page boundary.
  const size_t mapped = size + HugePageBytes;
  void *raw = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    throw std::bad_alloc();
  const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = roundUp(start);
  if (aligned > start)
    ::munmap(raw, aligned - start);
  const size_t tail = start + mapped - (aligned + size);
  if (tail)
    ::munmap(reinterpret_cast<void *>(aligned + size), tail);
  void *p = reinterpret_cast<void *>(aligned);
  // Advice only: without transparent huge pages the block keeps 4 KiB pages.
  (void)::madvise(p, size, MADV_HUGEPAGE);
  return p;
}

void freeHugePages(void *p, size_t bytes) noexcept { ::munmap(p, roundUp(bytes)); }

#else

// No huge-page advice here: ordinary blocks, with the alignment the header
// promises.
void *allocateHugePages(size_t bytes) {
  return ::operator new(bytes, std::align_val_t(HugePageMinAlign));
}

void freeHugePages(void *p, size_t) noexcept {
  ::operator delete(p, std::align_val_t(HugePageMinAlign));
}

#endif

} // namespace larch
