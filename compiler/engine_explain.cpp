// Public API implementation of larch/engine.h and larch/explain.h:
// Engine::explain. It decides through Engine::decide with the scratch asked to
// record each candidate's outcome (rt::decide, the same run that makes the
// decision), then, for each candidate that was not satisfied or errored, runs
// its conjuncts' code (codegen's side table, rt::Program::getConjuncts) in
// the same VM and scratch to find the first that is false or errors. Policy
// names and source locations come from the snapshot's parsed policies.
// See docs/explain.md.
#include "compiler/engine_impl.h"

#include "runtime/compiled/vm.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace larch {

std::string SourceLocation::str() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const char *getCandidateStatusName(CandidateStatus status) {
  switch (status) {
  case CandidateStatus::Satisfied:
    return "satisfied";
  case CandidateStatus::NotSatisfied:
    return "not_satisfied";
  case CandidateStatus::Error:
    return "error";
  }
  return "error";
}

namespace {

SourceLocation locate(const SourceManager &sources, SourceRange r) {
  SourceLocation loc;
  if (!r.isValid())
    return loc;
  LineColumn lc = sources.getLineColumn(r.file, r.begin);
  loc.file = sources.getName(r.file).str();
  loc.line = lc.line;
  loc.column = lc.column;
  return loc;
}

std::string textOf(const SourceManager &sources, SourceRange r) {
  if (!r.isValid())
    return "";
  llvm::StringRef text = sources.getText(r.file);
  if (r.begin >= text.size() || r.end < r.begin)
    return "";
  return text.slice(r.begin, r.end).str();
}

/// `r` widened over the parentheses it leaves open or unopened: the parser's
/// range of `(a && b) || c` starts at `a`, inside the parenthesis.
SourceRange balanced(const SourceManager &sources, SourceRange r) {
  if (!r.isValid())
    return r;
  llvm::StringRef text = sources.getText(r.file);
  if (r.end > text.size() || r.begin > r.end)
    return r;
  for (int round = 0; round < 64; ++round) {
    int depth = 0, lowest = 0;
    bool inString = false;
    for (uint32_t i = r.begin; i < r.end; ++i) {
      char c = text[i];
      if (inString) {
        if (c == '\\')
          ++i;
        else if (c == '"')
          inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        lowest = std::min(lowest, --depth);
      }
    }
    if (lowest < 0) { // a `)` without its `(`: take in the `(` before
      uint32_t b = r.begin;
      while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\n' ||
                       text[b - 1] == '\r'))
        --b;
      if (b == 0 || text[b - 1] != '(')
        return r;
      r.begin = b - 1;
    } else if (depth > 0) { // a `(` left open: take in the `)` after
      uint32_t e = r.end;
      while (e < text.size() && (text[e] == ' ' || text[e] == '\t' || text[e] == '\n' ||
                                 text[e] == '\r'))
        ++e;
      if (e == text.size() || text[e] != ')')
        return r;
      r.end = e + 1;
    } else {
      return r;
    }
  }
  return r;
}

const char *conjunctKindName(rt::ConjunctInfo::Kind k) {
  switch (k) {
  case rt::ConjunctInfo::Kind::Principal:
    return "principal";
  case rt::ConjunctInfo::Kind::Action:
    return "action";
  case rt::ConjunctInfo::Kind::Resource:
    return "resource";
  case rt::ConjunctInfo::Kind::When:
    return "when";
  case rt::ConjunctInfo::Kind::Unless:
    return "unless";
  }
  return "when";
}

} // namespace

bool Engine::explain(const PreparedRequest &request, DecisionScratch &scratch,
                     Explanation &out) const {
  out = Explanation();
  rt::EvalScratch &eval = scratch.impl->eval;
  eval.recordOutcomes = true;
  eval.outcomesRecorded = false;
  bool allowed = decide(request, scratch);
  eval.recordOutcomes = false;
  out.allowed = allowed;

  const PreparedRequest::Impl &p = *request.impl;
  const engine::Snapshot &snap = *p.snapshot;
  const engine::PolicyState &policies = *snap.policies;
  const rt::Program &program = *policies.program;
  out.numPolicies = program.getPolicies().size();
  out.allCandidates = impl->evaluator == Evaluator::CompiledAllCandidates;
  if (!p.ok) {
    out.note = "the request was not read: " + p.error;
    return allowed;
  }
  if (p.forReference) {
    out.note = "explanations need the compiled engine (the reference evaluator decided)";
    return allowed;
  }
  if (!eval.outcomesRecorded) {
    out.note = "no policy was evaluated";
    return allowed;
  }
  assert(eval.outcomes.size() == eval.candidates.size() && "one outcome per candidate");
  out.available = true;

  const SourceManager &sources = *policies.parsed->sources;
  rt::World world(p.prepared);
  bool skipScopes = !out.allCandidates;
  llvm::ArrayRef<rt::PolicyErrorRec> errors = eval.errors;
  // In policy order (the index lists candidates leaf by leaf).
  std::vector<size_t> order(eval.candidates.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return eval.candidates[a] < eval.candidates[b]; });
  for (size_t i : order) {
    uint32_t policy = eval.candidates[i];
    auto outcome = static_cast<rt::PolicyOutcome>(eval.outcomes[i]);
    const rt::PolicyInfo &info = program.getPolicies()[policy];
    PolicyExplanation &e = out.candidates.emplace_back();
    e.policyId = info.id;
    e.isForbid = info.isForbid;
    e.location = locate(sources, info.range);
    if (policy < policies.instances.size()) {
      const reference::PolicyInstance &inst = policies.instances[policy];
      // A link is named by its link id; only static policies carry `@id`.
      if (inst.policy && !inst.policy->isTemplate())
        if (const ast::Annotation *a = inst.policy->findAnnotation("id"))
          e.annotatedId = a->value.str();
    }
    switch (outcome) {
    case rt::PolicyOutcome::Satisfied:
      e.status = CandidateStatus::Satisfied;
      continue;
    case rt::PolicyOutcome::NotSatisfied:
      e.status = CandidateStatus::NotSatisfied;
      break;
    case rt::PolicyOutcome::Error:
      e.status = CandidateStatus::Error;
      break;
    }
    // The decision's own error record (formatted as Decision::errors is).
    SourceRange errorAt;
    if (e.status == CandidateStatus::Error) {
      const rt::PolicyErrorRec *rec = llvm::find_if(
          errors, [&](const rt::PolicyErrorRec &r) { return r.policy == policy; });
      if (rec != errors.end()) {
        e.errorMessage = rt::formatEvalError(rec->error, program, world);
        errorAt = program.getRange(rec->error.pc);
        e.errorLocation = locate(sources, errorAt);
      }
    }
    // The first conjunct that is false (or raises the error), run after the
    // decision in its scratch: same program, same memo slots.
    rt::PolicyOutcome found;
    rt::EvalError error;
    int k = rt::findFailingConjunct(program, policy, skipScopes, world, eval, found, error);
    if (k < 0)
      continue; // cannot happen: the conjuncts are the policy (tested)
    const rt::ConjunctInfo &c = program.getConjuncts(info)[static_cast<size_t>(k)];
    // An instruction's range is its IR node's first occurrence (nodes are
    // shared across policies): keep it only if it lies in this conjunct.
    if (e.status == CandidateStatus::Error &&
        !(errorAt.file == c.range.file && errorAt.begin >= c.range.begin &&
          errorAt.end <= c.range.end))
      e.errorLocation = locate(sources, c.range);
    ConditionExplanation cond;
    SourceRange written = balanced(sources, c.range);
    cond.kind = conjunctKindName(c.kind);
    cond.text = textOf(sources, written);
    cond.location = locate(sources, written);
    e.condition = std::move(cond);
  }
  return allowed;
}

} // namespace larch
