// findGuards (see guards.h): each policy's guard, read back from its code.
#include "runtime/compiled/guards.h"

#include "llvm/ADT/DenseMap.h"

#include <cassert>
#include <limits>
#include <optional>

namespace larch::rt {

namespace {

/// The guard operator of a comparison with a constant, fused with its
/// branch or not; none for any other instruction.
std::optional<GuardTest::Op> getGuardOp(Opcode op) {
  switch (op) {
  case Opcode::EqK:
  case Opcode::EqKBr:
    return GuardTest::Op::Eq;
  case Opcode::NotEqK:
  case Opcode::NotEqKBr:
    return GuardTest::Op::NotEq;
  case Opcode::LessK:
  case Opcode::LessKBr:
    return GuardTest::Op::Less;
  case Opcode::LessEqK:
  case Opcode::LessEqKBr:
    return GuardTest::Op::LessEq;
  case Opcode::GreaterK:
  case Opcode::GreaterKBr:
    return GuardTest::Op::Greater;
  case Opcode::GreaterEqK:
  case Opcode::GreaterEqKBr:
    return GuardTest::Op::GreaterEq;
  default:
    return std::nullopt;
  }
}

/// Whether testGuard compares with `k` as the instruction does: equality
/// with a Long only (other kinds compare by content), ordering with a
/// number of any kind the instruction orders.
bool fitsGuard(GuardTest::Op op, const Val &k) {
  if (op == GuardTest::Op::Eq || op == GuardTest::Op::NotEq)
    return k.kind == Kind::Long;
  return k.kind == Kind::Long || k.kind == Kind::Datetime || k.kind == Kind::Duration;
}

/// Most instructions followed to see where a value goes (a chain of
/// memoised `&&` operands is a few MemoPut and BrFalse long).
constexpr unsigned MaxFollowed = 16;

/// The policy's value if the boolean `v` at `pc` goes straight to its
/// Return: stored (MemoPut), negated (Not) or branched on with the branch
/// taken (BrFalse on false, BrTrue on true). None if anything else happens
/// to it first (a branch not taken pops it, and the code goes on).
std::optional<bool> endValue(llvm::ArrayRef<Insn> code, uint32_t pc, uint32_t ret, bool v) {
  for (unsigned step = 0; step < MaxFollowed && pc <= ret; ++step) {
    switch (code[pc].op) {
    case Opcode::MemoPut:
      ++pc;
      break;
    case Opcode::Not:
      v = !v;
      ++pc;
      break;
    case Opcode::BrFalse:
      if (v)
        return std::nullopt;
      pc = code[pc].a;
      break;
    case Opcode::BrTrue:
      if (!v)
        return std::nullopt;
      pc = code[pc].a;
      break;
    case Opcode::Return:
      if (pc != ret)
        return std::nullopt;
      return v;
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// Whether `k` is the constant of `call`, a call of isInRange whose
/// argument `k` pushes: then the test is `attr.isInRange(k)`.
bool isInRangeOfConstant(const Insn &push, const Insn &call, llvm::ArrayRef<Val> constants) {
  return push.op == Opcode::Const && constants[push.a].kind == Kind::IpAddr &&
         call.op == Opcode::Call && static_cast<Builtin>(call.a) == Builtin::IsInRange &&
         call.b == 2;
}

/// Sets what a decision computes for `t` (GuardTest::Form): each ordering
/// with the constant `k` becomes `x < n`, negated or not, and the
/// operator's negation and the test's fold into `endsWhen`. A comparison's
/// number goes into `numbers` (one entry per distinct number and constant),
/// and its operand from the constant to that entry.
void setForm(GuardTest &t, llvm::ArrayRef<Val> constants, std::vector<GuardNumber> &numbers,
             llvm::DenseMap<std::pair<int64_t, uint32_t>, uint32_t> &numberIds) {
  constexpr int64_t Min = std::numeric_limits<int64_t>::min();
  constexpr int64_t Max = std::numeric_limits<int64_t>::max();
  bool flip = false; // the form computes the operator's negation
  const bool compares = t.op <= GuardTest::Op::GreaterEq;
  int64_t n = compares ? constants[t.operand].i : 0;
  switch (t.op) {
  case GuardTest::Op::Eq:
    t.form = GuardTest::Form::Equal;
    break;
  case GuardTest::Op::NotEq:
    t.form = GuardTest::Form::Equal;
    flip = true;
    break;
  case GuardTest::Op::Less: // x < k
    t.form = GuardTest::Form::Below;
    break;
  case GuardTest::Op::GreaterEq: // !(x < k)
    t.form = GuardTest::Form::Below;
    flip = true;
    break;
  case GuardTest::Op::LessEq: // x < k + 1; x <= Max always: !(x < Min)
    t.form = GuardTest::Form::Below;
    flip = n == Max;
    n = flip ? Min : n + 1;
    break;
  case GuardTest::Op::Greater: // !(x < k + 1); x > Max never: x < Min
    t.form = GuardTest::Form::Below;
    flip = n != Max;
    n = flip ? n + 1 : Min;
    break;
  default: // Has, Like, InRange, In, Same: each its own form
    static_assert(unsigned(GuardTest::Op::Same) - unsigned(GuardTest::Op::Has) ==
                          unsigned(GuardTest::Form::Same) - unsigned(GuardTest::Form::Has) &&
                      unsigned(GuardTest::Op::In) - unsigned(GuardTest::Op::Has) ==
                          unsigned(GuardTest::Form::In) - unsigned(GuardTest::Form::Has),
                  "the operators from Has on are in the forms' order");
    t.form = static_cast<GuardTest::Form>(unsigned(t.op) - unsigned(GuardTest::Op::Has) +
                                          unsigned(GuardTest::Form::Has));
    break;
  }
  if (compares) {
    auto [it, added] = numberIds.try_emplace({n, t.operand}, uint32_t(numbers.size()));
    if (added)
      numbers.push_back(GuardNumber{n, t.operand});
    t.operand = it->second;
  }
  // The test ends the policy when the operator's outcome equals `negated`.
  t.endsWhen = t.negated != flip;
}

/// Whether `i` pushes a variable or a variable's attribute: a side of a
/// test between two values of the request.
bool isVarOrAttr(const Insn &i) { return i.op == Opcode::Var || i.op == Opcode::VarAttr; }

} // namespace

void findGuards(Program &program) {
  llvm::ArrayRef<Insn> code = program.getCode();
  llvm::ArrayRef<Val> constants = program.getConstants();
  llvm::ArrayRef<PolicyEntry> entries = program.getEntries();
  HugePageVector<PolicyGuard> &guards = program.getGuards();
  guards.assign(entries.size(), PolicyGuard());
  std::vector<GuardNumber> &numbers = program.getGuardNumbers();
  numbers.clear();
  llvm::DenseMap<std::pair<int64_t, uint32_t>, uint32_t> numberIds;
  for (size_t p = 0; p < entries.size(); ++p) {
    const PolicyEntry &e = entries[p];
    guards[p].bodyEntry = e.bodyEntry;
    guards[p].isForbid = e.isForbid;
    const uint32_t ret = e.codeEnd - 1; // the policy's Return
    assert(code[ret].op == Opcode::Return && "a policy's code ends in its Return");
    unsigned n = 0;
    bool whole = false;
    uint32_t pc = e.bodyEntry;
    // Where the code goes on when the tests so far hold: after the last
    // one, before the MemoGets that the next attempt skips.
    uint32_t resume = e.bodyEntry;
    while (n < PolicyGuard::MaxTests) {
      // A memoised value is the one its code computes: test as on a miss.
      while (pc < ret && code[pc].op == Opcode::MemoGet)
        ++pc;
      if (pc + 1 >= ret)
        break;
      // The test: a variable's attribute (or `has`), then what is done with it.
      GuardTest t;
      const Insn &load = code[pc];
      uint32_t next = pc + 1;
      std::optional<uint32_t> branch; // a fused comparison's false target
      if (load.op == Opcode::VarHas) {
        t.var = static_cast<uint8_t>(load.b);
        t.attr = load.a;
        t.op = GuardTest::Op::Has;
      } else if (isVarOrAttr(load) && pc + 2 < ret && isVarOrAttr(code[pc + 1]) &&
                 (code[pc + 2].op == Opcode::In || code[pc + 2].op == Opcode::Eq)) {
        // `principal in resource.team`, `principal.owner in resource.team`,
        // `resource.owner == principal`, `resource.team == principal.team`
        const Insn &right = code[pc + 1];
        t.op = code[pc + 2].op == Opcode::In ? GuardTest::Op::In : GuardTest::Op::Same;
        const bool leftIsVar = load.op == Opcode::Var, rightIsVar = right.op == Opcode::Var;
        t.var = static_cast<uint8_t>(leftIsVar ? load.a : load.b);
        t.attr = leftIsVar ? GuardTest::Itself : load.a;
        t.var2 = static_cast<uint8_t>(rightIsVar ? right.a : right.b);
        t.attr2 = rightIsVar ? GuardTest::Itself : right.a;
        next = pc + 3;
      } else {
        if (load.op == Opcode::VarAttr) {
          t.var = static_cast<uint8_t>(load.b);
          t.attr = load.a;
        } else if (load.op == Opcode::VarAttr2) {
          t.var = load.c;
          t.attr = load.a;
          t.attr2 = load.b;
          t.nested = true;
        } else {
          break;
        }
        const Insn &test = code[next++];
        std::optional<GuardTest::Op> op = getGuardOp(test.op);
        if (test.op == Opcode::Has && !t.nested) {
          t.op = GuardTest::Op::Has;
          t.attr2 = test.a;
          t.nested = true;
        } else if (test.op == Opcode::Like) {
          t.op = GuardTest::Op::Like;
          t.operand = test.a;
        } else if (next < ret && isInRangeOfConstant(test, code[next], constants)) {
          t.op = GuardTest::Op::InRange;
          t.operand = test.a;
          ++next;
        } else if (op && fitsGuard(*op, constants[test.a])) {
          t.op = *op;
          t.operand = test.a;
          t.kind = constants[test.a].kind;
          if (isBranchingComparison(test.op))
            branch = test.b;
        } else {
          break;
        }
      }
      // One value of the test must end the policy (its code then only
      // stores, negates, branches on and returns it); the other goes on
      // to the next test, or also ends it (then the guard is whole).
      if (branch) {
        // A fused comparison: false jumps, true goes on at `next`.
        std::optional<bool> end = endValue(code, *branch, ret, false);
        if (!end)
          break;
        t.failSatisfies = *end;
        pc = next;
      } else {
        while (next < ret && code[next].op == Opcode::MemoPut)
          ++next;
        std::optional<bool> ifTrue = endValue(code, next, ret, true);
        std::optional<bool> ifFalse = endValue(code, next, ret, false);
        if (ifTrue && ifFalse) {
          if (*ifTrue == *ifFalse)
            break;
          whole = true;
          t.negated = !*ifTrue;
        } else if (ifFalse && code[next].op == Opcode::BrFalse) {
          t.failSatisfies = *ifFalse;
          pc = next + 1;
        } else if (ifTrue && code[next].op == Opcode::BrTrue) {
          t.negated = true;
          t.failSatisfies = *ifTrue;
          pc = next + 1;
        } else {
          break;
        }
      }
      setForm(t, constants, numbers, numberIds);
      guards[p].tests[n++] = t;
      resume = pc;
      if (whole)
        break;
    }
    guards[p].numTests = static_cast<uint8_t>(n);
    guards[p].isWhole = whole;
    // The tests are at the body's top level: when they all hold, the stack
    // is as at its entry, and the code from `resume` computes the rest.
    guards[p].resume = whole ? e.bodyEntry : resume;
  }
}

int testOtherForm(const Program &program, const GuardTest &t,
                  const llvm::ArrayRef<Field> (&varAttrs)[4], FieldHints &hints) {
  assert(t.form < GuardTest::Form::In && "two-sided tests are inline");
  const Val *f;
  if (!findTested(t, varAttrs, hints, f))
    return -1;
  if (t.form == GuardTest::Form::Like) {
    if (!f || f->kind != Kind::String)
      return -1; // missing, or a type error
    return matchPattern(f->getString(), program.getPatterns()[t.operand],
                        program.getPattern(t.operand));
  }
  assert(t.form == GuardTest::Form::InRange && "the other forms are inline");
  if (!f || f->kind != Kind::IpAddr)
    return -1; // missing, or a type error
  return f->ip->isInRange(*program.getConstants()[t.operand].ip);
}

} // namespace larch::rt
