// decide: Cedar's authorization over the candidate policies (see authorize.h).
#include "runtime/compiled/authorize.h"

#include "runtime/compiled/vm.h"
#include "support/sort_small.h"

#include <algorithm>
#include <numeric>

namespace larch::rt {

namespace {

/// Policies from which decide() prefetches the request entities' attributes.
constexpr size_t PrefetchAttributesFrom = 1000;

} // namespace

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
  // In a large set the candidates' guards mostly miss the cache reading
  // the principal's and the resource's attributes: ask for them now, so
  // that the misses overlap the index walk (10-20 ns at N = 10,000 with
  // 1,000 different requests). In a small one they stay in the cache and
  // the two lookups cost more than they save. The context's fields and
  // those of its records too, for a request prepared a while ago (ninth
  // run: 275 to 265 ns at N = 10,000, 1,000 shuffled prepared requests).
  if (program.getEntries().size() >= PrefetchAttributesFrom) {
    auto prefetchFields = [](llvm::ArrayRef<Field> fields) {
      if (!fields.empty()) {
        __builtin_prefetch(fields.data());
        __builtin_prefetch(&fields.back());
      }
    };
    prefetchFields(world.getView(request.getPrincipal()).getAttrs());
    prefetchFields(world.getView(request.getResource()).getAttrs());
    if (request.getContext().kind == Kind::Record) {
      llvm::ArrayRef<Field> context = request.getContext().getRecord();
      prefetchFields(context);
      for (const Field &f : context)
        if (f.value.kind == Kind::Record)
          prefetchFields(f.value.getRecord());
    }
  }
  CandidateList &candidates = scratch.candidates;
  bool checkScope = mode == CandidateMode::AllPolicies;
  if (checkScope) {
    candidates.resize(program.getPolicies().size());
    std::iota(candidates.begin(), candidates.end(), 0u);
  } else {
    // The store's own per-action index when the request adds no entities
    // (they could give its action other parents).
    const DecisionIndex *byAction = request.getStore().getActionIndex();
    if (!byAction || request.hasOverlays() ||
        !byAction->lookupAction(world, request.getPrincipal(), request.getAction(),
                                request.getResource(), candidates))
      program.getIndex().lookup(world, request.getPrincipal(), request.getAction(),
                                request.getResource(), candidates);
  }
  scratch.reasons.clear();
  scratch.errors.clear();
  // A candidate's guard line is all an indexed decision reads of it (with
  // its effect and code entry). With thousands of policies these lines are
  // scattered: ask for all of them now, so their cache misses overlap
  // instead of queueing behind one another (238 to 221 ns at N = 10,000).
  // Their code, grouped by action, mostly shares a few lines; prefetching
  // it too measured no better (docs/architecture.md).
  llvm::ArrayRef<PolicyGuard> guards = program.getGuards();
  if (!checkScope)
    for (uint32_t p : candidates)
      __builtin_prefetch(&guards[p]);
  if (scratch.recordOutcomes) {
    scratch.outcomes.clear();
    scratch.outcomesRecorded = true;
  }
  const CandidateTally tally =
      evaluateCandidates(program, candidates, checkScope, world, scratch);
  // Forbid overrides permit: the reasons are the satisfied policies of the
  // winning effect (a Deny with no satisfied forbid has none).
  CandidateList &reasons = scratch.reasons;
  DecisionView view;
  view.allowed = !tally.anyForbid && !reasons.empty();
  view.permitSatisfied = tally.anyPermit;
  if (tally.anyForbid)
    reasons.erase(std::remove_if(reasons.begin(), reasons.end(),
                                 [&](uint32_t p) { return !guards[p].isForbid; }),
                  reasons.end());
  // The index lists candidates leaf by leaf; results are in policy order.
  // Both lists are short (a few reasons, errors rarely), so sorting them
  // costs less than ordering the candidates.
  sortSmall(reasons.begin(), reasons.end(), [](uint32_t a, uint32_t b) { return a < b; });
  sortSmall(scratch.errors.begin(), scratch.errors.end(),
            [](const PolicyErrorRec &a, const PolicyErrorRec &b) { return a.policy < b.policy; });
  view.reasons = reasons;
  view.errors = scratch.errors;
  return view;
}

} // namespace larch::rt
