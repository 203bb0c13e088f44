// Agent envelope (docs/agents.md, "The envelope in a request"): the one
// reader of a request's `time` and `agent` members, written once over a small
// adapter so that both JSON libraries (nlohmann for the reference path,
// simdjson for the fast decoder) run the same code and so report the same
// errors. Entry point: readAgentPart<Adapter>. The adapters are in
// envelope_json.h (nlohmann) and envelope_simdjson.h (simdjson).
//
// An adapter is a struct with a copyable `Node` type and static functions
//   bool isObject(Node), isArray(Node), isString(Node);
//   std::string_view getString(Node);
//   bool find(Node object, std::string_view key, Node &out);
//   void forEachKey(Node object, F f);      f(std::string_view key)
//   void forEachElement(Node array, F f);   f(Node element), in order
// Duplicate keys are the caller's business (both paths reject them over the
// whole document before or instead of reading).
//
// Order of reading (which error is reported first): `time`, then the
// envelope's unknown members (the smallest key first), then the members in
// the order of the table in docs/agents.md, then checkEnvelope.
#ifndef LARCH_COMPILER_AGENT_ENVELOPE_READER_H
#define LARCH_COMPILER_AGENT_ENVELOPE_READER_H

#include "compiler/agent/envelope_check.h"
#include "compiler/agent/envelope_time.h"
#include "compiler/json/request_json.h"

#include <initializer_list>
#include <string>
#include <string_view>

namespace larch::agent {

template <typename A> class EnvelopeReader {
public:
  using Node = typename A::Node;
  explicit EnvelopeReader(json::JsonError &error) : error(error) {}

  bool readTime(Node n, int64_t &millis) {
    if (!A::isString(n))
      return fail("time", "the time must be a string such as `2026-11-28T19:32:33Z`");
    std::string why;
    return parseTime(A::getString(n), millis, why) || fail("time", why);
  }

  bool readEnvelope(Node n, AgentEnvelope &out) {
    const std::string path = "agent";
    if (!expectObject(n, path) ||
        !checkMembers(n, path,
                      {"instance", "owner", "session", "credential", "approval", "delegation"}))
      return false;
    Node m;
    if (!readString(n, path, "instance", true, out.instance) ||
        !readEntityMember(n, path, "owner", out.owner) ||
        !readString(n, path, "session", false, out.session))
      return false;
    out.hasCredential = A::find(n, "credential", m);
    if (out.hasCredential && !readCredential(m, path + ".credential", out.credential))
      return false;
    out.hasApproval = A::find(n, "approval", m);
    if (out.hasApproval && !readApproval(m, path + ".approval", out.approval))
      return false;
    return !A::find(n, "delegation", m) || readEntities(m, path + ".delegation", out.delegation);
  }

private:
  bool fail(std::string path, std::string message) {
    error = {std::move(path), std::move(message)};
    return false;
  }

  bool expectObject(Node n, const std::string &path) {
    return A::isObject(n) || fail(path, "expected a JSON object");
  }

  bool checkMembers(Node n, const std::string &path,
                    std::initializer_list<std::string_view> known) {
    bool found = false;
    std::string_view first;
    A::forEachKey(n, [&](std::string_view k) {
      for (std::string_view name : known)
        if (k == name)
          return;
      if (!found || k < first) {
        first = k;
        found = true;
      }
    });
    if (!found)
      return true;
    std::string key(first);
    return fail(json::joinPath(path, key), "unknown member `" + key + "`");
  }

  bool readString(Node n, const std::string &path, const char *key, bool required,
                  std::string &out) {
    Node m;
    if (!A::find(n, key, m))
      return !required || fail(json::joinPath(path, key),
                               std::string("missing member `") + key + "`");
    if (!A::isString(m))
      return fail(json::joinPath(path, key), "expected a string");
    out.assign(A::getString(m));
    return true;
  }

  /// `{"type": "T", "id": "i"}`, `{"__entity": {..}}` or the text `T::"i"`.
  bool readEntity(Node n, const std::string &path, EntityRef &out) {
    if (A::isString(n)) {
      std::string why;
      std::optional<runtime::EntityUid> uid = json::parseEntityUidText(A::getString(n), why);
      if (!uid)
        return fail(path, why);
      out = {std::move(uid->type), std::move(uid->id)};
      return true;
    }
    Node inner;
    if (A::isObject(n) && A::find(n, "__entity", inner)) {
      if (!checkMembers(n, path, {"__entity"}))
        return false;
      return readEntity(inner, json::joinPath(path, "__entity"), out);
    }
    if (!A::isObject(n))
      return fail(path, "expected an entity such as `{\"type\": \"User\", \"id\": \"alice\"}` "
                        "or `User::\"alice\"`");
    return checkMembers(n, path, {"type", "id"}) && readString(n, path, "type", true, out.type) &&
           readString(n, path, "id", true, out.id);
  }

  bool readEntityMember(Node n, const std::string &path, const char *key, EntityRef &out) {
    Node m;
    if (!A::find(n, key, m))
      return fail(json::joinPath(path, key), std::string("missing member `") + key + "`");
    return readEntity(m, json::joinPath(path, key), out);
  }

  bool readEntities(Node n, const std::string &path, std::vector<EntityRef> &out) {
    if (!A::isArray(n))
      return fail(path, "expected an array of entities");
    bool ok = true;
    A::forEachElement(n, [&](Node e) {
      if (!ok)
        return;
      out.emplace_back();
      ok = readEntity(e, json::indexPath(path, out.size() - 1), out.back());
    });
    return ok;
  }

  bool readStrings(Node n, const std::string &path, std::vector<std::string> &out) {
    if (!A::isArray(n))
      return fail(path, "expected an array of strings");
    bool ok = true;
    A::forEachElement(n, [&](Node e) {
      if (!ok)
        return;
      if (!A::isString(e))
        ok = fail(json::indexPath(path, out.size()), "expected a string");
      else
        out.emplace_back(A::getString(e));
    });
    return ok;
  }

  bool readCredential(Node n, const std::string &path, AgentCredential &out) {
    Node m;
    if (!expectObject(n, path) ||
        !checkMembers(n, path, {"id", "issued_at", "expires_at", "scopes"}) ||
        !readString(n, path, "id", true, out.id) ||
        !readString(n, path, "issued_at", true, out.issuedAt) ||
        !readString(n, path, "expires_at", true, out.expiresAt))
      return false;
    return !A::find(n, "scopes", m) || readStrings(m, path + ".scopes", out.scopes);
  }

  bool readApproval(Node n, const std::string &path, AgentApproval &out) {
    Node m;
    if (!expectObject(n, path) ||
        !checkMembers(n, path, {"id", "approver", "actions", "task", "intent", "expires_at"}) ||
        !readString(n, path, "id", true, out.id) ||
        !readEntityMember(n, path, "approver", out.approver))
      return false;
    if (!A::find(n, "actions", m))
      return fail(path + ".actions", "missing member `actions`");
    return readEntities(m, path + ".actions", out.actions) &&
           readString(n, path, "task", false, out.task) &&
           readString(n, path, "intent", false, out.intent) &&
           readString(n, path, "expires_at", true, out.expiresAt);
  }

  json::JsonError &error;
};

/// Reads and checks a request's `time` and `agent` members (either may be
/// null: absent) into `out`; the decision time is `time` or `clockMillis`.
/// On failure sets `error` (path `time` or under `agent`).
template <typename A>
bool readAgentPart(const typename A::Node *time, const typename A::Node *agent,
                   std::string_view principalType, std::string_view principalId,
                   int64_t clockMillis, AgentPart &out, json::JsonError &error) {
  EnvelopeReader<A> reader(error);
  out.timeMillis = clockMillis;
  out.hasAgent = false;
  if (time && !reader.readTime(*time, out.timeMillis))
    return false;
  if (!agent)
    return true;
  out.envelope = AgentEnvelope();
  if (!reader.readEnvelope(*agent, out.envelope) ||
      !checkEnvelope(out.envelope, principalType, principalId, out.times, error))
    return false;
  out.hasAgent = true;
  return true;
}

} // namespace larch::agent

#endif // LARCH_COMPILER_AGENT_ENVELOPE_READER_H
