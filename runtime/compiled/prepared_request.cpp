//===- runtime/compiled/prepared_request.cpp - A request in ids --------------===//
//
// Phase: runtime (compiled evaluation data).
// Entry points: PreparedRequest, prepareRequest, toVal, World (see
// prepared_request.h).
// Depends on flat_store.h and runtime/entity_store.h only.
//
// Request entities follow runtime::EntityStore::buildLayer and
// runtime::EntityView: a layer entity's `ancestors` are already closed
// through the store, so its overlay uses them as they are; a store entity
// below an ancestor the store has no record for sees that ancestor's layer
// ancestors too (EntityView::isAncestor), so it gets an overlay with the
// union. Nothing else in the store can change: a store entity with a record
// that the layer repeats is identical (buildLayer rejects conflicts), and
// anything new reached from a store entity is reached through an unrecorded
// ancestor.
//
//===----------------------------------------------------------------------===//

#include "runtime/compiled/prepared_request.h"

#include <algorithm>
#include <cassert>
#include <new>

namespace larch::rt {

namespace {

/// Interns a value's names through a PreparedRequest.
class RequestNames final : public detail::ValueNames {
public:
  explicit RequestNames(PreparedRequest &request) : request(request) {}
  uint32_t internAttr(llvm::StringRef name) override { return request.internAttr(name); }
  uint32_t internEntity(llvm::StringRef type, llvm::StringRef id) override {
    return request.internEntity(type, id);
  }

private:
  PreparedRequest &request;
};

bool overlayLess(const PreparedRequest::Overlay &a, const PreparedRequest::Overlay &b) {
  return a.entity < b.entity;
}

} // namespace

// ------------------------------------------------------------ PreparedRequest

void PreparedRequest::clear(const FlatStore &newStore) {
  store = &newStore;
  principal = action = resource = 0;
  resolved = layered = false;
  context = Val::record(nullptr, 0);
  arena.reset();
  localTypes.clear();
  localAttrs.clear();
  localEntities.clear();
  localTypeIds.clear();
  localAttrIds.clear();
  localEntityIds.clear();
  overlays.clear();
  extended.clear();
  mergedIds.clear();
}

uint32_t PreparedRequest::internType(llvm::StringRef name) {
  assert(store && "clear(store) comes first");
  const SymbolTable &symbols = store->getSymbols();
  uint32_t t = typeHints.find(
      name, symbols.getNumTypes(), [&](uint32_t id) { return symbols.getType(id); },
      [&] { return symbols.lookupType(name); });
  if (t != NoSymbol)
    return t;
  auto it = localTypeIds.find(name);
  if (it != localTypeIds.end())
    return it->second;
  uint32_t id = symbols.getNumTypes() + static_cast<uint32_t>(localTypes.size());
  localTypes.push_back(arena.copyString(name));
  localTypeIds[localTypes.back()] = id;
  return id;
}

uint32_t PreparedRequest::internAttr(llvm::StringRef name) {
  assert(store && "clear(store) comes first");
  const SymbolTable &symbols = store->getSymbols();
  uint32_t a = attrHints.find(
      name, symbols.getNumAttrs(), [&](uint32_t id) { return symbols.getAttr(id); },
      [&] { return symbols.lookupAttr(name); });
  if (a != NoSymbol)
    return a;
  auto it = localAttrIds.find(name);
  if (it != localAttrIds.end())
    return it->second;
  uint32_t id = symbols.getNumAttrs() + static_cast<uint32_t>(localAttrs.size());
  localAttrs.push_back(arena.copyString(name));
  localAttrIds[localAttrs.back()] = id;
  return id;
}

uint32_t PreparedRequest::internEntity(llvm::StringRef type, llvm::StringRef id) {
  assert(store && "clear(store) comes first");
  const SymbolTable &symbols = store->getSymbols();
  uint32_t t = internType(type);
  if (t < symbols.getNumTypes()) {
    uint32_t e = symbols.lookupEntity(t, id);
    if (e != NoSymbol)
      return e;
  }
  auto it = localEntityIds.find({t, id});
  if (it != localEntityIds.end())
    return it->second;
  uint32_t e = store->getNumEntities() + static_cast<uint32_t>(localEntities.size());
  localEntities.push_back(LocalEntity{t, arena.copyString(id)});
  localEntityIds[{t, localEntities.back().id}] = e;
  return e;
}

llvm::StringRef PreparedRequest::getLocalType(uint32_t t) const {
  return localTypes[t - store->getSymbols().getNumTypes()];
}

llvm::StringRef PreparedRequest::getLocalAttr(uint32_t a) const {
  return localAttrs[a - store->getSymbols().getNumAttrs()];
}

uint32_t PreparedRequest::getLocalEntityType(uint32_t e) const {
  return localEntities[e - store->getNumEntities()].type;
}

llvm::StringRef PreparedRequest::getLocalEntityId(uint32_t e) const {
  return localEntities[e - store->getNumEntities()].id;
}

const PreparedRequest::Overlay *PreparedRequest::findOverlay(uint32_t e) const {
  auto it = std::lower_bound(overlays.begin(), overlays.end(), e,
                             [](const Overlay &o, uint32_t x) { return o.entity < x; });
  return it != overlays.end() && it->entity == e ? &*it : nullptr;
}

bool PreparedRequest::setRequestEntities(const runtime::EntityStore &layer,
                                         std::string &error) {
  // Conflicts with the store and cycles were rejected by buildLayer, which
  // made `layer`; nothing here can fail.
  (void)error;
  overlays.clear();
  resolved = false;
  RequestNames names(*this);
  for (const auto &[uid, entity] : layer.getEntities()) {
    Overlay o;
    o.entity = internEntity(uid.type, uid.id);
    o.hasRecord = true;

    Field *fields = arena.allocate<Field>(entity.attrs.size());
    size_t n = 0;
    for (const auto &[name, value] : entity.attrs) {
      new (&fields[n]) Field();
      fields[n].key = internAttr(name);
      fields[n].value = detail::convertValue(value, names, arena);
      ++n;
    }
    std::sort(fields, fields + n, [](const Field &a, const Field &b) { return a.key < b.key; });
    o.attrs = llvm::ArrayRef<Field>(fields, n);

    Tag *tags = arena.allocate<Tag>(entity.tags.size());
    n = 0;
    for (const auto &[key, value] : entity.tags) {
      new (&tags[n]) Tag{Val::string(arena.copyString(key)),
                         detail::convertValue(value, names, arena)};
      ++n;
    }
    std::sort(tags, tags + n,
              [](const Tag &a, const Tag &b) { return a.key.getString() < b.key.getString(); });
    o.tags = llvm::ArrayRef<Tag>(tags, n);

    uint32_t *ancestors = arena.allocate<uint32_t>(entity.ancestors.size());
    n = 0;
    for (const runtime::EntityUid &a : entity.ancestors)
      ancestors[n++] = internEntity(a.type, a.id);
    std::sort(ancestors, ancestors + n);
    o.ancestors = llvm::ArrayRef<uint32_t>(ancestors, n);
    overlays.push_back(o);
  }
  std::sort(overlays.begin(), overlays.end(), overlayLess);

  // Store entities below a store id that has no record but is a layer
  // entity: their ancestors extend by that entity's (closed) ancestors.
  extended.clear();
  const uint32_t numLayer = static_cast<uint32_t>(overlays.size());
  for (uint32_t k = 0; k < numLayer; ++k) {
    uint32_t u = overlays[k].entity;
    if (u >= store->getNumEntities() || store->hasRecord(u))
      continue;
    for (uint32_t d : store->getDescendantsOfUnrecorded(u))
      if (!findOverlay(d)) // a layer entity's own ancestors are complete
        extended.emplace_back(d, k);
  }
  std::sort(extended.begin(), extended.end());
  for (size_t k = 0; k < extended.size();) {
    uint32_t d = extended[k].first;
    llvm::ArrayRef<uint32_t> own = store->getAncestors(d);
    mergedIds.assign(own.begin(), own.end());
    for (; k < extended.size() && extended[k].first == d; ++k) {
      llvm::ArrayRef<uint32_t> more = overlays[extended[k].second].ancestors;
      mergedIds.insert(mergedIds.end(), more.begin(), more.end());
    }
    std::sort(mergedIds.begin(), mergedIds.end());
    mergedIds.erase(std::unique(mergedIds.begin(), mergedIds.end()), mergedIds.end());
    Overlay o;
    o.entity = d;
    o.hasRecord = store->hasRecord(d);
    o.attrs = store->getAttrs(d);
    o.tags = store->getTags(d);
    o.ancestors = llvm::ArrayRef<uint32_t>(
        arena.copyArray(llvm::ArrayRef<uint32_t>(mergedIds)), mergedIds.size());
    overlays.push_back(o);
  }
  if (overlays.size() != numLayer)
    std::sort(overlays.begin(), overlays.end(), overlayLess);
  layered = !overlays.empty();
  return true;
}

void PreparedRequest::resolve() {
  // Unresolved, the world reads the store and the overlays, not the views.
  resolved = false;
  World world(*this);
  views[0] = world.getView(principal);
  views[1] = world.getView(resource);
  resolved = true;
}

Val toVal(const runtime::Value &v, PreparedRequest &out) {
  RequestNames names(out);
  return detail::convertValue(v, names, out.getArena());
}

bool prepareRequest(const FlatStore &store, const runtime::Request &request,
                    const runtime::EntityStore *requestEntities, PreparedRequest &out,
                    std::string &error) {
  out.clear(store);
  out.setPrincipal(out.internEntity(request.principal.type, request.principal.id));
  out.setAction(out.internEntity(request.action.type, request.action.id));
  out.setResource(out.internEntity(request.resource.type, request.resource.id));
  assert(request.context.is(runtime::ValueKind::Record) && "the context is a record");
  out.setContext(toVal(request.context, out));
  if (requestEntities && !out.setRequestEntities(*requestEntities, error))
    return false;
  out.resolve();
  return true;
}

// ---------------------------------------------------------------------- World

bool World::hasRecord(uint32_t e) const {
  if (layered)
    if (const PreparedRequest::Overlay *o = request.findOverlay(e))
      return o->hasRecord;
  return e < numStoreEntities && store.hasRecord(e);
}

llvm::ArrayRef<Field> World::getLayeredAttrs(uint32_t e) const {
  if (layered)
    if (const PreparedRequest::Overlay *o = request.findOverlay(e))
      return o->attrs;
  if (e < numStoreEntities)
    return store.getAttrs(e);
  return {};
}

EntityView World::readView(uint32_t e) const {
  llvm::ArrayRef<Field> attrs = getAttrs(e);
  llvm::ArrayRef<uint32_t> ancestors = getAncestors(e);
  EntityView v;
  v.entity = e;
  v.type = getType(e);
  v.numAttrs = static_cast<uint32_t>(attrs.size());
  v.numAncestors = static_cast<uint32_t>(ancestors.size());
  v.attrs = attrs.data();
  v.ancestors = ancestors.data();
  return v;
}

const Val *World::findAttr(uint32_t e, uint32_t key) const {
  return findFieldByKey(getAttrs(e), key);
}

llvm::ArrayRef<Tag> World::getTags(uint32_t e) const {
  if (layered)
    if (const PreparedRequest::Overlay *o = request.findOverlay(e))
      return o->tags;
  if (e < numStoreEntities)
    return store.getTags(e);
  return {};
}

const Val *World::findTag(uint32_t e, llvm::StringRef key) const {
  llvm::ArrayRef<Tag> ts = getTags(e);
  auto it = std::lower_bound(ts.begin(), ts.end(), key, [](const Tag &t, llvm::StringRef k) {
    return t.key.getString() < k;
  });
  return it != ts.end() && it->key.getString() == key ? &it->value : nullptr;
}

llvm::ArrayRef<uint32_t> World::getLayeredAncestors(uint32_t e) const {
  if (layered)
    if (const PreparedRequest::Overlay *o = request.findOverlay(e))
      return o->ancestors;
  if (e < numStoreEntities)
    return store.getAncestors(e);
  return {};
}

bool World::isIn(uint32_t e, uint32_t ancestor) const {
  if (e == ancestor)
    return true;
  llvm::ArrayRef<uint32_t> as = getAncestors(e);
  return std::binary_search(as.begin(), as.end(), ancestor);
}

std::string World::getEntityText(uint32_t e) const {
  llvm::StringRef id = e < numStoreEntities ? llvm::StringRef(store.getSymbols().getEntityId(e))
                                            : request.getLocalEntityId(e);
  return getTypeName(getType(e)).str() + "::" + runtime::quoteCedarString(id);
}

llvm::StringRef World::getTypeName(uint32_t t) const {
  const SymbolTable &symbols = store.getSymbols();
  return t < symbols.getNumTypes() ? symbols.getType(t) : request.getLocalType(t);
}

llvm::StringRef World::getAttrName(uint32_t a) const {
  const SymbolTable &symbols = store.getSymbols();
  return a < symbols.getNumAttrs() ? symbols.getAttr(a) : request.getLocalAttr(a);
}

std::string World::str(const Val &v) const { return toValue(v).str(); }

runtime::Value World::toValue(const Val &v) const {
  switch (v.kind) {
  case Kind::Bool:
    return runtime::Value::boolean(v.b);
  case Kind::Long:
    return runtime::Value::integer(v.i);
  case Kind::String:
    return runtime::Value::string(v.getString().str());
  case Kind::Entity: {
    uint32_t e = v.entity;
    llvm::StringRef id = e < numStoreEntities
                             ? llvm::StringRef(store.getSymbols().getEntityId(e))
                             : request.getLocalEntityId(e);
    return runtime::Value::entity(getTypeName(getType(e)).str(), id.str());
  }
  case Kind::Set: {
    std::vector<runtime::Value> elems;
    elems.reserve(v.n);
    for (const Val &x : v.getSet())
      elems.push_back(toValue(x));
    return runtime::Value::set(std::move(elems));
  }
  case Kind::Record: {
    std::vector<runtime::RecordEntry> entries;
    entries.reserve(v.n);
    for (const Field &f : v.getRecord())
      entries.emplace_back(getAttrName(f.key).str(), toValue(f.value));
    return runtime::Value::recordFromEntries(std::move(entries));
  }
  case Kind::Decimal:
    return runtime::Value::decimal(v.getDecimal());
  case Kind::IpAddr:
    return runtime::Value::ipaddr(*v.ip);
  case Kind::Datetime:
    return runtime::Value::datetime(v.getDatetime());
  case Kind::Duration:
    return runtime::Value::duration(v.getDuration());
  }
  assert(false && "unknown value kind");
  return runtime::Value();
}

} // namespace larch::rt
