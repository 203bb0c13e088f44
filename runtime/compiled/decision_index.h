//===- runtime/compiled/decision_index.h - Candidate policies -----*- C++ -*-===//
//
// Phase: runtime (built by the compiler from the policies' scopes, read on
// every decision).
// Entry points: DecisionIndex::build, DecisionIndex::lookup.
// Depends on LLVM ADT and the compiled value types; never on grammar/ or
// compiler/.
//
// A trie over the fixed heads of policy scopes, one request feature per
// level: the action, then the principal, then the resource. Each node has an
// `any` child (scope `Any`) and keyed children: `== e`, `in e` (reflexive,
// probed with the entity and each of its ancestors) and `is T` (a sub-node
// whose `any` child is `is T` and whose `in` children are `is T in e`). The
// leaves list policies; a lookup returns the union of the leaves it reaches,
// each policy once, leaf by leaf (not sorted: the decision sorts its few
// reasons instead). A trie reaches each leaf at most once, so only a policy
// scoped to several actions (`action in [a, b]`) can be met twice; leaves
// holding one are flagged and only then is the union deduplicated. It is
// exact: a policy is returned iff its scope holds, so candidates are
// evaluated from their condition on (PolicyInfo::bodyEntry).
//
// A second trie, built per snapshot by buildForActions, knows the store's
// action entities: its action level is one `==` edge per action, listing
// every policy whose action scope holds for it (the store's ancestors
// decide `in`). A lookup then walks one principal-level node instead of one
// per action scope that matches (`any`, `== a`, `in` each group of a), and a
// policy reaches one leaf only, so nothing is deduplicated. Its nodes that
// test nothing more (only an `any` child) are linked out, so a lookup reads
// the leaf where it read the node and then the leaf (skipPassThroughs).
//
// A node with at most four keyed edges keeps them inline (a lookup scans one
// cache line); the edges of larger nodes live in one hash table keyed by
// integers (node, edge kind, id). Nothing hashes strings.
// docs/architecture.md says why this shape (measurements included).
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_DECISION_INDEX_H
#define LARCH_RUNTIME_COMPILED_DECISION_INDEX_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "support/huge_page_allocator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace larch::rt {

class World;
class SymbolTable;
class FlatStore;
struct PolicyInfo;

/// A lookup's candidate policies. A SmallVector so that a lookup can size
/// it without zeroing (resize_for_overwrite) and write through a pointer.
using CandidateList = llvm::SmallVector<uint32_t, 0>;

class DecisionIndex {
public:
  /// Builds the trie over `policies` (their scope specs; action scope
  /// entities read from `actionScopeEntities`).
  void build(llvm::ArrayRef<PolicyInfo> policies,
             llvm::ArrayRef<uint32_t> actionScopeEntities);

  /// Builds the trie specialised to the action entities of `store` (type
  /// `Action` or `NS::Action`; see above). False, leaving it empty, if it
  /// would list more than `maxEntries` (policy, action) pairs.
  bool buildForActions(llvm::ArrayRef<PolicyInfo> policies,
                       llvm::ArrayRef<uint32_t> actionScopeEntities, const FlatStore &store,
                       size_t maxEntries);

  /// lookup() on a trie built by buildForActions, for a request whose
  /// entities are the store's own (no request entities): false, with `out`
  /// untouched, if `action` is not one of the store's actions.
  bool lookupAction(const World &world, uint32_t principal, uint32_t action,
                    uint32_t resource, CandidateList &out) const;

  /// Asks the cache for the node lookupAction starts at (a hint: no effect
  /// on results), for a caller that knows the action well before deciding.
  void prefetchAction(uint32_t action) const {
    if (action < actionNodeById.size() && actionNodeById[action] != None)
      __builtin_prefetch(&nodes[actionNodeById[action]]);
  }

  /// The policies whose scope holds for (principal, action, resource), each
  /// once, in no particular order, into `out` (cleared first; its capacity
  /// is reused).
  void lookup(const World &world, uint32_t principal, uint32_t action,
              uint32_t resource, CandidateList &out) const;

  /// A readable dump of the trie, for `larch compile --dump` and tests.
  std::string dump(llvm::ArrayRef<PolicyInfo> policies,
                   const SymbolTable &symbols) const;

  size_t getNumNodes() const { return nodes.size(); }
  size_t getMemoryUsage() const;

private:
  enum Level : uint8_t { ActionLevel, PrincipalLevel, ResourceLevel, LeafLevel };
  enum EdgeKind : uint8_t { EqEdge, InEdge, IsEdge };
  static constexpr uint32_t None = UINT32_MAX;

  static constexpr unsigned MaxInline = 4;
  /// Room a lookup's list keeps past its bound: a leaf's visit copies all
  /// of its node's `slots`, however few policies it has.
  static constexpr unsigned LeafSlack = 2 * MaxInline;

  struct alignas(64) Node {
    Level level = LeafLevel;
    /// The keyed edges are in `edges` (more than MaxInline of them, or the
    /// trie is still being built), else inline in `slots`.
    bool hashedEdges = true;
    uint8_t numInline = 0;
    uint8_t inlineKind[MaxInline] = {};
    /// An `is T` sub-node: tests the same entity as its parent.
    bool isTypeNode = false;
    bool hasEq = false, hasIn = false, hasIs = false;
    /// Leaf only: it lists a policy scoped to several actions, which other
    /// leaves of one lookup may list too.
    bool multiAction = false;
    /// Child for scope `Any`; for an `is T` sub-node, the `is T` child.
    uint32_t any = None;
    /// Leaf: getLeafPolicies()[first, first + count). A store action's
    /// principal-level node (buildForActions): `count` is the number of
    /// policies filed below it, the most one lookup there can return.
    uint32_t first = 0, count = 0;
    /// Inline edges: ids in [0, MaxInline), children in [MaxInline,
    /// 2 * MaxInline). With hashed edges: a 256-bit filter of their keys
    /// (filterBit), so that most probes for an edge the node lacks end
    /// here, without reading the table (most of a lookup's probes are
    /// such, and would miss the cache). A leaf: a copy of its first
    /// 2 * MaxInline policies (the list in getLeafPolicies() stays).
    uint32_t slots[2 * MaxInline] = {};

    uint32_t inlineId(unsigned k) const { return slots[k]; }
    uint32_t inlineChild(unsigned k) const { return slots[MaxInline + k]; }
    bool mayHaveEdge(unsigned bit) const { return slots[bit >> 5] >> (bit & 31) & 1; }
  };
  static_assert(sizeof(Node) == 64, "a node is one cache line");
  /// The filter bit of an edge key's hash: bits the table's slot index does
  /// not use below 2^24 slots (beyond, the filter is only less selective).
  static unsigned filterBit(unsigned hash) { return hash >> 24; }

  static uint64_t edgeKey(uint32_t node, EdgeKind kind, uint32_t id) {
    return (static_cast<uint64_t>(node) << 34) | (static_cast<uint64_t>(kind) << 32) | id;
  }
  [[gnu::always_inline]] uint32_t findEdge(uint32_t node, EdgeKind kind, uint32_t id) const {
    const Node &n = nodes[node];
    if (!n.hashedEdges) {
      for (unsigned k = 0; k < n.numInline; ++k)
        if (n.inlineId(k) == id && n.inlineKind[k] == kind)
          return n.inlineChild(k);
      return None;
    }
    // One hash serves the filter and the table.
    const uint64_t key = edgeKey(node, kind, id);
    const unsigned hash = EdgeKeyInfo::getHashValue(key);
    return n.mayHaveEdge(filterBit(hash)) ? edges.find(key, hash) : None;
  }
  /// Moves the edges of small nodes inline (end of build).
  void freeze();
  uint32_t newNode(Level level, bool isTypeNode = false);
  uint32_t childFor(uint32_t node, EdgeKind kind, uint32_t id, Level childLevel,
                    bool isTypeNode = false);
  uint32_t anyChild(uint32_t node, Level childLevel);
  /// Files policy `i` under each action-level node of `actionNodes` by its
  /// principal and resource scopes, into `leaves` (by leaf node id).
  void insertBelowAction(uint32_t i, const PolicyInfo &p, llvm::ArrayRef<uint32_t> actionNodes,
                         std::vector<std::vector<uint32_t>> &leaves);
  /// Each node's children (`any` and keyed), by node id, in creation order.
  std::vector<std::vector<uint32_t>> getChildren() const;
  /// Links each node that tests nothing more (no keyed edges, only `any`;
  /// an `is T` sub-node included, its type being tested by the edge to it)
  /// out of the trie: its parent's edge goes to its `any` child instead,
  /// at the end of the chain a leaf or a node that tests something. In a
  /// store's action index most paths passed through one or two
  /// (`principal in G, resource` has a resource node with only `any`;
  /// `principal is T` a sub-node with only `any`), a node line a lookup
  /// reads each. Returns how many were skipped; the dump of such a trie
  /// shows children a level early.
  uint32_t skipPassThroughs();
  /// Renumbers the nodes so that each lookup's nodes, and (laid out after
  /// it) their leaves' lists, sit together in memory: at 10,000 policies a
  /// lookup otherwise misses the cache on almost every node. Drops the
  /// `skipped` nodes no edge leads to any more.
  void relayout(std::vector<std::vector<uint32_t>> &leaves, uint32_t skipped);
  /// Lays out the leaves' lists and freezes the trie (with `skipNodes`,
  /// after skipPassThroughs).
  void finish(llvm::ArrayRef<PolicyInfo> policies, std::vector<std::vector<uint32_t>> &leaves,
              bool mayRepeat, bool skipNodes);
  void clear();
  /// The children of `node` (testing one entity) that an entity scope selects.
  void insertScope(uint32_t node, const struct EntityScopeSpec &scope, Level childLevel,
                   std::vector<uint32_t> &children);
  void dumpNode(uint32_t node, unsigned depth, llvm::ArrayRef<PolicyInfo> policies,
                const SymbolTable &symbols,
                const std::vector<std::vector<uint32_t>> &kids, std::string &out) const;
  /// What one lookup carries down the trie: per level, the request's
  /// entity with its type and ancestors, read once.
  struct Walk {
    struct Probe {
      uint32_t entity = 0;
      uint32_t type = 0;
      llvm::ArrayRef<uint32_t> ancestors;
    };
    Probe probe[3]; // ORDER Level
    /// Where the next candidate goes; the caller sized the list for them all.
    uint32_t *out;
    bool duplicates = false;
  };
  /// Visits `node`, a node of level L (or an `is T` sub-node of it); the
  /// levels are template arguments so that one lookup is one function.
  template <unsigned L> void visit(uint32_t node, Walk &w) const;
  /// visit<L>, or visit<LeafLevel> for a leaf where a skipped node of level
  /// L was (skipPassThroughs).
  template <unsigned L> void visitChild(uint32_t node, Walk &w) const;
  /// The probe for entity `e`, from its view (World::getView).
  static Walk::Probe probeFor(const World &world, uint32_t e);
  /// Children a visit finds before visiting them (more are visited as found).
  static constexpr unsigned MaxGathered = 16;

  /// DenseMap's default hash of a uint64_t keeps only its low 32 bits
  /// (times 37), which would drop the node; mix every bit instead.
  struct EdgeKeyInfo {
    static uint64_t getEmptyKey() { return ~uint64_t(0); }
    static uint64_t getTombstoneKey() { return ~uint64_t(0) - 1; }
    static unsigned getHashValue(uint64_t k) {
      k ^= k >> 33;
      k *= 0xff51afd7ed558ccdULL;
      k ^= k >> 33;
      return static_cast<unsigned>(k);
    }
    static bool isEqual(uint64_t a, uint64_t b) { return a == b; }
  };

  /// The frozen trie's hashed edges: open addressing with linear probing
  /// over 16-byte slots, at most half full, never erased from. A lookup
  /// probes it several times, mostly missing the cache; against the
  /// DenseMap it replaced (quadratic probing, tombstone tests) a decision
  /// at N = 10,000 with 1,000 different requests took 5% less
  /// (docs/architecture.md).
  class EdgeTable {
  public:
    void assign(llvm::ArrayRef<std::pair<uint64_t, uint32_t>> entries);
    void clear() { *this = EdgeTable(); }
    /// The child under `key`, whose hash (EdgeKeyInfo) is `hash`, or None.
    uint32_t find(uint64_t key, unsigned hash) const {
      if (slots.empty())
        return None;
      for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot &s = slots[i];
        if (s.key == key)
          return s.child;
        if (s.key == EmptyKey)
          return None;
      }
    }
    size_t getMemorySize() const { return slots.capacity() * sizeof(Slot); }

  private:
    /// No edge has this key: its kind bits would be 3.
    static constexpr uint64_t EmptyKey = ~uint64_t(0);
    struct Slot {
      uint64_t key = EmptyKey;
      uint32_t child = None;
    };
    HugePageVector<Slot> slots;
    size_t mask = 0;
  };

  HugePageVector<Node> nodes;
  /// Keyed edges while building (childFor); freeze() moves the large
  /// nodes' edges to `edges` and clears this.
  llvm::DenseMap<uint64_t, uint32_t, EdgeKeyInfo> buildEdges;
  EdgeTable edges;
  HugePageVector<uint32_t> leafPolicies;
  uint32_t root = None;
  /// buildForActions only: each store action's principal-level node by
  /// entity id (None for other entities).
  HugePageVector<uint32_t> actionNodeById;
  /// Labels of edges, for dump() only: child node -> (kind, id).
  std::vector<std::pair<uint32_t, uint64_t>> edgeLabels;
};

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_DECISION_INDEX_H
