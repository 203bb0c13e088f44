// The entity store: ancestor closure, duplicates, cycles, dangling parents,
// and per-request layers over a shared store.
#include "runtime/entity_store.h"

#include <gtest/gtest.h>

using namespace larch::runtime;

namespace {

Entity make(const std::string &type, const std::string &id,
            std::vector<EntityUid> parents = {}) {
  Entity e;
  e.uid = {type, id};
  e.parents.insert(parents.begin(), parents.end());
  return e;
}

} // namespace

TEST(EntityStoreTest, ComputesTheTransitiveClosure) {
  std::string why;
  auto store = EntityStore::build(
      {make("U", "a", {{"G", "1"}}), make("G", "1", {{"G", "2"}}),
       make("G", "2", {{"G", "3"}}), make("G", "3")},
      why);
  ASSERT_TRUE(store) << why;
  EntityView view(*store);
  EXPECT_TRUE(view.isAncestor({"U", "a"}, {"G", "3"}));
  EXPECT_TRUE(view.isAncestor({"G", "1"}, {"G", "2"}));
  EXPECT_FALSE(view.isAncestor({"G", "3"}, {"U", "a"}));
  EXPECT_FALSE(view.isAncestor({"U", "a"}, {"U", "a"})); // not reflexive here
  EXPECT_EQ(store->find({"U", "a"})->ancestors.size(), 3u);
}

TEST(EntityStoreTest, DanglingParentsAreAncestors) {
  std::string why;
  auto store = EntityStore::build({make("U", "a", {{"G", "missing"}})}, why);
  ASSERT_TRUE(store) << why;
  EntityView view(*store);
  EXPECT_TRUE(view.isAncestor({"U", "a"}, {"G", "missing"}));
  EXPECT_EQ(view.find({"G", "missing"}), nullptr);
}

TEST(EntityStoreTest, IdenticalDuplicatesMergeConflictingOnesFail) {
  std::string why;
  EXPECT_TRUE(EntityStore::build({make("U", "a"), make("U", "a")}, why)) << why;
  Entity other = make("U", "a");
  other.attrs["x"] = Value::integer(1);
  EXPECT_FALSE(EntityStore::build({make("U", "a"), other}, why));
  EXPECT_NE(why.find("U::\"a\""), std::string::npos) << why;
}

TEST(EntityStoreTest, CyclesAreRejectedNamingAnEntity) {
  std::string why;
  EXPECT_FALSE(EntityStore::build(
      {make("G", "1", {{"G", "2"}}), make("G", "2", {{"G", "1"}})}, why));
  EXPECT_NE(why.find("cycle"), std::string::npos);
  EXPECT_NE(why.find("G::\""), std::string::npos);
  EXPECT_FALSE(EntityStore::build({make("G", "self", {{"G", "self"}})}, why));
}

TEST(EntityStoreTest, LongChainsDoNotOverflowTheStack) {
  std::vector<Entity> es;
  const int n = 1000; // the closure is quadratic: 500,000 ancestor entries
  for (int i = 0; i < n; ++i)
    es.push_back(make("G", std::to_string(i), {{"G", std::to_string(i + 1)}}));
  std::string why;
  auto store = EntityStore::build(std::move(es), why);
  ASSERT_TRUE(store) << why;
  EXPECT_TRUE(EntityView(*store).isAncestor({"G", "0"}, {"G", std::to_string(n)}));
}

TEST(EntityStoreTest, LayersSeeThroughToTheBase) {
  std::string why;
  // The base names a parent only the layer defines.
  auto base = EntityStore::build(
      {make("U", "a", {{"G", "team"}}), make("G", "org", {{"G", "root"}})}, why);
  ASSERT_TRUE(base) << why;
  auto layer = EntityStore::buildLayer(
      {make("G", "team", {{"G", "org"}}), make("U", "b", {{"U", "a"}})}, *base, why);
  ASSERT_TRUE(layer) << why;
  EntityView view(*layer);
  EXPECT_TRUE(view.isAncestor({"G", "team"}, {"G", "root"}));
  EXPECT_TRUE(view.isAncestor({"U", "a"}, {"G", "org"}));  // through the layer
  EXPECT_TRUE(view.isAncestor({"U", "b"}, {"G", "root"})); // layer -> base -> layer -> base
  EXPECT_NE(view.find({"G", "org"}), nullptr);
  EXPECT_EQ(base->size(), 2u); // the base is untouched
  EXPECT_FALSE(EntityView(*base).isAncestor({"U", "a"}, {"G", "org"}));
}

TEST(EntityStoreTest, LayersRejectConflictsAndCyclesAcrossLayers) {
  std::string why;
  auto base = EntityStore::build({make("G", "1", {{"G", "2"}})}, why);
  ASSERT_TRUE(base);
  EXPECT_FALSE(EntityStore::buildLayer({make("G", "2", {{"G", "1"}})}, *base, why));
  EXPECT_NE(why.find("cycle"), std::string::npos);
  Entity changed = make("G", "1");
  EXPECT_FALSE(EntityStore::buildLayer({changed}, *base, why));
  EXPECT_TRUE(EntityStore::buildLayer({make("G", "1", {{"G", "2"}})}, *base, why));
}
