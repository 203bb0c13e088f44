// The policy-set digest and the logged context keys (see policy_set_audit.h).
#include "compiler/policy_set_audit.h"

#include "compiler/engine_snapshot.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>

namespace larch::engine {

namespace {

void addFramed(llvm::SHA256 &hash, llvm::StringRef head, llvm::StringRef text) {
  std::string frame = head.str() + " " + std::to_string(text.size()) + "\n";
  hash.update(frame);
  hash.update(text);
  hash.update("\n");
}

} // namespace

PolicySetAudit computePolicySetAudit(const PolicyState &policies) {
  PolicySetAudit out;
  llvm::SHA256 hash;
  hash.update("larch-policy-set-v1\n");
  const ParsedPolicies &parsed = *policies.parsed;
  for (const ast::Policy &policy : parsed.loaded.set.policies) {
    llvm::StringRef text;
    if (policy.range.isValid()) {
      llvm::StringRef file = parsed.sources->getText(policy.range.file);
      if (policy.range.begin <= policy.range.end && policy.range.end <= file.size())
        text = file.slice(policy.range.begin, policy.range.end);
    }
    addFramed(hash, "policy " + policy.id, text);
  }
  // The keys as the load-time annotation check read them (agent/annotations.h).
  for (const agent::PolicyAnnotations &a : policies.annotations)
    out.loggedContextKeys.insert(out.loggedContextKeys.end(), a.logContext.begin(),
                                 a.logContext.end());
  for (const TemplateLinkSpec &link : policies.links) {
    std::string slots;
    if (link.slots.principal)
      slots += "?principal=" + link.slots.principal->str();
    if (link.slots.resource) {
      if (!slots.empty())
        slots += ' ';
      slots += "?resource=" + link.slots.resource->str();
    }
    addFramed(hash, "link " + link.newId + " " + link.templateId, slots);
  }
  size_t numStatic = policies.instances.size() - std::min(policies.instances.size(),
                                                          policies.links.size());
  for (size_t i = 0; i < policies.instances.size(); ++i) {
    const ast::Annotation *id = nullptr;
    if (i < numStatic && policies.instances[i].policy)
      id = policies.instances[i].policy->findAnnotation("id");
    out.names.push_back(id && id->hasValue ? id->value.str() : std::string());
  }
  out.digest = "sha256:" + llvm::toHex(hash.final(), /*LowerCase=*/true);
  std::sort(out.loggedContextKeys.begin(), out.loggedContextKeys.end());
  out.loggedContextKeys.erase(
      std::unique(out.loggedContextKeys.begin(), out.loggedContextKeys.end()),
      out.loggedContextKeys.end());
  return out;
}

} // namespace larch::engine
