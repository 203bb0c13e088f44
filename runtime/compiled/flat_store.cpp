//===- runtime/compiled/flat_store.cpp - Interned, flat entities -------------===//
//
// Phase: runtime (compiled evaluation data).
// Entry points: FlatStore::build, detail::convertValue (see flat_store.h).
// Depends on runtime/entity_store.h and the compiled value types only.
//
// Building interns every name first (entity uids in the store's map order,
// then each entity's ancestors, attribute names and the names inside its
// values), so every id has its Record before the arrays are laid out.
//
//===----------------------------------------------------------------------===//

#include "runtime/compiled/flat_store.h"

#include <algorithm>
#include <cassert>
#include <new>

namespace larch::rt {

namespace detail {

Val convertValue(const runtime::Value &v, ValueNames &names, Arena &arena) {
  switch (v.getKind()) {
  case runtime::ValueKind::Bool:
    return Val::boolean(v.getBool());
  case runtime::ValueKind::Long:
    return Val::integer(v.getLong());
  case runtime::ValueKind::String:
    return Val::string(arena.copyString(v.getString()));
  case runtime::ValueKind::Entity: {
    const runtime::EntityUid &uid = v.getEntity();
    return Val::entityId(names.internEntity(uid.type, uid.id));
  }
  case runtime::ValueKind::Set: {
    llvm::ArrayRef<runtime::Value> xs = v.getSet();
    Val *elems = arena.allocate<Val>(xs.size());
    for (size_t k = 0; k < xs.size(); ++k)
      new (&elems[k]) Val(convertValue(xs[k], names, arena));
    // Interned ids order entities differently from their names: re-sort.
    return makeSet(elems, static_cast<uint32_t>(xs.size()));
  }
  case runtime::ValueKind::Record: {
    llvm::ArrayRef<runtime::RecordEntry> xs = v.getRecord();
    Field *fields = arena.allocate<Field>(xs.size());
    for (size_t k = 0; k < xs.size(); ++k) {
      new (&fields[k]) Field();
      fields[k].key = names.internAttr(xs[k].first);
      fields[k].value = convertValue(xs[k].second, names, arena);
    }
    Val out;
    uint32_t dupKey = 0;
    bool ok = makeRecord(fields, static_cast<uint32_t>(xs.size()), out, dupKey);
    (void)ok;
    assert(ok && "distinct record keys intern to distinct ids");
    return out;
  }
  case runtime::ValueKind::Decimal:
    return Val::decimal(v.getDecimal());
  case runtime::ValueKind::IpAddr: {
    ext::IpAddr *ip = arena.allocate<ext::IpAddr>(1);
    new (ip) ext::IpAddr(v.getIpAddr());
    return Val::ipaddr(ip);
  }
  case runtime::ValueKind::Datetime:
    return Val::datetime(v.getDatetime());
  case runtime::ValueKind::Duration:
    return Val::duration(v.getDuration());
  }
  assert(false && "unknown value kind");
  return Val();
}

} // namespace detail

namespace {

/// Ids and array offsets must stay below NoSymbol.
constexpr uint64_t MaxCount = static_cast<uint64_t>(NoSymbol) - 1;

/// Interns into the store's own symbol table, noting when a limit is hit.
class StoreNames final : public detail::ValueNames {
public:
  explicit StoreNames(SymbolTable &symbols) : symbols(symbols) {}

  uint32_t internAttr(llvm::StringRef name) override {
    if (symbols.getNumAttrs() >= MaxCount && symbols.lookupAttr(name) == NoSymbol) {
      overflow = true;
      return 0;
    }
    return symbols.internAttr(name);
  }
  uint32_t internType(llvm::StringRef name) {
    if (symbols.getNumTypes() >= MaxCount && symbols.lookupType(name) == NoSymbol) {
      overflow = true;
      return 0;
    }
    return symbols.internType(name);
  }
  uint32_t internEntity(llvm::StringRef type, llvm::StringRef id) override {
    uint32_t t = internType(type);
    if (symbols.getNumEntities() >= MaxCount && symbols.lookupEntity(t, id) == NoSymbol) {
      overflow = true;
      return 0;
    }
    return symbols.internEntity(t, id);
  }
  uint32_t internEntity(const runtime::EntityUid &uid) { return internEntity(uid.type, uid.id); }

  bool overflow = false;

private:
  SymbolTable &symbols;
};

bool tagLess(const Tag &a, const Tag &b) { return a.key.getString() < b.key.getString(); }

} // namespace

std::unique_ptr<FlatStore> FlatStore::build(const SymbolTable &base,
                                            const runtime::EntityStore &entities,
                                            std::string &error) {
  auto store = std::make_unique<FlatStore>();
  store->symbols = base;
  StoreNames names(store->symbols);

  // Ids of the entities with records first, in the map's (uid) order.
  std::vector<std::pair<uint32_t, const runtime::Entity *>> recorded;
  recorded.reserve(entities.size());
  for (const auto &[uid, entity] : entities.getEntities())
    recorded.emplace_back(names.internEntity(uid), &entity);

  // Lay out each entity's arrays; their ids may name new entities, which get
  // Records without data below.
  std::vector<Record> laidOut(recorded.size());
  for (size_t k = 0; k < recorded.size(); ++k) {
    const runtime::Entity &entity = *recorded[k].second;
    Record &r = laidOut[k];
    r.hasRecord = true;
    if (store->fields.size() + entity.attrs.size() > MaxCount ||
        store->tags.size() + entity.tags.size() > MaxCount ||
        store->ancestors.size() + entity.ancestors.size() > MaxCount) {
      error = "too many entity attributes, tags or ancestors to index";
      return nullptr;
    }

    r.attrsFirst = static_cast<uint32_t>(store->fields.size());
    for (const auto &[name, value] : entity.attrs) {
      Field f;
      f.key = names.internAttr(name);
      f.value = detail::convertValue(value, names, store->arena);
      store->fields.push_back(f);
    }
    r.attrsCount = static_cast<uint32_t>(entity.attrs.size());
    std::sort(store->fields.begin() + r.attrsFirst, store->fields.end(),
              [](const Field &a, const Field &b) { return a.key < b.key; });

    r.tagsFirst = static_cast<uint32_t>(store->tags.size());
    for (const auto &[key, value] : entity.tags)
      store->tags.push_back(Tag{Val::string(store->arena.copyString(key)),
                                detail::convertValue(value, names, store->arena)});
    r.tagsCount = static_cast<uint32_t>(entity.tags.size());
    std::sort(store->tags.begin() + r.tagsFirst, store->tags.end(), tagLess);

    r.ancFirst = static_cast<uint32_t>(store->ancestors.size());
    for (const runtime::EntityUid &a : entity.ancestors)
      store->ancestors.push_back(names.internEntity(a));
    r.ancCount = static_cast<uint32_t>(entity.ancestors.size());
    std::sort(store->ancestors.begin() + r.ancFirst, store->ancestors.end());
  }
  if (names.overflow) {
    error = "too many names (attributes, entity types or entities) to index";
    return nullptr;
  }

  // Every id of the final table gets a Record.
  const SymbolTable &symbols = store->symbols;
  store->records.resize(symbols.getNumEntities());
  for (uint32_t e = 0; e < symbols.getNumEntities(); ++e)
    store->records[e].type = symbols.getEntityType(e);
  for (size_t k = 0; k < recorded.size(); ++k) {
    uint32_t e = recorded[k].first;
    laidOut[k].type = store->records[e].type;
    store->records[e] = laidOut[k];
  }

  // Descendants of ancestors without a record (a request may supply one).
  for (const auto &entry : recorded) {
    uint32_t e = entry.first;
    for (uint32_t a : store->getAncestors(e))
      if (!store->records[a].hasRecord)
        store->descendantsOfUnrecorded[a].push_back(e);
  }
  for (auto &entry : store->descendantsOfUnrecorded)
    std::sort(entry.second.begin(), entry.second.end());
  return store;
}

llvm::ArrayRef<uint32_t> FlatStore::getDescendantsOfUnrecorded(uint32_t e) const {
  auto it = descendantsOfUnrecorded.find(e);
  if (it == descendantsOfUnrecorded.end())
    return {};
  return it->second;
}

size_t FlatStore::getMemoryUsage() const {
  size_t bytes = records.capacity() * sizeof(Record) + fields.capacity() * sizeof(Field) +
                 tags.capacity() * sizeof(Tag) + ancestors.capacity() * sizeof(uint32_t);
  bytes += descendantsOfUnrecorded.getMemorySize();
  for (const auto &entry : descendantsOfUnrecorded)
    bytes += entry.second.capacity() * sizeof(uint32_t);
  if (actionIndex)
    bytes += actionIndex->getMemoryUsage();
  return bytes + arena.getBytesAllocated() + symbols.getMemoryUsage();
}

} // namespace larch::rt
