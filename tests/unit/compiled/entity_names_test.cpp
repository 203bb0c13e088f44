// EntityNameTable (runtime/compiled/entity_names.h): every filed name is
// found and no other, ids inline and too long to be inline, keys sharing a
// hash (probe chains), growth, and through SymbolTable with its own hash.
#include "runtime/compiled/entity_names.h"
#include "runtime/compiled/symbols.h"

#include <gtest/gtest.h>

#include <algorithm>
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
