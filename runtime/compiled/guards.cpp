// findGuards (see guards.h): each policy's guard, read back from its code.
#include "runtime/compiled/guards.h"

#include <cassert>
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

} // namespace

void findGuards(Program &program) {
  llvm::ArrayRef<Insn> code = program.getCode();
  llvm::ArrayRef<Val> constants = program.getConstants();
  std::vector<PolicyEntry> &entries = program.getMutableEntries();
  std::vector<PolicyGuard> &guards = program.getGuards();
  guards.assign(entries.size(), PolicyGuard());
  for (size_t p = 0; p < entries.size(); ++p) {
    PolicyEntry &e = entries[p];
    const uint32_t ret = e.codeEnd - 1; // the policy's Return
    assert(code[ret].op == Opcode::Return && "a policy's code ends in its Return");
    unsigned n = 0;
    bool whole = false;
    // Pairs of (attribute load, comparison with a constant) from the body's
    // start: a comparison that branches must branch to the Return (false
    // ends the policy); one that does not must be the policy's value.
    for (uint32_t pc = e.bodyEntry; n < PolicyGuard::MaxTests && pc + 1 < ret; pc += 2) {
      const Insn &load = code[pc], &compare = code[pc + 1];
      GuardTest t;
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
      std::optional<GuardTest::Op> op = getGuardOp(compare.op);
      if (!op || !fitsGuard(*op, constants[compare.a]))
        break;
      const bool branches = isBranchingComparison(compare.op);
      if (branches ? compare.b != ret : pc + 2 != ret)
        break;
      t.op = *op;
      t.constant = constants[compare.a];
      guards[p].tests[n++] = t;
      if (!branches) {
        whole = true;
        break;
      }
    }
    e.guardTests = static_cast<uint8_t>(n);
    e.guardIsWhole = whole;
  }
}

} // namespace larch::rt
