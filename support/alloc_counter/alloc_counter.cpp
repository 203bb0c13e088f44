// Support: the counting allocation functions (see alloc_counter.h).
#include "support/alloc_counter/alloc_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

// Relaxed: only differences taken on one thread are reported.
std::atomic<uint64_t> allocations{0};

void *countedAlloc(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void *p = std::malloc(size ? size : 1))
    return p;
  throw std::bad_alloc();
}

} // namespace

// The replaced allocation functions. The nothrow forms of libstdc++ call
// these; the aligned forms (unused by the engine) keep their own allocator.
void *operator new(std::size_t size) { return countedAlloc(size); }
void *operator new[](std::size_t size) { return countedAlloc(size); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }

namespace larch::support {

uint64_t getAllocationCount() { return allocations.load(std::memory_order_relaxed); }

} // namespace larch::support
