// Audit: the decision record of one engine decision (see record_builder.h).
#include "compiler/audit/record_builder.h"

#include "compiler/audit/canonical_json.h"
#include "compiler/audit/digest.h"
#include "compiler/json/request_json.h"

namespace larch::audit {

using Json = nlohmann::json;

namespace {

/// Cedar's entity text, `Type::"id"` (the id with Cedar's escapes).
std::string entityText(const larch::EntityRef &entity) {
  return runtime::EntityUid{entity.type, entity.id}.str();
}

/// An entity written as in a request: `{"type", "id"}`, `{"__entity": {..}}`
/// or the text `T::"i"`. Leaves `out` empty when it is none of them.
void readEntity(const Json &request, const char *key, EntityRef &out) {
  out = {};
  auto it = request.find(key);
  if (it == request.end())
    return;
  const Json *e = &*it;
  if (e->is_object()) {
    auto escaped = e->find("__entity");
    if (escaped != e->end() && escaped->is_object())
      e = &*escaped;
    auto type = e->find("type");
    auto id = e->find("id");
    if (type != e->end() && id != e->end() && type->is_string() && id->is_string())
      out = {type->get<std::string>(), id->get<std::string>()};
  } else if (e->is_string()) {
    std::string why;
    if (auto uid = json::parseEntityUidText(e->get_ref<const std::string &>(), why))
      out = {uid->type, uid->id};
  }
}

AgentInfo toAgentInfo(const AgentEnvelope &envelope) {
  AgentInfo info;
  info.instance = envelope.instance;
  if (!envelope.owner.type.empty() || !envelope.owner.id.empty())
    info.owner = entityText(envelope.owner);
  info.session = envelope.session;
  if (envelope.hasCredential) {
    const AgentCredential &c = envelope.credential;
    info.credential = CredentialRef{c.id, c.issuedAt, c.expiresAt, c.scopes};
  }
  if (envelope.hasApproval) {
    const AgentApproval &a = envelope.approval;
    ApprovalRef approval;
    approval.id = a.id;
    if (!a.approver.type.empty() || !a.approver.id.empty())
      approval.approver = entityText(a.approver);
    approval.task = a.task;
    approval.intent = a.intent;
    for (const larch::EntityRef &action : a.actions)
      approval.actions.push_back(entityText(action));
    approval.expiresAt = a.expiresAt;
    info.approval = std::move(approval);
  }
  return info;
}

} // namespace

RequestSummary summariseRequestTree(std::string_view requestJson,
                                    const std::vector<std::string> &keys) {
  RequestSummary out;
  Json request = Json::parse(requestJson.begin(), requestJson.end(), nullptr,
                             /*allow_exceptions=*/false);
  if (!request.is_object())
    return out;
  readEntity(request, "principal", out.principal);
  readEntity(request, "action", out.action);
  readEntity(request, "resource", out.resource);
  static const Json empty = Json::object();
  const Json *context = &empty;
  auto it = request.find("context");
  if (it != request.end())
    context = &*it;
  if (!context->is_object())
    return out;
  if (llvm::Expected<std::string> digest = canonicalDigest(*context))
    out.contextDigest = std::move(*digest);
  else
    llvm::consumeError(digest.takeError());
  for (const std::string &key : keys) {
    auto field = context->find(key);
    if (field == context->end())
      continue;
    std::string scratch;
    if (llvm::Error e = writeCanonicalJson(*field, scratch)) {
      llvm::consumeError(std::move(e));
      continue;
    }
    out.loggedContext[key] = *field;
  }
  return out;
}

RecordBuilder::RecordBuilder(const Engine &engine) : engine(engine) {}

void RecordBuilder::refresh() {
  uint64_t now = engine.getGeneration();
  if (now == generation)
    return;
  generation = now;
  digest = engine.getPolicySetDigest();
  loggedKeys = engine.getLoggedContextKeys();
  names.clear();
  std::vector<std::string> ids = engine.getPolicyIds();
  std::vector<std::string> policyNames = engine.getPolicyNames();
  for (size_t i = 0; i < ids.size() && i < policyNames.size(); ++i)
    if (!policyNames[i].empty())
      names.emplace(ids[i], policyNames[i]);
}

void RecordBuilder::fillRequest(std::string_view requestJson, DecisionRecord &record) {
  record.policySetDigest = digest;
  RequestSummary summary = summariser.summarise(requestJson, loggedKeys);
  record.principal = std::move(summary.principal);
  record.action = std::move(summary.action);
  record.resource = std::move(summary.resource);
  record.contextDigest = std::move(summary.contextDigest);
  record.loggedContext = std::move(summary.loggedContext);
}

void RecordBuilder::stamp(const std::string &time, DecisionRecord &record) {
  Clock::time_point now = Clock::now();
  record.decisionId = ids.next(now);
  // The engine gives the decision time as `YYYY-MM-DDThh:mm:ss.SSSZ`;
  // records have six fraction digits.
  if (time.size() == 24 && time[19] == '.' && time[23] == 'Z') {
    record.timestamp.assign(time, 0, 23);
    record.timestamp += "000Z";
  } else {
    record.timestamp = formatTimestamp(now);
  }
}

void RecordBuilder::build(std::string_view requestJson, const PreparedRequest &request,
                          const DecisionScratch &scratch, uint64_t evalNanos,
                          DecisionRecord &record) {
  refresh();
  fillRequest(requestJson, record);
  stamp(request.getTime(), record);

  record.agent.reset();
  record.delegation.clear();
  if (const AgentEnvelope *envelope = request.getAgent()) {
    record.agent = toAgentInfo(*envelope);
    for (const larch::EntityRef &hop : envelope->delegation)
      record.delegation.push_back({hop.id, hop.type});
    if (envelope->delegation.empty()) // the principal acts on its own
      record.delegation.push_back({record.principal.id, record.principal.type});
  }

  record.allowed = scratch.allowed();
  record.outcome = scratch.getOutcome();
  record.determiningPolicies.clear();
  for (size_t i = 0, n = scratch.getNumReasons(); i < n; ++i) {
    std::string id(scratch.getReason(i));
    auto name = names.find(id);
    record.determiningPolicies.push_back(
        {std::move(id), name == names.end() ? std::string() : name->second});
  }
  record.errors.clear();
  for (size_t i = 0, n = scratch.getNumErrors(); i < n; ++i)
    record.errors.push_back({std::string(scratch.getErrorPolicy(i)), scratch.getErrorMessage(i)});
  setObligations(scratch.getObligations(), record.obligations);
  record.revoked.reset();
  if (const RevocationInfo *r = scratch.getRevocation())
    record.revoked = RevocationRef{r->kind, r->id, r->revokedAt, r->reason};
  record.evalNanos = evalNanos;
  record.integrity.reset();
}

void RecordBuilder::buildInvalid(std::string_view requestJson, const std::string &message,
                                 DecisionRecord &record) {
  refresh();
  fillRequest(requestJson, record);
  stamp("", record); // the request was not read: the clock's time
  record.agent.reset();
  record.delegation.clear();
  record.allowed = false;
  record.outcome = Outcome::InvalidRequest;
  record.determiningPolicies.clear();
  record.errors = {{"", message}};
  record.obligations.clear();
  record.revoked.reset();
  record.evalNanos = 0;
  record.integrity.reset();
}

} // namespace larch::audit
