// Arena (runtime/compiled/arena.h): a reset arena reuses what it holds, so a
// caller that prepares or decides in a loop stops allocating; an arena with
// an inline buffer (a prepared request's) starts there after every reset and
// spills into a kept heap slab.
#include "runtime/compiled/arena.h"

#include "support/alloc_counter/alloc_counter.h"

#include <gtest/gtest.h>

#include <cstdint>

using namespace larch;

namespace {

bool inside(const void *p, const char *begin, size_t size) {
  auto at = reinterpret_cast<uintptr_t>(p), b = reinterpret_cast<uintptr_t>(begin);
  return at >= b && at < b + size;
}

} // namespace

TEST(Arena, AllocatesFromItsInlineBufferFirstAndAfterEveryReset) {
  alignas(8) char buffer[256];
  rt::Arena arena(buffer, sizeof(buffer), 512);
  support::CountAllocations counter;
  uint64_t start = counter.count();
  int64_t *a = arena.allocate<int64_t>(4);
  char *c = arena.allocate<char>(3);
  int64_t *b = arena.allocate<int64_t>(2);
  uint64_t afterInline = counter.count();
  EXPECT_TRUE(inside(a, buffer, sizeof(buffer)));
  EXPECT_TRUE(inside(c, buffer, sizeof(buffer)));
  EXPECT_TRUE(inside(b, buffer, sizeof(buffer)));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % alignof(int64_t), 0u);
  EXPECT_EQ(afterInline - start, 0u) << "the inline buffer needs no heap";
  EXPECT_EQ(arena.getBytesAllocated(), 0u);

  // Past the buffer: one heap slab.
  uint64_t beforeSpill = counter.count();
  char *spilled = arena.allocate<char>(300);
  uint64_t afterSpill = counter.count();
  EXPECT_FALSE(inside(spilled, buffer, sizeof(buffer)));
  EXPECT_GE(afterSpill - beforeSpill, 1u) << "the slab (and its list) counted";

  // After a reset the buffer comes first again, then the kept slab, with no
  // new allocation.
  for (int round = 0; round < 3; ++round) {
    arena.reset();
    uint64_t before = counter.count();
    char *first = arena.allocate<char>(200);
    char *second = arena.allocate<char>(300);
    uint64_t after = counter.count();
    EXPECT_TRUE(inside(first, buffer, sizeof(buffer)));
    EXPECT_EQ(second, spilled) << "the kept slab is reused";
    EXPECT_EQ(after - before, 0u);
  }
}

TEST(Arena, AResetArenaKeepsItsLargestSlab) {
  rt::Arena arena(64);
  support::CountAllocations counter;
  arena.allocate<char>(40);
  arena.allocate<char>(100); // a second, larger slab
  arena.allocate<char>(1000);
  EXPECT_GE(arena.getBytesAllocated(), 1000u);
  arena.reset();
  const size_t kept = arena.getBytesAllocated();
  EXPECT_GE(kept, 1000u);
  uint64_t before = counter.count();
  char *p = arena.allocate<char>(900);
  char *q = arena.allocate<char>(kept - 900);
  uint64_t after = counter.count();
  EXPECT_EQ(q, p + 900);
  EXPECT_EQ(after - before, 0u) << "within the kept slab";
  // Beyond it: a new slab, counted.
  arena.allocate<char>(64);
  EXPECT_GE(counter.count() - after, 1u);
}
