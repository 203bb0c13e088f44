// Audit: the decision record's JSON form (see decision_record.h).
#include "compiler/audit/decision_record.h"

namespace larch {

const char *getOutcomeName(Outcome outcome) {
  switch (outcome) {
  case Outcome::Allowed:
    return "allowed";
  case Outcome::Forbidden:
    return "forbidden";
  case Outcome::NotPermitted:
    return "not_permitted";
  case Outcome::ApprovalRequired:
    return "approval_required";
  case Outcome::Revoked:
    return "revoked";
  case Outcome::InvalidRequest:
    return "invalid_request";
  }
  return "unknown";
}

} // namespace larch

namespace larch::audit {

using Json = nlohmann::json;

void setObligations(const larch::Obligations &from, std::vector<Obligation> &to) {
  to.clear();
  if (from.maxCredentialTtlSeconds >= 0)
    to.push_back({"max_credential_ttl", Json{{"seconds", from.maxCredentialTtlSeconds}}});
  if (!from.credentialScopes.empty())
    to.push_back({"credential_scopes", Json{{"scopes", from.credentialScopes}}});
  if (!from.approvers.empty())
    to.push_back({"approval_required", Json{{"approvers", from.approvers}}});
}

void setDecision(DecisionRecord &record, const larch::Decision &decision) {
  record.allowed = decision.allowed;
  record.outcome = decision.outcome;
  record.determiningPolicies.clear();
  for (const std::string &id : decision.reasons)
    record.determiningPolicies.push_back({id, ""});
  record.errors.clear();
  for (const PolicyErrorInfo &error : decision.errors)
    record.errors.push_back({error.policy, error.message});
  setObligations(decision.obligations, record.obligations);
  record.revoked.reset();
  if (decision.revoked) {
    const RevocationInfo &r = decision.revocation;
    record.revoked = RevocationRef{r.kind, r.id, r.revokedAt, r.reason};
  }
}

namespace {

/// Sets `object[key] = value` unless `value` is empty.
void putString(Json &object, const char *key, const std::string &value) {
  if (!value.empty())
    object[key] = value;
}

Json entityToJson(const EntityRef &entity) {
  return Json{{"type", entity.type}, {"id", entity.id}};
}

Json agentToJson(const AgentInfo &agent) {
  Json out = Json::object();
  putString(out, "instance", agent.instance);
  putString(out, "owner", agent.owner);
  putString(out, "session", agent.session);
  if (const auto &c = agent.credential) {
    Json credential = Json::object();
    putString(credential, "id", c->id);
    putString(credential, "issued_at", c->issuedAt);
    putString(credential, "expires_at", c->expiresAt);
    if (!c->scopes.empty())
      credential["scopes"] = c->scopes;
    out["credential"] = std::move(credential);
  }
  if (const auto &a = agent.approval) {
    Json approval = Json::object();
    putString(approval, "id", a->id);
    putString(approval, "approver", a->approver);
    putString(approval, "task", a->task);
    putString(approval, "intent", a->intent);
    if (!a->actions.empty())
      approval["actions"] = a->actions;
    putString(approval, "expires_at", a->expiresAt);
    out["approval"] = std::move(approval);
  }
  return out;
}

} // namespace

Json recordToJson(const DecisionRecord &record, bool withHash) {
  Json out = Json::object();
  out["version"] = kRecordVersion;
  out["decision_id"] = record.decisionId;
  out["timestamp"] = record.timestamp;
  putString(out, "policy_set_digest", record.policySetDigest);
  out["principal"] = entityToJson(record.principal);
  out["action"] = entityToJson(record.action);
  out["resource"] = entityToJson(record.resource);

  bool hasLoggedContext =
      !record.loggedContext.is_null() &&
      !(record.loggedContext.is_object() && record.loggedContext.empty());
  if (!record.contextDigest.empty() || hasLoggedContext) {
    Json context = Json::object();
    putString(context, "digest", record.contextDigest);
    if (hasLoggedContext)
      context["fields"] = record.loggedContext;
    out["context"] = std::move(context);
  }

  if (record.agent)
    out["agent"] = agentToJson(*record.agent);
  if (!record.delegation.empty()) {
    Json chain = Json::array();
    for (const DelegationHop &hop : record.delegation) {
      Json h = Json::object();
      h["id"] = hop.id;
      putString(h, "kind", hop.kind);
      chain.push_back(std::move(h));
    }
    out["delegation"] = std::move(chain);
  }

  out["decision"] = record.allowed ? "allow" : "deny";
  out["outcome"] = getOutcomeName(record.outcome);
  Json policies = Json::array();
  for (const PolicyRef &policy : record.determiningPolicies) {
    Json p = Json::object();
    p["id"] = policy.id;
    putString(p, "name", policy.name);
    policies.push_back(std::move(p));
  }
  out["determining_policies"] = std::move(policies);
  Json errors = Json::array();
  for (const ErrorRef &error : record.errors)
    errors.push_back(Json{{"policy", error.policy}, {"message", error.message}});
  out["errors"] = std::move(errors);
  Json obligations = Json::array();
  for (const Obligation &obligation : record.obligations)
    obligations.push_back(
        Json{{"type", obligation.type}, {"properties", obligation.properties}});
  out["obligations"] = std::move(obligations);
  if (const auto &r = record.revoked) {
    Json revoked = Json::object();
    putString(revoked, "kind", r->kind);
    putString(revoked, "id", r->id);
    putString(revoked, "revoked_at", r->revokedAt);
    putString(revoked, "reason", r->reason);
    out["revoked"] = std::move(revoked);
  }
  out["eval_ns"] = record.evalNanos;

  if (const auto &i = record.integrity) {
    Json integrity = Json::object();
    integrity["seq"] = i->seq;
    integrity["prev_hash"] = i->prevHash;
    if (withHash)
      integrity["hash"] = i->hash;
    out["integrity"] = std::move(integrity);
  }
  return out;
}

} // namespace larch::audit
