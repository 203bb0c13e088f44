// Tests of PreparedRequest and World (runtime/compiled/prepared_request.h):
// request-local names, context conversion for every value kind, request
// entities layered over the store (checked against runtime::EntityView over
// runtime::EntityStore::buildLayer), and reuse after clear().
#include "runtime/compiled/prepared_request.h"

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

std::unique_ptr<rt::FlatStore> flatten(const runtime::EntityStore &entities) {
  std::string error;
  std::unique_ptr<rt::FlatStore> store = rt::FlatStore::build(rt::SymbolTable(), entities, error);
  EXPECT_TRUE(store) << error;
  return store;
}

ext::IpAddr ip(llvm::StringRef text) {
  ext::ExtResult<ext::IpAddr> r = ext::IpAddr::parse(text);
  EXPECT_TRUE(r.ok()) << text.str();
  return r.value;
}

Value everyKind() {
  std::vector<Value> inner = {Value::integer(3), Value::string("x"),
                              Value::entity("Group", "g1"), Value::entity("Nobody", "n"),
                              Value::boolean(false)};
  return Value::recordFromEntries({
      {"b", Value::boolean(true)},
      {"n", Value::integer(INT64_MIN)},
      {"s", Value::string("tab\there \"q\" \\ \u00e9")},
      {"empty", Value::string("")},
      {"known", Value::entity("User", "alice")},
      {"unknown", Value::entity("User", "zed")},
      {"newType", Value::entity("Ns::Thing", "t\n")},
      {"set", Value::set({Value::entity("Group", "zz"), Value::entity("Group", "aa"),
                          Value::set(inner), Value::set({}), Value::integer(1),
                          Value::recordFromEntries({{"k", Value::integer(1)}})})},
      {"rec", Value::recordFromEntries(
                  {{"deep", Value::recordFromEntries({{"x", Value::set({})},
                                                       {"name", Value::string("n")}})},
                   {"z", Value::recordFromEntries({})}})},
      {"dec", Value::decimal(ext::Decimal{-12345})},
      {"decs", Value::set({Value::decimal(ext::Decimal{2}), Value::decimal(ext::Decimal{1})})},
      {"ip", Value::ipaddr(ip("192.168.1.0/24"))},
      {"ips", Value::set({Value::ipaddr(ip("::1")),
                          Value::ipaddr(ip("10.0.0.1"))})},
      {"when", Value::datetime(ext::Datetime{1700000000000})},
      {"for", Value::duration(ext::Duration{-90000})},
  });
}

runtime::EntityStore sharedEntities() {
  return buildStore({
      makeEntity("User", "alice", {{"name", Value::string("Alice")}},
                 {EntityUid{"Group", "g1"}}),
      makeEntity("Group", "g1", {{"level", Value::integer(1)}}, {}),
  });
}

} // namespace

TEST(PreparedRequest, RequestLocalNames) {
  runtime::EntityStore entities = sharedEntities();
  std::unique_ptr<rt::FlatStore> store = flatten(entities);
  ASSERT_TRUE(store);
  const rt::SymbolTable &symbols = store->getSymbols();
  rt::PreparedRequest request;
  request.clear(*store);

  uint32_t alice = request.internEntity("User", "alice");
  EXPECT_EQ(alice, symbols.lookupEntity(symbols.lookupType("User"), "alice"));
  uint32_t zed = request.internEntity("User", "zed");
  EXPECT_EQ(zed, store->getNumEntities());
  EXPECT_EQ(request.internEntity("User", "zed"), zed);
  EXPECT_EQ(request.getLocalEntityId(zed), "zed");
  EXPECT_EQ(request.getLocalEntityType(zed), symbols.lookupType("User"));

  uint32_t ghost = request.internEntity("Ghost", "zed");
  EXPECT_EQ(ghost, zed + 1);
  uint32_t ghostType = request.internType("Ghost");
  EXPECT_EQ(ghostType, symbols.getNumTypes());
  EXPECT_EQ(request.getLocalType(ghostType), "Ghost");
  EXPECT_EQ(request.getLocalEntityType(ghost), ghostType);

  EXPECT_EQ(request.internAttr("name"), symbols.lookupAttr("name"));
  uint32_t color = request.internAttr("color");
  EXPECT_EQ(color, symbols.getNumAttrs());
  EXPECT_EQ(request.internAttr("color"), color);
  EXPECT_EQ(request.getLocalAttr(color), "color");

  rt::World world(request);
  EXPECT_EQ(world.getEntityText(zed), "User::\"zed\"");
  EXPECT_EQ(world.getEntityText(ghost), "Ghost::\"zed\"");
  EXPECT_EQ(world.getEntityText(alice), "User::\"alice\"");
  EXPECT_EQ(world.getTypeName(ghostType), "Ghost");
  EXPECT_EQ(world.getAttrName(color), "color");
  EXPECT_EQ(world.getAttrName(symbols.lookupAttr("name")), "name");
  EXPECT_EQ(world.getType(ghost), ghostType);
  EXPECT_FALSE(world.hasRecord(zed));
  EXPECT_TRUE(world.getAttrs(zed).empty());
  EXPECT_TRUE(world.getTags(zed).empty());
  EXPECT_TRUE(world.getAncestors(zed).empty());
  EXPECT_EQ(world.findAttr(zed, color), nullptr);
  EXPECT_EQ(world.findTag(zed, "x"), nullptr);
  EXPECT_TRUE(world.isIn(zed, zed));
  EXPECT_FALSE(world.isIn(zed, alice));
  EXPECT_TRUE(world.hasRecord(alice));
  ASSERT_NE(world.findAttr(alice, symbols.lookupAttr("name")), nullptr);
  EXPECT_EQ(world.findAttr(alice, symbols.lookupAttr("name"))->getString(), "Alice");
  EXPECT_EQ(world.findAttr(alice, color), nullptr);
}

// internAttr and internType remember ids by a digest of the name: what
// they return must still be the store's own id, across stores that number
// the same names differently and across names that share a digest.
TEST(PreparedRequest, NameIdsAreTheStoresAcrossStoresAndSharedDigests) {
  std::vector<std::string> names;
  for (int i = 0; i < 500; ++i)
    names.push_back("k" + std::to_string(i * 7919 % 1000));
  names.push_back("a");
  names.push_back("delegation_depth");
  rt::SymbolTable forward, backward;
  for (const std::string &n : names) {
    forward.internAttr(n);
    forward.internType(n);
  }
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    backward.internAttr(*it);
    backward.internType(*it);
  }
  runtime::EntityStore none = buildStore({});
  std::string error;
  std::unique_ptr<rt::FlatStore> first = rt::FlatStore::build(forward, none, error);
  std::unique_ptr<rt::FlatStore> second = rt::FlatStore::build(backward, none, error);
  ASSERT_TRUE(first && second) << error;
  rt::PreparedRequest request;
  for (int round = 0; round < 4; ++round) {
    const rt::FlatStore &store = round % 2 ? *second : *first;
    request.clear(store);
    const rt::SymbolTable &symbols = store.getSymbols();
    for (size_t k = 0; k < names.size(); ++k) {
      // Forwards, then backwards: each name's slot last held another name.
      const std::string &n = round < 2 ? names[k] : names[names.size() - 1 - k];
      ASSERT_EQ(request.internAttr(n), symbols.lookupAttr(n)) << n << " round " << round;
      ASSERT_EQ(request.internType(n), symbols.lookupType(n)) << n << " round " << round;
    }
    uint32_t local = request.internAttr("not-a-store-name");
    EXPECT_EQ(local, symbols.getNumAttrs());
    EXPECT_EQ(request.internAttr("not-a-store-name"), local);
  }
}

TEST(PreparedRequest, ContextRoundTripsEveryKind) {
  runtime::EntityStore entities = sharedEntities();
  std::unique_ptr<rt::FlatStore> store = flatten(entities);
  ASSERT_TRUE(store);
  runtime::Request r;
  r.principal = {"User", "alice"};
  r.action = {"Action", "view"};
  r.resource = {"Doc", "d"};
  r.context = everyKind();
  rt::PreparedRequest request;
  std::string error;
  ASSERT_TRUE(rt::prepareRequest(*store, r, nullptr, request, error)) << error;
  rt::World world(request);
  EXPECT_EQ(world.getEntityText(request.getPrincipal()), "User::\"alice\"");
  EXPECT_EQ(world.getEntityText(request.getAction()), "Action::\"view\"");
  EXPECT_EQ(world.getEntityText(request.getResource()), "Doc::\"d\"");
  EXPECT_TRUE(request.getContext().is(rt::Kind::Record));
  EXPECT_EQ(world.toValue(request.getContext()), r.context);
  EXPECT_EQ(world.str(request.getContext()), r.context.str());
  for (const runtime::RecordEntry &entry : r.context.getRecord()) {
    const rt::Val *v = request.getContext().findField(request.internAttr(entry.first));
    ASSERT_NE(v, nullptr) << entry.first;
    EXPECT_EQ(world.toValue(*v), entry.second) << entry.first;
    EXPECT_EQ(world.str(*v), entry.second.str()) << entry.first;
  }
  // The converted sets and records are canonical: a second conversion of
  // the same value is equal, and so is one of the value rebuilt from it.
  rt::Val again = rt::toVal(r.context, request);
  EXPECT_TRUE(rt::equalVals(again, request.getContext()));
  rt::Val rebuilt = rt::toVal(world.toValue(again), request);
  EXPECT_TRUE(rt::equalVals(rebuilt, request.getContext()));
  // Each kind maps to its Val kind.
  EXPECT_TRUE(rt::toVal(Value::decimal(ext::Decimal{5}), request).is(rt::Kind::Decimal));
  EXPECT_TRUE(rt::toVal(Value::duration(ext::Duration{5}), request).is(rt::Kind::Duration));
  EXPECT_TRUE(rt::toVal(Value::datetime(ext::Datetime{5}), request).is(rt::Kind::Datetime));
  EXPECT_TRUE(rt::toVal(Value::entity("User", "alice"), request).is(rt::Kind::Entity));
}

namespace {

/// The request entities case: a store with parents it has no record for,
/// and a layer that gives them records and parents.
struct Layered {
  runtime::EntityStore shared;
  std::optional<runtime::EntityStore> layer;
  std::unique_ptr<rt::FlatStore> store;
};

std::unique_ptr<Layered> makeLayered() {
  auto l = std::make_unique<Layered>();
  l->shared = buildStore({
      makeEntity("User", "alice", {{"name", Value::string("Alice")}},
                 {EntityUid{"Group", "unrec"}}),
      makeEntity("User", "bob", {}, {EntityUid{"Group", "team"}}),
      makeEntity("Group", "team", {{"size", Value::integer(2)}}, {EntityUid{"Group", "org"}}),
      makeEntity("User", "dave", {}, {EntityUid{"Group", "org"}, EntityUid{"Group", "unrec"}}),
      makeEntity("User", "erin", {}, {EntityUid{"Group", "team"}}),
      makeEntity("Doc", "d", {{"tagged", Value::boolean(true)}}, {},
                 {{"color", Value::string("red")}}),
  });
  std::vector<Entity> extra = {
      // Unrecorded in the store: gets a record and parents.
      makeEntity("Group", "unrec", {{"since", Value::integer(5)}}, {EntityUid{"Group", "top"}},
                 {{"k", Value::string("v")}}),
      makeEntity("Group", "org", {}, {EntityUid{"Group", "root"}}),
      makeEntity("Group", "root", {}, {EntityUid{"Group", "top"}}),
      // Only in the request, below a store entity.
      makeEntity("User", "carol", {{"boss", Value::entity("User", "alice")}},
                 {EntityUid{"Group", "team"}}),
      // Repeated identically from the store.
      makeEntity("User", "erin", {}, {EntityUid{"Group", "team"}}),
  };
  std::string error;
  l->layer = runtime::EntityStore::buildLayer(extra, l->shared, error);
  EXPECT_TRUE(l->layer.has_value()) << error;
  l->store = flatten(l->shared);
  return l;
}

/// Every uid the stores mention.
std::set<EntityUid> allUids(const Layered &l) {
  std::set<EntityUid> uids;
  for (const runtime::EntityStore *s : {&l.shared, &*l.layer})
    for (const auto &[uid, e] : s->getEntities()) {
      uids.insert(uid);
      uids.insert(e.ancestors.begin(), e.ancestors.end());
    }
  return uids;
}

/// Compares the World's hierarchy and records with EntityView's.
void expectAgreesWithView(const Layered &l, rt::PreparedRequest &request) {
  rt::World world(request);
  runtime::EntityView view(*l.layer);
  std::set<EntityUid> uids = allUids(l);
  for (const EntityUid &a : uids) {
    uint32_t ea = request.internEntity(a.type, a.id);
    EXPECT_EQ(world.getEntityText(ea), a.str());
    const Entity *rec = view.find(a);
    EXPECT_EQ(world.hasRecord(ea), rec != nullptr) << a.str();
    if (rec) {
      EXPECT_EQ(world.getAttrs(ea).size(), rec->attrs.size()) << a.str();
      for (const auto &[name, value] : rec->attrs) {
        const rt::Val *v = world.findAttr(ea, request.internAttr(name));
        ASSERT_NE(v, nullptr) << a.str() << "." << name;
        EXPECT_EQ(world.toValue(*v), value) << a.str() << "." << name;
      }
      EXPECT_EQ(world.getTags(ea).size(), rec->tags.size()) << a.str();
      for (const auto &[key, value] : rec->tags) {
        const rt::Val *v = world.findTag(ea, key);
        ASSERT_NE(v, nullptr) << a.str() << " tag " << key;
        EXPECT_EQ(world.toValue(*v), value);
      }
    }
    llvm::ArrayRef<uint32_t> ancestors = world.getAncestors(ea);
    EXPECT_TRUE(std::is_sorted(ancestors.begin(), ancestors.end()));
    EXPECT_TRUE(std::adjacent_find(ancestors.begin(), ancestors.end()) == ancestors.end());
    for (const EntityUid &b : uids) {
      uint32_t eb = request.internEntity(b.type, b.id);
      EXPECT_EQ(world.isIn(ea, eb), a == b || view.isAncestor(a, b))
          << a.str() << " in " << b.str();
    }
  }
}

} // namespace

TEST(PreparedRequest, RequestEntitiesLayerLikeEntityView) {
  std::unique_ptr<Layered> l = makeLayered();
  ASSERT_TRUE(l->layer && l->store);
  runtime::Request r;
  r.principal = {"User", "carol"};
  r.action = {"Action", "view"};
  r.resource = {"Doc", "d"};
  rt::PreparedRequest request;
  std::string error;
  ASSERT_TRUE(rt::prepareRequest(*l->store, r, &*l->layer, request, error)) << error;
  EXPECT_TRUE(request.hasOverlays());
  expectAgreesWithView(*l, request);

  rt::World world(request);
  uint32_t alice = request.internEntity("User", "alice");
  uint32_t top = request.internEntity("Group", "top");
  uint32_t unrec = request.internEntity("Group", "unrec");
  uint32_t carol = request.getPrincipal();
  // The store says nothing of these; the layer does.
  EXPECT_FALSE(l->store->hasRecord(unrec));
  EXPECT_TRUE(world.hasRecord(unrec));
  EXPECT_GE(carol, l->store->getNumEntities());
  EXPECT_GE(top, l->store->getNumEntities());
  EXPECT_TRUE(world.isIn(alice, top));
  EXPECT_TRUE(world.isIn(carol, top));
  // Alice's overlay keeps her store record.
  const rt::PreparedRequest::Overlay *o = request.findOverlay(alice);
  ASSERT_NE(o, nullptr);
  EXPECT_TRUE(o->hasRecord);
  EXPECT_EQ(o->attrs.data(), l->store->getAttrs(alice).data());
  // Carol's attribute names alice by her store id.
  const rt::Val *boss = world.findAttr(carol, request.internAttr("boss"));
  ASSERT_NE(boss, nullptr);
  EXPECT_EQ(boss->entity, alice);
  // Untouched store entities have no overlay.
  EXPECT_EQ(request.findOverlay(request.internEntity("Doc", "d")), nullptr);
  EXPECT_EQ(world.findTag(request.internEntity("Doc", "d"), "color")->getString(), "red");
}

TEST(PreparedRequest, ClearReuses) {
  std::unique_ptr<Layered> l = makeLayered();
  ASSERT_TRUE(l->layer && l->store);
  runtime::Request withEntities;
  withEntities.principal = {"User", "carol"};
  withEntities.action = {"Action", "view"};
  withEntities.resource = {"Doc", "new"};
  withEntities.context = everyKind();
  runtime::Request plain;
  plain.principal = {"User", "bob"};
  plain.action = {"Action", "edit"};
  plain.resource = {"Doc", "d"};
  plain.context = Value::recordFromEntries({{"n", Value::integer(1)}});

  rt::PreparedRequest request;
  std::string error;
  for (int round = 0; round < 20; ++round) {
    ASSERT_TRUE(rt::prepareRequest(*l->store, withEntities, &*l->layer, request, error));
    {
      rt::World world(request);
      EXPECT_TRUE(request.hasOverlays());
      EXPECT_EQ(world.getEntityText(request.getPrincipal()), "User::\"carol\"");
      EXPECT_EQ(world.toValue(request.getContext()), withEntities.context);
      EXPECT_TRUE(world.isIn(request.getPrincipal(), request.internEntity("Group", "top")));
    }
    ASSERT_TRUE(rt::prepareRequest(*l->store, plain, nullptr, request, error));
    {
      rt::World world(request);
      EXPECT_FALSE(request.hasOverlays());
      uint32_t bob = request.getPrincipal();
      EXPECT_LT(bob, l->store->getNumEntities());
      EXPECT_EQ(world.getEntityText(bob), "User::\"bob\"");
      // Without the layer, `top` is unknown again and bob is not below it.
      uint32_t top = request.internEntity("Group", "top");
      EXPECT_GE(top, l->store->getNumEntities());
      EXPECT_FALSE(world.isIn(bob, top));
      EXPECT_EQ(request.getAction(), request.internEntity("Action", "edit"));
      EXPECT_EQ(world.toValue(request.getContext()), plain.context);
    }
  }
  // clear() on its own gives an empty context and no local names.
  request.clear(*l->store);
  EXPECT_TRUE(request.getContext().is(rt::Kind::Record));
  EXPECT_EQ(request.getContext().n, 0u);
  EXPECT_EQ(request.internType("Fresh"), l->store->getSymbols().getNumTypes());
}

TEST(PreparedRequest, LayerWithoutSharedEntities) {
  // An engine with no shared entities: the request's own entities only.
  runtime::EntityStore shared;
  std::string error;
  std::optional<runtime::EntityStore> layer = runtime::EntityStore::buildLayer(
      {makeEntity("User", "u", {{"a", Value::set({Value::entity("User", "u")})}},
                  {EntityUid{"Group", "g"}}),
       makeEntity("Group", "g", {}, {EntityUid{"Group", "h"}})},
      shared, error);
  ASSERT_TRUE(layer) << error;
  std::unique_ptr<rt::FlatStore> store = flatten(shared);
  ASSERT_TRUE(store);
  runtime::Request r;
  r.principal = {"User", "u"};
  r.action = {"Action", "a"};
  r.resource = {"Group", "h"};
  rt::PreparedRequest request;
  ASSERT_TRUE(rt::prepareRequest(*store, r, &*layer, request, error)) << error;
  rt::World world(request);
  EXPECT_TRUE(world.isIn(request.getPrincipal(), request.getResource()));
  EXPECT_FALSE(world.hasRecord(request.getResource()));
  EXPECT_TRUE(world.hasRecord(request.internEntity("Group", "g")));
  const rt::Val *a = world.findAttr(request.getPrincipal(), request.internAttr("a"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(world.str(*a), "[User::\"u\"]");
}

namespace {

/// Expects `v` to be entity `e` as the world reads it without views.
void expectViewOf(const rt::World &world, const rt::EntityView &v, uint32_t e) {
  EXPECT_EQ(v.entity, e);
  EXPECT_EQ(v.type, world.getType(e));
  EXPECT_EQ(v.getAttrs().data(), world.getAttrs(e).data());
  EXPECT_EQ(v.getAttrs().size(), world.getAttrs(e).size());
  EXPECT_EQ(v.getAncestors(), world.getAncestors(e));
}

} // namespace

TEST(PreparedRequest, ResolvedViewsAreTheWorldsReading) {
  std::unique_ptr<Layered> l = makeLayered();
  ASSERT_TRUE(l->layer && l->store);
  // Store entities, an entity only the layer has (carol), one nobody has,
  // and a store entity whose ancestors the layer extends (dave).
  std::vector<std::pair<EntityUid, EntityUid>> cases = {
      {{"User", "bob"}, {"Doc", "d"}},
      {{"User", "carol"}, {"Doc", "new"}},
      {{"User", "dave"}, {"User", "dave"}},
      {{"User", "nobody"}, {"Group", "top"}},
  };
  for (bool withLayer : {false, true})
    for (const auto &[principal, resource] : cases) {
      runtime::Request r;
      r.principal = principal;
      r.action = {"Action", "view"};
      r.resource = resource;
      rt::PreparedRequest request;
      std::string error;
      ASSERT_TRUE(rt::prepareRequest(*l->store, r, withLayer ? &*l->layer : nullptr, request,
                                     error))
          << error;
      ASSERT_TRUE(request.isResolved());
      rt::World resolvedWorld(request);
      expectViewOf(resolvedWorld, resolvedWorld.getPrincipalView(), request.getPrincipal());
      expectViewOf(resolvedWorld, resolvedWorld.getResourceView(), request.getResource());
      EXPECT_EQ(resolvedWorld.getView(request.getPrincipal()).getAttrs().data(),
                resolvedWorld.getAttrs(request.getPrincipal()).data());
      EXPECT_EQ(resolvedWorld.getView(request.getResource()).getAttrs().size(),
                resolvedWorld.getAttrs(request.getResource()).size());
      // Setting either entity again undoes the views until resolve().
      request.setPrincipal(request.getPrincipal());
      EXPECT_FALSE(request.isResolved());
      {
        rt::World world(request);
        EXPECT_EQ(world.getPrincipalView().entity, rt::NoSymbol);
        EXPECT_EQ(world.getView(request.getPrincipal()).getAttrs().data(),
                  world.getAttrs(request.getPrincipal()).data());
      }
      request.resolve();
      EXPECT_TRUE(request.isResolved());
      request.setResource(request.getResource());
      EXPECT_FALSE(request.isResolved());
      request.resolve();
      if (withLayer) {
        ASSERT_TRUE(request.setRequestEntities(*l->layer, error));
        EXPECT_FALSE(request.isResolved());
      }
    }
}
