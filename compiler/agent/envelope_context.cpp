// Agent envelope materialisation. Entry points: materializeAgent,
// addAgentToContext, contextTypeWithoutAgent (see envelope_context.h).
#include "compiler/agent/envelope_context.h"

#include <algorithm>

namespace larch::agent {
namespace {

using runtime::Value;

Value entity(const EntityRef &e) { return Value::entity(e.type, e.id); }
Value datetime(int64_t millis) { return Value::datetime(ext::Datetime::fromMillis(millis)); }
Value duration(int64_t millis) { return Value::duration(ext::Duration::fromMillis(millis)); }

} // namespace

Value materializeAgent(const AgentPart &part, const runtime::EntityUid &principal) {
  const AgentEnvelope &env = part.envelope;
  std::vector<runtime::RecordEntry> fields;
  fields.emplace_back("instance", Value::string(env.instance));
  fields.emplace_back("owner", entity(env.owner));
  fields.emplace_back("session", Value::string(env.session));
  fields.emplace_back("now", datetime(part.timeMillis));
  std::vector<Value> chain;
  if (env.delegation.empty()) {
    chain.push_back(Value::entity(principal));
    fields.emplace_back("originator", Value::entity(principal));
    fields.emplace_back("depth", Value::integer(0));
  } else {
    for (const EntityRef &hop : env.delegation)
      chain.push_back(entity(hop));
    size_t n = env.delegation.size();
    fields.emplace_back("originator", entity(env.delegation.front()));
    fields.emplace_back("depth", Value::integer(int64_t(n) - 1));
    if (n >= 2)
      fields.emplace_back("delegator", entity(env.delegation[n - 2]));
  }
  fields.emplace_back("chain", Value::set(std::move(chain)));
  if (env.hasCredential) {
    const AgentCredential &c = env.credential;
    const EnvelopeTimes &t = part.times;
    std::vector<Value> scopes;
    for (const std::string &s : c.scopes)
      scopes.push_back(Value::string(s));
    // Times are within years 0000-9999, so the differences cannot overflow.
    fields.emplace_back(
        "credential",
        Value::recordFromEntries({{"id", Value::string(c.id)},
                                  {"issued_at", datetime(t.issuedAt)},
                                  {"expires_at", datetime(t.expiresAt)},
                                  {"ttl", duration(t.expiresAt - t.issuedAt)},
                                  {"remaining", duration(t.expiresAt - part.timeMillis)},
                                  {"scopes", Value::set(std::move(scopes))}}));
  }
  if (env.hasApproval) {
    const AgentApproval &a = env.approval;
    std::vector<Value> actions;
    for (const EntityRef &e : a.actions)
      actions.push_back(entity(e));
    fields.emplace_back("approval",
                        Value::recordFromEntries(
                            {{"id", Value::string(a.id)},
                             {"approver", entity(a.approver)},
                             {"actions", Value::set(std::move(actions))},
                             {"task", Value::string(a.task)},
                             {"intent", Value::string(a.intent)},
                             {"expires_at", datetime(part.times.approvalExpiresAt)}}));
  }
  return Value::recordFromEntries(std::move(fields));
}

void addAgentToContext(Value &context, Value agent) {
  assert(context.is(runtime::ValueKind::Record) && !context.findField("agent") &&
         "a context record without `agent`");
  std::vector<runtime::RecordEntry> fields(context.getRecord().begin(),
                                           context.getRecord().end());
  fields.emplace_back("agent", std::move(agent));
  context = Value::recordFromEntries(std::move(fields));
}

void addAgentToContext(rt::PreparedRequest &request, const Value &agent) {
  rt::Val value = rt::toVal(agent, request);
  uint32_t key = request.internAttr("agent");
  llvm::ArrayRef<rt::Field> old = request.getContext().getRecord();
  rt::Field *fields = request.getArena().allocate<rt::Field>(old.size() + 1);
  // Fields are sorted by key id.
  size_t at = std::lower_bound(old.begin(), old.end(), key,
                               [](const rt::Field &f, uint32_t k) { return f.key < k; }) -
              old.begin();
  assert((at == old.size() || old[at].key != key) && "a context without `agent`");
  std::copy(old.begin(), old.begin() + at, fields);
  fields[at] = rt::Field{key, value};
  std::copy(old.begin() + at, old.end(), fields + at + 1);
  request.setContext(rt::Val::record(fields, uint32_t(old.size() + 1)));
}

schema::TypeRef contextTypeWithoutAgent(const schema::Type &type) {
  assert(type.isRecord() && "a context type is a record");
  if (!type.getAttribute("agent"))
    return nullptr;
  std::vector<schema::Attribute> attrs;
  for (const schema::Attribute &a : type.getAttributes())
    if (a.name != "agent")
      attrs.push_back(a);
  return schema::Type::getRecord(std::move(attrs));
}

} // namespace larch::agent
