// Compiler phase IR -> runtime program: the code generator. Entry point:
// emitProgram (see program_emitter.h). Depends on compiler/ir and
// runtime/compiled; never on grammar/.
//
// Three passes over the IR:
//   1. constants: literals, sets and records of constants, and extension
//      constructors of a constant string that parse (one that does not
//      stays a call, so the error happens at run time, for its policy, as
//      the reference evaluator raises it);
//   2. sharing: a node whose code can run twice in one decision (two
//      parents in one policy, or reached from two policies that can both be
//      candidates for a request) gets a memo slot, so its code runs at most
//      once per decision, unless its code is at most two constant-time
//      instructions (`context.a.b`, `resource.level < 3`), cheaper to run
//      again than to look up;
//   3. code: per policy, the scope tests, then the conditions in Cedar's
//      evaluation order, then Return; after every policy, the code of each
//      policy's conjuncts, which only explanations run (docs/explain.md).
#include "compiler/codegen/program_emitter.h"

#include "runtime/compiled/builtins/builtins.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <cassert>

namespace larch::codegen {

namespace {

using ir::NodeId;
using rt::Insn;
using rt::Opcode;
using rt::Val;

constexpr uint32_t None = UINT32_MAX;
/// Deepest expression the generator recurses into.
constexpr unsigned MaxNesting = 10000;
/// A shared node whose code is at most this many constant-time instructions
/// is emitted again at each use: a memo lookup (MemoGet, and MemoPut on the
/// first use) costs about as much (measured: docs/architecture.md).
constexpr uint32_t MaxUnsharedCost = 4;

class Emitter {
public:
  Emitter(const ir::Module &m, rt::Program &out, DiagnosticEngine &diags)
      : m(m), out(out), diags(diags), code(out.getCode()), ranges(out.getInsnRanges()) {}

  bool run();

private:
  void internSymbols();
  void findConstants();
  void findSharing();
  bool emitPolicy(uint32_t index);
  bool emitConjuncts(uint32_t index);
  bool emitExpr(NodeId n, uint32_t depth);
  bool emitNode(NodeId n, uint32_t depth);

  uint32_t emit(Opcode op, uint32_t a, uint32_t b, SourceRange r) {
    code.push_back(Insn{op, 0, a, b});
    ranges.push_back(r);
    return static_cast<uint32_t>(code.size() - 1);
  }
  uint32_t here() const { return static_cast<uint32_t>(code.size()); }
  /// here(), recorded as the target of a jump (no instruction may then be
  /// fused with the one before it).
  uint32_t target() {
    lastTarget = here();
    return lastTarget;
  }
  /// Emits the BrFalse of an `&&`, fused into the comparison just emitted
  /// when there is one; returns the instruction whose target to patch.
  uint32_t emitBrFalse(SourceRange r);
  /// Sets the jump target of the branch at `at` (BrFalse/BrTrue/Jump/
  /// JumpIfNot: `a`; a fused comparison and branch: `b`) to here().
  void patch(uint32_t at);
  void use(uint32_t depth) {
    if (depth > maxDepth)
      maxDepth = depth;
  }
  uint32_t addConstant(Val v) {
    out.getConstants().push_back(v);
    return static_cast<uint32_t>(out.getConstants().size() - 1);
  }
  /// The constant-pool index of a constant node, created on first use.
  uint32_t constantOf(NodeId n);
  Val makeConstant(NodeId n);
  uint32_t stringConstant(ir::SymbolId s);
  bool isBoolNode(NodeId n) const;
  uint32_t constantOperand(NodeId n) const;
  uint32_t inlineCost(NodeId n, uint32_t budget) const;

  const ir::Module &m;
  rt::Program &out;
  DiagnosticEngine &diags;
  HugePageVector<Insn> &code;
  std::vector<SourceRange> &ranges;

  std::vector<uint32_t> attrIds, typeIds, entityIds, stringConsts;
  std::vector<bool> isConst;
  /// For constant extension constructors: the folded value.
  std::vector<Val> folded;
  std::vector<uint32_t> constIndex, memoSlot;
  uint32_t numMemoSlots = 0;
  /// The constant `true` of scope conjuncts, made on first use.
  uint32_t trueConst = None;
  uint32_t maxDepth = 0;
  uint32_t lastTarget = None;
  /// Each condition's code emitted so far: [bodyEntry, codeEnd) by IR node.
  llvm::DenseMap<NodeId, std::pair<uint32_t, uint32_t>> bodyCode;
  unsigned nesting = 0;
  bool tooDeep = false;
};

void Emitter::internSymbols() {
  rt::SymbolTable &syms = out.getSymbols();
  for (size_t i = 0; i < m.getNumAttrs(); ++i)
    attrIds.push_back(syms.internAttr(m.getAttr(static_cast<ir::SymbolId>(i))));
  for (size_t i = 0; i < m.getNumTypes(); ++i)
    typeIds.push_back(syms.internType(m.getType(static_cast<ir::SymbolId>(i))));
  for (size_t i = 0; i < m.getNumEntities(); ++i) {
    const ir::EntityUidSym &e = m.getEntity(static_cast<ir::SymbolId>(i));
    entityIds.push_back(syms.internEntity(typeIds[e.type], e.id));
  }
  stringConsts.assign(m.getNumStrings(), None);
  // `like` patterns, in the IR's order (so pattern ids carry over).
  for (size_t p = 0; p < m.getNumPatterns(); ++p) {
    rt::PatternRef ref;
    ref.first = static_cast<uint32_t>(out.getLikeUnits().size());
    for (const ir::PatternElem &e : m.getPattern(static_cast<uint32_t>(p))) {
      if (e.isWildcard)
        out.getLikeUnits().push_back(rt::LikeStar);
      else
        for (char c : e.literal)
          out.getLikeUnits().push_back(static_cast<unsigned char>(c));
    }
    ref.count = static_cast<uint32_t>(out.getLikeUnits().size()) - ref.first;
    std::string literal;
    unsigned stars = 0;
    for (const ir::PatternElem &e : m.getPattern(static_cast<uint32_t>(p))) {
      if (e.isWildcard && stars++ == 0)
        ref.prefixLength = static_cast<uint32_t>(literal.size());
      else if (!e.isWildcard)
        literal += e.literal;
    }
    if (stars <= 1) {
      ref.shape = stars == 0 ? rt::PatternRef::Shape::Exact : rt::PatternRef::Shape::PrefixSuffix;
      ref.literal = out.getConstantArena().copyString(literal);
    }
    out.getPatterns().push_back(ref);
  }
}

uint32_t Emitter::stringConstant(ir::SymbolId s) {
  if (stringConsts[s] == None) {
    llvm::StringRef text = out.getConstantArena().copyString(m.getString(s));
    stringConsts[s] = addConstant(Val::string(text));
  }
  return stringConsts[s];
}

void Emitter::findConstants() {
  size_t n = m.getNodes().size();
  isConst.assign(n, false);
  folded.assign(n, Val());
  for (NodeId i = 0; i < n; ++i) {
    const ir::Node &x = m.getNode(i);
    llvm::ArrayRef<NodeId> ops = m.getOperands(i);
    switch (x.op) {
    case ir::Op::BoolLit:
    case ir::Op::LongLit:
    case ir::Op::StringLit:
    case ir::Op::EntityLit:
      isConst[i] = true;
      break;
    case ir::Op::Set:
    case ir::Op::Record: {
      bool all = true;
      for (NodeId o : ops)
        all &= isConst[o];
      isConst[i] = all;
      break;
    }
    case ir::Op::Call: {
      // A constructor of one string literal folds when it succeeds.
      rt::Builtin f;
      if (ops.size() != 1 || m.getNode(ops[0]).op != ir::Op::StringLit ||
          !rt::lookupBuiltin(m.getString(x.payload), /*asMethod=*/false, f))
        break;
      Val arg = Val::string(m.getString(m.getNode(ops[0]).payload));
      rt::EvalError err;
      Val v;
      if (rt::detail::callExtension(f, &arg, out.getConstantArena(), v, err)) {
        isConst[i] = true;
        folded[i] = v;
      }
      break;
    }
    case ir::Op::Var:
    case ir::Op::Not:
    case ir::Op::And:
    case ir::Op::Or:
    case ir::Op::If:
    case ir::Op::Neg:
    case ir::Op::Eq:
    case ir::Op::Less:
    case ir::Op::LessEq:
    case ir::Op::In:
    case ir::Op::Add:
    case ir::Op::Sub:
    case ir::Op::Mul:
    case ir::Op::Has:
    case ir::Op::GetAttr:
    case ir::Op::Like:
    case ir::Op::Is:
    case ir::Op::Method:
      break;
    }
  }
}

void Emitter::findSharing() {
  // A node is worth a memo slot if its code can run twice in one decision:
  // it has two parents in one policy, or it is reached from two policies
  // that can both be candidates for one request. Policies scoped to
  // different single actions (`action == A`, `action == B`) never are, and
  // generated policy sets repeat conditions across tools a lot: a slot
  // there would only ever miss (measured: docs/architecture.md).
  size_t n = m.getNodes().size();
  std::vector<uint32_t> lastPolicy(n, None);
  std::vector<uint32_t> policies(n, 0);
  std::vector<bool> twice(n, false), byManyActions(n, false);
  llvm::DenseSet<std::pair<NodeId, ir::SymbolId>> byAction;
  std::vector<NodeId> work;
  for (uint32_t pi = 0; pi < m.getPolicies().size(); ++pi) {
    const ir::Policy &p = m.getPolicies()[pi];
    bool oneAction = p.action.op == ir::ActionScope::Op::Eq && p.action.uids.size() == 1;
    auto reach = [&](NodeId o) {
      if (lastPolicy[o] == pi) {
        twice[o] = true; // a second parent in this policy
        return;
      }
      lastPolicy[o] = pi;
      if (oneAction)
        twice[o] = twice[o] || byManyActions[o] || !byAction.insert({o, p.action.uids[0]}).second;
      else
        twice[o] = twice[o] || policies[o] > 0;
      byManyActions[o] = byManyActions[o] || !oneAction;
      ++policies[o];
      if (!isConst[o])
        work.push_back(o);
    };
    reach(p.body);
    while (!work.empty()) {
      NodeId k = work.back();
      work.pop_back();
      for (NodeId o : m.getOperands(k))
        reach(o);
    }
  }
  // A node whose only parent has a slot runs at most once per decision
  // already. INVARIANT: operands have smaller ids, so a descending sweep
  // decides every parent before its operands.
  std::vector<uint32_t> parents(n, 0);
  std::vector<NodeId> onlyParent(n, 0);
  for (const ir::Policy &p : m.getPolicies())
    ++parents[p.body];
  for (NodeId k = 0; k < n; ++k)
    if (lastPolicy[k] != None && !isConst[k])
      for (NodeId o : m.getOperands(k)) {
        ++parents[o];
        onlyParent[o] = k;
      }
  std::vector<bool> wantsSlot(n, false);
  for (NodeId i = n; i-- > 0;)
    wantsSlot[i] = twice[i] && !isConst[i] &&
                   !(parents[i] == 1 && wantsSlot[onlyParent[i]]) &&
                   inlineCost(i, MaxUnsharedCost) > MaxUnsharedCost;
  memoSlot.assign(n, None);
  for (NodeId i = 0; i < n; ++i)
    if (wantsSlot[i])
      memoSlot[i] = numMemoSlots++;
}

uint32_t Emitter::emitBrFalse(SourceRange r) {
  // Fused only if nothing jumps to where the BrFalse would go: the jump
  // would land after the comparison, on the branch.
  if (!code.empty() && lastTarget != here()) {
    Insn &last = code.back();
    Opcode fused = rt::getBranchingForm(last.op);
    if (fused != Opcode::BrFalse) {
      last.op = fused;
      return here() - 1;
    }
  }
  return emit(Opcode::BrFalse, 0, 0, r);
}

void Emitter::patch(uint32_t at) {
  Insn &in = code[at];
  (rt::isBranchingComparison(in.op) ? in.b : in.a) = target();
}

uint32_t Emitter::constantOperand(NodeId n) const {
  // Which operand of a comparison fuses into its instruction as K (LessK and
  // friends take it on the right; equality is symmetric and never errors).
  const ir::Node &x = m.getNode(n);
  if (x.op != ir::Op::Eq && x.op != ir::Op::Less && x.op != ir::Op::LessEq)
    return None;
  llvm::ArrayRef<NodeId> ops = m.getOperands(n);
  if (isConst[ops[1]])
    return 1;
  if (x.op == ir::Op::Eq && isConst[ops[0]])
    return 0;
  return None;
}

uint32_t Emitter::inlineCost(NodeId n, uint32_t budget) const {
  // Instructions the node's code takes when it is not memoised, for nodes
  // of constant-time steps only; anything else costs more than `budget`.
  // Every step but a fused `!` spends budget, so the recursion is shallow.
  const ir::Node &x = m.getNode(n);
  llvm::ArrayRef<NodeId> ops = m.getOperands(n);
  const uint32_t over = budget + 1;
  if (isConst[n] || x.op == ir::Op::Var)
    return 1;
  if (budget == 0)
    return over;
  // `own` instructions, then the operands (skipping a fused constant).
  auto sum = [&](uint32_t own, uint32_t skip = None) {
    uint32_t total = own;
    for (uint32_t k = 0; k < ops.size(); ++k) {
      if (k == skip)
        continue;
      if (total >= budget)
        return over;
      uint32_t c = inlineCost(ops[k], budget - total);
      if (c > budget - total)
        return over;
      total += c;
    }
    return total;
  };
  switch (x.op) {
  case ir::Op::Has:
  case ir::Op::GetAttr:
    // On a variable: one fused instruction.
    return m.getNode(ops[0]).op == ir::Op::Var ? 1 : sum(1);
  case ir::Op::Eq:
  case ir::Op::Less:
  case ir::Op::LessEq:
    // Equality of sets and records is not constant-time.
    for (NodeId o : ops)
      if (m.getNode(o).op == ir::Op::Set || m.getNode(o).op == ir::Op::Record)
        return over;
    return sum(1, constantOperand(n));
  case ir::Op::Not:
    // `!` of a comparison with a constant fuses into the comparison.
    return constantOperand(ops[0]) != None ? inlineCost(ops[0], budget) : sum(1);
  case ir::Op::Neg:
  case ir::Op::Add:
  case ir::Op::Sub:
  case ir::Op::Mul:
  case ir::Op::Is:
    return sum(1);
  default:
    return over;
  }
}

Val Emitter::makeConstant(NodeId n) {
  const ir::Node &x = m.getNode(n);
  llvm::ArrayRef<NodeId> ops = m.getOperands(n);
  rt::Arena &arena = out.getConstantArena();
  switch (x.op) {
  case ir::Op::BoolLit:
    return Val::boolean(x.payload != 0);
  case ir::Op::LongLit:
    return Val::integer(x.longValue);
  case ir::Op::StringLit:
    return out.getConstants()[stringConstant(x.payload)];
  case ir::Op::EntityLit:
    return Val::entityId(entityIds[x.payload]);
  case ir::Op::Set: {
    Val *elems = arena.allocate<Val>(ops.size());
    for (size_t k = 0; k < ops.size(); ++k)
      elems[k] = out.getConstants()[constantOf(ops[k])];
    return rt::makeSet(elems, static_cast<uint32_t>(ops.size()));
  }
  case ir::Op::Record: {
    rt::Field *fields = arena.allocate<rt::Field>(ops.size());
    llvm::ArrayRef<ir::SymbolId> keys = m.getRecordKeys(n);
    for (size_t k = 0; k < ops.size(); ++k)
      fields[k] = rt::Field{attrIds[keys[k]], out.getConstants()[constantOf(ops[k])]};
    Val v;
    uint32_t dup = 0;
    [[maybe_unused]] bool unique =
        rt::makeRecord(fields, static_cast<uint32_t>(ops.size()), v, dup);
    assert(unique && "the parser rejects duplicate record keys");
    return v;
  }
  case ir::Op::Call:
    return folded[n];
  default:
    llvm_unreachable("not a constant node");
  }
}

uint32_t Emitter::constantOf(NodeId n) {
  assert(isConst[n] && "constant node");
  if (constIndex[n] != None)
    return constIndex[n];
  if (m.getNode(n).op == ir::Op::StringLit)
    return constIndex[n] = stringConstant(m.getNode(n).payload);
  Val v = makeConstant(n);
  return constIndex[n] = addConstant(v);
}

bool Emitter::isBoolNode(NodeId n) const {
  switch (m.getNode(n).op) {
  case ir::Op::BoolLit:
  case ir::Op::Not:
  case ir::Op::And:
  case ir::Op::Or:
  case ir::Op::Eq:
  case ir::Op::Less:
  case ir::Op::LessEq:
  case ir::Op::In:
  case ir::Op::Has:
  case ir::Op::Like:
  case ir::Op::Is:
    return true;
  case ir::Op::If:
    return isBoolNode(m.getOperands(n)[1]) && isBoolNode(m.getOperands(n)[2]);
  case ir::Op::Method: {
    rt::Builtin f;
    return rt::lookupBuiltin(m.getString(m.getNode(n).payload), true, f) &&
           f != rt::Builtin::GetTag &&
           static_cast<rt::Kind>(rt::getBuiltinInfo(f).params[0]) != rt::Kind::Datetime &&
           static_cast<rt::Kind>(rt::getBuiltinInfo(f).params[0]) != rt::Kind::Duration;
  }
  default:
    return false;
  }
}

bool Emitter::emitExpr(NodeId n, uint32_t depth) {
  if (isConst[n]) {
    emit(Opcode::Const, constantOf(n), 0, m.getNode(n).range);
    use(depth + 1);
    return true;
  }
  if (++nesting > MaxNesting) {
    if (!tooDeep)
      diags.error(DiagCode::NestingTooDeep, m.getNode(n).range,
                  "expression nested too deeply to compile (more than " +
                      std::to_string(MaxNesting) + " levels)");
    tooDeep = true;
    --nesting;
    return false;
  }
  bool ok;
  uint32_t slot = memoSlot[n];
  if (slot != None) {
    SourceRange r = m.getNode(n).range;
    uint32_t get = emit(Opcode::MemoGet, slot, 0, r);
    ok = emitNode(n, depth);
    emit(Opcode::MemoPut, slot, 0, r);
    code[get].b = target();
  } else {
    ok = emitNode(n, depth);
  }
  --nesting;
  use(depth + 1);
  return ok;
}

bool Emitter::emitNode(NodeId n, uint32_t depth) {
  const ir::Node &x = m.getNode(n);
  llvm::ArrayRef<NodeId> ops = m.getOperands(n);
  SourceRange r = x.range;
  // Operands left to right, operand k at stack height depth + k.
  auto operands = [&]() {
    for (size_t k = 0; k < ops.size(); ++k)
      if (!emitExpr(ops[k], depth + static_cast<uint32_t>(k)))
        return false;
    return true;
  };
  auto unary = [&](Opcode op, uint32_t a) {
    if (!operands())
      return false;
    emit(op, a, 0, r);
    return true;
  };
  switch (x.op) {
  case ir::Op::BoolLit:
  case ir::Op::LongLit:
  case ir::Op::StringLit:
  case ir::Op::EntityLit:
    llvm_unreachable("literals are constants");
  case ir::Op::Var:
    emit(Opcode::Var, x.payload, 0, r);
    return true;
  case ir::Op::And: {
    // A tree of `&&` (its inner `&&` nodes unshared) as one chain: each
    // operand, then a branch to the end while false (fused into a last
    // comparison); a right operand that may not be Bool is checked first,
    // as a single `&&` checks it. Same values and errors as nested `&&`,
    // without branching to branches.
    struct Leaf {
      NodeId node;
      bool isRight;
      SourceRange parent;
    };
    std::vector<Leaf> leaves;
    std::vector<Leaf> todo{{n, true, r}};
    while (!todo.empty()) {
      Leaf l = todo.back();
      todo.pop_back();
      const ir::Node &ln = m.getNode(l.node);
      if (ln.op == ir::Op::And && !isConst[l.node] &&
          (l.node == n || memoSlot[l.node] == None)) {
        llvm::ArrayRef<NodeId> lops = m.getOperands(l.node);
        todo.push_back({lops[1], true, ln.range});
        todo.push_back({lops[0], false, ln.range});
        continue;
      }
      leaves.push_back(l);
    }
    std::vector<uint32_t> branches;
    for (size_t k = 0; k < leaves.size(); ++k) {
      const Leaf &l = leaves[k];
      if (!emitExpr(l.node, depth))
        return false;
      if (l.isRight && !isBoolNode(l.node))
        emit(Opcode::CheckBool, 0, 0, m.getNode(l.node).range);
      if (k + 1 < leaves.size())
        branches.push_back(emitBrFalse(l.parent));
    }
    for (uint32_t b : branches)
      patch(b);
    return true;
  }
  case ir::Op::Or: {
    // l; brtrue end; r; [checkbool]; end:
    if (!emitExpr(ops[0], depth))
      return false;
    uint32_t br = emit(Opcode::BrTrue, 0, 0, r);
    if (!emitExpr(ops[1], depth))
      return false;
    if (!isBoolNode(ops[1]))
      emit(Opcode::CheckBool, 0, 0, m.getNode(ops[1]).range);
    patch(br);
    return true;
  }
  case ir::Op::If: {
    // c; jumpifnot else; t; jump end; else: e; end:
    if (!emitExpr(ops[0], depth))
      return false;
    uint32_t jElse = emit(Opcode::JumpIfNot, 0, 0, r);
    if (!emitExpr(ops[1], depth))
      return false;
    uint32_t jEnd = emit(Opcode::Jump, 0, 0, r);
    patch(jElse);
    if (!emitExpr(ops[2], depth))
      return false;
    patch(jEnd);
    return true;
  }
  case ir::Op::Not: {
    // `!(x == K)`, `!(x < K)`, `!(x <= K)`: one fused instruction.
    NodeId c = ops[0];
    uint32_t k = memoSlot[c] == None ? constantOperand(c) : None;
    if (k == None)
      return unary(Opcode::Not, 0);
    Opcode fused = m.getNode(c).op == ir::Op::Eq     ? Opcode::NotEqK
                   : m.getNode(c).op == ir::Op::Less ? Opcode::GreaterEqK
                                                     : Opcode::GreaterK;
    if (!emitExpr(m.getOperands(c)[k == 0 ? 1 : 0], depth))
      return false;
    emit(fused, constantOf(m.getOperands(c)[k]), 0, r);
    return true;
  }
  case ir::Op::Neg:
    return unary(Opcode::Neg, 0);
  case ir::Op::Eq:
  case ir::Op::Less:
  case ir::Op::LessEq: {
    Opcode plain = x.op == ir::Op::Eq     ? Opcode::Eq
                   : x.op == ir::Op::Less ? Opcode::Less
                                          : Opcode::LessEq;
    uint32_t k = constantOperand(n);
    if (k == None)
      return unary(plain, 0);
    Opcode fused = x.op == ir::Op::Eq     ? Opcode::EqK
                   : x.op == ir::Op::Less ? Opcode::LessK
                                          : Opcode::LessEqK;
    if (!emitExpr(ops[k == 0 ? 1 : 0], depth))
      return false;
    emit(fused, constantOf(ops[k]), 0, r);
    return true;
  }
  case ir::Op::In:
    return unary(Opcode::In, 0);
  case ir::Op::Add:
    return unary(Opcode::Add, 0);
  case ir::Op::Sub:
    return unary(Opcode::Sub, 0);
  case ir::Op::Mul:
    return unary(Opcode::Mul, 0);
  case ir::Op::Has:
  case ir::Op::GetAttr: {
    bool isHas = x.op == ir::Op::Has;
    const ir::Node &object = m.getNode(ops[0]);
    // `v.a.b` (the inner step unshared): one instruction.
    if (!isHas && object.op == ir::Op::GetAttr && memoSlot[ops[0]] == None &&
        m.getNode(m.getOperands(ops[0])[0]).op == ir::Op::Var) {
      code.push_back(Insn{Opcode::VarAttr2,
                          static_cast<uint8_t>(m.getNode(m.getOperands(ops[0])[0]).payload),
                          attrIds[object.payload], attrIds[x.payload]});
      ranges.push_back(r);
      return true;
    }
    if (object.op != ir::Op::Var)
      return unary(isHas ? Opcode::Has : Opcode::GetAttr, attrIds[x.payload]);
    emit(isHas ? Opcode::VarHas : Opcode::VarAttr, attrIds[x.payload], object.payload, r);
    return true;
  }
  case ir::Op::Like:
    return unary(Opcode::Like, x.payload);
  case ir::Op::Is:
    return unary(Opcode::Is, typeIds[x.payload]);
  case ir::Op::Set:
    if (!operands())
      return false;
    emit(Opcode::MakeSet, static_cast<uint32_t>(ops.size()), 0, r);
    return true;
  case ir::Op::Record: {
    if (!operands())
      return false;
    std::vector<uint32_t> &keys = out.getRecordKeys();
    uint32_t first = static_cast<uint32_t>(keys.size());
    for (ir::SymbolId k : m.getRecordKeys(n))
      keys.push_back(attrIds[k]);
    emit(Opcode::MakeRecord, static_cast<uint32_t>(ops.size()), first, r);
    return true;
  }
  case ir::Op::Method:
  case ir::Op::Call: {
    // Every argument is evaluated before the name is resolved, as in the
    // reference evaluator, so an unknown name fails after them.
    if (!operands())
      return false;
    bool isMethod = x.op == ir::Op::Method;
    rt::Builtin f;
    if (rt::lookupBuiltin(m.getString(x.payload), isMethod, f)) {
      emit(Opcode::Call, static_cast<uint32_t>(f), static_cast<uint32_t>(ops.size()), r);
      return true;
    }
    rt::ErrorCode code =
        isMethod ? rt::ErrorCode::UnknownMethod : rt::ErrorCode::UnknownFunction;
    emit(Opcode::Fail, static_cast<uint32_t>(code), stringConstant(x.payload), r);
    if (ops.empty())
      use(depth + 1);
    return true;
  }
  }
  llvm_unreachable("unknown op");
}

bool Emitter::emitPolicy(uint32_t index) {
  const ir::Policy &p = m.getPolicies()[index];
  rt::PolicyInfo info;
  info.id = p.id;
  info.isForbid = p.effect == ir::Effect::Forbid;
  info.range = p.range;
  auto entityScope = [&](const ir::EntityScope &s) {
    rt::EntityScopeSpec spec;
    switch (s.op) {
    case ir::EntityScope::Op::Any:
      spec.op = rt::EntityScopeSpec::Op::Any;
      break;
    case ir::EntityScope::Op::Eq:
      spec.op = rt::EntityScopeSpec::Op::Eq;
      spec.entity = entityIds[s.uid];
      break;
    case ir::EntityScope::Op::In:
      spec.op = rt::EntityScopeSpec::Op::In;
      spec.entity = entityIds[s.uid];
      break;
    case ir::EntityScope::Op::Is:
      spec.op = rt::EntityScopeSpec::Op::Is;
      spec.type = typeIds[s.type];
      break;
    case ir::EntityScope::Op::IsIn:
      spec.op = rt::EntityScopeSpec::Op::IsIn;
      spec.type = typeIds[s.type];
      spec.entity = entityIds[s.uid];
      break;
    }
    return spec;
  };
  info.principal = entityScope(p.principal);
  info.resource = entityScope(p.resource);
  std::vector<uint32_t> &actionEntities = out.getActionScopeEntities();
  switch (p.action.op) {
  case ir::ActionScope::Op::Any:
    info.action.op = rt::ActionScopeSpec::Op::Any;
    break;
  case ir::ActionScope::Op::Eq:
  case ir::ActionScope::Op::In:
    info.action.op = p.action.op == ir::ActionScope::Op::Eq ? rt::ActionScopeSpec::Op::Eq
                                                            : rt::ActionScopeSpec::Op::In;
    info.action.first = static_cast<uint32_t>(actionEntities.size());
    for (ir::SymbolId u : p.action.uids)
      actionEntities.push_back(entityIds[u]);
    info.action.count = static_cast<uint32_t>(p.action.uids.size());
    break;
  }

  info.scopeEntry = here();
  if (info.principal.op != rt::EntityScopeSpec::Op::Any)
    emit(Opcode::ScopePrincipal, index, 0, p.range);
  if (info.action.op != rt::ActionScopeSpec::Op::Any)
    emit(Opcode::ScopeAction, index, 0, p.range);
  if (info.resource.op != rt::EntityScopeSpec::Op::Any)
    emit(Opcode::ScopeResource, index, 0, p.range);
  // Policies with the same condition (one IR node: template links, generated
  // sets) run one copy of its code, which then stays in the cache: at
  // 10,000 policies each copy was a cold line or two per candidate whose
  // guard could not decide it. Only the scope tests are the policy's own.
  if (auto shared = bodyCode.find(p.body); shared != bodyCode.end()) {
    if (here() != info.scopeEntry)
      emit(Opcode::Jump, shared->second.first, 0, p.range);
    else
      info.scopeEntry = shared->second.first;
    info.bodyEntry = shared->second.first;
    info.codeEnd = shared->second.second;
    out.getPolicies()[index] = std::move(info);
    return true;
  }
  info.bodyEntry = here();
  bool ok = emitExpr(p.body, 0);
  emit(Opcode::Return, 0, 0, p.range);
  info.codeEnd = here();
  bodyCode.try_emplace(p.body, info.bodyEntry, info.codeEnd);
  out.getPolicies()[index] = std::move(info);
  return ok;
}

bool Emitter::emitConjuncts(uint32_t index) {
  const ir::Policy &p = m.getPolicies()[index];
  rt::PolicyInfo &info = out.getPolicies()[index];
  std::vector<rt::ConjunctInfo> &table = out.getConjuncts();
  info.firstConjunct = static_cast<uint32_t>(table.size());
  info.numConjuncts = static_cast<uint32_t>(p.conjuncts.size());
  for (const ir::Conjunct &c : p.conjuncts) {
    rt::ConjunctInfo ci;
    ci.kind = static_cast<rt::ConjunctInfo::Kind>(c.kind);
    ci.entry = here();
    ci.range = c.range;
    switch (c.kind) {
    case ir::Conjunct::Kind::Principal:
    case ir::Conjunct::Kind::Action:
    case ir::Conjunct::Kind::Resource: {
      Opcode op = c.kind == ir::Conjunct::Kind::Principal ? Opcode::ScopePrincipal
                  : c.kind == ir::Conjunct::Kind::Action  ? Opcode::ScopeAction
                                                           : Opcode::ScopeResource;
      emit(op, index, 0, c.range);
      if (trueConst == None)
        trueConst = addConstant(Val::boolean(true));
      emit(Opcode::Const, trueConst, 0, c.range);
      use(1);
      break;
    }
    case ir::Conjunct::Kind::When:
    case ir::Conjunct::Kind::Unless:
      if (!emitExpr(c.node, 0))
        return false;
      break;
    }
    emit(Opcode::Return, 0, 0, c.range);
    table.push_back(ci);
  }
  return true;
}

bool Emitter::run() {
  internSymbols();
  findConstants();
  findSharing();
  constIndex.assign(m.getNodes().size(), None);
  // Whether the code emitted up to policy `i` still fits the program.
  auto fits = [&](uint32_t i) {
    if (code.size() < rt::Program::MaxInstructions)
      return true;
    diags.error(DiagCode::InputTooLarge, m.getPolicies()[i].range,
                "the compiled policy set exceeds " +
                    std::to_string(rt::Program::MaxInstructions) + " instructions");
    return false;
  };
  // Policies that one request can meet sit together in the code: grouped
  // by their first action (the decision index's first level), those for
  // any action last, otherwise in policy order. With thousands of
  // policies a request's candidates then share cache lines and pages
  // instead of being scattered over the whole program.
  size_t numPolicies = m.getPolicies().size();
  std::vector<uint32_t> order(numPolicies);
  for (uint32_t i = 0; i < numPolicies; ++i)
    order[i] = i;
  auto group = [&](uint32_t i) {
    const ir::ActionScope &a = m.getPolicies()[i].action;
    return a.op == ir::ActionScope::Op::Any || a.uids.empty() ? UINT32_MAX : a.uids[0];
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return group(x) < group(y); });
  out.getPolicies().resize(numPolicies);
  for (uint32_t i : order)
    if (!emitPolicy(i) || !fits(i))
      return false;
  // The conjuncts' code, for explanations, after all the policies' code so
  // that a decision never touches it (program.h, ConjunctInfo).
  for (uint32_t i = 0; i < m.getPolicies().size(); ++i)
    if (!emitConjuncts(i) || !fits(i))
      return false;
  out.setNumMemoSlots(numMemoSlots);
  out.setMaxStackDepth(maxDepth);
  return true;
}

} // namespace

bool emitProgram(const ir::Module &m, rt::Program &out, DiagnosticEngine &diags) {
  assert(out.getCode().empty() && out.getPolicies().empty() && "an empty program");
  if (!Emitter(m, out, diags).run())
    return false;
  out.buildEntries();
  return true;
}

} // namespace larch::codegen
