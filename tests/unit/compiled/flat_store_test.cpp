// Tests of the flat entity store (runtime/compiled/flat_store.h): values,
// tags and ancestors round trip through World, ids of the base symbol table
// are kept, parents without records get ids and descendant lists, and every
// entity file of Cedar's generated corpus round trips.
#include "runtime/compiled/flat_store.h"

#include "compiler/json/entity_json.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "runtime/compiled/prepared_request.h"
#include "testlib/corpus.h"

#include "entity_builders.h"

#include <gtest/gtest.h>

#include <set>

using namespace larch;
using runtime::Entity;
using runtime::EntityUid;
using runtime::Value;

namespace {

using testing_compiled::buildStore;
using testing_compiled::makeEntity;

std::unique_ptr<rt::FlatStore> flatten(const runtime::EntityStore &entities,
                                       const rt::SymbolTable &base = rt::SymbolTable()) {
  std::string error;
  std::unique_ptr<rt::FlatStore> store = rt::FlatStore::build(base, entities, error);
  EXPECT_TRUE(store) << error;
  return store;
}

uint32_t idOf(const rt::FlatStore &store, const EntityUid &uid) {
  const rt::SymbolTable &symbols = store.getSymbols();
  uint32_t t = symbols.lookupType(uid.type);
  return t == rt::NoSymbol ? rt::NoSymbol : symbols.lookupEntity(t, uid.id);
}

/// Checks that `world` shows entity `entity` exactly as loaded; returns a
/// description of the first difference, or "".
std::string compareEntity(const rt::World &world, const rt::FlatStore &store,
                          const Entity &entity) {
  std::string name = entity.uid.str();
  uint32_t e = idOf(store, entity.uid);
  if (e == rt::NoSymbol)
    return name + ": no id";
  if (!world.hasRecord(e))
    return name + ": no record";
  if (world.getEntityText(e) != name)
    return name + ": named " + world.getEntityText(e);
  if (world.getTypeName(world.getType(e)) != entity.uid.type)
    return name + ": wrong type";

  llvm::ArrayRef<rt::Field> attrs = world.getAttrs(e);
  if (attrs.size() != entity.attrs.size())
    return name + ": attribute count";
  for (size_t k = 1; k < attrs.size(); ++k)
    if (attrs[k - 1].key >= attrs[k].key)
      return name + ": attributes not sorted by id";
  for (const auto &[attr, value] : entity.attrs) {
    uint32_t key = store.getSymbols().lookupAttr(attr);
    const rt::Val *v = key == rt::NoSymbol ? nullptr : world.findAttr(e, key);
    if (!v)
      return name + ": missing attribute " + attr;
    if (world.getAttrName(key) != attr)
      return name + ": attribute name " + attr;
    if (world.toValue(*v) != value)
      return name + "." + attr + ": " + world.toValue(*v).str() + " != " + value.str();
    if (world.str(*v) != value.str())
      return name + "." + attr + ": text " + world.str(*v);
  }

  llvm::ArrayRef<rt::Tag> tags = world.getTags(e);
  if (tags.size() != entity.tags.size())
    return name + ": tag count";
  for (const auto &[key, value] : entity.tags) {
    const rt::Val *v = world.findTag(e, key);
    if (!v)
      return name + ": missing tag " + key;
    if (world.toValue(*v) != value)
      return name + ": tag " + key + " is " + world.str(*v);
  }
  if (world.findTag(e, "no such tag \x01"))
    return name + ": found a tag it does not have";

  llvm::ArrayRef<uint32_t> ancestors = world.getAncestors(e);
  if (!std::is_sorted(ancestors.begin(), ancestors.end()))
    return name + ": ancestors not sorted";
  std::set<std::string> got, want;
  for (uint32_t a : ancestors) {
    got.insert(world.getEntityText(a));
    if (!world.isIn(e, a))
      return name + ": not in its ancestor " + world.getEntityText(a);
  }
  for (const EntityUid &a : entity.ancestors)
    want.insert(a.str());
  if (got != want)
    return name + ": ancestors differ";
  if (!world.isIn(e, e))
    return name + ": not in itself";
  return "";
}

ext::IpAddr ip(llvm::StringRef text) {
  ext::ExtResult<ext::IpAddr> r = ext::IpAddr::parse(text);
  EXPECT_TRUE(r.ok()) << text.str();
  return r.value;
}

Value everyKind() {
  std::vector<Value> inner = {Value::integer(3), Value::string("x"),
                              Value::entity("Group", "g1"), Value::boolean(false)};
  return Value::recordFromEntries({
      {"b", Value::boolean(true)},
      {"n", Value::integer(-42)},
      {"s", Value::string("quote \" and \n")},
      {"empty", Value::string("")},
      {"e", Value::entity("Doc", "d1")},
      {"set", Value::set({Value::entity("Group", "zz"), Value::entity("Group", "aa"),
                          Value::set(inner), Value::integer(1)})},
      {"rec", Value::recordFromEntries(
                  {{"deep", Value::recordFromEntries({{"x", Value::set({})}})},
                   {"z", Value::string("last")}})},
      {"dec", Value::decimal(ext::Decimal{12345})},
      {"ip", Value::ipaddr(ip("10.0.0.0/8"))},
      {"ip6", Value::ipaddr(ip("::1"))},
      {"when", Value::datetime(ext::Datetime{1700000000000})},
      {"for", Value::duration(ext::Duration{-90000})},
  });
}

} // namespace

TEST(FlatStore, AttributesTagsAncestorsRoundTrip) {
  Value all = everyKind();
  std::map<std::string, Value> attrs(all.getRecord().begin(), all.getRecord().end());
  std::vector<Entity> entities = {
      makeEntity("User", "alice", attrs, {EntityUid{"Group", "g1"}},
                 {{"b", Value::integer(2)}, {"a", Value::string("t")}, {"", attrs["rec"]}}),
      makeEntity("Group", "g1", {{"name", Value::string("one")}}, {EntityUid{"Group", "g2"}}),
      makeEntity("Group", "g2", {}, {EntityUid{"Org", "root"}}),
      makeEntity("Doc", "d1", {{"owner", Value::entity("User", "alice")}}, {}),
  };
  runtime::EntityStore entitiesStore = buildStore(entities);
  std::unique_ptr<rt::FlatStore> store = flatten(entitiesStore);
  ASSERT_TRUE(store);
  rt::PreparedRequest request;
  request.clear(*store);
  rt::World world(request);
  for (const auto &[uid, entity] : entitiesStore.getEntities())
    EXPECT_EQ(compareEntity(world, *store, entity), "");

  uint32_t alice = idOf(*store, {"User", "alice"});
  uint32_t root = idOf(*store, {"Org", "root"});
  EXPECT_TRUE(world.isIn(alice, root));
  EXPECT_FALSE(world.isIn(root, alice));
  EXPECT_EQ(world.findAttr(alice, rt::NoSymbol - 1), nullptr);
  // Tags are sorted by key bytes.
  llvm::ArrayRef<rt::Tag> tags = store->getTags(alice);
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0].key.getString(), "");
  EXPECT_EQ(tags[1].key.getString(), "a");
  EXPECT_EQ(tags[2].key.getString(), "b");
  EXPECT_GT(store->getMemoryUsage(), store->getSymbols().getMemoryUsage());
}

TEST(FlatStore, KeepsBaseSymbolIds) {
  rt::SymbolTable base;
  uint32_t zeta = base.internAttr("zeta");
  uint32_t name = base.internAttr("name");
  uint32_t user = base.internType("User");
  uint32_t bob = base.internEntity(user, "bob");
  uint32_t alice = base.internEntity(user, "alice");
  runtime::EntityStore entities = buildStore({
      makeEntity("User", "alice", {{"name", Value::string("A")}, {"age", Value::integer(7)}}),
      makeEntity("Team", "t", {{"zeta", Value::boolean(true)}}),
  });
  std::unique_ptr<rt::FlatStore> store = flatten(entities, base);
  ASSERT_TRUE(store);
  const rt::SymbolTable &symbols = store->getSymbols();
  EXPECT_EQ(symbols.lookupAttr("zeta"), zeta);
  EXPECT_EQ(symbols.lookupAttr("name"), name);
  EXPECT_EQ(symbols.lookupType("User"), user);
  EXPECT_EQ(symbols.lookupEntity(user, "bob"), bob);
  EXPECT_EQ(symbols.lookupEntity(user, "alice"), alice);
  EXPECT_EQ(store->getNumEntities(), symbols.getNumEntities());
  EXPECT_EQ(store->getNumEntities(), 3u);

  EXPECT_FALSE(store->hasRecord(bob));
  EXPECT_EQ(store->getType(bob), user);
  EXPECT_TRUE(store->getAttrs(bob).empty());
  EXPECT_TRUE(store->hasRecord(alice));
  llvm::ArrayRef<rt::Field> attrs = store->getAttrs(alice);
  ASSERT_EQ(attrs.size(), 2u);
  EXPECT_EQ(attrs[0].key, name); // base ids come first
  EXPECT_EQ(attrs[1].key, symbols.lookupAttr("age"));
  EXPECT_EQ(attrs[0].value.getString(), "A");
}

TEST(FlatStore, ParentsWithoutRecords) {
  runtime::EntityStore entities = buildStore({
      makeEntity("User", "alice", {{"friend", Value::entity("User", "ghost")}},
                 {EntityUid{"Group", "named"}, EntityUid{"Group", "real"}}),
      makeEntity("User", "bob", {}, {EntityUid{"Group", "real"}}),
      makeEntity("Group", "real", {}, {EntityUid{"Group", "named"}}),
  });
  std::unique_ptr<rt::FlatStore> store = flatten(entities);
  ASSERT_TRUE(store);
  uint32_t alice = idOf(*store, {"User", "alice"});
  uint32_t bob = idOf(*store, {"User", "bob"});
  uint32_t named = idOf(*store, {"Group", "named"});
  uint32_t real = idOf(*store, {"Group", "real"});
  uint32_t ghost = idOf(*store, {"User", "ghost"});
  ASSERT_NE(named, rt::NoSymbol);
  ASSERT_NE(ghost, rt::NoSymbol);
  EXPECT_FALSE(store->hasRecord(named));
  EXPECT_FALSE(store->hasRecord(ghost));
  EXPECT_TRUE(store->getAncestors(named).empty());
  EXPECT_EQ(store->getType(named), store->getSymbols().lookupType("Group"));

  std::vector<uint32_t> below = {alice, bob, real};
  std::sort(below.begin(), below.end());
  EXPECT_EQ(store->getDescendantsOfUnrecorded(named).vec(), below);
  EXPECT_TRUE(store->getDescendantsOfUnrecorded(real).empty());
  EXPECT_TRUE(store->getDescendantsOfUnrecorded(ghost).empty());
  EXPECT_EQ(store->getAncestors(bob).vec(), (std::vector<uint32_t>{std::min(named, real),
                                                                   std::max(named, real)}));
}

TEST(FlatStore, EmptyStore) {
  runtime::EntityStore entities;
  std::unique_ptr<rt::FlatStore> store = flatten(entities);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->getNumEntities(), 0u);
}

TEST(FlatStore, RoundTripsCorpusEntities) {
  std::string error;
  std::string root = testlib::unpackedCorpusDir(&error);
  ASSERT_FALSE(root.empty()) << error;
  size_t files = 0, entityCount = 0, failures = 0;
  rt::PreparedRequest request;
  for (const std::string &path : testlib::listFiles(root + "/corpus-tests", ".entities.json")) {
    std::string stem = path.substr(0, path.size() - std::string(".entities.json").size());
    bool ok = false;
    std::string schemaText = testlib::readFile(stem + ".cedarschema", &ok);
    SourceManager sm;
    DiagnosticEngine diags;
    std::optional<schema::Schema> schema;
    if (ok)
      schema = schema::loadCedarSchema(sm, stem + ".cedarschema", schemaText, diags);
    std::string text = testlib::readFile(path, &ok);
    json::JsonError jerr;
    std::optional<runtime::EntityStore> entities;
    if (ok)
      entities = json::loadEntityStore(text, schema ? &*schema : nullptr, jerr);
    if (!entities) {
      ADD_FAILURE() << path << ": entities do not load";
      continue;
    }
    ++files;
    std::unique_ptr<rt::FlatStore> store = rt::FlatStore::build(rt::SymbolTable(), *entities, error);
    ASSERT_TRUE(store) << error;
    request.clear(*store);
    rt::World world(request);
    for (const auto &[uid, entity] : entities->getEntities()) {
      ++entityCount;
      std::string diff = compareEntity(world, *store, entity);
      if (!diff.empty() && ++failures <= 20)
        ADD_FAILURE() << path << ": " << diff;
    }
  }
  EXPECT_EQ(failures, 0u);
  EXPECT_GT(files, 7000u);
  EXPECT_GT(entityCount, files);
}
