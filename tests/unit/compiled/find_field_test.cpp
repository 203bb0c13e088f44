// findFieldByKey (runtime/compiled/val.h) counts smaller keys up to 8 fields
// and binary-searches above: both must find exactly the keys a record holds,
// at every size on either side of that switch. FieldHints, which first tries
// where a key was last found, must find the same field whatever it last saw.
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

// One FieldHints serves records of many shapes in turn, as a scratch does
// across decisions: keys that share a slot (256 apart), records where the
// remembered position is past the end or holds another key, records beyond
// 2^16 fields (positions it cannot remember). Each answer must be
// findFieldByKey's.
TEST(FieldHints, FindsWhatFindFieldByKeyFindsWhateverItRemembers) {
  std::mt19937 rng(11);
  rt::FieldHints hints;
  std::vector<std::vector<rt::Field>> records;
  for (size_t size : {0u, 1u, 3u, 5u, 8u, 9u, 20u, 300u}) {
    for (int round = 0; round < 20; ++round) {
      std::set<uint32_t> keys;
      while (keys.size() < size)
        keys.insert(rng() % 1024); // many keys share a slot
      std::vector<rt::Field> fields;
      for (uint32_t k : keys)
        fields.push_back(rt::Field{k, rt::Val::integer(k)});
      records.push_back(std::move(fields));
    }
  }
  std::vector<rt::Field> huge;
  for (uint32_t k = 0; k < 70000; ++k)
    huge.push_back(rt::Field{k * 2, rt::Val::integer(k)});
  records.push_back(huge);
  size_t found = 0;
  for (int probe = 0; probe < 200000; ++probe) {
    const std::vector<rt::Field> &fields = records[rng() % records.size()];
    uint32_t key = fields.empty() || rng() % 4 == 0
                       ? static_cast<uint32_t>(rng() % 1100)
                       : fields[rng() % fields.size()].key;
    if (&fields == &records.back() && rng() % 2)
      key = 2 * (65536 + rng() % 4000); // a position past 2^16
    const rt::Val *want = rt::findFieldByKey(fields, key);
    ASSERT_EQ(hints.find(fields, key), want) << "key " << key << " of " << fields.size();
    // Asked again at once, the remembered position answers.
    ASSERT_EQ(hints.find(fields, key), want) << "key " << key << " of " << fields.size();
    found += want != nullptr;
  }
  EXPECT_GT(found, 100000u); // mostly keys that are there
}
