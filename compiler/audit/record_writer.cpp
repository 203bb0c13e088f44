// Audit: the direct canonical writer of decision records (see
// record_writer.h). Every object below lists its members in sorted key order
// (bytewise), which is what makes the output canonical; keep it so when a
// member is added (record_writer_test compares with the JSON tree).
#include "compiler/audit/record_writer.h"

#include "compiler/audit/canonical_json.h"
#include "support/json_escape.h"

namespace larch::audit {

namespace {

class RecordWriter {
public:
  explicit RecordWriter(std::string &out) : out(out) {}

  /// Writes `"key":` preceded by a comma unless it opens the object.
  void key(const char *name) {
    if (!first)
      out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":";
  }
  void open(char c) {
    out += c;
    first = true;
  }
  void close(char c) {
    out += c;
    first = false;
  }

  void string(const std::string &value) {
    if (!isValidUtf8(value)) {
      if (!error)
        error = llvm::createStringError(llvm::inconvertibleErrorCode(),
                                        "cannot canonicalise JSON: a string that is not "
                                        "valid UTF-8 in the record");
      return;
    }
    appendJsonString(out, value);
  }
  void member(const char *name, const std::string &value) {
    key(name);
    string(value);
  }
  /// A member written only when `value` is not empty (putString).
  void optional(const char *name, const std::string &value) {
    if (!value.empty())
      member(name, value);
  }
  void number(const char *name, uint64_t value) {
    key(name);
    out += std::to_string(value);
  }
  void strings(const char *name, const std::vector<std::string> &values) {
    key(name);
    open('[');
    for (const std::string &v : values) {
      element();
      string(v);
    }
    close(']');
  }
  void json(const char *name, const nlohmann::json &value, unsigned depth) {
    key(name);
    if (error)
      return;
    if (llvm::Error e = writeCanonicalJson(value, out, depth))
      error = llvm::createStringError(llvm::inconvertibleErrorCode(), "%s (in `%s`)",
                                      llvm::toString(std::move(e)).c_str(), name);
  }
  /// Starts an element of an array.
  void element() {
    if (!first)
      out += ',';
    first = false;
  }
  /// `"name":[{...},...]`, each object's members written by writeMembers.
  template <typename T, typename F>
  void objects(const char *name, const std::vector<T> &items, F writeMembers) {
    key(name);
    open('[');
    for (const T &item : items) {
      element();
      open('{');
      writeMembers(item);
      close('}');
    }
    close(']');
  }

  void entity(const char *name, const EntityRef &entity) {
    key(name);
    open('{');
    member("id", entity.id);
    member("type", entity.type);
    close('}');
  }

  llvm::Error finish() {
    if (error)
      return std::move(error);
    return llvm::Error::success();
  }

private:
  std::string &out;
  bool first = true;
  llvm::Error error = llvm::Error::success();
};

} // namespace

llvm::Error appendRecordJson(const DecisionRecord &record, std::string &out, bool withHash) {
  RecordWriter w(out);
  w.open('{');
  w.entity("action", record.action);

  if (const auto &agent = record.agent) {
    w.key("agent");
    w.open('{');
    if (const auto &a = agent->approval) {
      w.key("approval");
      w.open('{');
      if (!a->actions.empty())
        w.strings("actions", a->actions);
      w.optional("approver", a->approver);
      w.optional("expires_at", a->expiresAt);
      w.optional("id", a->id);
      w.optional("intent", a->intent);
      w.optional("task", a->task);
      w.close('}');
    }
    if (const auto &c = agent->credential) {
      w.key("credential");
      w.open('{');
      w.optional("expires_at", c->expiresAt);
      w.optional("id", c->id);
      w.optional("issued_at", c->issuedAt);
      if (!c->scopes.empty())
        w.strings("scopes", c->scopes);
      w.close('}');
    }
    w.optional("instance", agent->instance);
    w.optional("owner", agent->owner);
    w.optional("session", agent->session);
    w.close('}');
  }

  bool hasLoggedContext = !record.loggedContext.is_null() &&
                          !(record.loggedContext.is_object() && record.loggedContext.empty());
  if (!record.contextDigest.empty() || hasLoggedContext) {
    w.key("context");
    w.open('{');
    w.optional("digest", record.contextDigest);
    if (hasLoggedContext)
      w.json("fields", record.loggedContext, 2);
    w.close('}');
  }

  w.member("decision", record.allowed ? "allow" : "deny");
  w.member("decision_id", record.decisionId);
  if (!record.delegation.empty())
    w.objects("delegation", record.delegation, [&](const DelegationHop &hop) {
      w.member("id", hop.id);
      w.optional("kind", hop.kind);
    });
  w.objects("determining_policies", record.determiningPolicies, [&](const PolicyRef &policy) {
    w.member("id", policy.id);
    w.optional("name", policy.name);
  });
  w.objects("errors", record.errors, [&](const ErrorRef &error) {
    w.member("message", error.message);
    w.member("policy", error.policy);
  });
  w.number("eval_ns", record.evalNanos);

  if (const auto &i = record.integrity) {
    w.key("integrity");
    w.open('{');
    if (withHash)
      w.member("hash", i->hash);
    w.member("prev_hash", i->prevHash);
    w.number("seq", i->seq);
    w.close('}');
  }

  w.objects("obligations", record.obligations, [&](const Obligation &obligation) {
    w.json("properties", obligation.properties, 3);
    w.member("type", obligation.type);
  });
  w.member("outcome", getOutcomeName(record.outcome));
  w.optional("policy_set_digest", record.policySetDigest);
  w.entity("principal", record.principal);
  w.entity("resource", record.resource);
  if (const auto &r = record.revoked) {
    w.key("revoked");
    w.open('{');
    w.optional("id", r->id);
    w.optional("kind", r->kind);
    w.optional("reason", r->reason);
    w.optional("revoked_at", r->revokedAt);
    w.close('}');
  }
  w.member("timestamp", record.timestamp);
  w.number("version", kRecordVersion);
  w.close('}');
  return w.finish();
}

} // namespace larch::audit
