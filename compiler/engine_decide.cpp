// Public API implementation of larch/engine.h, deciding: PreparedRequest,
// DecisionScratch, Engine::prepare/prepareJson/decide and the allocating
// conveniences authorize/authorizeJson. The compiled evaluators read the
// snapshot's Program and FlatStore (runtime/compiled); the reference
// evaluator reads its AST instances and entity store.
#include "compiler/engine_impl.h"

#include "compiler/agent/envelope_context.h"
#include "compiler/agent/envelope_time.h"
#include "compiler/json/entity_json.h"
#include "compiler/json/request_json.h"
#include "compiler/validate/request_validate.h"
#include "runtime/compiled/vm.h"

namespace larch {

PreparedRequest::PreparedRequest() : impl(std::make_unique<Impl>()) {}
PreparedRequest::~PreparedRequest() = default;
PreparedRequest::PreparedRequest(PreparedRequest &&) noexcept = default;
PreparedRequest &PreparedRequest::operator=(PreparedRequest &&) noexcept = default;
bool PreparedRequest::ok() const { return impl->ok; }
const std::string &PreparedRequest::getError() const { return impl->error; }
const AgentEnvelope *PreparedRequest::getAgent() const {
  return impl->ok && impl->hasAgent ? &impl->agent : nullptr;
}
const std::string &PreparedRequest::getTime() const { return impl->time; }

DecisionScratch::DecisionScratch() : impl(std::make_unique<Impl>()) {}
DecisionScratch::~DecisionScratch() = default;
DecisionScratch::DecisionScratch(DecisionScratch &&) noexcept = default;
DecisionScratch &DecisionScratch::operator=(DecisionScratch &&) noexcept = default;

bool DecisionScratch::allowed() const { return impl->allowed; }

size_t DecisionScratch::getNumReasons() const {
  return impl->byName ? impl->reasonNames.size() : impl->view.reasons.size();
}

std::string_view DecisionScratch::getReason(size_t i) const {
  if (impl->byName)
    return impl->reasonNames[i];
  return impl->snapshot->policies->program->getPolicies()[impl->view.reasons[i]].id;
}

size_t DecisionScratch::getNumErrors() const {
  return impl->byName ? impl->namedErrors.size() : impl->view.errors.size();
}

std::string_view DecisionScratch::getErrorPolicy(size_t i) const {
  if (impl->byName)
    return impl->namedErrors[i].policy;
  return impl->snapshot->policies->program->getPolicies()[impl->view.errors[i].policy].id;
}

std::string DecisionScratch::getErrorMessage(size_t i) const {
  if (impl->byName)
    return impl->namedErrors[i].message;
  rt::World world(*impl->prepared);
  return rt::formatEvalError(impl->view.errors[i].error, *impl->snapshot->policies->program,
                             world);
}

Decision DecisionScratch::toDecision() const {
  Decision d;
  d.allowed = allowed();
  for (size_t i = 0; i < getNumReasons(); ++i)
    d.reasons.emplace_back(getReason(i));
  for (size_t i = 0; i < getNumErrors(); ++i)
    d.errors.push_back({std::string(getErrorPolicy(i)), getErrorMessage(i)});
  d.outcome = getOutcome();
  d.obligations = getObligations();
  if (const RevocationInfo *r = getRevocation()) {
    d.revoked = true;
    d.revocation = *r;
  }
  return d;
}

void DecisionScratch::appendJson(std::string &out) const {
  appendDecisionJson(
      out, allowed(), getNumReasons(), [&](size_t i) { return getReason(i); },
      getNumErrors(), [&](size_t i) { return getErrorPolicy(i); },
      [&](size_t i) { return getErrorMessage(i); });
}

namespace {

/// Starts preparing against the current snapshot.
PreparedRequest::Impl &begin(const Engine::Impl &engine, PreparedRequest::Impl &p) {
  // A stamp names one snapshot of one engine, so a request prepared again
  // since the last publish keeps what it holds (publish stores the stamp
  // after the snapshot: a stale stamp only loads `current` again).
  if (!p.snapshot || p.snapshot->stamp != engine.publishedStamp.load(std::memory_order_acquire))
    p.snapshot = engine.getSnapshot();
  p.ok = false;
  p.error.clear();
  p.forReference = engine.evaluator == Evaluator::Reference;
  p.requestEntities.reset();
  p.prepared.clear(*p.snapshot->flat);
  p.hasAgent = false;
  return p;
}

bool fail(PreparedRequest::Impl &p, std::string message) {
  p.ok = false;
  p.error = std::move(message);
  return false;
}

/// Cedar's request validation, when asked for and a schema is loaded.
bool checkAgainstSchema(const Engine::Impl &engine, PreparedRequest::Impl &p,
                        const runtime::Request &request) {
  const schema::Schema *schema = p.snapshot->data->schema.get();
  if (!engine.validateRequests || !schema)
    return true;
  std::string why = validate::validateRequest(*schema, request);
  return why.empty() || fail(p, "the request does not conform to the schema: " + why);
}

/// The runtime form of a prepared request (for request validation on the
/// fast path, which never builds one).
runtime::Request toRuntimeRequest(const rt::PreparedRequest &prepared) {
  rt::World world(prepared);
  runtime::Request r;
  auto uid = [&](uint32_t e) { return world.toValue(rt::Val::entityId(e)).getEntity(); };
  r.principal = uid(prepared.getPrincipal());
  r.action = uid(prepared.getAction());
  r.resource = uid(prepared.getResource());
  r.context = world.toValue(prepared.getContext());
  return r;
}

/// Keeps the decision time and the envelope a request was read with.
void setAgentPart(PreparedRequest::Impl &p, const agent::AgentPart &part) {
  // Requests prepared in a loop mostly fall in the same second as the last
  // one: then only the milliseconds change.
  auto second = [](int64_t ms) { return ms / 1000 - (ms % 1000 < 0); };
  if (p.time.size() == 24 && second(p.timeMillis) == second(part.timeMillis)) {
    int64_t ms = part.timeMillis - second(part.timeMillis) * 1000;
    p.time[20] = char('0' + ms / 100);
    p.time[21] = char('0' + ms / 10 % 10);
    p.time[22] = char('0' + ms % 10);
  } else {
    p.time.clear();
    agent::appendCanonicalTime(p.time, part.timeMillis);
  }
  p.timeMillis = part.timeMillis;
  p.hasAgent = part.hasAgent;
  if (part.hasAgent)
    p.agent = part.envelope;
}

/// Finishes a request read into p.request (and its entities, if any).
bool finishPrepare(PreparedRequest::Impl &p, const std::vector<runtime::Entity> *entities) {
  const engine::Snapshot &snap = *p.snapshot;
  if (entities) {
    std::string why;
    p.requestEntities = runtime::EntityStore::buildLayer(*entities, snap.data->store, why);
    if (!p.requestEntities)
      return fail(p, "entities: " + why);
  }
  if (!p.forReference) {
    std::string why;
    if (!rt::prepareRequest(*snap.flat, p.request,
                            p.requestEntities ? &*p.requestEntities : nullptr, p.prepared,
                            why))
      return fail(p, "entities: " + why);
  }
  p.ok = true;
  return true;
}

} // namespace

bool Engine::prepare(const Request &request, PreparedRequest &out) const {
  PreparedRequest::Impl &p = begin(*impl, *out.impl);
  runtime::Request &r = p.request;
  r.principal = {request.principal.type, request.principal.id};
  r.action = {request.action.type, request.action.id};
  r.resource = {request.resource.type, request.resource.id};
  for (const runtime::EntityUid *u : {&r.principal, &r.action, &r.resource})
    if (!json::isNormalizedName(u->type))
      return fail(p, "invalid entity type name `" + u->type + "`");
  const schema::Schema *schema = p.snapshot->data->schema.get();
  json::JsonError err;
  // The envelope (docs/agents.md): the time, the checks, then `context.agent`.
  agent::AgentPart part;
  part.timeMillis = agent::readClockMillis();
  if (!request.time.empty()) {
    std::string why;
    if (!agent::parseTime(request.time, part.timeMillis, why)) {
      setAgentPart(p, part);
      return fail(p, "time: " + why);
    }
  }
  std::optional<runtime::Value> agentValue;
  if (request.hasAgent) {
    if (!agent::checkEnvelope(request.agent, r.principal.type, r.principal.id, part.times, err))
      return setAgentPart(p, part), fail(p, err.str());
    part.hasAgent = true;
    part.envelope = request.agent;
    agentValue = agent::materializeAgent(part, r.principal);
  }
  setAgentPart(p, part);
  std::optional<json::Json> ctx = json::parseJsonText(request.contextJson, err);
  if (!ctx)
    return fail(p, "context: " + err.str());
  std::optional<runtime::Value> context = json::parseContextJson(
      *ctx, r.action, schema, err, agentValue ? &*agentValue : nullptr);
  if (!context)
    return fail(p, err.str());
  r.context = std::move(*context);
  if (!checkAgainstSchema(*impl, p, r))
    return false;
  if (request.entitiesJson.empty())
    return finishPrepare(p, nullptr);
  std::optional<json::Json> ents = json::parseJsonText(request.entitiesJson, err);
  if (!ents)
    return fail(p, "entities: " + err.str());
  auto extra = json::parseEntitiesJson(*ents, schema, err);
  if (!extra)
    return fail(p, "entities" + err.str());
  return finishPrepare(p, &*extra);
}

namespace {

/// This thread's JSON request decoder (its parser buffers are reused by
/// every request the thread prepares, so a prepared request holds only its
/// own values). It caches lookups by schema address, so the schema it last
/// saw is kept alive.
json::RequestDecoder &threadDecoder(const std::shared_ptr<const schema::Schema> &schema) {
  thread_local json::RequestDecoder decoder;
  thread_local std::shared_ptr<const schema::Schema> seen;
  if (seen != schema) {
    decoder.forgetSchema();
    seen = schema;
  }
  return decoder;
}

} // namespace

bool Engine::prepareJson(std::string_view requestJson, PreparedRequest &out) const {
  PreparedRequest::Impl &p = begin(*impl, *out.impl);
  json::JsonError err;
  int64_t clock = agent::readClockMillis();
  if (!p.forReference) {
    // Straight from the JSON text to ids and compact values (simdjson).
    const std::shared_ptr<const schema::Schema> &schema = p.snapshot->data->schema;
    json::RequestDecoder &decoder = threadDecoder(schema);
    if (!decoder.decode(requestJson, schema.get(), p.snapshot->data->store, p.prepared, err,
                        clock)) {
      setAgentPart(p, agent::AgentPart::at(clock));
      return fail(p, err.str());
    }
    setAgentPart(p, decoder.getAgentPart());
    if (impl->validateRequests && schema &&
        !checkAgainstSchema(*impl, p, toRuntimeRequest(p.prepared)))
      return false;
    p.ok = true;
    return true;
  }
  std::optional<json::Json> j = json::parseJsonText(requestJson, err);
  std::optional<json::ParsedRequest> req;
  if (j)
    req = json::parseRequestJson(*j, p.snapshot->data->schema.get(), err, clock);
  if (!req) {
    setAgentPart(p, agent::AgentPart::at(clock));
    return fail(p, err.str());
  }
  p.request = std::move(req->request);
  setAgentPart(p, req->agentPart);
  if (!checkAgainstSchema(*impl, p, p.request))
    return false;
  return finishPrepare(p, req->hasEntities ? &req->entities : nullptr);
}

bool Engine::decide(const PreparedRequest &request, DecisionScratch &scratch) const {
  const PreparedRequest::Impl &p = *request.impl;
  DecisionScratch::Impl &s = *scratch.impl;
  s.snapshot = p.snapshot.get();
  s.prepared = &p.prepared;
  s.reasonIndices.clear();
  if (!p.ok) {
    s.byName = true;
    s.allowed = false;
    s.outcome = Outcome::InvalidRequest;
    s.revocation = nullptr;
    s.reasonNames.clear();
    // Reuses the element's strings when it can (a reused scratch then does
    // not allocate for a request that was not read).
    s.namedErrors.resize(1);
    s.namedErrors[0].policy.clear();
    s.namedErrors[0].message = p.error;
    return false;
  }
  // Revoked before and regardless of the policies (docs/agents.md): no
  // reasons, no errors (an empty view; the named results keep their memory).
  if (checkRevocation(*impl, p, s)) {
    s.byName = false;
    s.allowed = false;
    s.outcome = Outcome::Revoked;
    s.view = rt::DecisionView();
    return false;
  }
  const engine::Snapshot &snap = *p.snapshot;
  const engine::PolicyState &policies = *snap.policies;
  // A request is decided by the kind of evaluator it was prepared for.
  if (p.forReference) {
    s.byName = true;
    runtime::EntityView view(p.requestEntities ? *p.requestEntities : snap.data->store);
    reference::Decision d = reference::authorize(policies.instances, p.request, view);
    s.allowed = d.allow;
    s.reasonNames = std::move(d.reasons);
    for (const std::string &r : s.reasonNames) {
      auto it = policies.indexById.find(r);
      assert(it != policies.indexById.end() && "a reason is a loaded policy");
      s.reasonIndices.push_back(it->second);
    }
    s.namedErrors.clear();
    for (reference::PolicyError &e : d.errors)
      s.namedErrors.push_back({std::move(e.policyId), std::move(e.message)});
    s.outcome = computeOutcome(policies, s.allowed, d.permitSatisfied, s.reasonIndices);
    return s.allowed;
  }
  s.byName = false;
  const rt::Program &program = *policies.program;
  s.view = rt::decide(program, p.prepared, s.eval,
                      impl->evaluator == Evaluator::CompiledAllCandidates
                          ? rt::CandidateMode::AllPolicies
                          : rt::CandidateMode::Indexed);
  s.allowed = s.view.allowed;
  s.outcome = computeOutcome(policies, s.allowed, s.view.permitSatisfied, s.view.reasons);
  return s.allowed;
}

Decision Engine::authorize(const Request &request) const {
  PreparedRequest prepared;
  DecisionScratch scratch;
  prepare(request, prepared);
  decide(prepared, scratch);
  return scratch.toDecision();
}

Decision Engine::authorizeJson(const std::string &requestJson) const {
  PreparedRequest prepared;
  DecisionScratch scratch;
  prepareJson(requestJson, prepared);
  decide(prepared, scratch);
  return scratch.toDecision();
}

} // namespace larch
