// makeRecord (runtime/compiled/arena.h) sorts a record's fields by key with an
// insertion sort up to 16 fields and std::sort above: at every size on either
// side of that switch, the fields must come out in key order, each with its
// own value, and a repeated key must be reported.
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
