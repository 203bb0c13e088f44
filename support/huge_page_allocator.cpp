// allocateHugePages / freeHugePages (see huge_page_allocator.h).
#include "support/huge_page_allocator.h"

#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace larch {

namespace {

constexpr size_t HugePageBytes = size_t(2) << 20;

size_t roundUp(size_t bytes) { return (bytes + HugePageBytes - 1) & ~(HugePageBytes - 1); }

} // namespace

#if defined(__linux__) && defined(MADV_HUGEPAGE)

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
  const uintptr_t aligned = (start + HugePageBytes - 1) & ~uintptr_t(HugePageBytes - 1);
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

void *allocateHugePages(size_t bytes) {
  (void)roundUp;
  return ::operator new(bytes);
}

void freeHugePages(void *p, size_t) noexcept { ::operator delete(p); }

#endif

} // namespace larch
