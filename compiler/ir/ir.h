// Compiler phase output (AST -> IR): ir::Module, what a policy set means.
// Entry points: Module (its accessors and the node-building interface used by
// compiler/ir/lower.cpp), dump (compiler/ir/ir_dump.cpp).
// Depends on support (SourceRange) and LLVM ADT only; never on grammar/ or
// ANTLR, so later phases can consume a Module without the parser.
//
// Names are interned to dense SymbolIds: attribute and record-key names,
// entity type names, entity uids, and string literals and function names.
// Each policy keeps its normalised scope (for the decision index) and its
// whole condition as one node of an expression DAG in Cedar's core form:
//   `a != b`       is  not(a == b)
//   `a > b`        is  not(a <= b),   `a >= b` is not(a < b)
//   `e is T in x`  is  (e is T) && (e in x)
//   `e has a.b.c`  is  e has a && e.a has b && e.a.b has c
//   `unless { e }` is  not(e)
//   policy         is  principalScope && actionScope && resourceScope && c1 && ...
// in Cedar's evaluation order, so errors are attributed exactly as the
// reference evaluator attributes them.
//
// INVARIANT: nodes are hash-consed across every policy of the module: two
// structurally identical expressions have the same NodeId. A node's operands
// always have smaller ids (the node vector is in topological order).
#ifndef LARCH_COMPILER_IR_IR_H
#define LARCH_COMPILER_IR_IR_H

#include "larch/diagnostic.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace larch::ir {

/// A dense id into one of the Module's symbol tables.
using SymbolId = uint32_t;
/// An index into Module::getNodes().
using NodeId = uint32_t;

// ORDER Op: getOpName in ir_dump.cpp names each.
enum class Op {
  // Leaves.
  BoolLit,   // payload: 0 or 1
  LongLit,   // longValue
  StringLit, // payload: string symbol
  EntityLit, // payload: entity symbol
  Var,       // payload: VarKind
  // Boolean structure (short-circuit, left to right).
  Not, // [x]
  And, // [l, r]: r evaluated only when l is true; both must be Bools
  Or,  // [l, r]: r evaluated only when l is false
  If,  // [c, t, e]
  // Operators; all operands evaluated left to right.
  Neg,    // [x]
  Eq,     // [l, r]
  Less,   // [l, r]
  LessEq, // [l, r]
  In,     // [l, r]: entity in entity or set of entities
  Add,    // [l, r]
  Sub,    // [l, r]
  Mul,    // [l, r]
  Has,     // [x], payload: attribute symbol (one step of a path)
  GetAttr, // [x], payload: attribute symbol
  Like,    // [x], payload: pattern index
  Is,      // [x], payload: entity type symbol
  Method,  // [receiver, args...], payload: string symbol of the method name
  Call,    // [args...], payload: string symbol of the function name
  Set,     // [elements...]
  Record,  // [values...], keys: attribute symbols, parallel to the values
};

/// The request variable of a Var node.
enum class VarKind : uint32_t { Principal, Action, Resource, Context };

/// One node of the expression DAG.
struct Node {
  Op op = Op::BoolLit;
  uint32_t payload = 0;
  int64_t longValue = 0;
  /// Operands: Module::getOperands()[first, first + count).
  uint32_t first = 0;
  uint32_t count = 0;
  /// Record keys: Module::getRecordKeys()[first, first + count) (Record only).
  uint32_t keysFirst = 0;
  /// Where the node first occurs in the source.
  SourceRange range;
};

/// One element of a `like` pattern: `*` or a run of literal bytes.
struct PatternElem {
  bool isWildcard = false;
  std::string literal;
  friend bool operator==(const PatternElem &, const PatternElem &) = default;
};

/// principal/resource scope: Any | == uid | in uid | is T | is T in uid.
struct EntityScope {
  enum class Op { Any, Eq, In, Is, IsIn };
  Op op = Op::Any;
  SymbolId type = 0; // Is, IsIn
  SymbolId uid = 0;  // Eq, In, IsIn
};

/// action scope: Any | == uid | in {uids} (`in uid` is `in [uid]`).
struct ActionScope {
  enum class Op { Any, Eq, In };
  Op op = Op::Any;
  std::vector<SymbolId> uids; // one for Eq, any number for In
};

enum class Effect { Permit, Forbid };

/// One conjunct of a policy (Policy::conjuncts). Its range is where it was
/// written: ranges are per policy here, unlike nodes' ranges, which keep
/// their first occurrence (nodes are hash-consed across policies).
struct Conjunct {
  enum class Kind : uint8_t { Principal, Action, Resource, When, Unless };
  Kind kind = Kind::When;
  /// When/Unless: the node that must be true (Unless: the negation of the
  /// clause); unused for scopes (the VM tests those itself).
  NodeId node = 0;
  /// The scope clause, the `when` operand, or the expression in `unless`.
  SourceRange range;
};

struct Policy {
  std::string id;
  Effect effect = Effect::Permit;
  EntityScope principal;
  ActionScope action;
  EntityScope resource;
  /// The whole condition, scope included; evaluates to a Bool or an error.
  NodeId condition = 0;
  /// The conditions alone (`when`/`unless` conjoined, `true` if none): what
  /// remains to evaluate once the scope is known to hold. Not checked to be
  /// a Bool (a lone `when { 1 }`); evaluators check the result.
  NodeId body = 0;
  SourceRange range;
  /// The policy's conjuncts in evaluation order, for explanations
  /// (docs/explain.md): the scopes that are not `Any`, then per `when` its
  /// top-level `&&` operands, per `unless` the whole negated clause. The
  /// policy is satisfied iff each of them, evaluated in this order until one
  /// is false or errors, is true.
  std::vector<Conjunct> conjuncts;
};

/// An interned entity uid.
struct EntityUidSym {
  SymbolId type;
  std::string id;
};

/// A lowered policy set. Built by ir::lower (compiler/ir/lower.h).
class Module {
public:
  // ------------------------------------------------------------ symbols
  SymbolId internAttr(llvm::StringRef name) { return intern(attrIds, attrs, name); }
  SymbolId internType(llvm::StringRef name) { return intern(typeIds, types, name); }
  SymbolId internString(llvm::StringRef s) { return intern(stringIds, strings, s); }
  SymbolId internEntity(llvm::StringRef type, llvm::StringRef id);
  uint32_t internPattern(std::vector<PatternElem> pattern);

  llvm::StringRef getAttr(SymbolId s) const { return attrs[s]; }
  llvm::StringRef getType(SymbolId s) const { return types[s]; }
  llvm::StringRef getString(SymbolId s) const { return strings[s]; }
  const EntityUidSym &getEntity(SymbolId s) const { return entities[s]; }
  llvm::ArrayRef<PatternElem> getPattern(uint32_t p) const { return patterns[p]; }
  size_t getNumAttrs() const { return attrs.size(); }
  size_t getNumTypes() const { return types.size(); }
  size_t getNumStrings() const { return strings.size(); }
  size_t getNumEntities() const { return entities.size(); }
  size_t getNumPatterns() const { return patterns.size(); }
  /// `Type::"id"` in Cedar's text form.
  std::string getEntityText(SymbolId s) const;

  // -------------------------------------------------------------- nodes
  /// The node (op, payload, longValue, operands, keys), created if new; an
  /// existing node keeps the range of its first occurrence.
  NodeId makeNode(Op op, uint32_t payload, int64_t longValue,
                  llvm::ArrayRef<NodeId> operands, SourceRange range,
                  llvm::ArrayRef<SymbolId> keys = {});

  llvm::ArrayRef<Node> getNodes() const { return nodes; }
  const Node &getNode(NodeId n) const { return nodes[n]; }
  llvm::ArrayRef<NodeId> getOperands(NodeId n) const {
    const Node &x = nodes[n];
    return llvm::ArrayRef<NodeId>(operands).slice(x.first, x.count);
  }
  llvm::ArrayRef<SymbolId> getRecordKeys(NodeId n) const {
    const Node &x = nodes[n];
    return llvm::ArrayRef<SymbolId>(recordKeys).slice(x.keysFirst, x.count);
  }

  // ----------------------------------------------------------- policies
  std::vector<Policy> &getPolicies() { return policies; }
  llvm::ArrayRef<Policy> getPolicies() const { return policies; }

private:
  static SymbolId intern(llvm::StringMap<SymbolId> &ids,
                         std::vector<std::string> &names, llvm::StringRef s);

  std::vector<std::string> attrs, types, strings;
  llvm::StringMap<SymbolId> attrIds, typeIds, stringIds;
  std::vector<EntityUidSym> entities;
  std::map<std::pair<SymbolId, std::string>, SymbolId> entityIds;
  std::vector<std::vector<PatternElem>> patterns;
  std::map<std::string, uint32_t> patternIds;

  std::vector<Node> nodes;
  std::vector<NodeId> operands;
  std::vector<SymbolId> recordKeys;
  /// Hash-consing: the encoded (op, payload, value, operands, keys) -> id.
  llvm::StringMap<NodeId> nodeIds;

  std::vector<Policy> policies;
};

/// A readable, stable text form: symbol tables, nodes as `%N = op args`,
/// then policies with their scopes and condition node. See ir_dump.cpp.
std::string dump(const Module &m);

/// The dump name of an op (`and`, `getattr`, ...).
llvm::StringRef getOpName(Op op);

} // namespace larch::ir

#endif // LARCH_COMPILER_IR_IR_H
