//===- runtime/compiled/prepared_request.h - A request in ids ------*- C++ -*-===//
//
// Phase: runtime (compiled evaluation data).
// Entry points: PreparedRequest (fill it with prepareRequest, or name by name
// through its intern/add methods as the JSON decoder does), World (what one
// decision reads: a FlatStore with the request's own names and entities
// layered over it).
// Depends on flat_store.h and runtime/request.h; never on grammar/ or
// compiler/.
//
// Preparing turns names into ids once (this is where strings are hashed), so
// deciding never does. Names the store does not know (an unknown principal,
// a context key no policy or entity uses, an entity given only in this
// request) get request-local ids after the store's. A PreparedRequest is
// reusable: clear() keeps its memory, so preparing in a loop stops
// allocating once its buffers are large enough.
//
// Request entities (Larch's per-request `entities`) are layered over the
// store as runtime::EntityStore::buildLayer layers them: an entity also in
// the store must be identical to it; ancestors are closed through both.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_PREPARED_REQUEST_H
#define LARCH_RUNTIME_COMPILED_PREPARED_REQUEST_H

#include "runtime/compiled/arena.h"
#include "runtime/compiled/flat_store.h"
#include "runtime/compiled/val.h"
#include "runtime/entity_store.h"
#include "runtime/request.h"
#include "support/same_bytes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace larch::rt {

/// An entity as a decision reads it (World's view: the request's overlays
/// applied): its type, attributes and proper ancestors (sorted).
struct EntityView {
  uint32_t entity = NoSymbol; // NoSymbol: no entity (matches none)
  uint32_t type = 0;
  uint32_t numAttrs = 0, numAncestors = 0;
  const Field *attrs = nullptr;
  const uint32_t *ancestors = nullptr;
  llvm::ArrayRef<Field> getAttrs() const { return {attrs, numAttrs}; }
  llvm::ArrayRef<uint32_t> getAncestors() const { return {ancestors, numAncestors}; }
};
static_assert(sizeof(EntityView) == 32, "a request's two views fill a cache line");

class PreparedRequest {
public:
  PreparedRequest() = default;
  // The arena's first bytes are a member (firstSlab): it cannot move.
  PreparedRequest(const PreparedRequest &) = delete;
  PreparedRequest &operator=(const PreparedRequest &) = delete;

  /// Starts a new request against `store` (which must outlive this request's
  /// use); keeps allocated memory.
  void clear(const FlatStore &store);

  /// Ids for names, the store's if it has them, else request-local ones.
  uint32_t internType(llvm::StringRef name);
  uint32_t internAttr(llvm::StringRef name);
  uint32_t internEntity(llvm::StringRef type, llvm::StringRef id);
  Arena &getArena() { return arena; }

  void setPrincipal(uint32_t e) {
    principal = e;
    resolved = false;
  }
  void setAction(uint32_t e) { action = e; }
  void setResource(uint32_t e) {
    resource = e;
    resolved = false;
  }
  /// A Record Val whose payload lives in getArena() (or is static).
  void setContext(Val record) { context = record; }

  /// Adds the request's own entities (after every id they use is interned).
  /// On a conflict with the store or a cycle, returns false with a message.
  bool setRequestEntities(const runtime::EntityStore &layer, std::string &error);

  /// Reads the principal's and the resource's views (getResolved) once the
  /// request is complete: a decision then starts from the request's own
  /// lines, not from the store's records, one dependent cache miss fewer
  /// in a large store. A setter of either, or of the request's entities,
  /// undoes it; unresolved, a decision reads the store as it would anyway.
  void resolve();
  bool isResolved() const { return resolved; }
  /// The principal's view, then the resource's (valid if isResolved()).
  const EntityView *getResolved() const { return views; }
  /// Cache hints (no effect on results) for a caller that will decide this
  /// request shortly. Once the principal, action and resource are set: their
  /// store records (which resolve() reads) and the action's node in the
  /// store's action index.
  void prefetchEntities() const {
    store->prefetchRecord(principal);
    store->prefetchRecord(resource);
    if (const DecisionIndex *byAction = store->getActionIndex())
      byAction->prefetchAction(action);
  }
  /// Once resolved: the principal's and resource's attributes and ancestors.
  void prefetchResolved() const {
    for (const EntityView &v : views) {
      if (v.numAttrs)
        __builtin_prefetch(v.attrs);
      if (v.numAncestors)
        __builtin_prefetch(v.ancestors);
    }
  }

  uint32_t getPrincipal() const { return principal; }
  uint32_t getAction() const { return action; }
  uint32_t getResource() const { return resource; }
  const Val &getContext() const { return context; }
  const FlatStore &getStore() const { return *store; }

  // Request-local names (ids from the store's counts upwards).
  llvm::StringRef getLocalType(uint32_t t) const;
  llvm::StringRef getLocalAttr(uint32_t a) const;
  uint32_t getLocalEntityType(uint32_t e) const;
  llvm::StringRef getLocalEntityId(uint32_t e) const;

  /// The request's overlay for entity `e` (its own record or ancestors
  /// extended through request entities), or null when the store's view holds.
  struct Overlay {
    uint32_t entity;
    bool hasRecord;
    llvm::ArrayRef<Field> attrs;
    llvm::ArrayRef<Tag> tags;
    llvm::ArrayRef<uint32_t> ancestors; // sorted
  };
  const Overlay *findOverlay(uint32_t e) const;
  bool hasOverlays() const { return layered; }

private:
  // What every decision reads, first: in a request owned by the engine these
  // fields and the views start two cache lines. The maps and hints below
  // are read only while preparing.
  const FlatStore *store = nullptr;
  uint32_t principal = 0, action = 0, resource = 0;
  bool resolved = false;
  bool layered = false; // !overlays.empty()
  Val context;
  EntityView views[2];
  // The arena's first bytes, on the lines after the views: the context and
  // its records, which a decision reads next, follow the request's ids in
  // memory instead of lying in a slab of their own.
  static constexpr size_t FirstSlabBytes = Arena::SmallSlab;
  alignas(8) char firstSlab[FirstSlabBytes];
  std::vector<Overlay> overlays; // sorted by entity
  Arena arena{firstSlab, FirstSlabBytes, Arena::SmallSlab};
  // Request-local names, copied into the arena; the maps keep their buckets
  // across clear(), so a reused request stops allocating.
  std::vector<llvm::StringRef> localTypes, localAttrs;
  struct LocalEntity {
    uint32_t type;
    llvm::StringRef id;
  };
  std::vector<LocalEntity> localEntities;
  // Eight buckets inline: a request names few unknown names, and clear()
  // sets every bucket (a DenseMap has 64 once it has held one name; that
  // was 2% of preparing a request).
  llvm::SmallDenseMap<llvm::StringRef, uint32_t, 8, NameKeyInfo> localTypeIds, localAttrIds;
  llvm::SmallDenseMap<std::pair<uint32_t, llvm::StringRef>, uint32_t, 8, EntityKeyInfo>
      localEntityIds;
  /// Store ids of attribute and type names as last found, by a digest of
  /// the name (its length and end bytes): one client's requests repeat
  /// their keys and types, and a guess checked against the store's name
  /// skips hashing it. A wrong or stale guess (another store, a digest
  /// shared by two names) only costs the hashed lookup. Kept across clear().
  struct NameHints {
    static constexpr unsigned Slots = 128;
    uint32_t ids[Slots];
    NameHints() { std::fill(std::begin(ids), std::end(ids), NoSymbol); }
    /// The store's id of `name`, or NoSymbol: the remembered one if the
    /// store names it `name` (`nameOf`, for ids below `count`), else
    /// `lookup()`'s, then remembered.
    template <typename NameOf, typename Lookup>
    uint32_t find(llvm::StringRef name, uint32_t count, NameOf nameOf, Lookup lookup) {
      if (name.empty())
        return lookup();
      uint32_t &id = ids[(static_cast<unsigned>(name.size()) * 37 +
                          static_cast<unsigned char>(name.front()) * 5 +
                          static_cast<unsigned char>(name.back())) %
                         Slots];
      if (id < count && sameText(nameOf(id), name))
        return id;
      uint32_t found = lookup();
      if (found != NoSymbol)
        id = found;
      return found;
    }
  };
  NameHints attrHints, typeHints;
  // Scratch kept across clear() so preparing stops allocating:
  // (store descendant, overlay index) pairs, merged ids.
  std::vector<std::pair<uint32_t, uint32_t>> extended;
  std::vector<uint32_t> mergedIds;
};

/// Converts a runtime request (and its optional request entities, layered
/// over the store's entities) into `out`. Fails only on a conflicting or
/// cyclic request entity (message in `error`).
bool prepareRequest(const FlatStore &store, const runtime::Request &request,
                    const runtime::EntityStore *requestEntities,
                    PreparedRequest &out, std::string &error);

/// Converts a runtime value into a Val whose payload lives in `out`'s arena,
/// interning names through `out`.
Val toVal(const runtime::Value &v, PreparedRequest &out);

/// What one decision reads: the store with the request's overlays. Cheap to
/// construct; every accessor is read-only and allocation-free.
class World {
public:
  explicit World(const PreparedRequest &request)
      : store(request.getStore()), request(request),
        numStoreEntities(store.getNumEntities()), layered(request.hasOverlays()),
        views(request.isResolved() ? request.getResolved() : unresolved) {}
  World(const World &) = delete;
  World &operator=(const World &) = delete;

  /// The principal's and the resource's views: the request's own when it
  /// was resolved, else none (EntityView::entity NoSymbol; their readers
  /// then read the store). The other accessors read the store.
  const EntityView &getPrincipalView() const { return views[0]; }
  const EntityView &getResourceView() const { return views[1]; }
  /// Entity `e` as a decision reads it: the request's resolved view when
  /// `e` is its principal or resource, else read as getType, getAttrs and
  /// getAncestors read it.
  EntityView getView(uint32_t e) const {
    if (e == views[0].entity)
      return views[0];
    if (e == views[1].entity)
      return views[1];
    return readView(e);
  }

  // The store's own entities, without overlays, are the common case and
  // read inline: each decision asks for several (the calls were 2-3% of a
  // decision's instructions).
  uint32_t getType(uint32_t e) const {
    return e < numStoreEntities ? store.getType(e) : request.getLocalEntityType(e);
  }
  bool hasRecord(uint32_t e) const;
  llvm::ArrayRef<Field> getAttrs(uint32_t e) const {
    if (!layered && e < numStoreEntities)
      return store.getAttrs(e);
    return getLayeredAttrs(e);
  }
  /// The attribute `key` of entity `e`, or null (also when e has no record).
  const Val *findAttr(uint32_t e, uint32_t key) const;
  llvm::ArrayRef<Tag> getTags(uint32_t e) const;
  /// The tag named `key`, or null; binary search by bytes.
  const Val *findTag(uint32_t e, llvm::StringRef key) const;
  /// Proper ancestors, sorted.
  llvm::ArrayRef<uint32_t> getAncestors(uint32_t e) const {
    if (!layered && e < numStoreEntities)
      return store.getAncestors(e);
    return getLayeredAncestors(e);
  }
  /// Cedar's `in` on entities: e == ancestor or ancestor is an ancestor of e.
  bool isIn(uint32_t e, uint32_t ancestor) const;

  /// Names, for messages and for converting results back.
  std::string getEntityText(uint32_t e) const;
  llvm::StringRef getTypeName(uint32_t t) const;
  llvm::StringRef getAttrName(uint32_t a) const;
  /// Cedar-like text of a value (as runtime::Value::str prints it).
  std::string str(const Val &v) const;
  /// The runtime::Value equal to `v` (for tests and slow paths).
  runtime::Value toValue(const Val &v) const;

  const PreparedRequest &getRequest() const { return request; }

private:
  /// getView's reading of an entity without a resolved view.
  EntityView readView(uint32_t e) const;
  /// getAttrs and getAncestors with the request's overlays and entities.
  llvm::ArrayRef<Field> getLayeredAttrs(uint32_t e) const;
  llvm::ArrayRef<uint32_t> getLayeredAncestors(uint32_t e) const;

  const FlatStore &store;
  const PreparedRequest &request;
  uint32_t numStoreEntities;
  bool layered;
  const EntityView *views;
  static constexpr EntityView unresolved[2] = {};
};

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_PREPARED_REQUEST_H
