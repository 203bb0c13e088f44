// Building the Engine's immutable states (see engine_snapshot.h).
#include "compiler/engine_snapshot.h"

#include "compiler/codegen/compile_program.h"
#include "compiler/ir/lower.h"

#include <atomic>

namespace larch::engine {

const ast::Policy *ParsedPolicies::findPolicy(const std::string &id) const {
  for (const ast::Policy &p : loaded.set.policies)
    if (p.id == id)
      return &p;
  return nullptr;
}

bool PolicyState::compile(DiagnosticEngine &diags) {
  instances = reference::collectStaticPolicies(parsed->loaded.set);
  std::vector<ir::TemplateLink> irLinks;
  for (const TemplateLinkSpec &l : links) {
    const ast::Policy *t = parsed->findPolicy(l.templateId);
    std::string why;
    auto inst = t ? reference::linkTemplate(*t, l.newId, l.slots, why) : std::nullopt;
    if (!inst) {
      diags.error(DiagCode::TemplateLinkInvalid, SourceRange(),
                  "link `" + l.newId + "`: " + (t ? why : "no template `" + l.templateId + "`"));
      return false;
    }
    instances.push_back(std::move(*inst));
    irLinks.push_back(ir::TemplateLink{l.newId, t, l.slots.principal, l.slots.resource});
  }
  std::optional<ir::Module> module = ir::lower(parsed->loaded.set, diags, irLinks);
  if (!module)
    return false;
  program = codegen::compileProgram(*module, diags);
  if (!program)
    return false;
  assert(program->getPolicies().size() == instances.size() &&
         "the program has the instances' policies, in their order");
  annotations.clear();
  indexById.clear();
  for (uint32_t i = 0; i < instances.size(); ++i) {
    annotations.push_back(agent::readAgentAnnotations(*instances[i].policy));
    indexById[instances[i].id] = i;
  }
  audit = computePolicySetAudit(*this);
  return true;
}

std::shared_ptr<const Snapshot> makeSnapshot(std::shared_ptr<const PolicyState> policies,
                                             std::shared_ptr<const DataState> data,
                                             uint64_t generation, std::string &error) {
  auto snap = std::make_shared<Snapshot>();
  snap->flat = rt::FlatStore::build(policies->program->getSymbols(), data->store, error);
  if (!snap->flat)
    return nullptr;
  // The index specialised to the store's actions, unless it would list
  // many more (policy, action) pairs than there are policies.
  const rt::Program &program = *policies->program;
  auto byAction = std::make_unique<rt::DecisionIndex>();
  size_t maxEntries = std::max<size_t>(4 * program.getPolicies().size(), 1 << 16);
  if (byAction->buildForActions(program.getPolicies(), program.getActionScopeEntities(),
                                *snap->flat, maxEntries))
    snap->flat->setActionIndex(std::move(byAction));
  snap->policies = std::move(policies);
  snap->data = std::move(data);
  snap->generation = generation;
  static std::atomic<uint64_t> nextStamp{1};
  snap->stamp = nextStamp.fetch_add(1, std::memory_order_relaxed);
  return snap;
}

} // namespace larch::engine
