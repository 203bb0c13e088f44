// Agent envelope checks. Entry point: checkEnvelope (see envelope_check.h).
// Checks run in a fixed order (members in the order of the table in
// docs/agents.md, array elements first to last), so every caller reports
// the same first error.
#include "compiler/agent/envelope_check.h"

#include "compiler/agent/envelope_time.h"
#include "runtime/value.h"

namespace larch::agent {
namespace {

using json::JsonError;

bool fail(JsonError &error, std::string path, std::string message) {
  error = {std::move(path), std::move(message)};
  return false;
}

bool checkEntity(const EntityRef &e, const std::string &path, JsonError &error) {
  if (!json::isNormalizedName(e.type))
    return fail(error, path, "invalid entity type name `" + e.type + "`");
  return true;
}

bool checkTime(const std::string &text, const std::string &path, int64_t &millis,
               JsonError &error) {
  std::string why;
  return parseTime(text, millis, why) || fail(error, path, why);
}

bool sameEntity(const EntityRef &a, const EntityRef &b) {
  return a.type == b.type && a.id == b.id;
}

} // namespace

std::string entityText(const EntityRef &e) { return runtime::EntityUid{e.type, e.id}.str(); }

bool checkEnvelope(const AgentEnvelope &envelope, std::string_view principalType,
                   std::string_view principalId, EnvelopeTimes &times, JsonError &error) {
  if (envelope.instance.empty())
    return fail(error, "agent.instance", "the instance must be a non-empty string");
  if (!checkEntity(envelope.owner, "agent.owner", error))
    return false;
  if (envelope.hasCredential) {
    const AgentCredential &c = envelope.credential;
    if (c.id.empty())
      return fail(error, "agent.credential.id", "the credential id must be a non-empty string");
    if (!checkTime(c.issuedAt, "agent.credential.issued_at", times.issuedAt, error) ||
        !checkTime(c.expiresAt, "agent.credential.expires_at", times.expiresAt, error))
      return false;
    if (times.issuedAt > times.expiresAt)
      return fail(error, "agent.credential.issued_at",
                  "the credential is issued at " + canonicalTime(times.issuedAt) +
                      ", after it expires (" + canonicalTime(times.expiresAt) + ")");
    if (c.scopes.size() > MaxScopes)
      return fail(error, "agent.credential.scopes",
                  "the credential has " + std::to_string(c.scopes.size()) +
                      " scopes; at most " + std::to_string(MaxScopes) + " are allowed");
  }
  if (envelope.hasApproval) {
    const AgentApproval &a = envelope.approval;
    if (a.id.empty())
      return fail(error, "agent.approval.id", "the approval id must be a non-empty string");
    if (!checkEntity(a.approver, "agent.approval.approver", error))
      return false;
    if (a.actions.size() > MaxApprovedActions)
      return fail(error, "agent.approval.actions",
                  "the approval names " + std::to_string(a.actions.size()) +
                      " actions; at most " + std::to_string(MaxApprovedActions) +
                      " are allowed");
    for (size_t i = 0; i < a.actions.size(); ++i) {
      std::string path = json::indexPath("agent.approval.actions", i);
      if (!checkEntity(a.actions[i], path, error))
        return false;
      // checkEntity accepted the name, so its last segment is not empty.
      if (!runtime::isActionType(a.actions[i].type))
        return fail(error, path,
                    entityText(a.actions[i]) +
                        " is not an action (its type must be `Action` or end in `::Action`)");
    }
    if (!checkTime(a.expiresAt, "agent.approval.expires_at", times.approvalExpiresAt, error))
      return false;
  }
  const std::vector<EntityRef> &chain = envelope.delegation;
  if (chain.size() > MaxHops)
    return fail(error, "agent.delegation",
                "the chain has " + std::to_string(chain.size()) + " hops; at most " +
                    std::to_string(MaxHops) + " are allowed");
  for (size_t i = 0; i < chain.size(); ++i) {
    std::string path = json::indexPath("agent.delegation", i);
    if (!checkEntity(chain[i], path, error))
      return false;
    for (size_t j = 0; j < i; ++j)
      if (sameEntity(chain[j], chain[i]))
        return fail(error, path, entityText(chain[i]) + " appears twice in the chain");
  }
  if (!chain.empty()) {
    const EntityRef &last = chain.back();
    if (last.type != principalType || last.id != principalId)
      return fail(error, json::indexPath("agent.delegation", chain.size() - 1),
                  "the last hop " + entityText(last) + " is not the principal " +
                      entityText({std::string(principalType), std::string(principalId)}));
  }
  return true;
}

} // namespace larch::agent
