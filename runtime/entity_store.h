//===- runtime/entity_store.h - Entities and their hierarchy -------*- C++ -*-===//
//
// Phase: runtime (evaluation data).
// Entry points: EntityStore::build (a shared store), EntityStore::buildLayer
// (per-request entities over a shared store), EntityView (what the evaluator
// reads).
// Depends on runtime/value.h only; never on grammar/ or compiler/.
//
// An entity has a uid, attributes, tags and parents. The store computes the
// transitive closure of the parent relation once, at load time, so `e in x`
// is a set lookup. Parents that have no entry of their own are allowed (they
// are ancestors without attributes); identical duplicate entities are merged;
// conflicting duplicates and cycles in the hierarchy are errors naming the
// entity (Cedar's entities.rs and transitive_closure.rs).
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_ENTITY_STORE_H
#define LARCH_RUNTIME_ENTITY_STORE_H

#include "runtime/value.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace larch::runtime {

/// One entity as loaded.
struct Entity {
  EntityUid uid;
  std::map<std::string, Value> attrs;
  std::map<std::string, Value> tags;
  /// Direct parents, as given.
  std::set<EntityUid> parents;
  /// Every ancestor (transitive closure of `parents`); filled by the store.
  std::set<EntityUid> ancestors;

  /// Structural equality of what was loaded (uid, attributes, tags, parents).
  bool sameAs(const Entity &other) const {
    return uid == other.uid && attrs == other.attrs && tags == other.tags &&
           parents == other.parents;
  }
};

/// An immutable collection of entities with their ancestor closure. Build it
/// once and share it between requests (it is never modified after build, so
/// concurrent readers are safe).
class EntityStore {
public:
  EntityStore() = default;

  /// Builds a store. On error returns nothing and sets `error` to a message
  /// naming the offending entity.
  static std::optional<EntityStore> build(std::vector<Entity> entities,
                                          std::string &error);

  /// Builds a store of extra entities layered over `base` (which must outlive
  /// the result): ancestors are computed through both. An entity also in
  /// `base` must be identical to it. `base` is not copied.
  static std::optional<EntityStore> buildLayer(std::vector<Entity> entities,
                                               const EntityStore &base,
                                               std::string &error);

  /// The entity with this uid, or null.
  const Entity *find(const EntityUid &uid) const;
  size_t size() const { return entities.size(); }
  /// The underlying store of a layer, or null.
  const EntityStore *getBase() const { return base; }
  const std::map<EntityUid, Entity> &getEntities() const { return entities; }

private:
  std::map<EntityUid, Entity> entities;
  const EntityStore *base = nullptr;
};

/// What evaluation reads: a store, optionally layered over another one.
class EntityView {
public:
  explicit EntityView(const EntityStore &store) : top(&store) {}

  /// The entity with this uid (the top layer first), or null.
  const Entity *find(const EntityUid &uid) const;
  /// True if `ancestor` is a proper ancestor of `uid` (not reflexive).
  bool isAncestor(const EntityUid &uid, const EntityUid &ancestor) const;

private:
  const EntityStore *top;
};

} // namespace larch::runtime

#endif // LARCH_RUNTIME_ENTITY_STORE_H
