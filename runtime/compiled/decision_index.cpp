// DecisionIndex: the scope trie (see decision_index.h).
#include "runtime/compiled/decision_index.h"

#include "runtime/compiled/flat_store.h"
#include "runtime/compiled/prepared_request.h"
#include "runtime/compiled/program.h"
#include "runtime/value.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace larch::rt {

uint32_t DecisionIndex::newNode(Level level, bool isTypeNode) {
  Node n;
  n.level = level;
  n.isTypeNode = isTypeNode;
  nodes.push_back(n);
  edgeLabels.emplace_back(None, 0);
  return static_cast<uint32_t>(nodes.size() - 1);
}

uint32_t DecisionIndex::childFor(uint32_t node, EdgeKind kind, uint32_t id,
                                 Level childLevel, bool isTypeNode) {
  uint64_t key = edgeKey(node, kind, id);
  auto it = buildEdges.find(key);
  if (it != buildEdges.end())
    return it->second;
  uint32_t child = newNode(childLevel, isTypeNode);
  buildEdges[key] = child;
  edgeLabels[child] = {node, key};
  Node &n = nodes[node];
  n.hasEq |= kind == EqEdge;
  n.hasIn |= kind == InEdge;
  n.hasIs |= kind == IsEdge;
  return child;
}

uint32_t DecisionIndex::anyChild(uint32_t node, Level childLevel) {
  if (nodes[node].any == None) {
    uint32_t child = newNode(childLevel);
    nodes[node].any = child;
    edgeLabels[child] = {node, UINT64_MAX};
  }
  return nodes[node].any;
}

void DecisionIndex::insertScope(uint32_t node, const EntityScopeSpec &scope,
                                Level childLevel, std::vector<uint32_t> &children) {
  using Op = EntityScopeSpec::Op;
  switch (scope.op) {
  case Op::Any:
    children.push_back(anyChild(node, childLevel));
    return;
  case Op::Eq:
    children.push_back(childFor(node, EqEdge, scope.entity, childLevel));
    return;
  case Op::In:
    children.push_back(childFor(node, InEdge, scope.entity, childLevel));
    return;
  case Op::Is:
  case Op::IsIn: {
    Level same = nodes[node].level;
    uint32_t typeNode = childFor(node, IsEdge, scope.type, same, /*isTypeNode=*/true);
    children.push_back(scope.op == Op::Is
                           ? anyChild(typeNode, childLevel)
                           : childFor(typeNode, InEdge, scope.entity, childLevel));
    return;
  }
  }
}

void DecisionIndex::clear() {
  actionNodeById.clear();
  nodes.clear();
  buildEdges.clear();
  edges.clear();
  leafPolicies.clear();
  edgeLabels.clear();
  root = newNode(ActionLevel);
}

void DecisionIndex::insertBelowAction(uint32_t i, const PolicyInfo &p,
                                      llvm::ArrayRef<uint32_t> actionNodes,
                                      std::vector<std::vector<uint32_t>> &leaves) {
  std::vector<uint32_t> principalNodes, leafNodes;
  for (uint32_t a : actionNodes)
    insertScope(a, p.principal, ResourceLevel, principalNodes);
  for (uint32_t pn : principalNodes)
    insertScope(pn, p.resource, LeafLevel, leafNodes);
  for (uint32_t leaf : leafNodes) {
    if (leaves.size() <= leaf)
      leaves.resize(nodes.size());
    // `in [a, b]` may reach one leaf twice.
    if (leaves[leaf].empty() || leaves[leaf].back() != i)
      leaves[leaf].push_back(i);
  }
}

std::vector<std::vector<uint32_t>> DecisionIndex::getChildren() const {
  std::vector<std::vector<uint32_t>> kids(nodes.size());
  for (uint32_t c = 0; c < nodes.size(); ++c)
    if (edgeLabels[c].first != None)
      kids[edgeLabels[c].first].push_back(c);
  return kids;
}

uint32_t DecisionIndex::skipPassThroughs() {
  // A node that tests nothing more: no keyed edges, an `any` child. An
  // `is T` sub-node qualifies too (its `any` child means `is T`, which the
  // edge to it has tested).
  auto passesThrough = [&](uint32_t c) {
    const Node &n = nodes[c];
    return n.level != LeafLevel && !n.hasEq && !n.hasIn && !n.hasIs && n.any != None;
  };
  uint32_t skipped = 0;
  for (uint32_t c = 0; c < nodes.size(); ++c) {
    const auto [parent, key] = edgeLabels[c];
    // Roots (the root and the store actions' nodes) have no parent.
    if (parent == None || !passesThrough(c))
      continue;
    uint32_t to = c;
    while (passesThrough(to)) {
      const uint32_t next = nodes[to].any;
      edgeLabels[to] = {None, 0};
      ++skipped;
      to = next;
    }
    // A trie: `to` had one parent, now `c`'s, by the same edge.
    edgeLabels[to] = {parent, key};
    if (key == UINT64_MAX)
      nodes[parent].any = to;
  }
  return skipped;
}

void DecisionIndex::relayout(std::vector<std::vector<uint32_t>> &leaves, uint32_t skipped) {
  const uint32_t size = static_cast<uint32_t>(nodes.size());
  const std::vector<std::vector<uint32_t>> kids = getChildren();
  // New ids in depth-first preorder, the order a lookup visits them, one
  // subtree at a time: the root's children's, then each store action's.
  std::vector<uint32_t> newId(size, None), order, stack;
  order.reserve(size);
  auto place = [&](uint32_t top) {
    if (newId[top] != None)
      return;
    stack.push_back(top);
    while (!stack.empty()) {
      uint32_t n = stack.back();
      stack.pop_back();
      newId[n] = static_cast<uint32_t>(order.size());
      order.push_back(n);
      for (auto c = kids[n].rbegin(); c != kids[n].rend(); ++c)
        stack.push_back(*c);
    }
  };
  place(root);
  for (uint32_t a : actionNodeById)
    if (a != None)
      place(a);
  assert(order.size() + skipped == size &&
         "every node but those skipped hangs from the root or an action");
  (void)skipped;
  const uint32_t live = static_cast<uint32_t>(order.size());
  HugePageVector<Node> movedNodes(live);
  std::vector<std::pair<uint32_t, uint64_t>> movedLabels(live);
  std::vector<std::vector<uint32_t>> movedLeaves(live);
  leaves.resize(size);
  for (uint32_t old = 0; old < size; ++old) {
    uint32_t to = newId[old];
    if (to == None)
      continue; // skipped
    assert(nodes[old].any == None || newId[nodes[old].any] != None);
    movedNodes[to] = nodes[old];
    if (movedNodes[to].any != None)
      movedNodes[to].any = newId[movedNodes[to].any];
    auto [parent, key] = edgeLabels[old];
    if (parent != None) {
      parent = newId[parent];
      if (key != UINT64_MAX)
        key = edgeKey(parent, static_cast<EdgeKind>((key >> 32) & 3),
                      static_cast<uint32_t>(key));
    }
    movedLabels[to] = {parent, key};
    movedLeaves[to] = std::move(leaves[old]);
  }
  nodes = std::move(movedNodes);
  edgeLabels = std::move(movedLabels);
  leaves = std::move(movedLeaves);
  root = newId[root];
  for (uint32_t &a : actionNodeById)
    if (a != None)
      a = newId[a];
}

void DecisionIndex::finish(llvm::ArrayRef<PolicyInfo> policies,
                           std::vector<std::vector<uint32_t>> &leaves, bool mayRepeat,
                           bool skipNodes) {
  relayout(leaves, skipNodes ? skipPassThroughs() : 0);
  for (uint32_t n = 0; n < nodes.size(); ++n) {
    if (nodes[n].level != LeafLevel)
      continue;
    nodes[n].first = static_cast<uint32_t>(leafPolicies.size());
    nodes[n].count = static_cast<uint32_t>(leaves[n].size());
    if (mayRepeat)
      for (uint32_t p : leaves[n])
        nodes[n].multiAction |= policies[p].action.op != ActionScopeSpec::Op::Any &&
                                policies[p].action.count > 1;
    leafPolicies.insert(leafPolicies.end(), leaves[n].begin(), leaves[n].end());
  }
  freeze();
  // A leaf lists its first policies in its own line too (a leaf has no
  // edges to keep in `slots`): visiting a short one then reads nothing
  // further, where the list in leafPolicies was one more cache miss in a
  // large set.
  for (Node &n : nodes)
    if (n.level == LeafLevel)
      std::copy_n(leafPolicies.begin() + n.first,
                  std::min<size_t>(n.count, std::size(n.slots)), n.slots);
}

void DecisionIndex::build(llvm::ArrayRef<PolicyInfo> policies,
                          llvm::ArrayRef<uint32_t> actionScopeEntities) {
  clear();
  std::vector<std::vector<uint32_t>> leaves; // by node id (leaf nodes only)
  std::vector<uint32_t> actionNodes;
  for (uint32_t i = 0; i < policies.size(); ++i) {
    const PolicyInfo &p = policies[i];
    actionNodes.clear();
    switch (p.action.op) {
    case ActionScopeSpec::Op::Any:
      actionNodes.push_back(anyChild(root, PrincipalLevel));
      break;
    case ActionScopeSpec::Op::Eq:
    case ActionScopeSpec::Op::In: {
      EdgeKind kind = p.action.op == ActionScopeSpec::Op::Eq ? EqEdge : InEdge;
      for (uint32_t e : actionScopeEntities.slice(p.action.first, p.action.count))
        actionNodes.push_back(childFor(root, kind, e, PrincipalLevel));
      break;
    }
    }
    insertBelowAction(i, p, actionNodes, leaves);
  }
  finish(policies, leaves, /*mayRepeat=*/true, /*skipNodes=*/false);
}

bool DecisionIndex::buildForActions(llvm::ArrayRef<PolicyInfo> policies,
                                    llvm::ArrayRef<uint32_t> actionScopeEntities,
                                    const FlatStore &store, size_t maxEntries) {
  clear();
  // The store's actions, and for each entity the actions below it.
  const SymbolTable &symbols = store.getSymbols();
  std::vector<uint32_t> actions;
  llvm::DenseMap<uint32_t, std::vector<uint32_t>> actionsIn;
  for (uint32_t e = 0; e < store.getNumEntities(); ++e) {
    if (!runtime::isActionType(symbols.getType(store.getType(e))))
      continue;
    actions.push_back(e);
    actionsIn[e].push_back(e); // `in` is reflexive
    for (uint32_t a : store.getAncestors(e))
      actionsIn[a].push_back(e);
  }
  // Each action's principal-level node, made even for an action no policy
  // names, so that lookupAction knows every store action; found by entity id
  // (one load, where a hashed edge costs a probe and often a cache miss).
  actionNodeById.assign(store.getNumEntities(), None);
  for (uint32_t a : actions)
    actionNodeById[a] = newNode(PrincipalLevel);

  std::vector<std::vector<uint32_t>> leaves;
  std::vector<uint32_t> matched;
  // By action entity: the last policy filed under it (`in [a, b]` may name
  // it twice).
  std::vector<uint32_t> lastPolicy(store.getNumEntities(), None);
  size_t entries = 0;
  for (uint32_t i = 0; i < policies.size(); ++i) {
    const PolicyInfo &p = policies[i];
    matched.clear();
    auto match = [&](uint32_t a) {
      if (lastPolicy[a] != i) {
        lastPolicy[a] = i;
        matched.push_back(actionNodeById[a]);
        ++nodes[actionNodeById[a]].count;
      }
    };
    if (p.action.op == ActionScopeSpec::Op::Any) {
      for (uint32_t a : actions)
        match(a);
    } else {
      for (uint32_t e : actionScopeEntities.slice(p.action.first, p.action.count)) {
        if (p.action.op == ActionScopeSpec::Op::Eq) {
          if (e < actionNodeById.size() && actionNodeById[e] != None)
            match(e);
        } else if (auto it = actionsIn.find(e); it != actionsIn.end()) {
          for (uint32_t a : it->second)
            match(a);
        }
      }
    }
    entries += matched.size();
    if (entries > maxEntries) {
      clear();
      return false;
    }
    insertBelowAction(i, p, matched, leaves);
  }
  finish(policies, leaves, /*mayRepeat=*/false, /*skipNodes=*/true);
  return true;
}

void DecisionIndex::freeze() {
  // Each node's keyed children (an `any` child's label has no key).
  std::vector<std::vector<uint32_t>> keyed = getChildren();
  for (std::vector<uint32_t> &kids : keyed)
    llvm::erase_if(kids, [&](uint32_t c) { return edgeLabels[c].second == UINT64_MAX; });
  std::vector<std::pair<uint64_t, uint32_t>> big;
  for (uint32_t n = 0; n < nodes.size(); ++n) {
    Node &node = nodes[n];
    node.hashedEdges = keyed[n].size() > MaxInline;
    for (uint32_t c : keyed[n]) {
      uint64_t key = edgeLabels[c].second;
      if (node.hashedEdges) {
        big.emplace_back(key, c);
        const unsigned bit = filterBit(EdgeKeyInfo::getHashValue(key));
        node.slots[bit >> 5] |= uint32_t(1) << (bit & 31);
        continue;
      }
      node.inlineKind[node.numInline] = static_cast<uint8_t>((key >> 32) & 3);
      node.slots[node.numInline] = static_cast<uint32_t>(key);
      node.slots[MaxInline + node.numInline] = c;
      ++node.numInline;
    }
  }
  edges.assign(big);
  buildEdges = decltype(buildEdges)(); // shrink_and_clear would keep a table for them all
}

template <unsigned L>
[[gnu::always_inline]] inline void DecisionIndex::visit(uint32_t node, Walk &w) const {
  const Node &n = nodes[node];
  if constexpr (L == LeafLevel) {
    // The node's own copy of its first policies is copied whole, without a
    // loop whose end depends on the count (its mispredictions cost more
    // than the extra bytes; the list has room: LeafSlack). Only a longer
    // leaf reads the rest from the shared list. The count and the cursor
    // are locals: written through `w.out`, the list could alias them for
    // all the compiler knows, and it reloaded both for every policy.
    const uint32_t count = n.count;
    uint32_t *out = w.out;
    std::memcpy(out, n.slots, sizeof(n.slots));
    if (count > std::size(n.slots)) {
      const uint32_t *from = leafPolicies.data() + n.first;
      for (uint32_t k = std::size(n.slots); k < count; ++k)
        out[k] = from[k];
    }
    w.out = out + count;
    w.duplicates |= n.multiAction;
  } else {
    const Walk::Probe &p = w.probe[L];
    // The children are found first and asked for together, then visited:
    // in a large set each is a cache miss, and visiting one before finding
    // the next queued the misses one behind another. A node with more
    // children than the buffer holds has the rest visited as found.
    uint32_t kids[MaxGathered];
    unsigned numKids = 0;
    auto child = [&](uint32_t c) __attribute__((always_inline)) {
      if (numKids < MaxGathered) {
        __builtin_prefetch(&nodes[c]);
        kids[numKids++] = c;
      } else {
        visitChild<L + 1>(c, w);
      }
    };
    // The children for `any`, `in` the entity or one of its ancestors.
    auto anyAndIn = [&](uint32_t at, const Node &m) __attribute__((always_inline)) {
      if (m.any != None)
        child(m.any);
      if (m.hasIn) {
        if (uint32_t c = findEdge(at, InEdge, p.entity); c != None)
          child(c);
        for (uint32_t a : p.ancestors)
          if (uint32_t c = findEdge(at, InEdge, a); c != None)
            child(c);
      }
    };
    anyAndIn(node, n);
    if (n.hasEq)
      if (uint32_t c = findEdge(node, EqEdge, p.entity); c != None)
        child(c);
    // The `is T` sub-node tests the same entity: its `any` child is `is T`,
    // its `in` children `is T in e` (it has no other).
    if (n.hasIs)
      if (uint32_t c = findEdge(node, IsEdge, p.type); c != None) {
        const Node &typeNode = nodes[c];
        if (typeNode.isTypeNode)
          anyAndIn(c, typeNode);
        else
          child(c); // the `is T` sub-node was linked out: its `any` child
      }
    for (unsigned k = 0; k < numKids; ++k)
      visitChild<L + 1>(kids[k], w);
  }
}

DecisionIndex::Walk::Probe DecisionIndex::probeFor(const World &world, uint32_t e) {
  const EntityView view = world.getView(e);
  return {e, view.type, view.getAncestors()};
}

template <unsigned L>
[[gnu::always_inline]] inline void DecisionIndex::visitChild(uint32_t node, Walk &w) const {
  if constexpr (L != LeafLevel) {
    // A node that tested nothing was skipped (skipPassThroughs): its leaf
    // hangs where it did.
    if (nodes[node].level == LeafLevel) {
      visit<LeafLevel>(node, w);
      return;
    }
  }
  visit<L>(node, w);
}

bool DecisionIndex::lookupAction(const World &world, uint32_t principal, uint32_t action,
                                 uint32_t resource, CandidateList &out) const {
  if (action >= actionNodeById.size() || actionNodeById[action] == None)
    return false;
  uint32_t node = actionNodeById[action];
  out.resize_for_overwrite(nodes[node].count + LeafSlack);
  Walk w{{}, out.data()};
  w.probe[PrincipalLevel] = probeFor(world, principal);
  w.probe[ResourceLevel] = probeFor(world, resource);
  visit<PrincipalLevel>(node, w);
  assert(!w.duplicates && "a policy is filed once per action");
  // Each policy filed under the action reaches one leaf below it.
  assert(w.out <= out.data() + nodes[node].count && "the bound holds");
  out.truncate(static_cast<size_t>(w.out - out.data()));
  return true;
}

void DecisionIndex::lookup(const World &world, uint32_t principal, uint32_t action,
                           uint32_t resource, CandidateList &out) const {
  out.clear();
  if (root == None)
    return;
  // Each leaf is reached at most once, so all leaves' lists bound the result.
  out.resize_for_overwrite(leafPolicies.size() + LeafSlack);
  // ORDER Level: the request feature each level tests.
  Walk w{{}, out.data()};
  w.probe[ActionLevel] = probeFor(world, action);
  w.probe[PrincipalLevel] = probeFor(world, principal);
  w.probe[ResourceLevel] = probeFor(world, resource);
  visit<ActionLevel>(root, w);
  out.truncate(static_cast<size_t>(w.out - out.data()));
  if (w.duplicates) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
}

void DecisionIndex::EdgeTable::assign(llvm::ArrayRef<std::pair<uint64_t, uint32_t>> entries) {
  clear();
  if (entries.empty())
    return;
  size_t size = 2;
  while (size < 2 * entries.size())
    size *= 2;
  slots.assign(size, Slot());
  mask = size - 1;
  for (auto [key, child] : entries) {
    assert(key != EmptyKey && "edge kinds fit in two bits below 3");
    size_t i = EdgeKeyInfo::getHashValue(key) & mask;
    while (slots[i].key != EmptyKey) {
      assert(slots[i].key != key && "each edge once");
      i = (i + 1) & mask;
    }
    slots[i] = Slot{key, child};
  }
}

size_t DecisionIndex::getMemoryUsage() const {
  return nodes.capacity() * sizeof(Node) + edges.getMemorySize() +
         leafPolicies.capacity() * sizeof(uint32_t) +
         edgeLabels.capacity() * sizeof(edgeLabels[0]) +
         actionNodeById.capacity() * sizeof(uint32_t);
}

namespace {

const char *levelName(unsigned level) {
  static const char *names[] = {"action", "principal", "resource", "leaf"};
  return names[level];
}

} // namespace

void DecisionIndex::dumpNode(uint32_t node, unsigned depth,
                             llvm::ArrayRef<PolicyInfo> policies,
                             const SymbolTable &symbols,
                             const std::vector<std::vector<uint32_t>> &kids,
                             std::string &out) const {
  const Node &n = nodes[node];
  if (n.level == LeafLevel) {
    out += ":";
    for (uint32_t k = n.first; k < n.first + n.count; ++k)
      out += " " + policies[leafPolicies[k]].id;
    out += "\n";
    return;
  }
  out += "\n";
  // Children in a stable order: any, then keyed edges sorted by label.
  std::vector<std::pair<std::string, uint32_t>> children;
  if (n.any != None)
    children.emplace_back(n.isTypeNode ? "" : "any", n.any);
  for (uint32_t c : kids[node]) {
    uint64_t key = edgeLabels[c].second;
    if (key == UINT64_MAX)
      continue;
    auto kind = static_cast<EdgeKind>((key >> 32) & 3);
    uint32_t id = static_cast<uint32_t>(key);
    std::string label = kind == EqEdge   ? "== " + symbols.getEntityText(id)
                        : kind == InEdge ? "in " + symbols.getEntityText(id)
                                         : "is " + symbols.getType(id).str();
    children.emplace_back(label, c);
  }
  std::sort(children.begin(), children.end());
  for (auto &[label, child] : children) {
    out.append(2 * (depth + 1), ' ');
    const Node &cn = nodes[child];
    if (cn.isTypeNode) {
      out += std::string(levelName(n.level)) + " " + label;
      dumpNode(child, depth + 1, policies, symbols, kids, out);
      continue;
    }
    if (n.isTypeNode)
      out += label.empty() ? "(any)" : label;
    else
      out += std::string(levelName(n.level)) + " " + label;
    dumpNode(child, depth + 1, policies, symbols, kids, out);
  }
}

std::string DecisionIndex::dump(llvm::ArrayRef<PolicyInfo> policies,
                                const SymbolTable &symbols) const {
  std::string out = "index";
  if (root != None)
    dumpNode(root, 0, policies, symbols, getChildren(), out);
  else
    out += "\n";
  return out;
}

} // namespace larch::rt
