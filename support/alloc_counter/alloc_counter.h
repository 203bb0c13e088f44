// Support: counting heap allocations, for the tests and `larch bench` that
// check "no allocation per decision". Linking the `larch_alloc_counter`
// object library replaces the global operator new/delete of that binary (and
// only of the binaries that link it) with counting ones.
#ifndef LARCH_SUPPORT_ALLOC_COUNTER_ALLOC_COUNTER_H
#define LARCH_SUPPORT_ALLOC_COUNTER_ALLOC_COUNTER_H

#include <cstdint>

namespace larch::support {

/// Heap allocations made by this process so far, on every thread.
uint64_t getAllocationCount();

/// Counts the allocations made while it is alive (on every thread).
class CountAllocations {
public:
  CountAllocations() : start(getAllocationCount()) {}
  CountAllocations(const CountAllocations &) = delete;
  CountAllocations &operator=(const CountAllocations &) = delete;

  /// Allocations since this scope began.
  uint64_t count() const { return getAllocationCount() - start; }

private:
  uint64_t start;
};

} // namespace larch::support

#endif // LARCH_SUPPORT_ALLOC_COUNTER_ALLOC_COUNTER_H
