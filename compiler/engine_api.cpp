// Public API implementation of larch/engine.h and larch/decision.h: owns the
// loaded policies, schema and entities, and answers requests with the
// reference authorizer (compiler/reference). Converts internal types to std
// types; nothing throws out of here.
#include "larch/engine.h"

#include "compiler/json/entity_json.h"
#include "compiler/json/request_json.h"
#include "compiler/policy_loader.h"
#include "compiler/reference/authorizer.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "compiler/schema/json_schema_parser.h"

#include "llvm/Support/MemoryBuffer.h"

#include <map>

namespace larch {

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

void appendJsonString(std::string &out, const std::string &s) {
  out += json::Json(s).dump(-1, ' ', false, json::Json::error_handler_t::replace);
}

} // namespace

std::string Decision::toJson() const {
  std::string out = "{\"decision\":";
  out += allowed ? "\"allow\"" : "\"deny\"";
  out += ",\"reasons\":[";
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (i)
      out += ',';
    appendJsonString(out, reasons[i]);
  }
  out += "],\"errors\":[";
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i)
      out += ',';
    out += "{\"policy\":";
    appendJsonString(out, errors[i].policy);
    out += ",\"message\":";
    appendJsonString(out, errors[i].message);
    out += '}';
  }
  out += "]}";
  return out;
}

struct Engine::Impl {
  std::unique_ptr<SourceManager> policySources = std::make_unique<SourceManager>();
  LoadedPolicies policies;
  std::unique_ptr<schema::Schema> schema;
  std::string entitiesName;
  std::optional<json::Json> entitiesJson;
  runtime::EntityStore store;
  struct Link {
    std::string templateId, newId;
    reference::SlotValues slots;
  };
  std::vector<Link> links;
  std::vector<reference::PolicyInstance> instances;

  /// Static policies plus every link, in order.
  void rebuildInstances() {
    instances = reference::collectStaticPolicies(policies.set);
    std::vector<Link> kept;
    for (Link &l : links) {
      const ast::Policy *t = findPolicy(l.templateId);
      std::string why;
      if (!t)
        continue;
      if (auto inst = reference::linkTemplate(*t, l.newId, l.slots, why)) {
        instances.push_back(std::move(*inst));
        kept.push_back(std::move(l));
      }
    }
    links = std::move(kept);
  }

  const ast::Policy *findPolicy(const std::string &id) const {
    for (const ast::Policy &p : policies.set.policies)
      if (p.id == id)
        return &p;
    return nullptr;
  }

  /// Builds the store from the entity JSON (if any) and the schema's actions.
  LoadStatus rebuildStore() {
    std::vector<runtime::Entity> entities;
    if (entitiesJson) {
      json::JsonError err;
      auto parsed = json::parseEntitiesJson(*entitiesJson, schema.get(), err);
      if (!parsed)
        return failure(DiagCode::EntityDataInvalid, entitiesName, err.str());
      entities = std::move(*parsed);
    }
    if (schema)
      for (runtime::Entity &a : json::getSchemaActionEntities(*schema))
        entities.push_back(std::move(a));
    std::string why;
    auto built = runtime::EntityStore::build(std::move(entities), why);
    if (!built)
      return failure(DiagCode::EntityHierarchyInvalid, entitiesName, why);
    store = std::move(*built);
    return success();
  }

  template <typename LoadFn> LoadStatus loadPolicies(LoadFn load) {
    auto sm = std::make_unique<SourceManager>();
    DiagnosticEngine diags;
    LoadedPolicies loaded;
    load(*sm, loaded, diags);
    LoadStatus st = finish(diags, *sm);
    if (!st.ok)
      return st;
    policySources = std::move(sm);
    policies = std::move(loaded);
    rebuildInstances();
    return st;
  }

  Decision decide(const runtime::Request &request,
                  const std::vector<runtime::Entity> *extra) const {
    Decision out;
    std::optional<runtime::EntityStore> layer;
    if (extra) {
      std::string why;
      layer = runtime::EntityStore::buildLayer(*extra, store, why);
      if (!layer) {
        out.errors.push_back({"", "entities: " + why});
        return out;
      }
    }
    runtime::EntityView view(layer ? *layer : store);
    reference::Decision d = reference::authorize(instances, request, view);
    out.allowed = d.allow;
    out.reasons = std::move(d.reasons);
    for (reference::PolicyError &e : d.errors)
      out.errors.push_back({std::move(e.policyId), std::move(e.message)});
    return out;
  }
};

Engine::Engine() : impl(std::make_unique<Impl>()) { impl->rebuildStore(); }
Engine::~Engine() = default;
Engine::Engine(Engine &&) noexcept = default;
Engine &Engine::operator=(Engine &&) noexcept = default;

static LoadOptions toLoadOptions(const PolicyOptions &options) {
  LoadOptions lo;
  lo.idMode = options.positionalIds ? PolicyIdMode::Positional
                                    : PolicyIdMode::Annotation;
  return lo;
}

LoadStatus Engine::loadPolicyPaths(const std::vector<std::string> &paths,
                                   const PolicyOptions &options) {
  return impl->loadPolicies([&](SourceManager &sm, LoadedPolicies &loaded,
                                DiagnosticEngine &diags) {
    larch::loadPolicyPaths(paths, sm, loaded, diags, toLoadOptions(options));
  });
}

LoadStatus Engine::loadPolicyText(const std::string &name, const std::string &text,
                                  const PolicyOptions &options) {
  return impl->loadPolicies([&](SourceManager &sm, LoadedPolicies &loaded,
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
  std::unique_ptr<schema::Schema> previous = std::move(impl->schema);
  impl->schema = std::make_unique<schema::Schema>(std::move(*s));
  LoadStatus built = impl->rebuildStore();
  if (!built.ok) {
    // Keep the engine consistent: the entities do not fit the new schema.
    impl->schema = std::move(previous);
    impl->rebuildStore();
    return built;
  }
  return st;
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
  std::optional<json::Json> previous = std::move(impl->entitiesJson);
  std::string previousName = impl->entitiesName;
  impl->entitiesJson = std::move(*j);
  impl->entitiesName = name;
  LoadStatus st = impl->rebuildStore();
  if (!st.ok) {
    impl->entitiesJson = std::move(previous);
    impl->entitiesName = previousName;
    impl->rebuildStore();
  }
  return st;
}

LoadStatus Engine::linkTemplate(const std::string &templateId, const std::string &newId,
                                const std::optional<EntityRef> &principal,
                                const std::optional<EntityRef> &resource) {
  const ast::Policy *t = impl->findPolicy(templateId);
  if (!t)
    return failure(DiagCode::TemplateLinkInvalid, "",
                   "no template with id `" + templateId + "`");
  if (impl->findPolicy(newId))
    return failure(DiagCode::TemplateLinkInvalid, "",
                   "a policy with id `" + newId + "` already exists");
  for (const Impl::Link &l : impl->links)
    if (l.newId == newId)
      return failure(DiagCode::TemplateLinkInvalid, "",
                     "a template link with id `" + newId + "` already exists");
  reference::SlotValues slots;
  if (principal)
    slots.principal = runtime::EntityUid{principal->type, principal->id};
  if (resource)
    slots.resource = runtime::EntityUid{resource->type, resource->id};
  std::string why;
  auto inst = reference::linkTemplate(*t, newId, slots, why);
  if (!inst)
    return failure(DiagCode::TemplateLinkInvalid, "", why);
  impl->links.push_back({templateId, newId, slots});
  impl->instances.push_back(std::move(*inst));
  return success();
}

std::vector<std::string> Engine::getPolicyIds() const {
  std::vector<std::string> ids;
  for (const reference::PolicyInstance &p : impl->instances)
    ids.push_back(p.id);
  return ids;
}

Decision Engine::authorize(const Request &request) const {
  Decision bad;
  auto fail = [&](const std::string &message) {
    bad.errors.push_back({"", message});
    return bad;
  };
  runtime::Request r;
  r.principal = {request.principal.type, request.principal.id};
  r.action = {request.action.type, request.action.id};
  r.resource = {request.resource.type, request.resource.id};
  for (const runtime::EntityUid *u : {&r.principal, &r.action, &r.resource})
    if (!json::isNormalizedName(u->type))
      return fail("invalid entity type name `" + u->type + "`");
  json::JsonError err;
  std::optional<json::Json> ctx = json::parseJsonText(request.contextJson, err);
  if (!ctx)
    return fail("context: " + err.str());
  std::optional<runtime::Value> context =
      json::parseContextJson(*ctx, r.action, impl->schema.get(), err);
  if (!context)
    return fail(err.str());
  r.context = std::move(*context);
  if (request.entitiesJson.empty())
    return impl->decide(r, nullptr);
  std::optional<json::Json> ents = json::parseJsonText(request.entitiesJson, err);
  if (!ents)
    return fail("entities: " + err.str());
  auto extra = json::parseEntitiesJson(*ents, impl->schema.get(), err);
  if (!extra)
    return fail("entities" + err.str());
  return impl->decide(r, &*extra);
}

Decision Engine::authorizeJson(const std::string &requestJson) const {
  Decision bad;
  json::JsonError err;
  std::optional<json::Json> j = json::parseJsonText(requestJson, err);
  std::optional<json::ParsedRequest> req;
  if (j)
    req = json::parseRequestJson(*j, impl->schema.get(), err);
  if (!req) {
    bad.errors.push_back({"", err.str()});
    return bad;
  }
  return impl->decide(req->request, req->hasEntities ? &req->entities : nullptr);
}

} // namespace larch
