// decide: Cedar's authorization over the candidate policies (see authorize.h).
#include "runtime/compiled/authorize.h"

#include "runtime/compiled/vm.h"

#include <numeric>

namespace larch::rt {

DecisionView decide(const Program &program, const PreparedRequest &request,
                    EvalScratch &scratch, CandidateMode mode) {
  scratch.arena.reset();
  if (++scratch.epoch == 0) {
    // Epoch wrapped: forget every memoised value explicitly.
    for (EvalScratch::MemoSlot &slot : scratch.memo)
      slot.epoch = 0;
    scratch.epoch = 1;
  }
  World world(request);
  std::vector<uint32_t> &candidates = scratch.candidates;
  bool checkScope = mode == CandidateMode::AllPolicies;
  if (checkScope) {
    candidates.resize(program.getPolicies().size());
    std::iota(candidates.begin(), candidates.end(), 0u);
  } else {
    program.getIndex().lookup(world, request.getPrincipal(), request.getAction(),
                              request.getResource(), candidates);
  }
  scratch.reasons.clear();
  scratch.errors.clear();
  llvm::ArrayRef<PolicyEntry> policies = program.getEntries();
  // The candidates' code is scattered over the program: ask for the first
  // lines of each now, so their cache misses overlap instead of queueing
  // behind one another (measured: docs/architecture.md).
  if (!checkScope) {
    const Insn *code = program.getCode().data();
    for (uint32_t p : candidates)
      __builtin_prefetch(&policies[p]);
    for (uint32_t p : candidates) {
      const PolicyEntry &e = policies[p];
      for (uint32_t pc = e.bodyEntry; pc < e.codeEnd && pc < e.bodyEntry + 16; pc += 5)
        __builtin_prefetch(code + pc);
    }
  }
  if (scratch.recordOutcomes) {
    scratch.outcomes.clear();
    scratch.outcomesRecorded = true;
  }
  const CandidateTally tally =
      evaluateCandidates(program, candidates, checkScope, world, scratch);
  const bool anyForbid = tally.anyForbid;
  // Forbid overrides permit: the reasons are the satisfied policies of the
  // winning effect (a Deny with no satisfied forbid has none).
  std::vector<uint32_t> &reasons = scratch.reasons;
  DecisionView view;
  view.allowed = !anyForbid && !reasons.empty();
  view.permitSatisfied = tally.anyPermit;
  if (anyForbid)
    reasons.erase(std::remove_if(reasons.begin(), reasons.end(),
                                 [&](uint32_t p) { return !policies[p].isForbid; }),
                  reasons.end());
  view.reasons = reasons;
  view.errors = scratch.errors;
  return view;
}

} // namespace larch::rt
