// setContains (runtime/compiled/val.cpp) binary-searches a set sorted by
// compareVals (kind first, then payload): over sets mixing every kind, with
// payloads shared between kinds, each answer must be the one a plain scan
// with equalVals gives.
#include "runtime/compiled/arena.h"
#include "runtime/compiled/val.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace larch;
using rt::Kind;
using rt::Val;

namespace {

/// A value of a random kind whose payload comes from a small range, so
/// that sets and probes share values and kinds share payloads.
Val randomVal(std::mt19937 &rng) {
  static const char *const Strings[] = {"", "a", "b", "ab"};
  const int64_t small = static_cast<int64_t>(rng() % 5) - 2;
  switch (rng() % 7) {
  case 0:
    return Val::boolean(rng() % 2);
  case 1:
    return Val::integer(small);
  case 2:
    return Val::entityId(static_cast<uint32_t>(rng() % 5));
  case 3:
    return Val::datetime(ext::Datetime{small});
  case 4:
    return Val::duration(ext::Duration{small});
  case 5:
    return Val::decimal(ext::Decimal{small});
  default:
    return Val::string(Strings[rng() % 4]);
  }
}

} // namespace

TEST(SetContains, FindsExactlyTheSetsMembersOfEveryKind) {
  std::mt19937 rng(5);
  size_t found = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<Val> elems(rng() % 20);
    for (Val &v : elems)
      v = randomVal(rng);
    const Val set = rt::makeSet(elems.data(), static_cast<uint32_t>(elems.size()));
    for (int probe = 0; probe < 20; ++probe) {
      const Val v = randomVal(rng);
      bool member = false;
      for (const Val &x : set.getSet())
        member |= rt::equalVals(x, v);
      ASSERT_EQ(rt::setContains(set, v), member)
          << "kind " << static_cast<int>(v.kind) << " in a set of " << set.n;
      found += member;
    }
  }
  EXPECT_GT(found, 5000u); // members as well as non-members were asked for
}
