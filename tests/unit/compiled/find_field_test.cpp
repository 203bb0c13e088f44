// findFieldByKey (runtime/compiled/val.h) counts smaller keys up to 8 fields
// and binary-searches above: both must find exactly the keys a record holds,
// at every size on either side of that switch.
#include "runtime/compiled/val.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

using namespace larch;

TEST(FindFieldByKey, FindsExactlyTheRecordsKeysAtEverySize) {
  std::mt19937 rng(7);
  for (size_t size = 0; size <= 20; ++size) {
    for (int round = 0; round < 50; ++round) {
      std::set<uint32_t> keys;
      while (keys.size() < size)
        keys.insert(rng() % 64);
      std::vector<rt::Field> fields;
      for (uint32_t k : keys)
        fields.push_back(rt::Field{k, rt::Val::boolean(k % 2 == 0)});
      for (uint32_t probe = 0; probe < 66; ++probe) {
        const rt::Val *got = rt::findFieldByKey(fields, probe);
        if (!keys.count(probe)) {
          EXPECT_EQ(got, nullptr) << "size " << size << " key " << probe;
          continue;
        }
        ASSERT_NE(got, nullptr) << "size " << size << " key " << probe;
        size_t at = static_cast<size_t>(std::distance(keys.begin(), keys.find(probe)));
        EXPECT_EQ(got, &fields[at].value) << "size " << size << " key " << probe;
      }
    }
  }
}
