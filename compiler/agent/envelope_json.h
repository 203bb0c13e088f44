// Agent envelope over nlohmann::json (the reference path and `larch
// materialize`). Entry points: NlohmannAdapter (for envelope_reader.h),
// readAgentPartJson, toCedarJson (a runtime value in Cedar's JSON value
// form). Depends on compiler/json and the envelope reader.
#ifndef LARCH_COMPILER_AGENT_ENVELOPE_JSON_H
#define LARCH_COMPILER_AGENT_ENVELOPE_JSON_H

#include "compiler/agent/envelope_check.h"
#include "compiler/json/json_value.h"
#include "runtime/value.h"

#include <string_view>

namespace larch::agent {

/// envelope_reader.h's adapter for nlohmann::json.
struct NlohmannAdapter {
  using Node = const json::Json *;
  static bool isObject(Node n) { return n->is_object(); }
  static bool isArray(Node n) { return n->is_array(); }
  static bool isString(Node n) { return n->is_string(); }
  static std::string_view getString(Node n) {
    return n->get_ref<const std::string &>();
  }
  static bool find(Node n, std::string_view key, Node &out) {
    auto it = n->find(key);
    if (it == n->end())
      return false;
    out = &*it;
    return true;
  }
  template <typename F> static void forEachKey(Node n, F f) {
    for (auto it = n->begin(); it != n->end(); ++it)
      f(std::string_view(it.key()));
  }
  template <typename F> static void forEachElement(Node n, F f) {
    for (const json::Json &e : *n)
      f(&e);
  }
};

/// Reads the `time` and `agent` members of a request object (see
/// readAgentPart in envelope_reader.h).
bool readAgentPartJson(const json::Json &request, std::string_view principalType,
                       std::string_view principalId, int64_t clockMillis, AgentPart &out,
                       json::JsonError &error);

/// `v` in Cedar's JSON value form: entities as `{"__entity": {..}}`,
/// extension values as `{"__extn": {"fn", "arg"}}` (a datetime as its
/// canonical UTC text, or as Cedar's `offset` form outside years 0000-9999),
/// sets as arrays, records as objects.
json::Json toCedarJson(const runtime::Value &v);

} // namespace larch::agent

#endif // LARCH_COMPILER_AGENT_ENVELOPE_JSON_H
