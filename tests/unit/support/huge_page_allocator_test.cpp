// HugePageAllocator (support/huge_page_allocator.h): large blocks start on a
// huge-page boundary, small ones come from operator new, and a vector keeps
// its contents as it grows across the threshold and back.
#include "support/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>

using namespace larch;

namespace {

bool onHugePageBoundary(const void *p) {
  return reinterpret_cast<uintptr_t>(p) % (size_t(2) << 20) == 0;
}

struct alignas(64) Line {
  uint64_t words[8];
};

} // namespace

TEST(HugePageAllocator, LargeBlocksStartOnAHugePageAndSmallOnesDoNotNeedTo) {
  HugePageAllocator<uint32_t> a;
  const size_t large = HugePageMinBytes / sizeof(uint32_t);
  uint32_t *big = a.allocate(large);
#if defined(__linux__)
  EXPECT_TRUE(onHugePageBoundary(big));
#endif
  // Every byte asked for is writable, the last one included.
  big[0] = 1;
  big[large - 1] = 2;
  EXPECT_EQ(big[0] + big[large - 1], 3u);
  a.deallocate(big, large);

  uint32_t *small = a.allocate(16);
  small[15] = 7;
  EXPECT_EQ(small[15], 7u);
  a.deallocate(small, 16);

  // Over-aligned types keep their alignment on both paths.
  HugePageAllocator<Line> lines;
  for (size_t n : {size_t(3), HugePageMinBytes / sizeof(Line) + 1}) {
    Line *p = lines.allocate(n);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % alignof(Line), 0u) << n;
    p[n - 1].words[7] = n;
    EXPECT_EQ(p[n - 1].words[7], n);
    lines.deallocate(p, n);
  }
}

TEST(HugePageAllocator, AVectorKeepsItsContentsAcrossTheThreshold) {
  HugePageVector<uint64_t> v;
  const size_t n = 3 * HugePageMinBytes / sizeof(uint64_t) + 5;
  for (size_t i = 0; i < n; ++i)
    v.push_back(i * 7);
  for (size_t i = 0; i < n; i += 4099)
    ASSERT_EQ(v[i], i * 7);
  EXPECT_EQ(v.back(), (n - 1) * 7);
  v.resize(100);
  v.shrink_to_fit(); // back below the threshold: operator new again
  EXPECT_EQ(v[99], 99u * 7);
  HugePageVector<uint64_t> copy = v;
  EXPECT_EQ(copy, v);
}
