// EvalScratch::reserveFor (see scratch.h): sizes the VM's stack and memo
// table for a program; never shrinks, so one scratch serves several programs.
#include "runtime/compiled/scratch.h"

#include "runtime/compiled/program.h"

namespace larch::rt {

void EvalScratch::reserveFor(const Program &program) {
  if (stack.size() < program.getMaxStackDepth())
    stack.resize(program.getMaxStackDepth());
  // New slots hold epoch 0, which is never a decision's epoch.
  if (memo.size() < program.getNumMemoSlots())
    memo.resize(program.getNumMemoSlots());
}

} // namespace larch::rt
