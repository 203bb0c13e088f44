// support/same_bytes.h: the inline comparison agrees with memcmp for every
// length the word loads treat differently (0-3, 4-7, 8-16, longer) and for
// a difference at every position, first and last bytes included.
#include "support/same_bytes.h"

#include <gtest/gtest.h>

#include <string>

TEST(SameBytes, AgreesWithMemcmpAtEveryLengthAndPosition) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; ++i)
      a[i] = static_cast<char>('a' + i % 26);
    std::string b = a;
    EXPECT_TRUE(larch::sameBytes(a.data(), b.data(), n)) << n;
    EXPECT_TRUE(larch::sameText(a, b)) << n;
    for (size_t i = 0; i < n; ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x80); // a high-bit difference too
      EXPECT_FALSE(larch::sameBytes(a.data(), c.data(), n)) << n << " at " << i;
      EXPECT_FALSE(larch::sameText(a, c)) << n << " at " << i;
    }
  }
  EXPECT_FALSE(larch::sameText("abc", "abcd"));
  EXPECT_FALSE(larch::sameText("", "a"));
  EXPECT_TRUE(larch::sameText("", ""));
}
