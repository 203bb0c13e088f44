//===- runtime/entity_store.cpp - Entities and their hierarchy ---------------===//
//
// Phase: runtime (evaluation data).
// Entry points: EntityStore::build, EntityStore::buildLayer, EntityView (see
// entity_store.h).
// Depends on runtime/value.h only.
//
// The closure is computed by one iterative depth-first walk (an explicit
// stack, so a long parent chain cannot overflow the C++ stack). A node is
// closed after every node it depends on; meeting a node that is still on the
// stack is a cycle.
//
//===----------------------------------------------------------------------===//

#include "runtime/entity_store.h"

#include <utility>

namespace larch::runtime {
namespace {

/// Adds `entities` to `out`, merging identical duplicates.
bool insertAll(std::vector<Entity> entities, std::map<EntityUid, Entity> &out,
               std::string &error) {
  for (Entity &e : entities) {
    e.ancestors.clear();
    auto [it, inserted] = out.try_emplace(e.uid, Entity());
    if (inserted) {
      it->second = std::move(e);
      continue;
    }
    if (!it->second.sameAs(e)) {
      error = "duplicate entity " + e.uid.str() +
              " with different attributes, tags or parents";
      return false;
    }
  }
  return true;
}

/// Computes `ancestors` of every entity in `nodes`. `base` (may be null) is
/// the already closed store below.
bool computeClosure(std::map<EntityUid, Entity> &nodes, const EntityStore *base,
                    std::string &error) {
  // What a node needs closed first: its parents in `nodes`, and the nodes of
  // `nodes` that a parent in `base` reaches (a base entity may name a
  // layer entity as a parent before the layer exists).
  auto depsOf = [&](const Entity &e) {
    std::vector<Entity *> deps;
    for (const EntityUid &p : e.parents) {
      auto it = nodes.find(p);
      if (it != nodes.end()) {
        deps.push_back(&it->second);
        continue;
      }
      if (!base)
        continue;
      if (const Entity *b = base->find(p))
        for (const EntityUid &q : b->ancestors) {
          auto qt = nodes.find(q);
          if (qt != nodes.end())
            deps.push_back(&qt->second);
        }
    }
    return deps;
  };
  auto close = [&](Entity &e) {
    for (const EntityUid &p : e.parents) {
      e.ancestors.insert(p);
      auto it = nodes.find(p);
      if (it != nodes.end()) {
        e.ancestors.insert(it->second.ancestors.begin(), it->second.ancestors.end());
        continue;
      }
      if (!base)
        continue;
      if (const Entity *b = base->find(p)) {
        e.ancestors.insert(b->ancestors.begin(), b->ancestors.end());
        for (const EntityUid &q : b->ancestors) {
          auto qt = nodes.find(q);
          if (qt != nodes.end())
            e.ancestors.insert(qt->second.ancestors.begin(),
                               qt->second.ancestors.end());
        }
      }
    }
  };

  enum class State { New, Open, Done };
  std::map<const Entity *, State> state;
  struct Frame {
    Entity *node;
    std::vector<Entity *> deps;
    size_t next = 0;
  };
  for (auto &[uid, root] : nodes) {
    if (state[&root] == State::Done)
      continue;
    std::vector<Frame> stack;
    stack.push_back(Frame{&root, depsOf(root)});
    state[&root] = State::Open;
    while (!stack.empty()) {
      Frame &top = stack.back();
      if (top.next < top.deps.size()) {
        Entity *dep = top.deps[top.next++];
        State &s = state[dep];
        if (s == State::Open) {
          error = "the entity hierarchy has a cycle through " + dep->uid.str();
          return false;
        }
        if (s == State::New) {
          s = State::Open;
          Entity *d = dep;
          stack.push_back(Frame{d, depsOf(*d)});
        }
        continue;
      }
      close(*top.node);
      state[top.node] = State::Done;
      stack.pop_back();
    }
  }
  return true;
}

} // namespace

std::optional<EntityStore> EntityStore::build(std::vector<Entity> entities,
                                              std::string &error) {
  EntityStore store;
  if (!insertAll(std::move(entities), store.entities, error) ||
      !computeClosure(store.entities, nullptr, error))
    return std::nullopt;
  return store;
}

std::optional<EntityStore> EntityStore::buildLayer(std::vector<Entity> entities,
                                                   const EntityStore &base,
                                                   std::string &error) {
  EntityStore layer;
  layer.base = &base;
  if (!insertAll(std::move(entities), layer.entities, error))
    return std::nullopt;
  for (const auto &[uid, e] : layer.entities)
    if (const Entity *b = base.find(uid))
      if (!b->sameAs(e)) {
        error = "entity " + uid.str() +
                " conflicts with the entity of the same uid in the shared entities";
        return std::nullopt;
      }
  if (!computeClosure(layer.entities, &base, error))
    return std::nullopt;
  return layer;
}

const Entity *EntityStore::find(const EntityUid &uid) const {
  auto it = entities.find(uid);
  return it == entities.end() ? nullptr : &it->second;
}

const Entity *EntityView::find(const EntityUid &uid) const {
  for (const EntityStore *s = top; s; s = s->getBase())
    if (const Entity *e = s->find(uid))
      return e;
  return nullptr;
}

bool EntityView::isAncestor(const EntityUid &uid,
                            const EntityUid &ancestor) const {
  if (const Entity *e = top->find(uid))
    return e->ancestors.count(ancestor) != 0;
  const EntityStore *base = top->getBase();
  if (!base)
    return false;
  const Entity *e = base->find(uid);
  if (!e)
    return false;
  if (e->ancestors.count(ancestor))
    return true;
  // A base entity may have a parent that only the layer defines; that
  // parent's ancestors (closed through both stores) count too.
  for (const EntityUid &a : e->ancestors)
    if (const Entity *l = top->find(a))
      if (l->ancestors.count(ancestor))
        return true;
  return false;
}

} // namespace larch::runtime
