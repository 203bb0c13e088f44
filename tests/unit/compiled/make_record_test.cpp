// makeRecord and makeSet (runtime/compiled/arena.h) sort a record's fields by
// key and a set's elements by value with an insertion sort up to 16 and
// std::sort above: at every size on either side of that switch, the fields
// must come out in key order, each with its own value, and a repeated key
// must be reported; a set's elements must come out in order, each once.
#include "runtime/compiled/arena.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace larch;

TEST(MakeRecord, SortsFieldsByKeyAtEverySize) {
  std::mt19937 rng(11);
  for (uint32_t size = 0; size <= 40; ++size) {
    for (int round = 0; round < 30; ++round) {
      std::vector<uint32_t> keys(size);
      for (uint32_t i = 0; i < size; ++i)
        keys[i] = i * 3 + 1;
      std::shuffle(keys.begin(), keys.end(), rng);
      std::vector<rt::Field> fields;
      for (uint32_t k : keys)
        fields.push_back(rt::Field{k, rt::Val::integer(int64_t(k) * 10)});
      rt::Val record;
      uint32_t dup = 0;
      ASSERT_TRUE(rt::makeRecord(fields.data(), size, record, dup)) << "size " << size;
      ASSERT_EQ(record.kind, rt::Kind::Record);
      ASSERT_EQ(record.n, size);
      for (uint32_t i = 0; i < size; ++i) {
        EXPECT_EQ(fields[i].key, i * 3 + 1) << "size " << size << " at " << i;
        EXPECT_EQ(fields[i].value.i, int64_t(fields[i].key) * 10) << "size " << size;
      }
    }
  }
}

TEST(MakeRecord, ReportsARepeatedKeyAtEverySize) {
  std::mt19937 rng(13);
  for (uint32_t size = 2; size <= 40; ++size) {
    std::vector<rt::Field> fields;
    for (uint32_t i = 0; i + 1 < size; ++i)
      fields.push_back(rt::Field{i + 100, rt::Val::boolean(true)});
    uint32_t repeated = 100 + static_cast<uint32_t>(rng() % (size - 1));
    fields.push_back(rt::Field{repeated, rt::Val::boolean(false)});
    std::shuffle(fields.begin(), fields.end(), rng);
    rt::Val record;
    uint32_t dup = 0;
    EXPECT_FALSE(rt::makeRecord(fields.data(), size, record, dup)) << "size " << size;
    EXPECT_EQ(dup, repeated) << "size " << size;
  }
}

TEST(MakeSet, SortsAndDropsRepeatsAtEverySize) {
  std::mt19937 rng(17);
  for (uint32_t size = 0; size <= 40; ++size) {
    for (int round = 0; round < 30; ++round) {
      // Longs, booleans and entities, a few values repeated.
      std::vector<rt::Val> elems;
      for (uint32_t i = 0; i < size; ++i) {
        const uint32_t pick = static_cast<uint32_t>(rng() % (size + 1));
        switch (pick % 3) {
        case 0:
          elems.push_back(rt::Val::integer(int64_t(pick) - 7));
          break;
        case 1:
          elems.push_back(rt::Val::boolean(pick % 2));
          break;
        default:
          elems.push_back(rt::Val::entityId(pick));
          break;
        }
      }
      std::vector<rt::Val> expected = elems;
      auto less = [](const rt::Val &x, const rt::Val &y) { return rt::compareVals(x, y) < 0; };
      std::stable_sort(expected.begin(), expected.end(), less);
      expected.erase(std::unique(expected.begin(), expected.end(), rt::equalVals),
                     expected.end());
      const rt::Val set = rt::makeSet(elems.data(), size);
      ASSERT_EQ(set.kind, rt::Kind::Set);
      ASSERT_EQ(set.n, expected.size()) << "size " << size;
      for (size_t i = 0; i < expected.size(); ++i)
        EXPECT_TRUE(rt::equalVals(elems[i], expected[i])) << "size " << size << " at " << i;
    }
  }
}
