//===- runtime/compiled/vm.cpp - The compiled-policy interpreter -----------===//
//
// Phase: runtime (evaluation).
// Entry points: evaluatePolicy, evaluateCandidates, evaluateConjunct,
// formatEvalError (see vm.h).
// Depends on program.h, prepared_request.h (World), scratch.h and the
// builtins; never on grammar/ or compiler/.
//
// One dispatch loop over the instructions of program.h. Each case follows
// the matching case of the reference evaluator (compiler/reference/
// evaluator.cpp): operands were pushed left to right, the first error wins.
// Nothing here allocates on the heap or hashes a string: values are Vals,
// names are ids, built sets and records go to the scratch arena, and an
// error is recorded as codes and operands, worded only by formatEvalError.
//
//===----------------------------------------------------------------------===//

#include "runtime/compiled/vm.h"

#include "runtime/compiled/builtins/builtins.h"
#include "runtime/compiled/guards.h"
#include "runtime/compiled/pattern_match.h"
#include "runtime/value.h"

#include "llvm/Support/ErrorHandling.h"

#include <cassert>
#include <limits>

namespace larch::rt {

namespace {

bool entityScopeHolds(const EntityScopeSpec &s, uint32_t e, const World &world) {
  switch (s.op) {
  case EntityScopeSpec::Op::Any:
    return true;
  case EntityScopeSpec::Op::Eq:
    return e == s.entity;
  case EntityScopeSpec::Op::In:
    return world.isIn(e, s.entity);
  case EntityScopeSpec::Op::Is:
    return world.getType(e) == s.type;
  case EntityScopeSpec::Op::IsIn:
    return world.getType(e) == s.type && world.isIn(e, s.entity);
  }
  return false;
}

/// `x op k` for the ordering instructions with a constant, fused with a
/// branch or not.
bool orderedWithConstant(Opcode op, int64_t x, int64_t k) {
  switch (op) {
  case Opcode::LessK:
  case Opcode::LessKBr:
    return x < k;
  case Opcode::LessEqK:
  case Opcode::LessEqKBr:
    return x <= k;
  case Opcode::GreaterK:
  case Opcode::GreaterKBr:
    return x > k;
  default:
    return x >= k;
  }
}

} // namespace

namespace {

/// What the dispatch loop reads, loaded once per decision rather than once
/// per policy.
struct Machine {
  Machine(const Program &program, const World &world, EvalScratch &scratch)
      : program(program), world(world), request(world.getRequest()), scratch(scratch) {
    if (scratch.stack.size() < program.getMaxStackDepth() ||
        scratch.memo.size() < program.getNumMemoSlots())
      scratch.reserveFor(program); // once per program and scratch
    if (scratch.epoch == 0)
      scratch.epoch = 1; // no memo slot is valid for epoch 0 (scratch.h)
    code = program.getCode().data();
    constants = program.getConstants().data();
    base = scratch.stack.data();
    memo = scratch.memo.data();
    epoch = scratch.epoch;
  }
  const Program &program;
  const World &world;
  const PreparedRequest &request;
  EvalScratch &scratch;
  const Insn *code;
  const Val *constants;
  Val *base;
  EvalScratch::MemoSlot *memo;
  uint32_t epoch;
};

/// The dispatch loop, from instruction `pc` to the Return (or error) that
/// ends it. Not inlined: it holds a computed goto, which GCC never inlines
/// (a call per candidate measured the same as one loop over them all).
[[gnu::noinline]] PolicyOutcome run(const Machine &machine, uint32_t pc, EvalError &error) {
  const Program &program = machine.program;
  const World &world = machine.world;
  const PreparedRequest &request = machine.request;
  EvalScratch &scratch = machine.scratch;
  const Insn *code = machine.code;
  const Val *constants = machine.constants;
  Val *const base = machine.base;
  Val *sp = base; // next free slot
  EvalScratch::MemoSlot *memo = machine.memo;
  const uint32_t epoch = machine.epoch;
  FieldHints &hints = scratch.fieldHints;

  // Records an error raised by the instruction just executed (pc - 1).
  auto fail = [&](ErrorCode code, uint32_t detail, const Val &a, const Val &b) {
    error.code = static_cast<uint32_t>(code);
    error.pc = pc - 1;
    error.detail = detail;
    error.a = a;
    error.b = b;
    return PolicyOutcome::Error;
  };
  auto typeError = [&](uint32_t expected, const Val &got) {
    return fail(ErrorCode::TypeError, expected, got, Val());
  };
  auto expectKind = [](Kind k) { return static_cast<uint32_t>(k); };
  // `x < y` and `x <= y`: both Long, both datetime or both duration.
  auto comparable = [](const Val &x, const Val &y) {
    return x.kind == y.kind && isComparable(x.kind);
  };
  auto compareError = [&](const Val &x, const Val &y) {
    if (isComparable(x.kind))
      return typeError(static_cast<uint32_t>(x.kind), y);
    return typeError(static_cast<uint32_t>(Expect::LongDatetimeOrDuration), x);
  };
  // `v has attr` and `v.attr` in place; false after recording an error.
  auto hasAttr = [&](Val &v, uint32_t attr) {
    if (v.kind == Kind::Record)
      v = Val::boolean(hints.find(v.getRecord(), attr) != nullptr);
    else if (v.kind == Kind::Entity)
      v = Val::boolean(hints.find(world.getAttrs(v.entity), attr) != nullptr);
    else
      return typeError(static_cast<uint32_t>(Expect::RecordOrEntity), v), false;
    return true;
  };
  auto getAttr = [&](Val &v, uint32_t attr) {
    const Val *f;
    if (v.kind == Kind::Record) {
      if (!(f = hints.find(v.getRecord(), attr)))
        return fail(ErrorCode::NoRecordAttr, attr, v, Val()), false;
    } else if (v.kind == Kind::Entity) {
      if (!(f = hints.find(world.getAttrs(v.entity), attr)))
        return fail(world.hasRecord(v.entity) ? ErrorCode::NoEntityAttr
                                              : ErrorCode::NoSuchEntity,
                    attr, v, Val()),
               false;
    } else {
      return typeError(static_cast<uint32_t>(Expect::RecordOrEntity), v), false;
    }
    v = *f;
    return true;
  };
  // The branch of a fused comparison: false leaves `false` on the stack
  // and jumps (as BrFalse does); true pops nothing here (the caller pops).
  auto branchIfFalse = [&](bool r, uint32_t target) {
    if (r)
      return false;
    sp[-1] = Val::boolean(false);
    pc = target;
    return true;
  };
  auto pushVar = [&](uint32_t var) { return getVarValue(request, static_cast<VarKind>(var)); };
  constexpr uint32_t ExpectBool = static_cast<uint32_t>(Kind::Bool);
  constexpr uint32_t ExpectLong = static_cast<uint32_t>(Kind::Long);

  // Threaded dispatch: each instruction's code ends in its own jump to the
  // next instruction's label, an indirect branch the CPU predicts much better
  // than the one shared jump of a switch loop (runtime/CMakeLists.txt keeps
  // GCC from merging them again). The switch is entered only through those
  // labels; it stays for -Wswitch, which checks every opcode has a case.
  // ORDER Opcode.
  static const void *const dispatch[] = {
      &&L_ScopePrincipal,
      &&L_ScopeAction,
      &&L_ScopeResource,
      &&L_Const,
      &&L_Var,
      &&L_Jump,
      &&L_BrFalse,
      &&L_BrTrue,
      &&L_JumpIfNot,
      &&L_CheckBool,
      &&L_MemoGet,
      &&L_MemoPut,
      &&L_Fail,
      &&L_Return,
      &&L_Not,
      &&L_Neg,
      &&L_Eq,
      &&L_Less,
      &&L_LessEq,
      &&L_In,
      &&L_Add,
      &&L_Sub,
      &&L_Mul,
      &&L_Has,
      &&L_GetAttr,
      &&L_VarHas,
      &&L_VarAttr,
      &&L_EqK,
      &&L_NotEqK,
      &&L_LessK,
      &&L_LessEqK,
      &&L_GreaterK,
      &&L_GreaterEqK,
      &&L_VarAttr2,
      &&L_EqKBr,
      &&L_NotEqKBr,
      &&L_LessKBr,
      &&L_LessEqKBr,
      &&L_GreaterKBr,
      &&L_GreaterEqKBr,
      &&L_Like,
      &&L_Is,
      &&L_MakeSet,
      &&L_MakeRecord,
      &&L_Call};
  static_assert(sizeof(dispatch) / sizeof(dispatch[0]) ==
                    static_cast<size_t>(Opcode::Call) + 1,
                "one label per opcode");
  Insn in;
#define LARCH_DISPATCH()                                                         \
  do {                                                                           \
    assert(sp >= base && sp <= base + program.getMaxStackDepth() && "stack bounds"); \
    in = code[pc++];                                                             \
    goto *dispatch[static_cast<uint8_t>(in.op)];                                 \
  } while (0)
  LARCH_DISPATCH();
  {
    switch (in.op) {
    case Opcode::ScopePrincipal:
    L_ScopePrincipal:
      if (!entityScopeHolds(program.getPolicies()[in.a].principal, request.getPrincipal(),
                            world))
        return PolicyOutcome::NotSatisfied;
      LARCH_DISPATCH();
    case Opcode::ScopeResource:
    L_ScopeResource:
      if (!entityScopeHolds(program.getPolicies()[in.a].resource, request.getResource(),
                            world))
        return PolicyOutcome::NotSatisfied;
      LARCH_DISPATCH();
    case Opcode::ScopeAction:
    L_ScopeAction: {
      const ActionScopeSpec &s = program.getPolicies()[in.a].action;
      uint32_t action = request.getAction();
      llvm::ArrayRef<uint32_t> targets = program.getActionScopeEntities(s);
      bool holds = s.op == ActionScopeSpec::Op::Any;
      if (s.op == ActionScopeSpec::Op::Eq)
        holds = action == targets[0];
      else
        for (uint32_t t : targets)
          if (world.isIn(action, t)) {
            holds = true;
            break;
          }
      if (!holds)
        return PolicyOutcome::NotSatisfied;
      LARCH_DISPATCH();
    }
    case Opcode::Const:
    L_Const:
      *sp++ = constants[in.a];
      LARCH_DISPATCH();
    case Opcode::Var:
    L_Var:
      *sp++ = pushVar(in.a);
      LARCH_DISPATCH();
    case Opcode::Jump:
    L_Jump:
      pc = in.a;
      LARCH_DISPATCH();
    case Opcode::BrFalse:
    L_BrFalse:
    case Opcode::BrTrue:
    L_BrTrue: {
      const Val &v = sp[-1];
      if (v.kind != Kind::Bool)
        return typeError(ExpectBool, v);
      if (v.b == (in.op == Opcode::BrTrue))
        pc = in.a;
      else
        --sp;
      LARCH_DISPATCH();
    }
    case Opcode::JumpIfNot:
    L_JumpIfNot: {
      const Val &v = *--sp;
      if (v.kind != Kind::Bool)
        return typeError(ExpectBool, v);
      if (!v.b)
        pc = in.a;
      LARCH_DISPATCH();
    }
    case Opcode::CheckBool:
    L_CheckBool:
      if (sp[-1].kind != Kind::Bool)
        return typeError(ExpectBool, sp[-1]);
      LARCH_DISPATCH();
    case Opcode::MemoGet:
    L_MemoGet: {
      const EvalScratch::MemoSlot &slot = memo[in.a];
      if (slot.epoch == epoch) {
        *sp++ = slot.value;
        pc = in.b;
      }
      LARCH_DISPATCH();
    }
    case Opcode::MemoPut:
    L_MemoPut: {
      EvalScratch::MemoSlot &slot = memo[in.a];
      slot.epoch = epoch;
      slot.value = sp[-1];
      LARCH_DISPATCH();
    }
    case Opcode::Fail:
    L_Fail:
      return fail(static_cast<ErrorCode>(in.a), in.b, Val(), Val());
    case Opcode::Return:
    L_Return: {
      const Val &v = sp[-1];
      if (v.kind != Kind::Bool)
        return typeError(ExpectBool, v);
      return v.b ? PolicyOutcome::Satisfied : PolicyOutcome::NotSatisfied;
    }
    case Opcode::Not:
    L_Not: {
      Val &v = sp[-1];
      if (v.kind != Kind::Bool)
        return typeError(ExpectBool, v);
      v.b = !v.b;
      LARCH_DISPATCH();
    }
    case Opcode::Neg:
    L_Neg: {
      Val &v = sp[-1];
      if (v.kind != Kind::Long)
        return typeError(ExpectLong, v);
      if (v.i == std::numeric_limits<int64_t>::min())
        return fail(ErrorCode::Overflow, static_cast<uint32_t>(Opcode::Neg), v, Val());
      v.i = -v.i;
      LARCH_DISPATCH();
    }
    case Opcode::Eq:
    L_Eq: {
      --sp;
      sp[-1] = Val::boolean(equalVals(sp[-1], sp[0]));
      LARCH_DISPATCH();
    }
    case Opcode::Less:
    L_Less:
    case Opcode::LessEq:
    L_LessEq: {
      const Val &x = sp[-2], &y = sp[-1];
      if (!comparable(x, y))
        return compareError(x, y);
      // Long, Datetime and Duration all keep their number in `i`.
      bool r = in.op == Opcode::Less ? x.i < y.i : x.i <= y.i;
      --sp;
      sp[-1] = Val::boolean(r);
      LARCH_DISPATCH();
    }
    // Comparisons with a constant: one handler per opcode, its operator and
    // whether it branches fixed at compile time. In one shared handler
    // those were branches on the opcode, which mispredicted as the opcode
    // changed from one instruction to the next.
#define LARCH_EQ_K(OP, EQUAL, BRANCH)                                            \
  case Opcode::OP:                                                               \
  L_##OP: {                                                                      \
    bool r = equalVals(sp[-1], constants[in.a]) == (EQUAL);                      \
    if (!(BRANCH))                                                               \
      sp[-1] = Val::boolean(r);                                                  \
    else if (!branchIfFalse(r, in.b))                                            \
      --sp;                                                                      \
    LARCH_DISPATCH();                                                            \
  }
      LARCH_EQ_K(EqK, true, false)
      LARCH_EQ_K(NotEqK, false, false)
      LARCH_EQ_K(EqKBr, true, true)
      LARCH_EQ_K(NotEqKBr, false, true)
#undef LARCH_EQ_K
#define LARCH_ORDER_K(OP, BRANCH)                                                \
  case Opcode::OP:                                                               \
  L_##OP: {                                                                      \
    Val &x = sp[-1];                                                             \
    const Val &y = constants[in.a];                                              \
    if (!comparable(x, y))                                                       \
      return compareError(x, y);                                                 \
    bool r = orderedWithConstant(Opcode::OP, x.i, y.i);                          \
    if (!(BRANCH))                                                               \
      x = Val::boolean(r);                                                       \
    else if (!branchIfFalse(r, in.b))                                            \
      --sp;                                                                      \
    LARCH_DISPATCH();                                                            \
  }
      LARCH_ORDER_K(LessK, false)
      LARCH_ORDER_K(LessEqK, false)
      LARCH_ORDER_K(GreaterK, false)
      LARCH_ORDER_K(GreaterEqK, false)
      LARCH_ORDER_K(LessKBr, true)
      LARCH_ORDER_K(LessEqKBr, true)
      LARCH_ORDER_K(GreaterKBr, true)
      LARCH_ORDER_K(GreaterEqKBr, true)
#undef LARCH_ORDER_K
    case Opcode::In:
    L_In: {
      const Val &x = sp[-2], &y = sp[-1];
      if (x.kind != Kind::Entity)
        return typeError(expectKind(Kind::Entity), x);
      bool r = false;
      if (y.kind == Kind::Entity) {
        r = x.entity == y.entity || world.isIn(x.entity, y.entity);
      } else if (y.kind == Kind::Set) {
        // The whole set is type-checked before any membership test.
        for (const Val &el : y.getSet())
          if (el.kind != Kind::Entity)
            return typeError(expectKind(Kind::Entity), el);
        for (const Val &el : y.getSet())
          if (x.entity == el.entity || world.isIn(x.entity, el.entity)) {
            r = true;
            break;
          }
      } else {
        return typeError(static_cast<uint32_t>(Expect::SetOrEntity), y);
      }
      --sp;
      sp[-1] = Val::boolean(r);
      LARCH_DISPATCH();
    }
    case Opcode::Add:
    L_Add:
    case Opcode::Sub:
    L_Sub:
    case Opcode::Mul:
    L_Mul: {
      const Val &x = sp[-2], &y = sp[-1];
      if (x.kind != Kind::Long)
        return typeError(ExpectLong, x);
      if (y.kind != Kind::Long)
        return typeError(ExpectLong, y);
      int64_t out;
      bool overflowed = in.op == Opcode::Add   ? __builtin_add_overflow(x.i, y.i, &out)
                        : in.op == Opcode::Sub ? __builtin_sub_overflow(x.i, y.i, &out)
                                               : __builtin_mul_overflow(x.i, y.i, &out);
      if (overflowed)
        return fail(ErrorCode::Overflow, static_cast<uint32_t>(in.op), x, y);
      --sp;
      sp[-1] = Val::integer(out);
      LARCH_DISPATCH();
    }
    case Opcode::Has:
    L_Has:
      if (!hasAttr(sp[-1], in.a))
        return PolicyOutcome::Error;
      LARCH_DISPATCH();
    case Opcode::GetAttr:
    L_GetAttr:
      if (!getAttr(sp[-1], in.a))
        return PolicyOutcome::Error;
      LARCH_DISPATCH();
    case Opcode::VarHas:
    L_VarHas:
      *sp = pushVar(in.b);
      if (!hasAttr(*sp++, in.a))
        return PolicyOutcome::Error;
      LARCH_DISPATCH();
    case Opcode::VarAttr:
    L_VarAttr:
      *sp = pushVar(in.b);
      if (!getAttr(*sp++, in.a))
        return PolicyOutcome::Error;
      LARCH_DISPATCH();
    case Opcode::VarAttr2:
    L_VarAttr2:
      *sp = pushVar(in.c);
      if (!getAttr(*sp, in.a) || !getAttr(*sp, in.b))
        return PolicyOutcome::Error;
      ++sp;
      LARCH_DISPATCH();
    case Opcode::Like:
    L_Like: {
      Val &v = sp[-1];
      if (v.kind != Kind::String)
        return typeError(expectKind(Kind::String), v);
      v = Val::boolean(
          matchPattern(v.getString(), program.getPatterns()[in.a], program.getPattern(in.a)));
      LARCH_DISPATCH();
    }
    case Opcode::Is:
    L_Is: {
      Val &v = sp[-1];
      if (v.kind != Kind::Entity)
        return typeError(expectKind(Kind::Entity), v);
      v = Val::boolean(world.getType(v.entity) == in.a);
      LARCH_DISPATCH();
    }
    case Opcode::MakeSet:
    L_MakeSet: {
      Val *elems = scratch.arena.allocate<Val>(in.a);
      sp -= in.a;
      for (uint32_t k = 0; k < in.a; ++k)
        elems[k] = sp[k];
      *sp++ = makeSet(elems, in.a);
      LARCH_DISPATCH();
    }
    case Opcode::MakeRecord:
    L_MakeRecord: {
      Field *fields = scratch.arena.allocate<Field>(in.a);
      sp -= in.a;
      llvm::ArrayRef<uint32_t> keys = program.getRecordKeys(in.b, in.a);
      for (uint32_t k = 0; k < in.a; ++k)
        fields[k] = Field{keys[k], sp[k]};
      Val record;
      uint32_t dupKey = 0;
      [[maybe_unused]] bool unique = makeRecord(fields, in.a, record, dupKey);
      assert(unique && "the parser rejects duplicate record keys");
      *sp++ = record;
      LARCH_DISPATCH();
    }
    case Opcode::Call:
    L_Call: {
      Builtin f = static_cast<Builtin>(in.a);
      const BuiltinInfo &bi = getBuiltinInfo(f);
      Val *args = sp - in.b;
      if (in.b != bi.arity)
        return fail(ErrorCode::WrongArity, in.a, Val(), Val());
      for (uint32_t k = 0; k < in.b; ++k)
        if (bi.params[k] >= 0 && args[k].kind != static_cast<Kind>(bi.params[k]))
          return typeError(static_cast<uint32_t>(bi.params[k]), args[k]);
      Val out;
      bool ok = bi.isExtension ? detail::callExtension(f, args, scratch.arena, out, error)
                               : detail::callSetOrTag(f, args, world, out, error);
      if (!ok) {
        error.pc = pc - 1;
        if (!bi.isExtension)
          error.detail = in.a;
        return PolicyOutcome::Error;
      }
      sp = args;
      *sp++ = out;
      LARCH_DISPATCH();
    }
    }
  }
  llvm_unreachable("every instruction jumps to the next one or returns");
#undef LARCH_DISPATCH
}

} // namespace

PolicyOutcome evaluatePolicy(const Program &program, uint32_t policy, bool checkScope,
                             const World &world, EvalScratch &scratch, EvalError &error) {
  const PolicyEntry &info = program.getEntries()[policy];
  return run(Machine(program, world, scratch), checkScope ? info.scopeEntry : info.bodyEntry,
             error);
}

namespace {

/// The variables' attribute lists, ORDER VarKind, as testGuard reads them
/// (the context must be a record).
void findVarAttrs(const World &world, llvm::ArrayRef<Field> (&varAttrs)[4]) {
  const PreparedRequest &request = world.getRequest();
  varAttrs[unsigned(VarKind::Principal)] = world.getView(request.getPrincipal()).getAttrs();
  varAttrs[unsigned(VarKind::Action)] = world.getAttrs(request.getAction());
  varAttrs[unsigned(VarKind::Resource)] = world.getView(request.getResource()).getAttrs();
  varAttrs[unsigned(VarKind::Context)] = request.getContext().getRecord();
}

/// The loop of an indexed decision whose context is a record (the common
/// case): each candidate's guard is tested first. A candidate decided by
/// its guard is written to the reasons whether satisfied or not, and kept
/// only if satisfied, so that its outcome costs no branch: the outcomes of
/// one request's candidates follow no pattern a predictor can learn.
CandidateTally evaluateGuarded(const Machine &machine, const Program &program,
                               llvm::ArrayRef<uint32_t> candidates, const World &world,
                               EvalScratch &scratch) {
  const PolicyGuard *guards = program.getGuards().data();
  llvm::ArrayRef<Field> varAttrs[4];
  findVarAttrs(world, varAttrs);
  // Room for every candidate; the list is cut to the satisfied ones below.
  CandidateList &reasons = scratch.reasons;
  const size_t before = reasons.size();
  reasons.resize_for_overwrite(before + candidates.size());
  uint32_t *out = reasons.data() + before;
  bool anyForbid = false, anyPermit = false;
  EvalError error;
  for (uint32_t p : candidates) {
    const PolicyGuard &guard = guards[p];
    const GuardVerdict verdict =
        guard.numTests ? testGuard(program, world, guard, varAttrs, scratch.fieldHints)
                       : GuardVerdict::Unknown;
    bool satisfied;
    if (verdict <= GuardVerdict::Satisfied) {
      satisfied = verdict == GuardVerdict::Satisfied;
    } else {
      const PolicyOutcome outcome =
          run(machine, verdict == GuardVerdict::Holds ? guard.resume : guard.bodyEntry, error);
      if (outcome == PolicyOutcome::Error)
        scratch.errors.push_back(PolicyErrorRec{p, error});
      satisfied = outcome == PolicyOutcome::Satisfied;
    }
    *out = p;
    out += satisfied;
    anyForbid |= satisfied & guard.isForbid;
    anyPermit |= satisfied & !guard.isForbid;
  }
  reasons.truncate(static_cast<size_t>(out - reasons.data()));
  return CandidateTally{anyForbid, anyPermit};
}

} // namespace

CandidateTally evaluateCandidates(const Program &program, llvm::ArrayRef<uint32_t> candidates,
                                  bool checkScope, const World &world, EvalScratch &scratch) {
  const Machine machine(program, world, scratch);
  const PreparedRequest &request = world.getRequest();
  // A guard stands for the code after the scope, so only when the index
  // has already tested the scope (and reads a context that is a record).
  const bool useGuards = !checkScope && request.getContext().kind == Kind::Record;
  const bool record = scratch.recordOutcomes;
  if (useGuards && !record)
    return evaluateGuarded(machine, program, candidates, world, scratch);
  const PolicyEntry *entries = program.getEntries().data();
  const PolicyGuard *guards = program.getGuards().data();
  llvm::ArrayRef<Field> varAttrs[4];
  if (useGuards)
    findVarAttrs(world, varAttrs);
  CandidateTally tally;
  EvalError error;
  for (uint32_t p : candidates) {
    const PolicyGuard &guard = guards[p];
    GuardVerdict verdict = GuardVerdict::Unknown;
    if (guard.numTests && useGuards)
      verdict = testGuard(program, world, guard, varAttrs, scratch.fieldHints);
    PolicyOutcome outcome = PolicyOutcome::Error;
    switch (verdict) {
    case GuardVerdict::Satisfied:
      outcome = PolicyOutcome::Satisfied;
      break;
    case GuardVerdict::NotSatisfied:
      outcome = PolicyOutcome::NotSatisfied;
      break;
    case GuardVerdict::Holds:
      outcome = run(machine, guard.resume, error);
      break;
    case GuardVerdict::Unknown:
      outcome = run(machine, checkScope ? entries[p].scopeEntry : guard.bodyEntry, error);
      break;
    }
    if (record) // explanations only (docs/explain.md)
      scratch.outcomes.push_back(static_cast<uint8_t>(outcome));
    switch (outcome) {
    case PolicyOutcome::NotSatisfied:
      break;
    case PolicyOutcome::Satisfied:
      scratch.reasons.push_back(p);
      tally.anyForbid |= guard.isForbid;
      tally.anyPermit |= !guard.isForbid;
      break;
    case PolicyOutcome::Error:
      scratch.errors.push_back(PolicyErrorRec{p, error});
      break;
    }
  }
  return tally;
}

PolicyOutcome evaluateConjunct(const Program &program, const ConjunctInfo &conjunct,
                               const World &world, EvalScratch &scratch, EvalError &error) {
  return run(Machine(program, world, scratch), conjunct.entry, error);
}

int findFailingConjunct(const Program &program, uint32_t policy, bool skipScopes,
                        const World &world, EvalScratch &scratch, PolicyOutcome &outcome,
                        EvalError &error) {
  llvm::ArrayRef<ConjunctInfo> conjuncts =
      program.getConjuncts(program.getPolicies()[policy]);
  for (size_t k = 0; k < conjuncts.size(); ++k) {
    if (skipScopes && conjuncts[k].isScope())
      continue;
    outcome = evaluateConjunct(program, conjuncts[k], world, scratch, error);
    if (outcome != PolicyOutcome::Satisfied)
      return static_cast<int>(k);
  }
  outcome = PolicyOutcome::Satisfied;
  return -1;
}

// ----------------------------------------------------------------------------
// Messages: the reference evaluator's wording for the same situation.
// ----------------------------------------------------------------------------

namespace {

std::string kindName(Kind k) {
  return runtime::getValueKindName(static_cast<runtime::ValueKind>(k)).str();
}

std::string expectedText(uint32_t e) {
  switch (static_cast<Expect>(e)) {
  case Expect::RecordOrEntity:
    return "record or entity";
  case Expect::SetOrEntity:
    return "set or entity";
  case Expect::LongDatetimeOrDuration:
    return "long, datetime or duration";
  }
  return kindName(static_cast<Kind>(e));
}

} // namespace

std::string formatEvalError(const EvalError &error, const Program &program,
                            const World &world) {
  llvm::ArrayRef<Insn> code = program.getCode();
  Insn in = error.pc < code.size() ? code[error.pc] : Insn();
  auto attrName = [&](uint32_t a) { return world.getAttrName(a).str(); };
  switch (static_cast<ErrorCode>(error.code)) {
  case ErrorCode::TypeError: {
    std::string got = error.a.kind == Kind::Entity
                          ? "(entity of type `" +
                                world.getTypeName(world.getType(error.a.entity)).str() + "`)"
                          : kindName(error.a.kind);
    return "type error: expected " + expectedText(error.detail) + ", got " + got;
  }
  case ErrorCode::Overflow:
    if (static_cast<Opcode>(error.detail) == Opcode::Neg)
      return "integer overflow while attempting to negate the value " + world.str(error.a);
    return "integer overflow while attempting to " +
           std::string(static_cast<Opcode>(error.detail) == Opcode::Add   ? "add"
                       : static_cast<Opcode>(error.detail) == Opcode::Sub ? "subtract"
                                                                          : "multiply") +
           " the values " + world.str(error.a) + " and " + world.str(error.b);
  case ErrorCode::NoRecordAttr:
    return "record does not have the attribute `" + attrName(error.detail) + "`";
  case ErrorCode::NoSuchEntity:
    return "entity " + world.getEntityText(error.a.entity) + " does not exist";
  case ErrorCode::NoEntityAttr:
    return world.getEntityText(error.a.entity) + " does not have the attribute `" +
           attrName(error.detail) + "`";
  case ErrorCode::NoEntityTag:
    return world.getEntityText(error.a.entity) + " does not have the tag `" +
           error.b.getString().str() + "`";
  case ErrorCode::WrongArity: {
    const BuiltinInfo &bi = getBuiltinInfo(static_cast<Builtin>(in.a));
    // Extension functions count the receiver; set and tag methods do not.
    unsigned skip = bi.isExtension ? 0 : 1;
    return "wrong number of arguments to `" + std::string(bi.name) + "`: expected " +
           std::to_string(bi.arity - skip) + ", got " + std::to_string(in.b - skip);
  }
  case ErrorCode::UnknownMethod:
  case ErrorCode::UnknownFunction: {
    const Val &name = program.getConstants()[error.detail];
    return std::string(static_cast<ErrorCode>(error.code) == ErrorCode::UnknownMethod
                           ? "unknown method `"
                           : "unknown extension function `") +
           name.getString().str() + "`";
  }
  case ErrorCode::ExtensionError: {
    Builtin f = static_cast<Builtin>(error.detail);
    ext::ExtError e = detail::rerunExtension(f, error.a, error.b);
    llvm::StringRef input = getBuiltinInfo(f).isConstructor ? error.a.getString() : "";
    return "error while evaluating `" + ext::getExtErrorFunctionName(e).str() +
           "` extension function: " + ext::getExtErrorMessage(e, input);
  }
  }
  return "evaluation error";
}

} // namespace larch::rt
