// Edge (JSON request line -> compiled request). Entry point:
// RequestDecoder::decode (see request_decoder.h for the semantics, the
// fallback rules and the limits). Each decoding function mirrors the
// reference function of json_value.cpp / request_json.cpp named in its
// comment, so the two can be read side by side.
#include "compiler/json/request_decoder.h"

#include "compiler/agent/envelope_context.h"
#include "compiler/agent/envelope_reader.h"
#include "compiler/agent/envelope_simdjson.h"
#include "compiler/json/request_json.h"
#include "grammar/unescape.h"
#include "runtime/compiled/builtins/builtins.h"
#include "runtime/extension_functions.h"
#include "support/same_bytes.h"

#include "llvm/ADT/SmallVector.h"

#include <simdjson.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace larch::json {

namespace dom = simdjson::dom;
using ET = dom::element_type;
using rt::Val;

namespace {

/// INVARIANT: the same as MaxDepth in json_value.cpp (conversion frames, each
/// parse and parsePlain call counting one), so both reject the same nesting.
constexpr unsigned MaxDepth = 256;

/// Objects with more keys than this are checked for duplicates by sorting
/// their keys rather than comparing each pair.
constexpr size_t PairwiseDuplicateLimit = 16;

/// simdjson saturates element counts at this value; larger containers go to
/// the fallback (they cannot be sized in advance).
constexpr size_t SaturatedCount = 0xFFFFFF;

/// A field path kept as a chain of stack frames; rendered (with joinPath and
/// indexPath, as the reference builds it) only when an error is reported.
struct PathNode {
  enum class Kind { Root, Key, Index };
  const PathNode *parent = nullptr;
  Kind kind = Kind::Root;
  llvm::StringRef text; // root name or key
  size_t index = 0;

  static PathNode root(llvm::StringRef name) { return {nullptr, Kind::Root, name, 0}; }
  static PathNode key(const PathNode *parent, std::string_view k) {
    return {parent, Kind::Key, llvm::StringRef(k.data(), k.size()), 0};
  }
  static PathNode at(const PathNode *parent, size_t i) {
    return {parent, Kind::Index, llvm::StringRef(), i};
  }
};

std::string render(const PathNode *p) {
  if (!p)
    return "";
  switch (p->kind) {
  case PathNode::Kind::Root:
    return p->text.str();
  case PathNode::Kind::Key:
    return joinPath(render(p->parent), p->text);
  case PathNode::Kind::Index:
    return indexPath(render(p->parent), p->index);
  }
  return "";
}

/// Counts conversion frames, as json_value.cpp's DepthGuard does.
struct DepthGuard {
  unsigned &depth;
  explicit DepthGuard(unsigned &d) : depth(d) { ++depth; }
  ~DepthGuard() { --depth; }
  bool tooDeep() const { return depth > MaxDepth; }
};

/// json_value.cpp jsonKindName.
const char *kindName(dom::element e) {
  switch (e.type()) {
  case ET::NULL_VALUE:
    return "null";
  case ET::BOOL:
    return "a bool";
  case ET::INT64:
  case ET::UINT64:
    return "an integer";
  case ET::DOUBLE:
    return "a floating-point number";
  case ET::STRING:
    return "a string";
  case ET::ARRAY:
    return "an array";
  case ET::OBJECT:
    return "an object";
  }
  return "an unsupported JSON value";
}

/// The reference's `j.dump()` of this value (for error messages only):
/// duplicate keys are already excluded, so re-reading the minified text
/// with nlohmann gives the same JSON value the reference holds.
std::string dumpLikeReference(dom::element e) {
  Json j = Json::parse(simdjson::minify(e), nullptr, /*allow_exceptions=*/false);
  return j.dump();
}

bool isString(dom::element e) { return e.type() == ET::STRING; }
bool isObject(dom::element e) { return e.type() == ET::OBJECT; }
/// Only objects hold keys, and only objects and arrays hold objects.
bool mayHoldKeys(dom::element e) {
  ET kind = e.type();
  return kind == ET::OBJECT || kind == ET::ARRAY;
}
std::string_view getString(dom::element e) { return e.get_string().value_unsafe(); }
dom::object getObject(dom::element e) { return e.get_object().value_unsafe(); }

/// The first field named `key` (as dom::object::at_key, comparing inline).
bool getField(dom::object o, std::string_view key, dom::element &out) {
  for (dom::key_value_pair kv : o)
    if (sameText(kv.key, key)) {
      out = kv.value;
      return true;
    }
  return false;
}
bool getField(dom::element e, std::string_view key, dom::element &out) {
  return isObject(e) && getField(getObject(e), key, out);
}

/// The fields of an `__extn` escape's object, the first of each name, found
/// in one pass.
struct ExtnFields {
  dom::element fn, arg, args;
  bool hasFn = false, hasArg = false, hasArgs = false;
};
ExtnFields getExtnFields(dom::object o) {
  ExtnFields f;
  for (dom::key_value_pair kv : o) {
    if (!f.hasFn && sameText(kv.key, "fn"))
      f.fn = kv.value, f.hasFn = true;
    else if (!f.hasArg && sameText(kv.key, "arg"))
      f.arg = kv.value, f.hasArg = true;
    else if (!f.hasArgs && sameText(kv.key, "args"))
      f.args = kv.value, f.hasArgs = true;
  }
  return f;
}

/// The only field of a one-field object (json_value.cpp singleKey).
std::optional<dom::key_value_pair> singleField(dom::object o) {
  if (o.size() != 1)
    return std::nullopt;
  return *o.begin();
}

} // namespace

struct RequestDecoder::Impl {
  dom::parser parser;
  /// `{}`, the context of a request without one when a schema is loaded.
  dom::parser emptyParser;
  dom::element emptyObject;
  std::unique_ptr<char[]> buffer;
  size_t bufferCapacity = 0;

  // Scratch stacks, reused between requests (entries above a frame's base
  // belong to nested frames).
  std::vector<std::string_view> dupKeys;
  std::vector<std::pair<std::string_view, size_t>> dupSort;
  std::vector<std::pair<std::string_view, dom::element>> sortedFields;
  std::vector<std::pair<bool, dom::element>> slots;
  /// Unescaped ids of principal, action and resource written as text.
  std::string uidIds[3];
  /// Entity type names known to be normalized: a small cache, requests
  /// repeat a few types. A name has two slots, chosen by its length and
  /// three of its bytes, so a known name costs one or two comparisons (a
  /// scan of eight was 1.5% of decoding a line).
  std::string typeNames[32];
  /// Extension constructors by name, as found (a request names the same
  /// few on every line; scanning the builtin table each time was 2% of
  /// decoding one).
  struct Constructor {
    std::string name;
    rt::Builtin builtin;
  };
  llvm::SmallVector<Constructor, 4> constructors;

  // Context types by action ("type\0id"), for `cachedSchema`.
  const schema::Schema *cachedSchema = nullptr;
  llvm::StringMap<const schema::Type *> contextTypes;
  std::string cacheKey;
  /// Context types minus `agent`, for requests with an envelope (null: the
  /// type has no `agent`).
  llvm::DenseMap<const schema::Type *, schema::TypeRef> withoutAgent;

  /// The last decode's decision time and envelope, and the clock to use.
  agent::AgentPart agentPart;
  std::optional<int64_t> clock;

  /// The last fallback decode's request entities (PreparedRequest may refer
  /// to them until the next decode).
  std::optional<runtime::EntityStore> layer;

  // Per-decode state.
  rt::PreparedRequest *out = nullptr;
  const schema::Schema *schema = nullptr;
  const runtime::EntityStore *baseEntities = nullptr;
  JsonError *error = nullptr;
  bool sortKeys = false;
  bool bailed = false;
  /// A walked object repeats a key (decode() then reports the document's
  /// first duplicate).
  bool duplicate = false;
  unsigned depth = 0;
  Route route = Route::Fast;

  Impl() {
    bool ok = emptyParser.parse("{}", 2).get(emptyObject) == simdjson::SUCCESS;
    assert(ok && "`{}` parses");
    (void)ok;
  }

  bool decode(llvm::StringRef line);
  bool fallback(llvm::StringRef line);

  bool fail(const PathNode *path, std::string message) {
    error->path = render(path);
    error->message = std::move(message);
    return false;
  }
  bool fail(const char *path, std::string message) {
    error->path = path;
    error->message = std::move(message);
    return false;
  }
  /// Gives the request to the reference path (see the header).
  bool bail() {
    bailed = true;
    return false;
  }
  bool duplicateFound() {
    duplicate = true;
    return false;
  }
  /// Checks an object the walk does not visit key by key (with its values).
  bool checkUnwalked(dom::element e) {
    std::string_view dup;
    return !findDuplicate(e, dup) || duplicateFound();
  }
  bool isTypeName(std::string_view name);
  class KeyScope;

  bool findDuplicate(dom::element e, std::string_view &dup);
  size_t firstDuplicateIndex(dom::object o);

  template <typename F> bool forEachField(dom::object o, F &&f);

  bool decodeRequest(dom::element root);
  bool uidFromText(std::string_view text, int slot, std::string_view &type,
                   std::string_view &id);
  bool uidFromJson(dom::element e, const PathNode *path, std::string_view &type,
                   std::string_view &id);
  bool typeAndId(dom::element e, const PathNode *path, std::string_view &type,
                 std::string_view &id);
  bool findTypeAndId(dom::object o, std::string_view &type, std::string_view &id,
                     bool &hasType, bool &hasId);
  bool checkTypeName(std::string_view type, const PathNode *path);
  bool decodeContext(dom::element ctx, std::string_view actionType, std::string_view actionId,
                     const runtime::Value *agent);
  bool decodeAgentPart(const dom::element *time, const dom::element *agent,
                       std::string_view principalType, std::string_view principalId);
  const schema::Type *lookupContextType(std::string_view type, std::string_view id);
  bool decodeTyped(dom::element e, const schema::Type *expected, const PathNode *path, Val &v);
  bool decodeTypedRecord(dom::object o, const schema::Type &expected, const PathNode *path,
                         Val &v);
  bool decodePlain(dom::element e, const PathNode *path, Val &v);
  bool decodeExtension(dom::element e, schema::ExtensionKind kind, Val &v);
  bool callConstructor(std::string_view fn, dom::element arg, Val &v);
  /// The extension constructor named `fn`, if it is one.
  bool findConstructor(std::string_view fn, rt::Builtin &out);
  bool callOffset(std::string_view fn, dom::element args, bool typed, const PathNode *escPath,
                  Val &v);
};

/// Checks the keys of one walked object for repeats, as they are met. Keys
/// live on Impl::dupKeys above `base` until the scope ends.
class RequestDecoder::Impl::KeyScope {
public:
  KeyScope(Impl &d, dom::object o) : d(d), base(d.dupKeys.size()) {
    if (o.size() > PairwiseDuplicateLimit)
      firstDup = d.firstDuplicateIndex(o);
  }
  // Shrinks only: erase, unlike resize, is inlined.
  ~KeyScope() { d.dupKeys.erase(d.dupKeys.begin() + base, d.dupKeys.end()); }
  /// False if `key` repeats an earlier key of the object.
  bool add(std::string_view key) {
    if (firstDup != NotSorted)
      return index++ != firstDup;
    for (size_t k = base; k < d.dupKeys.size(); ++k)
      if (sameText(d.dupKeys[k], key))
        return false;
    d.dupKeys.push_back(key);
    return true;
  }

private:
  static constexpr size_t NotSorted = SIZE_MAX - 1;
  Impl &d;
  size_t base;
  size_t firstDup = NotSorted;
  size_t index = 0;
};

// ---------------------------------------------------------------- driving

bool RequestDecoder::Impl::decode(llvm::StringRef line) {
  layer.reset();
  // simdjson reads up to SIMDJSON_PADDING bytes past the end.
  size_t need = line.size() + simdjson::SIMDJSON_PADDING;
  if (bufferCapacity < need) {
    bufferCapacity = std::max(need, 2 * bufferCapacity);
    buffer.reset(new char[bufferCapacity]);
  }
  std::memcpy(buffer.get(), line.data(), line.size());
  std::memset(buffer.get() + line.size(), 0, simdjson::SIMDJSON_PADDING);
  dom::element root;
  if (parser.parse(buffer.get(), line.size(), /*realloc_if_needed=*/false).get(root) !=
      simdjson::SUCCESS)
    return fallback(line);

  // Every object is checked for repeated keys on the way (walked ones key
  // by key, the few others whole), so a success has none.
  route = Route::Fast;
  sortKeys = false;
  bailed = false;
  duplicate = false;
  depth = 0;
  dupKeys.clear();
  sortedFields.clear();
  slots.clear();
  if (decodeRequest(root))
    return true;

  // parseJsonText reports the first duplicate key before anything else.
  dupKeys.clear();
  std::string_view dup;
  if (findDuplicate(root, dup)) {
    *error = {"", "duplicate key `" + std::string(dup) + "` in a JSON object"};
    return false;
  }
  assert(!duplicate && "a repeated key is found again by the full check");
  if (bailed)
    return fallback(line);

  // An error: walk again in the reference's (sorted) key order to report
  // the error it reports first.
  route = Route::FastSortedError;
  sortKeys = true;
  depth = 0;
  sortedFields.clear();
  slots.clear();
  out->clear(out->getStore());
  bool ok = decodeRequest(root);
  assert(!ok && "the order of fields cannot turn an error into a success");
  if (ok || bailed)
    return fallback(line);
  return false;
}

bool RequestDecoder::Impl::fallback(llvm::StringRef line) {
  route = Route::Fallback;
  out->clear(out->getStore());
  std::optional<Json> j = parseJsonText(line, *error);
  if (!j)
    return false;
  std::optional<ParsedRequest> req = parseRequestJson(*j, schema, *error, clock);
  if (!req)
    return false;
  agentPart = std::move(req->agentPart);
  const runtime::Request &r = req->request;
  out->setPrincipal(out->internEntity(r.principal.type, r.principal.id));
  out->setAction(out->internEntity(r.action.type, r.action.id));
  out->setResource(out->internEntity(r.resource.type, r.resource.id));
  out->setContext(rt::toVal(r.context, *out));
  if (req->hasEntities) {
    // The reference engine layers these when deciding and reports a
    // failure as the decision error `entities: <why>`.
    std::string why;
    layer = runtime::EntityStore::buildLayer(std::move(req->entities), *baseEntities, why);
    if (!layer || !out->setRequestEntities(*layer, why)) {
      *error = {"entities", why};
      return false;
    }
  }
  return true;
}

// ------------------------------------------------------- duplicate keys

size_t RequestDecoder::Impl::firstDuplicateIndex(dom::object o) {
  dupSort.clear();
  size_t i = 0;
  for (dom::key_value_pair kv : o)
    dupSort.emplace_back(kv.key, i++);
  std::sort(dupSort.begin(), dupSort.end());
  size_t first = SIZE_MAX;
  for (size_t k = 1; k < dupSort.size(); ++k)
    if (dupSort[k].first == dupSort[k - 1].first &&
        (k < 2 || dupSort[k - 2].first != dupSort[k].first))
      first = std::min(first, dupSort[k].second);
  return first;
}

/// The duplicate parseJsonText reports: the first key, in document order,
/// that repeats an earlier key of its object.
bool RequestDecoder::Impl::findDuplicate(dom::element e, std::string_view &dup) {
  // Scalars are skipped before the call, not in it: most values are
  // scalars, and this runs on every extension value of a request.
  if (e.type() == ET::ARRAY) {
    dom::array a = e.get_array().value_unsafe();
    for (dom::element c : a)
      if (mayHoldKeys(c) && findDuplicate(c, dup))
        return true;
    return false;
  }
  if (e.type() != ET::OBJECT)
    return false;
  dom::object o = getObject(e);
  bool pairwise = o.size() <= PairwiseDuplicateLimit;
  size_t firstDup = pairwise ? SIZE_MAX : firstDuplicateIndex(o);
  size_t base = dupKeys.size(), i = 0;
  for (dom::key_value_pair kv : o) {
    if (pairwise) {
      for (size_t k = base; k < dupKeys.size(); ++k)
        if (sameText(dupKeys[k], kv.key)) {
          dup = kv.key;
          return true;
        }
      dupKeys.push_back(kv.key);
    } else if (i == firstDup) {
      dup = kv.key;
      return true;
    }
    if (mayHoldKeys(kv.value) && findDuplicate(kv.value, dup))
      return true;
    ++i;
  }
  dupKeys.erase(dupKeys.begin() + base, dupKeys.end());
  return false;
}

// -------------------------------------------------------------- requests

/// Calls f(key, value) for each field: in document order, or in the
/// reference's sorted order when looking for the error it reports.
template <typename F> bool RequestDecoder::Impl::forEachField(dom::object o, F &&f) {
  if (!sortKeys) {
    KeyScope keys(*this, o);
    for (dom::key_value_pair kv : o) {
      if (!keys.add(kv.key))
        return duplicateFound();
      if (!f(kv.key, kv.value))
        return false;
    }
    return true;
  }
  // Only after a full check found no repeated key.
  size_t base = sortedFields.size();
  for (dom::key_value_pair kv : o)
    sortedFields.emplace_back(kv.key, kv.value);
  std::sort(sortedFields.begin() + base, sortedFields.end(),
            [](const auto &a, const auto &b) { return a.first < b.first; });
  size_t end = sortedFields.size();
  bool ok = true;
  for (size_t i = base; i < end && ok; ++i) {
    auto kv = sortedFields[i]; // nested calls may grow the vector
    ok = f(kv.first, kv.second);
  }
  sortedFields.resize(base);
  return ok;
}

/// request_json.cpp parseRequestJson.
bool RequestDecoder::Impl::decodeRequest(dom::element root) {
  if (!isObject(root))
    return fail("", "a request must be a JSON object");
  dom::object o = getObject(root);
  // ORDER: principal, action, resource, context, entities, then the agent
  // part (time, agent), which is read after the principal and before the
  // context, as the reference does.
  static constexpr std::string_view names[] = {"principal", "action", "resource", "context",
                                               "entities",  "time",   "agent"};
  dom::element fields[7];
  bool present[7] = {};
  bool known = forEachField(o, [&](std::string_view k, dom::element v) {
    for (int i = 0; i < 7; ++i)
      if (sameText(k, names[i])) {
        fields[i] = v;
        present[i] = true;
        return true;
      }
    std::string key(k);
    error->path = key;
    error->message = "unknown request field `" + key + "`";
    return false;
  });
  if (!known)
    return false;
  if (present[4])
    return bail();

  uint32_t ids[3];
  std::string_view principalType, principalId, actionType, actionId;
  for (int i = 0; i < 3; ++i) {
    dom::element e = fields[i];
    if (!present[i]) {
      std::string name(names[i]);
      return fail(name.c_str(), "missing field `" + name + "`");
    }
    std::string_view type, id;
    if (isString(e)) {
      if (!uidFromText(getString(e), i, type, id))
        return false;
    } else {
      PathNode path = PathNode::root(llvm::StringRef(names[i].data(), names[i].size()));
      if (!uidFromJson(e, &path, type, id))
        return false;
    }
    ids[i] = out->internEntity(llvm::StringRef(type.data(), type.size()),
                               llvm::StringRef(id.data(), id.size()));
    if (i == 0) {
      principalType = type;
      principalId = id;
    } else if (i == 1) {
      actionType = type;
      actionId = id;
    }
  }
  out->setPrincipal(ids[0]);
  out->setAction(ids[1]);
  out->setResource(ids[2]);
  // In a large store what the decision starts from are cache misses, which
  // can arrive while the context is decoded.
  out->prefetchEntities();

  agentPart.hasAgent = false;
  if (!present[5] && !present[6]) {
    agentPart.timeMillis = clock ? *clock : 0;
  } else if (!decodeAgentPart(present[5] ? &fields[5] : nullptr,
                              present[6] ? &fields[6] : nullptr, principalType, principalId)) {
    return false;
  }
  std::optional<runtime::Value> agentValue;
  if (agentPart.hasAgent)
    agentValue = agent::materializeAgent(
        agentPart, runtime::EntityUid{std::string(principalType), std::string(principalId)});
  const runtime::Value *agent = agentValue ? &*agentValue : nullptr;

  bool ok = true;
  if (present[3])
    ok = decodeContext(fields[3], actionType, actionId, agent);
  else if (schema || agent)
    ok = decodeContext(emptyObject, actionType, actionId, agent);
  else
    out->setContext(Val::record(nullptr, 0));
  return ok;
}

/// The request's `time` and `agent` (compiler/agent/envelope_reader.h, the
/// reader the reference path runs too).
bool RequestDecoder::Impl::decodeAgentPart(const dom::element *time, const dom::element *agent,
                                           std::string_view principalType,
                                           std::string_view principalId) {
  // The reader visits these members by lookup: check them for repeated keys
  // first.
  if ((time && !checkUnwalked(*time)) || (agent && !checkUnwalked(*agent)))
    return false;
  return agent::readAgentPart<agent::SimdjsonAdapter>(
      time, agent, principalType, principalId, clock ? *clock : agent::readClockMillis(),
      agentPart, *error);
}

/// request_json.cpp parseEntityUidText; its errors are worded by the
/// reference. `slot` (0-2) picks the buffer an unescaped id is kept in.
bool RequestDecoder::Impl::uidFromText(std::string_view text, int slot,
                                       std::string_view &type, std::string_view &id) {
  size_t sep = text.find("::\"");
  if (sep == std::string_view::npos || text.size() < sep + 4 || text.back() != '"')
    return bail();
  type = text.substr(0, sep);
  std::string_view body = text.substr(sep + 3, text.size() - sep - 4);
  if (!isTypeName(type))
    return bail();
  // unescapeString copies everything but escapes and (rejected) bare CRs.
  if (body.find_first_of("\\\"\r") == std::string_view::npos) {
    id = body;
    return true;
  }
  // An unescaped quote inside, or a final backslash escaping the closing
  // quote, is an error.
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\')
      ++i;
    else if (body[i] == '"')
      return bail();
  }
  size_t backslashes = 0;
  while (backslashes < body.size() && body[body.size() - 1 - backslashes] == '\\')
    ++backslashes;
  if (backslashes % 2 == 1)
    return bail();
  llvm::SmallVector<UnescapeError, 2> errors;
  if (!unescapeString(llvm::StringRef(body.data(), body.size()), uidIds[slot], errors))
    return bail();
  id = uidIds[slot];
  return true;
}

/// json_value.cpp parseEntityUidJson.
bool RequestDecoder::Impl::uidFromJson(dom::element e, const PathNode *path,
                                       std::string_view &type, std::string_view &id) {
  if (isObject(e)) {
    dom::object o = getObject(e);
    if (std::optional<dom::key_value_pair> kv = singleField(o)) {
      if (sameText(kv->key, "__expr"))
        return fail(path, "the `__expr` escape is no longer supported");
      if (sameText(kv->key, "__entity")) {
        PathNode p = PathNode::key(path, "__entity");
        return typeAndId(kv->value, &p, type, id);
      }
    }
    return typeAndId(e, path, type, id); // the same error without both
  }
  return fail(path, "expected an entity reference `{\"type\": \"..\", \"id\": \"..\"}`, got " +
                        dumpLikeReference(e));
}

/// json_value.cpp typeAndId: extra keys are ignored.
bool RequestDecoder::Impl::typeAndId(dom::element e, const PathNode *path,
                                     std::string_view &type, std::string_view &id) {
  bool hasType = false, hasId = false;
  if (isObject(e) && !findTypeAndId(getObject(e), type, id, hasType, hasId))
    return false;
  if (!hasType || !hasId)
    return fail(path,
                "expected an entity reference `{\"type\": \"..\", \"id\": \"..\"}`, got " +
                    dumpLikeReference(e));
  return checkTypeName(type, path);
}

/// The `type` and `id` strings among an entity reference's fields, in one
/// pass that checks its keys (and nested values) for repeats as it goes;
/// false only for a repeated key. Extra keys are ignored.
bool RequestDecoder::Impl::findTypeAndId(dom::object o, std::string_view &type,
                                         std::string_view &id, bool &hasType, bool &hasId) {
  // The usual shape, `{"type": "T", "id": "i"}` in either order, without
  // the general walk: its two keys differ and its values hold no keys.
  if (o.size() == 2) {
    auto it = o.begin();
    dom::key_value_pair first = *it;
    ++it;
    dom::key_value_pair second = *it;
    if (isString(first.value) && isString(second.value)) {
      if (sameText(first.key, "id"))
        std::swap(first, second);
      if (sameText(first.key, "type") && sameText(second.key, "id")) {
        type = getString(first.value);
        id = getString(second.value);
        hasType = hasId = true;
        return true;
      }
    }
  }
  KeyScope keys(*this, o);
  for (dom::key_value_pair kv : o) {
    if (!keys.add(kv.key))
      return duplicateFound();
    if (mayHoldKeys(kv.value) && !checkUnwalked(kv.value))
      return false;
    if (sameText(kv.key, "type") && isString(kv.value)) {
      type = getString(kv.value);
      hasType = true;
    } else if (sameText(kv.key, "id") && isString(kv.value)) {
      id = getString(kv.value);
      hasId = true;
    }
  }
  return true;
}

bool RequestDecoder::Impl::checkTypeName(std::string_view type, const PathNode *path) {
  return isTypeName(type) ||
         fail(path, "invalid entity type name `" + std::string(type) + "`");
}

bool RequestDecoder::Impl::isTypeName(std::string_view name) {
  if (name.empty())
    return false;
  auto is = [&](const std::string &known) {
    return known.size() == name.size() && sameBytes(known.data(), name.data(), name.size());
  };
  uint32_t key = static_cast<uint32_t>(name.size()) |
                 uint32_t(static_cast<unsigned char>(name.front())) << 8 |
                 uint32_t(static_cast<unsigned char>(name.back())) << 16 |
                 uint32_t(static_cast<unsigned char>(name[name.size() / 2])) << 24;
  unsigned home = (key * 0x9E3779B1u) >> 27; // Fibonacci hashing: 5 bits
  std::string &first = typeNames[home], &second = typeNames[home ^ 1];
  if (is(first) || is(second))
    return true;
  if (!isNormalizedName(llvm::StringRef(name.data(), name.size())))
    return false;
  (first.empty() ? first : second).assign(name);
  return true;
}

const schema::Type *RequestDecoder::Impl::lookupContextType(std::string_view type,
                                                            std::string_view id) {
  if (schema != cachedSchema) {
    contextTypes.clear();
    withoutAgent.clear();
    cachedSchema = schema;
  }
  cacheKey.assign(type);
  cacheKey.push_back('\0');
  cacheKey.append(id);
  auto it = contextTypes.find(cacheKey);
  if (it != contextTypes.end())
    return it->second;
  const schema::Type *t =
      schema->getContextType(schema::ActionUid{std::string(type), std::string(id)});
  if (t) {
    if (contextTypes.size() >= 4096) // bounded: ids come from requests
      contextTypes.clear();
    contextTypes[cacheKey] = t;
  }
  return t;
}

/// request_json.cpp parseContextJson.
bool RequestDecoder::Impl::decodeContext(dom::element ctx, std::string_view actionType,
                                         std::string_view actionId,
                                         const runtime::Value *agent) {
  if (!isObject(ctx))
    return fail("context", "the context must be a JSON object");
  dom::element unused;
  if (agent && getField(ctx, "agent", unused))
    return fail("context.agent", "the context has a member `agent`, which the agent envelope "
                                 "would replace");
  const schema::Type *type = nullptr;
  if (schema) {
    type = lookupContextType(actionType, actionId);
    if (!type) {
      runtime::EntityUid action{std::string(actionType), std::string(actionId)};
      return fail("action", "action " + action.str() +
                                " is not declared in the schema, so its context cannot be parsed");
    }
    if (agent) {
      auto [it, added] = withoutAgent.try_emplace(type);
      if (added)
        it->second = agent::contextTypeWithoutAgent(*type);
      if (it->second)
        type = it->second.get();
    }
  }
  depth = 0;
  PathNode path = PathNode::root("context");
  Val v;
  if (!decodeTyped(ctx, type, &path, v))
    return false;
  if (!v.is(rt::Kind::Record))
    return fail("context", "the context must be a record");
  out->setContext(v);
  if (agent)
    agent::addAgentToContext(*out, *agent);
  return true;
}

// ---------------------------------------------------------------- values

/// json_value.cpp JsonValueParser::parse.
bool RequestDecoder::Impl::decodeTyped(dom::element e, const schema::Type *expected,
                                       const PathNode *path, Val &v) {
  DepthGuard guard(depth);
  if (guard.tooDeep())
    return fail(path, "value nested too deeply");
  if (!expected)
    return decodePlain(e, path, v);
  switch (expected->getKind()) {
  case schema::TypeKind::Bool:
  case schema::TypeKind::Long:
  case schema::TypeKind::String:
    return decodePlain(e, path, v);
  case schema::TypeKind::Entity: {
    std::string_view type, id;
    if (!uidFromJson(e, path, type, id))
      return false;
    v = Val::entityId(out->internEntity(llvm::StringRef(type.data(), type.size()),
                                        llvm::StringRef(id.data(), id.size())));
    return true;
  }
  case schema::TypeKind::Extension:
    return decodeExtension(e, expected->getExtensionKind(), v);
  case schema::TypeKind::Set: {
    if (e.type() != ET::ARRAY)
      return fail(path, "type mismatch: expected " + expected->str() + ", got " + kindName(e));
    dom::array a = e.get_array().value_unsafe();
    size_t n = a.size();
    if (n >= SaturatedCount)
      return bail();
    Val *elems = out->getArena().allocate<Val>(n);
    size_t i = 0;
    for (dom::element c : a) {
      PathNode p = PathNode::at(path, i);
      if (!decodeTyped(c, expected->getElement().get(), &p, elems[i]))
        return false;
      ++i;
    }
    v = rt::makeSet(elems, static_cast<uint32_t>(n));
    return true;
  }
  case schema::TypeKind::Record:
    if (!isObject(e))
      return fail(path, "type mismatch: expected a record, got " + std::string(kindName(e)));
    return decodeTypedRecord(getObject(e), *expected, path, v);
  }
  return decodePlain(e, path, v);
}

/// The Record case of JsonValueParser::parse: declared attributes in schema
/// order (required ones must be present), then the first undeclared key in
/// sorted order is an error.
bool RequestDecoder::Impl::decodeTypedRecord(dom::object o, const schema::Type &expected,
                                             const PathNode *path, Val &v) {
  llvm::ArrayRef<schema::Attribute> attrs = expected.getAttributes();
  size_t base = slots.size();
  slots.resize(base + attrs.size(), {false, dom::element()});
  std::optional<std::string_view> undeclared; // the smallest undeclared key
  KeyScope keys(*this, o);
  for (dom::key_value_pair kv : o) {
    if (!keys.add(kv.key))
      return duplicateFound();
    const schema::Attribute *a =
        expected.getAttribute(llvm::StringRef(kv.key.data(), kv.key.size()));
    if (!a) {
      if (!undeclared || kv.key < *undeclared)
        undeclared = kv.key;
      continue;
    }
    slots[base + static_cast<size_t>(a - attrs.data())] = {true, kv.value};
  }
  rt::Field *fields = out->getArena().allocate<rt::Field>(attrs.size());
  uint32_t n = 0;
  for (size_t i = 0; i < attrs.size(); ++i) {
    auto [present, value] = slots[base + i]; // nested calls may grow `slots`
    const schema::Attribute &a = attrs[i];
    if (!present) {
      if (a.required)
        return fail(path, "required attribute `" + a.name + "` is missing");
      continue;
    }
    PathNode p = PathNode::key(path, a.name);
    if (!decodeTyped(value, a.type.get(), &p, fields[n].value))
      return false;
    fields[n].key = out->internAttr(a.name);
    ++n;
  }
  slots.resize(base);
  if (undeclared) {
    PathNode p = PathNode::key(path, *undeclared);
    return fail(&p, "attribute `" + std::string(*undeclared) +
                        "` is not declared in the schema");
  }
  uint32_t dupKey = 0;
  bool unique = rt::makeRecord(fields, n, v, dupKey);
  assert(unique && "schema attributes are unique");
  return unique || bail();
}

/// json_value.cpp JsonValueParser::parsePlain.
bool RequestDecoder::Impl::decodePlain(dom::element e, const PathNode *path, Val &v) {
  DepthGuard guard(depth);
  if (guard.tooDeep())
    return fail(path, "value nested too deeply");
  switch (e.type()) {
  case ET::BOOL:
    v = Val::boolean(e.get_bool().value_unsafe());
    return true;
  case ET::INT64:
    v = Val::integer(e.get_int64().value_unsafe());
    return true;
  case ET::UINT64: // simdjson uses it only above INT64_MAX
    return fail(path, "integer " + std::to_string(e.get_uint64().value_unsafe()) +
                          " does not fit in a 64-bit signed integer");
  case ET::DOUBLE:
    return fail(path, "floating-point numbers are not supported: " +
                          Json(e.get_double().value_unsafe()).dump());
  case ET::STRING: {
    std::string_view s = getString(e);
    v = Val::string(out->getArena().copyString(llvm::StringRef(s.data(), s.size())));
    return true;
  }
  case ET::NULL_VALUE:
    return fail(path, "null is not a Cedar value");
  case ET::ARRAY: {
    dom::array a = e.get_array().value_unsafe();
    size_t n = a.size();
    if (n >= SaturatedCount)
      return bail();
    Val *elems = out->getArena().allocate<Val>(n);
    size_t i = 0;
    for (dom::element c : a) {
      PathNode p = PathNode::at(path, i);
      if (!decodePlain(c, &p, elems[i]))
        return false;
      ++i;
    }
    v = rt::makeSet(elems, static_cast<uint32_t>(n));
    return true;
  }
  case ET::OBJECT:
    break;
  }

  dom::object o = getObject(e);
  // Escapes are recognised only in their exact shape; anything else is an
  // ordinary record.
  if (std::optional<dom::key_value_pair> kv = singleField(o)) {
    dom::element inner = kv->value;
    if (sameText(kv->key, "__extn") && isObject(inner) && getObject(inner).size() >= 2) {
      dom::object call = getObject(inner);
      ExtnFields f = getExtnFields(call);
      if (f.hasFn && isString(f.fn)) {
        // The usual `{"fn": "..", "arg": ".."}` cannot repeat a key: its two
        // keys are `fn` and `arg`, and strings hold none.
        bool plainCall = call.size() == 2 && f.hasArg && isString(f.arg);
        if (!plainCall && !checkUnwalked(inner))
          return false;
        if (f.hasArg)
          return callConstructor(getString(f.fn), f.arg, v);
        if (f.hasArgs && f.args.type() == ET::ARRAY) {
          PathNode escPath = PathNode::key(path, "__extn");
          return callOffset(getString(f.fn), f.args, /*typed=*/false, &escPath, v);
        }
      }
    }
    if (sameText(kv->key, "__expr") && isString(inner))
      return fail(path, "the `__expr` escape is no longer supported");
    if (sameText(kv->key, "__entity") && isObject(inner) && getObject(inner).size() >= 2) {
      // An escape only with both strings; otherwise an ordinary record.
      std::string_view type, id;
      bool hasType = false, hasId = false;
      if (!findTypeAndId(getObject(inner), type, id, hasType, hasId))
        return false;
      if (hasType && hasId) {
        PathNode p = PathNode::key(path, "__entity");
        if (!checkTypeName(type, &p))
          return false;
        v = Val::entityId(out->internEntity(llvm::StringRef(type.data(), type.size()),
                                            llvm::StringRef(id.data(), id.size())));
        return true;
      }
    }
  }
  size_t n = o.size();
  if (n >= SaturatedCount)
    return bail();
  rt::Field *fields = out->getArena().allocate<rt::Field>(n);
  uint32_t k = 0;
  bool ok = forEachField(o, [&](std::string_view key, dom::element value) {
    PathNode p = PathNode::key(path, key);
    if (!decodePlain(value, &p, fields[k].value))
      return false;
    fields[k].key = out->internAttr(llvm::StringRef(key.data(), key.size()));
    ++k;
    return true;
  });
  if (!ok)
    return false;
  uint32_t dupKey = 0;
  bool unique = rt::makeRecord(fields, k, v, dupKey);
  assert(unique && "duplicate keys were rejected before");
  return unique || bail();
}

/// json_value.cpp JsonValueParser::parseExtension, fast cases only: the
/// implicit constructor on a string, or `{"__extn": {"fn", "arg"}}` /
/// `{"fn", "arg"}` naming a constructor. The rest goes to the reference.
bool RequestDecoder::Impl::decodeExtension(dom::element e, schema::ExtensionKind kind,
                                           Val &v) {
  if (isString(e)) {
    const runtime::ExtensionFunctionInfo *ctor =
        runtime::getConstructorFor(getValueKind(kind));
    assert(ctor && "every extension type has a constructor");
    return callConstructor(std::string_view(ctor->name.data(), ctor->name.size()), e, v);
  }
  if (!isObject(e))
    return bail();
  if (!checkUnwalked(e))
    return false;
  dom::object o = getObject(e);
  dom::object fa = o; // `{"__extn": {"fn", ...}}` or `{"fn", ...}`
  if (std::optional<dom::key_value_pair> kv = singleField(o)) {
    if (sameText(kv->key, "__expr"))
      return bail();
    if (sameText(kv->key, "__extn") && isObject(kv->value))
      fa = getObject(kv->value);
  }
  // A typed call checks the argument count, which a constructor's one
  // `arg` always passes; its argument is then read as a plain value.
  ExtnFields f = getExtnFields(fa);
  if (f.hasFn && isString(f.fn)) {
    if (f.hasArg)
      return callConstructor(getString(f.fn), f.arg, v);
    if (f.hasArgs && f.args.type() == ET::ARRAY)
      return callOffset(getString(f.fn), f.args, /*typed=*/true, nullptr, v);
  }
  return bail();
}

/// JsonValueParser::callFunction for a constructor applied to one string:
/// the extension's parser straight into a Val. Failures (and every other
/// function) go to the reference, which words the message.
bool RequestDecoder::Impl::callConstructor(std::string_view fn, dom::element arg, Val &v) {
  // The argument is read by parsePlain, one frame deeper.
  if (!isString(arg) || depth + 1 > MaxDepth)
    return bail();
  rt::Builtin f;
  if (!findConstructor(fn, f))
    return bail();
  // The VM's own constructor (ipaddrs go to the request's arena).
  Val text = Val::string(llvm::StringRef(getString(arg).data(), getString(arg).size()));
  rt::EvalError err;
  return rt::detail::callExtension(f, &text, out->getArena(), v, err) || bail();
}

bool RequestDecoder::Impl::findConstructor(std::string_view fn, rt::Builtin &out) {
  for (const Constructor &c : constructors)
    if (sameText(c.name, fn)) {
      out = c.builtin;
      return true;
    }
  if (!rt::lookupBuiltin(llvm::StringRef(fn.data(), fn.size()), /*asMethod=*/false, out) ||
      !rt::getBuiltinInfo(out).isConstructor)
    return false;
  constructors.push_back({std::string(fn), out});
  return true;
}

/// JsonValueParser::callFunction for `offset` on two arguments, the form
/// Cedar writes datetimes in (`offset(datetime("1970-01-01"), duration(..))`).
/// Other functions, and failures, go to the reference.
bool RequestDecoder::Impl::callOffset(std::string_view fn, dom::element args, bool typed,
                                      const PathNode *escPath, Val &v) {
  dom::array a = args.get_array().value_unsafe();
  if (fn != "offset" || a.size() != 2)
    return bail();
  Val vals[2];
  size_t i = 0;
  for (dom::element arg : a) {
    if (typed) {
      // A typed argument of an extension type is read as that type.
      schema::ExtensionKind kind =
          i == 0 ? schema::ExtensionKind::Datetime : schema::ExtensionKind::Duration;
      if (!decodeExtension(arg, kind, vals[i]))
        return false;
    } else {
      PathNode p = PathNode::at(escPath, i);
      if (!decodePlain(arg, &p, vals[i]))
        return false;
    }
    ++i;
  }
  if (!vals[0].is(rt::Kind::Datetime) || !vals[1].is(rt::Kind::Duration))
    return bail();
  ext::ExtResult<ext::Datetime> r = vals[0].getDatetime().offset(vals[1].getDuration());
  if (!r.ok())
    return bail();
  v = Val::datetime(r.value);
  return true;
}

// ------------------------------------------------------------------ API

RequestDecoder::RequestDecoder() : impl(std::make_unique<Impl>()) {}
RequestDecoder::~RequestDecoder() = default;

bool RequestDecoder::decode(llvm::StringRef jsonLine, const schema::Schema *schema,
                            const runtime::EntityStore &entities, rt::PreparedRequest &out,
                            JsonError &error, std::optional<int64_t> clockMillis) {
  impl->clock = clockMillis;
  impl->out = &out;
  impl->schema = schema;
  impl->baseEntities = &entities;
  impl->error = &error;
  if (!impl->decode(jsonLine))
    return false;
  // The principal's and resource's records have arrived by now (decodeRequest
  // asked for them before the context): read them, and ask for what they
  // point to.
  out.resolve();
  out.prefetchResolved();
  return true;
}

const agent::AgentPart &RequestDecoder::getAgentPart() const { return impl->agentPart; }

void RequestDecoder::forgetSchema() {
  impl->contextTypes.clear();
  impl->withoutAgent.clear();
  impl->cachedSchema = nullptr;
}

RequestDecoder::Route RequestDecoder::getLastRoute() const { return impl->route; }

const runtime::EntityStore *RequestDecoder::getRequestEntities() const {
  return impl->layer ? &*impl->layer : nullptr;
}

} // namespace larch::json
