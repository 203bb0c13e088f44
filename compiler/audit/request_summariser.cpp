// Audit: RequestSummariser (see record_builder.h), what a decision record
// keeps of a request as written, read with simdjson. The context's canonical
// form (canonical_json.h) is written straight from the simdjson document;
// whatever this reading might settle differently from the nlohmann::json
// reference (summariseRequestTree) is handed to it instead: a parse error, a
// floating-point number (nlohmann may read some as integers), a string that
// is not valid UTF-8, nesting beyond the canonical limit.
#include "compiler/audit/canonical_json.h"
#include "compiler/audit/digest.h"
#include "compiler/audit/record_builder.h"
#include "compiler/json/request_json.h"
#include "support/json_escape.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace larch::audit {

namespace dom = simdjson::dom;
using Json = nlohmann::json;

namespace {

using Members = std::vector<std::pair<std::string_view, dom::element>>;

/// The members of `object` sorted by key bytes; of duplicate keys the last
/// one (nlohmann::json keeps the last).
Members sortedMembers(dom::object object) {
  Members members;
  for (dom::key_value_pair kv : object)
    members.emplace_back(kv.key, kv.value);
  std::stable_sort(members.begin(), members.end(),
                   [](const auto &a, const auto &b) { return a.first < b.first; });
  Members unique;
  for (size_t i = 0; i < members.size(); ++i)
    if (i + 1 == members.size() || members[i + 1].first != members[i].first)
      unique.push_back(members[i]);
  return unique;
}

/// The last member named `key`, or false.
bool findLast(dom::object object, std::string_view key, dom::element &out) {
  bool found = false;
  for (dom::key_value_pair kv : object)
    if (kv.key == key) {
      out = kv.value;
      found = true;
    }
  return found;
}

/// Each writer returns false when it cannot be sure of the reference's
/// answer (summarise then asks the reference).
bool writeString(std::string_view s, std::string &out) {
  if (!isValidUtf8(llvm::StringRef(s.data(), s.size())))
    return false;
  appendJsonString(out, llvm::StringRef(s.data(), s.size()));
  return true;
}

/// The canonical form of `e` at nesting `depth` (as CanonicalWriter counts).
bool writeCanonical(dom::element e, unsigned depth, std::string &out) {
  if (depth > kMaxCanonicalDepth)
    return false;
  switch (e.type()) {
  case dom::element_type::OBJECT: {
    Members members = sortedMembers(dom::object(e));
    out += '{';
    for (size_t i = 0; i < members.size(); ++i) {
      if (i)
        out += ',';
      if (!writeString(members[i].first, out))
        return false;
      out += ':';
      if (!writeCanonical(members[i].second, depth + 1, out))
        return false;
    }
    out += '}';
    return true;
  }
  case dom::element_type::ARRAY: {
    out += '[';
    bool first = true;
    for (dom::element item : dom::array(e)) {
      if (!first)
        out += ',';
      first = false;
      if (!writeCanonical(item, depth + 1, out))
        return false;
    }
    out += ']';
    return true;
  }
  case dom::element_type::STRING:
    return writeString(std::string_view(e), out);
  case dom::element_type::INT64:
    out += std::to_string(int64_t(e));
    return true;
  case dom::element_type::UINT64:
    out += std::to_string(uint64_t(e));
    return true;
  case dom::element_type::DOUBLE:
    return false;
  case dom::element_type::BOOL:
    out += bool(e) ? "true" : "false";
    return true;
  case dom::element_type::NULL_VALUE:
    out += "null";
    return true;
  }
  return false;
}

/// `e` as nlohmann::json (for the logged fields; `e` was canonicalised
/// already, so it holds no float and only valid strings).
Json toJson(dom::element e) {
  switch (e.type()) {
  case dom::element_type::OBJECT: {
    Json out = Json::object();
    for (dom::key_value_pair kv : dom::object(e))
      out[std::string(kv.key)] = toJson(kv.value); // the last duplicate wins
    return out;
  }
  case dom::element_type::ARRAY: {
    Json out = Json::array();
    for (dom::element item : dom::array(e))
      out.push_back(toJson(item));
    return out;
  }
  case dom::element_type::STRING:
    return std::string(std::string_view(e));
  case dom::element_type::INT64:
    return int64_t(e);
  case dom::element_type::UINT64:
    return uint64_t(e);
  case dom::element_type::DOUBLE:
    return double(e);
  case dom::element_type::BOOL:
    return bool(e);
  case dom::element_type::NULL_VALUE:
    return nullptr;
  }
  return nullptr;
}

void readEntity(dom::object request, std::string_view key, EntityRef &out) {
  out = {};
  dom::element e;
  if (!findLast(request, key, e))
    return;
  if (e.is_object()) {
    dom::object o(e);
    dom::element escaped;
    if (findLast(o, "__entity", escaped) && escaped.is_object())
      o = dom::object(escaped);
    dom::element type, id;
    if (findLast(o, "type", type) && findLast(o, "id", id) && type.is_string() &&
        id.is_string())
      out = {std::string(std::string_view(type)), std::string(std::string_view(id))};
  } else if (e.is_string()) {
    std::string why;
    std::string_view text(e);
    if (auto uid = json::parseEntityUidText(llvm::StringRef(text.data(), text.size()), why))
      out = {uid->type, uid->id};
  }
}

} // namespace

struct RequestSummariser::Impl {
  dom::parser parser;
  std::string padded; // the request and simdjson's padding
  std::string canonical;
};

RequestSummariser::RequestSummariser() : impl(std::make_unique<Impl>()) {}
RequestSummariser::~RequestSummariser() = default;

RequestSummary RequestSummariser::summarise(std::string_view requestJson,
                                            const std::vector<std::string> &keys) {
  Impl &p = *impl;
  p.padded.assign(requestJson);
  p.padded.append(simdjson::SIMDJSON_PADDING, '\0');
  dom::element root;
  if (p.parser.parse(p.padded.data(), requestJson.size(), false).get(root) !=
      simdjson::SUCCESS)
    return summariseRequestTree(requestJson, keys);
  RequestSummary out;
  if (!root.is_object())
    return out;
  {
    dom::object request(root);
    readEntity(request, "principal", out.principal);
    readEntity(request, "action", out.action);
    readEntity(request, "resource", out.resource);
    dom::element context;
    if (!findLast(request, "context", context)) {
      out.contextDigest = sha256Digest("{}");
      return out;
    }
    if (!context.is_object())
      return out;
    p.canonical.clear();
    if (!writeCanonical(context, 0, p.canonical))
      return summariseRequestTree(requestJson, keys);
    out.contextDigest = sha256Digest(p.canonical);
    for (const std::string &key : keys) {
      dom::element field;
      if (findLast(dom::object(context), key, field))
        out.loggedContext[key] = toJson(field);
    }
  }
  return out;
}

} // namespace larch::audit
