// Test support: counts heap allocations. The global operator new/delete of
// the unit-test binary are replaced (alloc_count.cpp); counting is on only
// inside CountAllocations scopes, on every thread.
#ifndef LARCH_TESTS_TESTLIB_ALLOC_COUNT_H
#define LARCH_TESTS_TESTLIB_ALLOC_COUNT_H

#include <cstddef>

namespace larch::testlib {

class CountAllocations {
public:
  CountAllocations();
  ~CountAllocations();
  CountAllocations(const CountAllocations &) = delete;
  CountAllocations &operator=(const CountAllocations &) = delete;

  /// Allocations since this scope began.
  size_t count() const;
};

} // namespace larch::testlib

#endif
