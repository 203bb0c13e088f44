// EntityNameTable (runtime/compiled/entity_names.h): every filed name is
// found and no other, ids inline and too long to be inline, keys sharing a
// hash (probe chains), growth, and through SymbolTable with its own hash.
#include "runtime/compiled/entity_names.h"
#include "runtime/compiled/symbols.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

using namespace larch::rt;

namespace {

/// Ids of every length from 0 to 40 bytes (inline up to 16), differing in
/// their last byte, first byte or length.
std::vector<std::string> makeIds() {
  std::vector<std::string> ids;
  for (size_t n = 0; n <= 40; ++n)
    for (char c : {'a', 'b'}) {
      std::string id(n, 'x');
      if (n) {
        id.back() = c;
        ids.push_back(id);
        id.back() = 'x';
        id.front() = c;
        if (n > 1)
          ids.push_back(id);
      } else if (c == 'a') {
        ids.push_back(id);
      }
    }
  return ids;
}

} // namespace

TEST(EntityNameTable, FindsEveryFiledNameAndNoOther) {
  const std::vector<std::string> ids = makeIds();
  for (bool sameHash : {false, true}) {
    EntityNameTable table;
    // Two types; with sameHash every key shares one hash, so every find
    // walks one probe chain and tells keys apart by type and bytes alone.
    auto hashOf = [&](uint32_t type, const std::string &id) {
      return sameHash ? 7u : EntityKeyInfo::getHashValue({type, id});
    };
    uint32_t e = 0;
    for (uint32_t type : {3u, 5u})
      for (const std::string &id : ids)
        table.insert(type, id, hashOf(type, id), e++);
    EXPECT_EQ(table.size(), e);
    e = 0;
    for (uint32_t type : {3u, 5u})
      for (const std::string &id : ids) {
        EXPECT_EQ(table.find(type, id, hashOf(type, id)), e) << type << " " << id;
        ++e;
      }
    // Not filed: another type, an id one byte longer or shorter, a prefix.
    for (const std::string &id : ids) {
      EXPECT_EQ(table.find(4, id, hashOf(4, id)), UINT32_MAX) << id;
      const std::string other = id + "y";
      EXPECT_EQ(table.find(3, other, hashOf(3, other)), UINT32_MAX) << other;
      if (id.size() > 1 && id.back() == 'a') {
        const std::string shorter = id.substr(0, id.size() - 1);
        if (std::find(ids.begin(), ids.end(), shorter) == ids.end()) {
          EXPECT_EQ(table.find(3, shorter, hashOf(3, shorter)), UINT32_MAX) << shorter;
        }
      }
    }
  }
}

TEST(EntityNameTable, SymbolTableInternsAndLooksUpThousandsOfEntities) {
  SymbolTable symbols;
  const uint32_t agent = symbols.internType("Agent"), doc = symbols.internType("Doc");
  std::vector<uint32_t> agents, docs;
  for (int i = 0; i < 5000; ++i) {
    const std::string n = std::to_string(i);
    agents.push_back(symbols.internEntity(agent, "agent-" + n));
    // Long ids are kept by reference to the table's own copy.
    docs.push_back(symbols.internEntity(doc, "a-document-with-a-long-name-" + n));
  }
  EXPECT_EQ(symbols.getNumEntities(), 10000u);
  for (int i = 0; i < 5000; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(symbols.lookupEntity(agent, "agent-" + n), agents[i]);
    EXPECT_EQ(symbols.lookupEntity(doc, "a-document-with-a-long-name-" + n), docs[i]);
    EXPECT_EQ(symbols.internEntity(agent, "agent-" + n), agents[i]); // no second id
    EXPECT_EQ(symbols.lookupEntity(doc, "agent-" + n), NoSymbol);
    EXPECT_EQ(symbols.getEntityId(docs[i]), "a-document-with-a-long-name-" + n);
  }
  EXPECT_EQ(symbols.lookupEntity(agent, "agent-5000"), NoSymbol);
  // A copy numbers the same names the same way.
  SymbolTable copy(symbols);
  EXPECT_EQ(copy.lookupEntity(doc, "a-document-with-a-long-name-4999"), docs[4999]);
}

// Tables index by the hash's low bits, and the ids a deployment names are
// numbered (`agent-1559`, `team-59-h3`): they differ in a few bits of their
// last bytes. The low bits must still spread them as a random function
// would, or linear probing builds runs of hundreds of slots (it did, at
// 10,000 policies: eleven slots read per name on average). And whole hashes
// must differ: a tail that cancels a word's difference made 640 of 10,000
// `team-N-hK` ids share a hash with another.
TEST(EntityNameTable, TheHashSpreadsNumberedIdsOverTheLowBits) {
  using Family = std::string (*)(int);
  const Family families[] = {
      [](int i) { return "agent-" + std::to_string(i); },
      [](int i) { return "res-" + std::to_string(i); },
      [](int i) { return "team-" + std::to_string(i / 8) + "-h" + std::to_string(i % 8); },
      [](int i) { return std::to_string(i); },
      [](int i) { return "a-document-with-a-long-name-" + std::to_string(i); },
      [](int i) {
        return "spiffe://corp.example/team-" + std::to_string(i % 100) + "/agent-" +
               std::to_string(i);
      },
  };
  constexpr int Keys = 10000;
  for (size_t f = 0; f < std::size(families); ++f) {
    std::vector<unsigned> hashes;
    for (int i = 0; i < Keys; ++i)
      hashes.push_back(EntityKeyInfo::getHashValue({3u, families[f](i)}));
    std::sort(hashes.begin(), hashes.end());
    const size_t distinct = std::unique(hashes.begin(), hashes.end()) - hashes.begin();
    // 32-bit hashes of 10,000 keys collide about once in a hundred sets.
    EXPECT_GE(distinct, size_t(Keys - 3)) << "family " << f;
  }
  for (unsigned bits : {10u, 14u}) {
    const size_t buckets = size_t(1) << bits;
    // Distinct buckets that 10,000 random hashes fill, on average.
    const double expected = buckets * (1 - std::pow(1 - 1.0 / buckets, Keys));
    for (size_t f = 0; f < std::size(families); ++f) {
      std::vector<bool> used(buckets);
      std::vector<bool> usedByName(buckets);
      for (int i = 0; i < Keys; ++i) {
        const std::string id = families[f](i);
        used[EntityKeyInfo::getHashValue({3u, id}) & (buckets - 1)] = true;
        usedByName[NameKeyInfo::getHashValue(id) & (buckets - 1)] = true;
      }
      const auto filled = [](const std::vector<bool> &v) {
        return double(std::count(v.begin(), v.end(), true));
      };
      EXPECT_GT(filled(used), 0.97 * expected) << "family " << f << ", " << bits << " bits";
      EXPECT_GT(filled(usedByName), 0.97 * expected) << "family " << f << ", " << bits << " bits";
    }
  }
}
