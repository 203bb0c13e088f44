// Reference path (oracle): Cedar's authorization. Entry points: linkTemplate,
// collectStaticPolicies, authorize (see authorizer.h).
#include "compiler/reference/authorizer.h"

namespace larch::reference {

namespace {

bool usesSlot(const ast::EntityScope &scope) {
  using Op = ast::EntityScope::Op;
  return (scope.op == Op::Eq || scope.op == Op::In || scope.op == Op::IsIn) &&
         scope.target.isSlot;
}

} // namespace

std::vector<PolicyInstance> collectStaticPolicies(const ast::PolicySet &set) {
  std::vector<PolicyInstance> out;
  for (const ast::Policy &p : set.policies)
    if (!p.isTemplate())
      out.push_back(PolicyInstance{p.id, &p, {}});
  return out;
}

std::optional<PolicyInstance> linkTemplate(const ast::Policy &tmpl, std::string newId,
                                           const SlotValues &values,
                                           std::string &error) {
  bool wantsPrincipal = usesSlot(tmpl.principal);
  bool wantsResource = usesSlot(tmpl.resource);
  if (!tmpl.isTemplate()) {
    error = "policy `" + tmpl.id + "` is not a template";
    return std::nullopt;
  }
  if (wantsPrincipal != values.principal.has_value()) {
    error = wantsPrincipal ? "template `" + tmpl.id + "` needs a value for `?principal`"
                           : "template `" + tmpl.id + "` has no slot `?principal`";
    return std::nullopt;
  }
  if (wantsResource != values.resource.has_value()) {
    error = wantsResource ? "template `" + tmpl.id + "` needs a value for `?resource`"
                          : "template `" + tmpl.id + "` has no slot `?resource`";
    return std::nullopt;
  }
  return PolicyInstance{std::move(newId), &tmpl, values};
}

Decision authorize(llvm::ArrayRef<PolicyInstance> policies,
                   const runtime::Request &request,
                   const runtime::EntityView &entities) {
  Decision d;
  std::vector<std::string> permits, forbids;
  Evaluator evaluator(request, entities);
  for (const PolicyInstance &p : policies) {
    runtime::EvalResult r = evaluator.evaluatePolicy(*p.policy, p.slots);
    if (!r) {
      d.errors.push_back(PolicyError{p.id, r.getError()});
      continue;
    }
    assert(r->is(runtime::ValueKind::Bool) && "a policy evaluates to a bool");
    if (!r->getBool())
      continue;
    (p.policy->effect == ast::Effect::Forbid ? forbids : permits).push_back(p.id);
  }
  d.permitSatisfied = !permits.empty();
  if (!forbids.empty()) {
    d.allow = false;
    d.reasons = std::move(forbids);
  } else if (!permits.empty()) {
    d.allow = true;
    d.reasons = std::move(permits);
  }
  return d;
}

} // namespace larch::reference
