// Public API implementation of larch/engine.h, loading: policies, schema,
// entities and template links, each load building new immutable states and
// publishing them as one snapshot (compiler/engine_snapshot.h). Deciding is
// in engine_decide.cpp. Converts internal types to std types; nothing throws
// out of here.
#include "compiler/engine_impl.h"

#include "compiler/agent/annotations.h"
#include "compiler/json/entity_json.h"
#include "compiler/json/request_json.h"
#include "compiler/policy_loader.h"
#include "compiler/reference/authorizer.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "compiler/schema/json_schema_parser.h"

#include "llvm/Support/MemoryBuffer.h"

#include <map>

namespace larch {

/// A failure that has no source position (JSON data, links, I/O).
LoadStatus failure(DiagCode code, const std::string &file, const std::string &message) {
  LoadStatus st;
  Diagnostic d;
  d.severity = Severity::Error;
  d.code = getDiagCodeString(code).str();
  d.message = message;
  d.file = file;
  st.rendered = (file.empty() ? "" : file + ": ") + "error: " + message + " [" +
                d.code + "]\n";
  st.diagnostics.push_back(std::move(d));
  return st;
}

namespace {

/// Turns an engine's diagnostics into a LoadStatus.
LoadStatus finish(DiagnosticEngine &diags, const SourceManager &sm) {
  LoadStatus st;
  st.ok = !diags.hasErrors();
  diags.sortByLocation();
  st.rendered = formatDiagnostics(diags.getDiagnostics(), sm);
  st.diagnostics = diags.take();
  resolveLocations(st.diagnostics, sm);
  return st;
}

LoadStatus success() {
  LoadStatus st;
  st.ok = true;
  return st;
}

bool readWholeFile(const std::string &path, std::string &out, std::string &why) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf) {
    why = "cannot read `" + path + "`: " + buf.getError().message();
    return false;
  }
  out = (*buf)->getBuffer().str();
  return true;
}


} // namespace

std::string Decision::toJson() const {
  std::string out;
  appendDecisionJson(
      out, allowed, reasons.size(), [&](size_t i) { return llvm::StringRef(reasons[i]); },
      errors.size(), [&](size_t i) { return llvm::StringRef(errors[i].policy); },
      [&](size_t i) { return llvm::StringRef(errors[i].message); });
  return out;
}

Engine::Impl::Impl() {
  auto parsed = std::make_shared<engine::ParsedPolicies>();
  auto ps = std::make_shared<engine::PolicyState>();
  ps->parsed = std::move(parsed);
  DiagnosticEngine diags;
  bool compiled = ps->compile(diags);
  assert(compiled && "an empty policy set compiles");
  (void)compiled;
  std::shared_ptr<const engine::DataState> d;
  buildData(std::nullopt, "", nullptr, d);
  publish(std::move(ps), std::move(d), "");
}

LoadStatus Engine::Impl::buildData(const std::optional<json::Json> &entities,
                                   const std::string &name,
                                   std::shared_ptr<const schema::Schema> schema,
                                   std::shared_ptr<const engine::DataState> &out) const {
  std::vector<runtime::Entity> list;
  if (entities) {
    json::JsonError err;
    auto parsed = json::parseEntitiesJson(*entities, schema.get(), err);
    if (!parsed)
      return failure(DiagCode::EntityDataInvalid, name, err.str());
    list = std::move(*parsed);
  }
  if (schema)
    for (runtime::Entity &a : json::getSchemaActionEntities(*schema))
      list.push_back(std::move(a));
  std::string why;
  auto built = runtime::EntityStore::build(std::move(list), why);
  if (!built)
    return failure(DiagCode::EntityHierarchyInvalid, name, why);
  auto d = std::make_shared<engine::DataState>();
  d->schema = std::move(schema);
  d->store = std::move(*built);
  out = std::move(d);
  return success();
}

LoadStatus Engine::Impl::publish(std::shared_ptr<const engine::PolicyState> newPolicies,
                                 std::shared_ptr<const engine::DataState> newData,
                                 const std::string &dataName) {
  std::string why;
  std::shared_ptr<const engine::Snapshot> previous = getSnapshot();
  auto snap = engine::makeSnapshot(std::move(newPolicies), std::move(newData),
                                   previous ? previous->generation + 1 : 1, why);
  if (!snap)
    return failure(DiagCode::EntityHierarchyInvalid, dataName, why);
  const uint64_t stamp = snap->stamp;
  current.store(std::move(snap));
  publishedStamp.store(stamp, std::memory_order_release);
  return success();
}

Engine::Engine() : impl(std::make_unique<Impl>()) {}
Engine::~Engine() = default;
Engine::Engine(Engine &&) noexcept = default;
Engine &Engine::operator=(Engine &&) noexcept = default;

static LoadOptions toLoadOptions(const PolicyOptions &options) {
  LoadOptions lo;
  lo.idMode = options.positionalIds ? PolicyIdMode::Positional
                                    : PolicyIdMode::Annotation;
  return lo;
}

namespace {

/// Parses with `load`, compiles, and publishes with the current data; the
/// template links of the previous policies are dropped (they named templates
/// of the old files).
template <typename LoadFn>
LoadStatus loadPolicies(Engine::Impl &impl, const PolicyOptions &options, LoadFn load) {
  std::lock_guard<std::mutex> lock(impl.loadMutex);
  auto parsed = std::make_shared<engine::ParsedPolicies>();
  DiagnosticEngine diags;
  load(*parsed->sources, parsed->loaded, diags);
  if (!diags.hasErrors())
    agent::checkAgentAnnotations(parsed->loaded.set, diags);
  auto ps = std::make_shared<engine::PolicyState>();
  ps->parsed = parsed;
  if (!diags.hasErrors())
    ps->compile(diags);
  LoadStatus st = finish(diags, *parsed->sources);
  if (!st.ok)
    return st;
  std::shared_ptr<const engine::DataState> data = impl.getData();
  if (options.validateWithSchema && data->schema) {
    LoadStatus valid = validatePolicyState(*ps, *data->schema);
    if (!valid.ok)
      return valid;
  }
  LoadStatus pub = impl.publish(std::move(ps), std::move(data), impl.entitiesName);
  return pub.ok ? st : pub;
}

} // namespace

LoadStatus Engine::loadPolicyPaths(const std::vector<std::string> &paths,
                                   const PolicyOptions &options) {
  return loadPolicies(*impl, options, [&](SourceManager &sm, LoadedPolicies &loaded,
                                 DiagnosticEngine &diags) {
    larch::loadPolicyPaths(paths, sm, loaded, diags, toLoadOptions(options));
  });
}

LoadStatus Engine::loadPolicyText(const std::string &name, const std::string &text,
                                  const PolicyOptions &options) {
  return loadPolicies(*impl, options, [&](SourceManager &sm, LoadedPolicies &loaded,
                                 DiagnosticEngine &diags) {
    larch::loadPolicyText(name, text, sm, loaded, diags, toLoadOptions(options));
  });
}

LoadStatus Engine::loadSchemaFile(const std::string &path) {
  std::string text, why;
  if (!readWholeFile(path, text, why))
    return failure(DiagCode::DataFileNotReadable, path, why);
  bool isJson = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  return loadSchemaText(path, text, isJson ? SchemaFormat::Json : SchemaFormat::Cedar);
}

LoadStatus Engine::loadSchemaText(const std::string &name, const std::string &text,
                                  SchemaFormat format) {
  SourceManager sm;
  DiagnosticEngine diags;
  std::optional<schema::Schema> s =
      format == SchemaFormat::Json ? schema::loadJsonSchema(sm, name, text, diags)
                                   : schema::loadCedarSchema(sm, name, text, diags);
  LoadStatus st = finish(diags, sm);
  if (!s || !st.ok) {
    st.ok = false;
    return st;
  }
  std::lock_guard<std::mutex> lock(impl->loadMutex);
  // The entities are parsed again with the new schema; if they do not fit
  // it, nothing changes.
  std::shared_ptr<const engine::DataState> d;
  LoadStatus built = impl->buildData(impl->entitiesJson, impl->entitiesName,
                                     std::make_shared<const schema::Schema>(std::move(*s)), d);
  if (!built.ok)
    return built;
  LoadStatus pub = impl->publish(impl->getPolicies(), std::move(d), impl->entitiesName);
  return pub.ok ? st : pub;
}

LoadStatus Engine::loadEntitiesFile(const std::string &path) {
  std::string text, why;
  if (!readWholeFile(path, text, why))
    return failure(DiagCode::DataFileNotReadable, path, why);
  return loadEntitiesJson(path, text);
}

LoadStatus Engine::loadEntitiesJson(const std::string &name, const std::string &text) {
  json::JsonError err;
  std::optional<json::Json> j = json::parseJsonText(text, err);
  if (!j)
    return failure(DiagCode::EntityDataInvalid, name, err.str());
  std::lock_guard<std::mutex> lock(impl->loadMutex);
  std::shared_ptr<const engine::DataState> d;
  LoadStatus st = impl->buildData(j, name, impl->getData()->schema, d);
  if (!st.ok)
    return st;
  LoadStatus pub = impl->publish(impl->getPolicies(), std::move(d), name);
  if (pub.ok) {
    impl->entitiesJson = std::move(*j);
    impl->entitiesName = name;
  }
  return pub;
}

LoadStatus Engine::linkTemplate(const std::string &templateId, const std::string &newId,
                                const std::optional<EntityRef> &principal,
                                const std::optional<EntityRef> &resource) {
  std::lock_guard<std::mutex> lock(impl->loadMutex);
  std::shared_ptr<const engine::PolicyState> current = impl->getPolicies();
  const engine::PolicyState &cur = *current;
  const ast::Policy *t = cur.parsed->findPolicy(templateId);
  if (!t || !t->isTemplate())
    return failure(DiagCode::TemplateLinkInvalid, "",
                   "no template with id `" + templateId + "`");
  if (cur.parsed->findPolicy(newId))
    return failure(DiagCode::TemplateLinkInvalid, "",
                   "a policy with id `" + newId + "` already exists");
  for (const engine::TemplateLinkSpec &l : cur.links)
    if (l.newId == newId)
      return failure(DiagCode::TemplateLinkInvalid, "",
                     "a template link with id `" + newId + "` already exists");
  engine::TemplateLinkSpec link{templateId, newId, {}};
  if (principal)
    link.slots.principal = runtime::EntityUid{principal->type, principal->id};
  if (resource)
    link.slots.resource = runtime::EntityUid{resource->type, resource->id};
  std::string why;
  if (!reference::linkTemplate(*t, newId, link.slots, why))
    return failure(DiagCode::TemplateLinkInvalid, "", why);
  // Recompiles the whole set with the new link (linear in the set's size).
  auto ps = std::make_shared<engine::PolicyState>();
  ps->parsed = cur.parsed;
  ps->links = cur.links;
  ps->links.push_back(std::move(link));
  DiagnosticEngine diags;
  if (!ps->compile(diags))
    return finish(diags, *cur.parsed->sources);
  return impl->publish(std::move(ps), impl->getData(), impl->entitiesName);
}

std::vector<std::string> Engine::getPolicyIds() const {
  std::vector<std::string> ids;
  for (const reference::PolicyInstance &p : impl->getSnapshot()->policies->instances)
    ids.push_back(p.id);
  return ids;
}

uint64_t Engine::getGeneration() const { return impl->getSnapshot()->generation; }

void Engine::setEvaluator(Evaluator evaluator) { impl->evaluator = evaluator; }
void Engine::setRequestValidation(bool on) { impl->validateRequests = on; }
Evaluator Engine::getEvaluator() const { return impl->evaluator; }

} // namespace larch
