// Reference path (oracle): Cedar's authorization over a set of policies and
// template links. Entry points: linkTemplate, collectStaticPolicies,
// authorize. Depends on compiler/reference/evaluator.h.
//
// Semantics (cedar-policy-core src/authorizer.rs): every policy is evaluated
// on its own; deny by default; any satisfied forbid gives Deny with the
// satisfied forbids as reasons; otherwise any satisfied permit gives Allow
// with the satisfied permits as reasons. A policy whose evaluation errors is
// not satisfied and is listed in `errors`, whatever the decision. Templates
// themselves are never evaluated, only their links.
#ifndef LARCH_COMPILER_REFERENCE_AUTHORIZER_H
#define LARCH_COMPILER_REFERENCE_AUTHORIZER_H

#include "compiler/reference/evaluator.h"

#include "llvm/ADT/ArrayRef.h"

#include <optional>
#include <string>
#include <vector>

namespace larch::reference {

/// A policy ready to evaluate: a static policy, or a template with every
/// slot bound.
struct PolicyInstance {
  std::string id;
  const ast::Policy *policy = nullptr;
  SlotValues slots;
};

/// One policy whose evaluation failed.
struct PolicyError {
  std::string policyId;
  std::string message;
};

struct Decision {
  bool allow = false;
  /// Some permit was satisfied (on a Deny: a forbid overrode it).
  bool permitSatisfied = false;
  /// The determining policies, in policy-set order.
  std::vector<std::string> reasons;
  /// Every erroring policy, in policy-set order.
  std::vector<PolicyError> errors;
};

/// The static (non-template) policies of `set`, with their loaded ids.
std::vector<PolicyInstance> collectStaticPolicies(const ast::PolicySet &set);

/// Links `tmpl` under `newId`: every slot the template uses must get a value
/// and no other slot may be given one. Returns nothing and sets `error`
/// otherwise.
std::optional<PolicyInstance> linkTemplate(const ast::Policy &tmpl, std::string newId,
                                           const SlotValues &values,
                                           std::string &error);

/// Decides `request` against `policies` over `entities`.
Decision authorize(llvm::ArrayRef<PolicyInstance> policies,
                   const runtime::Request &request,
                   const runtime::EntityView &entities);

} // namespace larch::reference

#endif // LARCH_COMPILER_REFERENCE_AUTHORIZER_H
