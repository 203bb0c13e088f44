// Agent envelope over simdjson's DOM (the fast request decoder). Entry
// point: SimdjsonAdapter, envelope_reader.h's adapter. Include it only from
// .cpp files that link simdjson (compiler/json/request_decoder.cpp).
#ifndef LARCH_COMPILER_AGENT_ENVELOPE_SIMDJSON_H
#define LARCH_COMPILER_AGENT_ENVELOPE_SIMDJSON_H

#include <simdjson.h>

#include <string_view>

namespace larch::agent {

struct SimdjsonAdapter {
  using Node = simdjson::dom::element;
  using ET = simdjson::dom::element_type;
  static bool isObject(Node n) { return n.type() == ET::OBJECT; }
  static bool isArray(Node n) { return n.type() == ET::ARRAY; }
  static bool isString(Node n) { return n.type() == ET::STRING; }
  static std::string_view getString(Node n) { return n.get_string().value_unsafe(); }
  static bool find(Node n, std::string_view key, Node &out) {
    // Keys are unique (checked by the decoder before reading).
    simdjson::dom::object o = n.get_object().value_unsafe();
    for (simdjson::dom::key_value_pair kv : o)
      if (kv.key == key) {
        out = kv.value;
        return true;
      }
    return false;
  }
  template <typename F> static void forEachKey(Node n, F f) {
    simdjson::dom::object o = n.get_object().value_unsafe();
    for (simdjson::dom::key_value_pair kv : o)
      f(kv.key);
  }
  template <typename F> static void forEachElement(Node n, F f) {
    simdjson::dom::array a = n.get_array().value_unsafe();
    for (Node e : a)
      f(e);
  }
};

} // namespace larch::agent

#endif // LARCH_COMPILER_AGENT_ENVELOPE_SIMDJSON_H
