// The Engine's state as immutable, shareable pieces: what `larch::Engine`
// (compiler/engine_api.cpp) publishes atomically on every successful load,
// and what each decision reads from start to finish. Entry points:
// PolicyState::compile, makeSnapshot. Depends on the loader, the reference
// authorizer, the IR, codegen and the compiled runtime.
//
// A Snapshot pairs one policy state (parsed policies, template links, the
// reference instances and the compiled Program) with one data state (schema
// and entities) and the FlatStore built for the two. Loads build new states
// beside the published ones and replace the snapshot in one atomic store; a
// load that fails publishes nothing, so the previous snapshot keeps deciding.
#ifndef LARCH_COMPILER_ENGINE_SNAPSHOT_H
#define LARCH_COMPILER_ENGINE_SNAPSHOT_H

#include "compiler/agent/annotations.h"
#include "compiler/policy_loader.h"
#include "compiler/policy_set_audit.h"
#include "compiler/reference/authorizer.h"
#include "compiler/schema/schema.h"
#include "runtime/compiled/flat_store.h"
#include "runtime/compiled/program.h"
#include "runtime/entity_store.h"
#include "support/diagnostic_engine.h"
#include "support/source_manager.h"

#include "llvm/ADT/StringMap.h"

#include <memory>
#include <string>
#include <vector>

namespace larch::engine {

/// Policy files as parsed (ASTs and their sources); never modified.
struct ParsedPolicies {
  std::unique_ptr<SourceManager> sources = std::make_unique<SourceManager>();
  LoadedPolicies loaded;

  const ast::Policy *findPolicy(const std::string &id) const;
};

struct TemplateLinkSpec {
  std::string templateId, newId;
  reference::SlotValues slots;
};

/// Policies ready to decide: the reference instances (static policies, then
/// links) and the compiled program over the same policies, in the same order.
struct PolicyState {
  std::shared_ptr<const ParsedPolicies> parsed;
  std::vector<TemplateLinkSpec> links;
  std::vector<reference::PolicyInstance> instances;
  std::unique_ptr<rt::Program> program;
  /// The agent annotations of each instance (a link has its template's),
  /// parallel to `instances` and to the program's policies.
  std::vector<agent::PolicyAnnotations> annotations;
  /// Instance index by policy id (for the reference evaluator's reasons).
  llvm::StringMap<uint32_t> indexById;
  /// The digest and logged context keys decision records carry
  /// (policy_set_audit.h), set by compile.
  PolicySetAudit audit;

  /// Builds `instances`, `program` and `annotations` from `parsed` and `links`. Returns false
  /// with diagnostics when lowering or code generation fails.
  bool compile(DiagnosticEngine &diags);
};

/// The schema (may be null) and the entities (the schema's actions included).
struct DataState {
  std::shared_ptr<const schema::Schema> schema;
  runtime::EntityStore store;
};

struct Snapshot {
  std::shared_ptr<const PolicyState> policies;
  std::shared_ptr<const DataState> data;
  std::unique_ptr<rt::FlatStore> flat;
  /// Counts published snapshots (1 for the first).
  uint64_t generation = 0;
  /// Unique in the process (no two snapshots of any engines share one):
  /// names the snapshot without holding it (Engine::Impl::publishedStamp).
  uint64_t stamp = 0;
};

/// Pairs the two states, building the FlatStore for them. Null with `error`
/// set if the store cannot be built.
std::shared_ptr<const Snapshot> makeSnapshot(std::shared_ptr<const PolicyState> policies,
                                             std::shared_ptr<const DataState> data,
                                             uint64_t generation, std::string &error);

} // namespace larch::engine

#endif // LARCH_COMPILER_ENGINE_SNAPSHOT_H
