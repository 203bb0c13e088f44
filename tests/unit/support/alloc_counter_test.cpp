// support/alloc_counter: the counter the "no allocation per decision" tests
// rely on counts real allocations (a counter stuck at 0 would pass them all).
#include "support/alloc_counter/alloc_counter.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

TEST(AllocCounter, CountsHeapAllocationsOnEveryThread) {
  larch::support::CountAllocations counter;
  // Read before asserting: the assertions may allocate themselves.
  uint64_t start = counter.count();
  auto one = std::make_unique<int>(1);
  uint64_t afterOne = counter.count();
  std::thread([] { auto other = std::make_unique<long>(2); }).join();
  uint64_t afterThread = counter.count();
  EXPECT_EQ(afterOne - start, 1u);
  EXPECT_GE(afterThread - afterOne, 1u);
}
