// Test support: heap allocation counting (see alloc_count.h).
#include "testlib/alloc_count.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<bool> countingAllocations{false};
std::atomic<size_t> allocationCount{0};

void *countedAlloc(std::size_t n) {
  if (countingAllocations.load(std::memory_order_relaxed))
    allocationCount.fetch_add(1, std::memory_order_relaxed);
  if (void *p = std::malloc(n == 0 ? 1 : n))
    return p;
  throw std::bad_alloc();
}

} // namespace

void *operator new(std::size_t n) { return countedAlloc(n); }
void *operator new[](std::size_t n) { return countedAlloc(n); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }

namespace larch::testlib {

CountAllocations::CountAllocations() {
  allocationCount = 0;
  countingAllocations = true;
}

CountAllocations::~CountAllocations() { countingAllocations = false; }

size_t CountAllocations::count() const { return allocationCount.load(); }

} // namespace larch::testlib
