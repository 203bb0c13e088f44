// findGuards (see guards.h): each policy's guard, read back from its code.
#include "runtime/compiled/guards.h"

#include "llvm/ADT/DenseMap.h"

#include <cassert>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

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
  return isComparable(k.kind);
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
  default: {
    // Has, Like, InRange, In and Same: each its own form (a Contains test
    // is between two paths: findGuards sets its form).
    using F = GuardTest::Form;
    static constexpr F Own[] = {F::Has, F::Like, F::InRange, F::In, F::Same};
    static_assert(unsigned(GuardTest::Op::Same) - unsigned(GuardTest::Op::Has) + 1 ==
                      std::size(Own),
                  "one form for each operator from Has to Same");
    assert(t.op >= GuardTest::Op::Has && t.op <= GuardTest::Op::Same && "an operator with a form");
    t.form = Own[unsigned(t.op) - unsigned(GuardTest::Op::Has)];
    break;
  }
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

/// A side of a test between two values of the request at `pc`: a variable
/// (Var), or a path of its attributes (VarAttr or VarAttr2, then GetAttr)
/// at most GuardPath::MaxLength deep. The pc after it, or none.
std::optional<uint32_t> readSide(llvm::ArrayRef<Insn> code, uint32_t pc, uint32_t ret,
                                 GuardPath &path) {
  if (pc >= ret)
    return std::nullopt;
  const Insn &i = code[pc];
  path = GuardPath();
  switch (i.op) {
  case Opcode::Var:
    path.var = static_cast<uint8_t>(i.a);
    break;
  case Opcode::VarAttr:
    path.var = static_cast<uint8_t>(i.b);
    path.attrs[path.length++] = i.a;
    break;
  case Opcode::VarAttr2:
    path.var = i.c;
    path.attrs[path.length++] = i.a;
    path.attrs[path.length++] = i.b;
    break;
  default:
    return std::nullopt;
  }
  for (++pc; pc < ret && code[pc].op == Opcode::GetAttr && path.length < GuardPath::MaxLength;
       ++pc)
    path.attrs[path.length++] = code[pc].a;
  return pc;
}

/// The operator of a test between two values of the request, if `i` is
/// one a guard makes: `in`, `==`, `<`, `<=` or `.contains()`.
std::optional<GuardTest::Op> getTwoSidedOp(const Insn &i) {
  switch (i.op) {
  case Opcode::In:
    return GuardTest::Op::In;
  case Opcode::Eq:
    return GuardTest::Op::Same;
  case Opcode::Less:
    return GuardTest::Op::Less;
  case Opcode::LessEq:
    return GuardTest::Op::LessEq;
  case Opcode::Call:
    if (static_cast<Builtin>(i.a) == Builtin::Contains && i.b == 2)
      return GuardTest::Op::Contains;
    return std::nullopt;
  default:
    return std::nullopt;
  }
}

/// Whether `i` calls `toTime()` on the value below it.
bool isToTime(const Insn &i) {
  return i.op == Opcode::Call && static_cast<Builtin>(i.a) == Builtin::ToTime && i.b == 1;
}

/// Where each distinct path is in Program::getGuardPaths().
using PathIds = std::map<std::tuple<uint8_t, uint8_t, uint32_t, uint32_t, uint32_t>, uint32_t>;

/// The index of `path` in `paths`, added if new.
uint32_t internPath(const GuardPath &path, std::vector<GuardPath> &paths, PathIds &ids) {
  auto [it, added] = ids.try_emplace(
      {path.var, path.length, path.attrs[0], path.attrs[1], path.attrs[2]},
      static_cast<uint32_t>(paths.size()));
  if (added)
    paths.push_back(path);
  return it->second;
}

} // namespace

void findGuards(Program &program) {
  llvm::ArrayRef<Insn> code = program.getCode();
  llvm::ArrayRef<Val> constants = program.getConstants();
  llvm::ArrayRef<PolicyEntry> entries = program.getEntries();
  HugePageVector<PolicyGuard> &guards = program.getGuards();
  guards.assign(entries.size(), PolicyGuard());
  std::vector<GuardNumber> &numbers = program.getGuardNumbers();
  numbers.clear();
  std::vector<GuardPath> &paths = program.getGuardPaths();
  paths.clear();
  PathIds pathIds;
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
      bool betweenPaths = false, ofTime = false;
      GuardPath left, right;
      std::optional<uint32_t> afterLeft = readSide(code, pc, ret, left);
      std::optional<uint32_t> afterRight =
          afterLeft ? readSide(code, *afterLeft, ret, right) : std::nullopt;
      std::optional<GuardTest::Op> twoSided =
          afterRight && *afterRight < ret ? getTwoSidedOp(code[*afterRight]) : std::nullopt;
      if (load.op == Opcode::VarHas) {
        t.var = static_cast<uint8_t>(load.b);
        t.attr = load.a;
        t.op = GuardTest::Op::Has;
      } else if (twoSided) {
        t.op = *twoSided;
        next = *afterRight + 1;
        if ((t.op == GuardTest::Op::In || t.op == GuardTest::Op::Same) && left.length <= 1 &&
            right.length <= 1) {
          // `principal in resource.team`, `principal.owner in resource.team`,
          // `resource.owner == principal`, `resource.team == principal.team`:
          // inline (GuardTest::Form::In and Same), no path to read.
          t.var = left.var;
          t.attr = left.length ? left.attrs[0] : GuardTest::Itself;
          t.var2 = right.var;
          t.attr2 = right.length ? right.attrs[0] : GuardTest::Itself;
        } else {
          // `context.now < context.agent.approval.expires`,
          // `context.agent.approval.actions.contains(action)`
          betweenPaths = true; // the paths are interned once the test is kept
        }
      } else {
        // One attribute (VarAttr) or two (VarAttr2), as the side read above.
        if (!afterLeft || *afterLeft != next || left.length == 0)
          break;
        t.var = left.var;
        t.attr = left.attrs[0];
        if (left.length == 2) {
          t.attr2 = left.attrs[1];
          t.nested = true;
        }
        // `x.toTime()`, compared with a duration (stored first when the
        // call is shared).
        if (next < ret && isToTime(code[next])) {
          ofTime = true;
          for (++next; next < ret && code[next].op == Opcode::MemoPut;)
            ++next;
          if (next >= ret)
            break;
        }
        const Insn &test = code[next++];
        std::optional<GuardTest::Op> op = getGuardOp(test.op);
        if (ofTime) {
          // toTime() gives a duration: compared with anything else it errs.
          if (!op || *op == GuardTest::Op::Eq || *op == GuardTest::Op::NotEq ||
              constants[test.a].kind != Kind::Duration)
            break;
          t.op = *op;
          t.operand = test.a;
          t.kind = Kind::Duration;
          if (isBranchingComparison(test.op))
            branch = test.b;
        } else if (test.op == Opcode::Has && !t.nested) {
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
      if (betweenPaths) {
        t.form = GuardTest::Form::Paths;
        t.attr = internPath(left, paths, pathIds);
        t.attr2 = internPath(right, paths, pathIds);
        t.endsWhen = t.negated;
      } else {
        setForm(t, constants, numbers, numberIds);
        if (ofTime)
          t.form = GuardTest::Form::TimeBelow; // `x.toTime() < n`, as Below folds it
      }
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

namespace {

/// The value of `path` in the request (the variable, or its attribute
/// path), or null when an attribute is missing or a step before the last
/// is not a record (an entity's attribute is the code's to read).
const Val *readPath(const GuardPath &path, const PreparedRequest &request,
                    const llvm::ArrayRef<Field> (&varAttrs)[4], FieldHints &hints, Val &self) {
  if (path.length == 0) {
    self = getVarValue(request, static_cast<VarKind>(path.var));
    return &self;
  }
  const Val *v = hints.find(varAttrs[path.var], path.attrs[0]);
  for (unsigned k = 1; k < path.length; ++k) {
    if (!v || v->kind != Kind::Record)
      return nullptr;
    v = hints.find(v->getRecord(), path.attrs[k]);
  }
  return v;
}

/// A Paths test: as testOtherForm.
int testPaths(const Program &program, const World &world, const GuardTest &t,
              const llvm::ArrayRef<Field> (&varAttrs)[4], FieldHints &hints) {
  llvm::ArrayRef<GuardPath> paths = program.getGuardPaths();
  Val leftSelf, rightSelf;
  const Val *left = readPath(paths[t.attr], world.getRequest(), varAttrs, hints, leftSelf);
  const Val *right = readPath(paths[t.attr2], world.getRequest(), varAttrs, hints, rightSelf);
  if (!left || !right)
    return -1; // the code words the missing attribute
  switch (t.op) {
  case GuardTest::Op::Less:
  case GuardTest::Op::LessEq:
    // Both Long, both datetime or both duration (their number is in `i`);
    // anything else is the code's type error.
    if (left->kind != right->kind || !isComparable(left->kind))
      return -1;
    return t.op == GuardTest::Op::Less ? left->i < right->i : left->i <= right->i;
  case GuardTest::Op::Same:
    return equalVals(*left, *right); // never an error, as Cedar's `==`
  case GuardTest::Op::In:
    // A set on the right, or no entity: the code's to decide.
    if (left->kind != Kind::Entity || right->kind != Kind::Entity)
      return -1;
    return world.isIn(left->entity, right->entity);
  case GuardTest::Op::Contains:
    if (left->kind != Kind::Set)
      return -1; // the code's type error
    return setContains(*left, *right);
  default:
    assert(false && "no other operator is between two paths");
    return -1;
  }
}

} // namespace

int testOtherForm(const Program &program, const World &world, const GuardTest &t,
                  const llvm::ArrayRef<Field> (&varAttrs)[4], FieldHints &hints) {
  assert(t.form < GuardTest::Form::In && "two-sided tests are inline");
  if (t.form == GuardTest::Form::Paths)
    return testPaths(program, world, t, varAttrs, hints);
  const Val *f;
  if (!findTested(t, varAttrs, hints, f))
    return -1;
  if (t.form == GuardTest::Form::Like) {
    if (!f || f->kind != Kind::String)
      return -1; // missing, or a type error
    return matchPattern(f->getString(), program.getPatterns()[t.operand],
                        program.getPattern(t.operand));
  }
  if (t.form == GuardTest::Form::TimeBelow) {
    if (!f || f->kind != Kind::Datetime)
      return -1; // missing, or toTime()'s type error
    return f->getDatetime().toTime().millis < program.getGuardNumbers()[t.operand].value;
  }
  assert(t.form == GuardTest::Form::InRange && "the other forms are inline");
  if (!f || f->kind != Kind::IpAddr)
    return -1; // missing, or a type error
  return f->ip->isInRange(*program.getConstants()[t.operand].ip);
}

} // namespace larch::rt
