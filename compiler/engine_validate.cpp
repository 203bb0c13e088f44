// Public API implementation of Engine::validatePolicies (larch/engine.h):
// strict validation of the current snapshot's policies (and template links)
// against its schema.
// Kept apart from engine_api.cpp; reads the published snapshot only.
#include "compiler/engine_impl.h"
#include "compiler/validate/schema_index.h"
#include "compiler/validate/validate.h"

namespace larch {

LoadStatus validatePolicyState(const engine::PolicyState &policies,
                               const schema::Schema &schema) {
  LoadStatus st;
  const engine::ParsedPolicies &parsed = *policies.parsed;
  DiagnosticEngine diags;
  validate::SchemaIndex index(schema);
  for (const ast::Policy &p : parsed.loaded.set.policies)
    validate::validatePolicy(index, p, diags);
  auto binding = [](const std::optional<runtime::EntityUid> &uid) {
    return uid ? std::optional<validate::SlotBinding>({uid->type, uid->id}) : std::nullopt;
  };
  for (const engine::TemplateLinkSpec &link : policies.links)
    if (const ast::Policy *t = parsed.findPolicy(link.templateId))
      validate::validateLink(index, *t, link.newId, binding(link.slots.principal),
                             binding(link.slots.resource), diags);
  st.ok = !diags.hasErrors();
  diags.sortByLocation();
  st.rendered = formatDiagnostics(diags.getDiagnostics(), *parsed.sources);
  st.diagnostics = diags.take();
  resolveLocations(st.diagnostics, *parsed.sources);
  return st;
}

LoadStatus Engine::validatePolicies() const {
  std::shared_ptr<const engine::Snapshot> snap = impl->getSnapshot();
  if (!snap || !snap->data || !snap->data->schema || !snap->policies) {
    LoadStatus st;
    Diagnostic d;
    d.code = getDiagCodeString(DiagCode::ValidateNoSchema).str();
    d.message = "no schema is loaded to validate the policies against";
    st.rendered = "error: " + d.message + " [" + d.code + "]\n";
    st.diagnostics.push_back(std::move(d));
    return st;
  }
  return validatePolicyState(*snap->policies, *snap->data->schema);
}

} // namespace larch
