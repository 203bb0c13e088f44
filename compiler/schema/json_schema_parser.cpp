// Schema: the JSON schema format -> RawSchema. Entry point: parseJsonSchema.
// Two steps: a SAX handler builds the nlohmann::json tree and records the
// byte range of every value and key (nlohmann keeps none), rejecting
// duplicate keys; then a walker checks the shape Cedar's serde definitions
// accept (unknown fields, missing fields, wrong kinds, invalid names).
#include "compiler/schema/json_schema_parser.h"

#include <nlohmann/json.hpp>

#include "llvm/ADT/StringExtras.h"

#include <iterator>
#include <unordered_map>

namespace larch::schema {

namespace {

using Json = nlohmann::json;

/// A char iterator that publishes how far nlohmann's lexer has read, so the
/// SAX callbacks can tell where the token they receive ends.
class CountingIterator {
public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char *;
  using reference = const char &;

  CountingIterator() = default;
  CountingIterator(const char *p, const char **published)
      : p(p), published(published) {}
  reference operator*() const { return *p; }
  CountingIterator &operator++() {
    ++p;
    if (published)
      *published = p;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator old = *this;
    ++*this;
    return old;
  }
  friend bool operator==(const CountingIterator &a, const CountingIterator &b) {
    return a.p == b.p;
  }
  friend bool operator!=(const CountingIterator &a, const CountingIterator &b) {
    return a.p != b.p;
  }

private:
  const char *p = nullptr;
  const char **published = nullptr;
};

/// Builds the DOM and the location side tables.
class LocatingSax {
public:
  LocatingSax(llvm::StringRef text, uint32_t fileId, DiagnosticEngine &diags,
              unsigned maxDepth)
      : text(text), fileId(fileId), diags(diags), maxDepth(maxDepth),
        readTo(text.data()) {}

  bool parse() {
    CountingIterator first(text.data(), &readTo);
    CountingIterator last(text.data() + text.size(), nullptr);
    bool ok = Json::sax_parse(first, last, this);
    return ok && !failed;
  }

  Json root;
  std::unordered_map<const Json *, SourceRange> valueLocs, keyLocs;
  SourceRange rootLoc;

  // ---- SAX interface ----
  bool null() { return scalar(Json(nullptr), literalBegin(4)); }
  bool boolean(bool v) { return scalar(Json(v), literalBegin(v ? 4 : 5)); }
  bool number_integer(Json::number_integer_t v) {
    return number(Json(v));
  }
  bool number_unsigned(Json::number_unsigned_t v) { return number(Json(v)); }
  bool number_float(Json::number_float_t v, const std::string &) {
    return number(Json(v));
  }
  bool string(std::string &v) {
    uint32_t end = pos();
    return scalar(Json(std::move(v)), stringBegin(end), end);
  }
  bool binary(Json::binary_t &) { return false; }
  bool start_object(std::size_t) { return open(Json::object()); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_array() { return close(); }
  bool key(std::string &k) {
    uint32_t end = pos();
    uint32_t begin = stringBegin(end);
    Frame &f = frames.back();
    if (f.container->contains(k)) {
      diags.error(DiagCode::SchemaJsonStructure, range(begin, end),
                  "invalid entry: found duplicate key `" +
                      escapeForMessage(k) + "`");
      failed = true;
      return false;
    }
    f.slot = &(*f.container)[k];
    keyLocs[f.slot] = range(begin, end);
    return true;
  }
  bool parse_error(std::size_t position, const std::string &,
                   const nlohmann::detail::exception &ex) {
    std::string msg = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: x"
    size_t colon = msg.find(": ", msg.find("column"));
    if (colon != std::string::npos)
      msg = msg.substr(colon + 2);
    if (!msg.empty())
      msg[0] = llvm::toLower(msg[0]);
    while (!msg.empty() && msg.back() == '.')
      msg.pop_back();
    uint32_t at = static_cast<uint32_t>(
        std::min<size_t>(position ? position - 1 : 0, text.size()));
    diags.error(DiagCode::SchemaInvalidJson,
                range(at, std::min<uint32_t>(at + 1, text.size())),
                "invalid JSON: " + escapeForMessage(msg));
    failed = true;
    return false;
  }

private:
  struct Frame {
    Json *container;
    Json *slot = nullptr; ///< objects: where the next value goes
    uint32_t begin;
    std::vector<SourceRange> elementLocs; ///< arrays: fixed up on close
  };

  SourceRange range(uint32_t b, uint32_t e) const { return {fileId, b, e}; }
  uint32_t pos() const { return static_cast<uint32_t>(readTo - text.data()); }
  uint32_t literalBegin(uint32_t len) const {
    return pos() >= len ? pos() - len : 0;
  }
  /// The opening quote of the string that ends (after its quote) at `end`.
  uint32_t stringBegin(uint32_t end) const {
    if (end < 2)
      return 0;
    for (int64_t i = static_cast<int64_t>(end) - 2; i >= 0; --i) {
      if (text[i] != '"')
        continue;
      int64_t k = i - 1;
      while (k >= 0 && text[k] == '\\')
        --k;
      if ((i - 1 - k) % 2 == 0)
        return static_cast<uint32_t>(i);
    }
    return 0;
  }
  static bool isNumberChar(char c) {
    return llvm::isDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' ||
           c == 'E';
  }
  bool number(Json v) {
    // The lexer has read one character past the number (unless at the end).
    uint32_t end = pos();
    if (end > 0 && end <= text.size() && !isNumberChar(text[end - 1]))
      --end;
    uint32_t begin = end;
    while (begin > 0 && isNumberChar(text[begin - 1]))
      --begin;
    return scalar(std::move(v), begin, end);
  }

  /// Places `v` in the current container; returns where it now lives.
  Json *place(Json v, SourceRange loc) {
    if (frames.empty()) {
      root = std::move(v);
      rootLoc = loc;
      return &root;
    }
    Frame &f = frames.back();
    if (f.container->is_array()) {
      f.container->push_back(std::move(v));
      f.elementLocs.push_back(loc);
      return &f.container->back();
    }
    *f.slot = std::move(v);
    valueLocs[f.slot] = loc;
    return f.slot;
  }
  bool scalar(Json v, uint32_t begin) { return scalar(std::move(v), begin, pos()); }
  bool scalar(Json v, uint32_t begin, uint32_t end) {
    place(std::move(v), range(begin, end));
    return true;
  }
  bool open(Json v) {
    uint32_t begin = pos() ? pos() - 1 : 0;
    if (frames.size() >= maxDepth) {
      diags.error(DiagCode::NestingTooDeep, range(begin, begin + 1),
                  "JSON nesting is deeper than " + std::to_string(maxDepth) +
                      " levels");
      failed = true;
      return false;
    }
    Json *slot = place(std::move(v), range(begin, begin + 1));
    frames.push_back(Frame{slot, nullptr, begin, {}});
    return true;
  }
  bool close() {
    Frame f = std::move(frames.back());
    frames.pop_back();
    SourceRange loc = range(f.begin, pos());
    if (f.container->is_array())
      for (size_t i = 0; i < f.elementLocs.size(); ++i)
        valueLocs[&(*f.container)[i]] = f.elementLocs[i];
    // Fix the end of the container's own range.
    if (frames.empty()) {
      rootLoc = loc;
    } else if (frames.back().container->is_array()) {
      frames.back().elementLocs.back() = loc;
    } else {
      valueLocs[f.container] = loc;
    }
    return true;
  }

  llvm::StringRef text;
  uint32_t fileId;
  DiagnosticEngine &diags;
  unsigned maxDepth;
  const char *readTo;
  std::vector<Frame> frames;
  bool failed = false;
};

// ---- walking the tree ----

const char *kindName(const Json &v) {
  switch (v.type()) {
  case Json::value_t::null: return "null";
  case Json::value_t::boolean: return "a boolean";
  case Json::value_t::string: return "a string";
  case Json::value_t::number_integer:
  case Json::value_t::number_unsigned:
  case Json::value_t::number_float: return "a number";
  case Json::value_t::object: return "an object";
  case Json::value_t::array: return "an array";
  default: return "an unsupported value";
  }
}

class Walker {
public:
  Walker(const LocatingSax &sax, DiagnosticEngine &diags)
      : sax(sax), diags(diags) {}

  void walkSchema(RawSchema &out);

private:
  SourceRange loc(const Json &v) const {
    if (&v == &sax.root)
      return sax.rootLoc;
    auto it = sax.valueLocs.find(&v);
    return it == sax.valueLocs.end() ? sax.rootLoc : it->second;
  }
  SourceRange keyLoc(const Json &v) const {
    auto it = sax.keyLocs.find(&v);
    return it == sax.keyLocs.end() ? loc(v) : it->second;
  }
  void error(SourceRange at, std::string msg) {
    diags.error(DiagCode::SchemaJsonStructure, at, std::move(msg));
  }
  bool expectKind(const Json &v, bool ok, const char *expected) {
    if (!ok)
      error(loc(v), std::string("invalid type: ") + kindName(v) +
                        ", expected " + expected);
    return ok;
  }
  /// Rejects keys of `obj` not in `allowed`.
  bool checkFields(const Json &obj, std::initializer_list<const char *> allowed);
  bool checkName(const Json &v, bool allowQualified, const char *what,
                 std::string &out);
  void walkNamespace(const std::string &name, const Json &v, RawNamespace &ns);
  void walkAnnotations(const Json &v, Annotations &out);
  bool walkType(const Json &v, RawType &out, bool isAttribute,
                bool isCommonDef);
  void walkEntityType(const std::string &name, const Json &v, RawNamespace &ns);
  void walkAction(const std::string &name, const Json &v, RawNamespace &ns);
  bool walkNameList(const Json &v, std::vector<RawName> &out);

  const LocatingSax &sax;
  DiagnosticEngine &diags;
};

bool Walker::checkFields(const Json &obj,
                         std::initializer_list<const char *> allowed) {
  bool ok = true;
  for (const auto &[k, v] : obj.items()) {
    bool found = false;
    for (const char *a : allowed)
      found |= k == a;
    if (found)
      continue;
    std::string expected;
    for (const char *a : allowed)
      expected += (expected.empty() ? "`" : ", `") + std::string(a) + "`";
    error(keyLoc(v), "unknown field `" + escapeForMessage(k) +
                         "`, expected one of " + expected);
    ok = false;
  }
  return ok;
}

/// `Name` (allowQualified) or `Id`: identifiers joined by `::`, none of them
/// a reserved word, written without spaces.
bool Walker::checkName(const Json &v, bool allowQualified, const char *what,
                       std::string &out) {
  if (!expectKind(v, v.is_string(), "a string"))
    return false;
  out = v.get<std::string>();
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(out).split(parts, "::");
  bool ok = allowQualified || parts.size() == 1;
  for (llvm::StringRef p : parts)
    ok &= isIdentifier(p) && !isReservedIdentifier(p);
  if (!ok)
    error(loc(v), std::string("invalid ") + what + " `" +
                      escapeForMessage(out) + "`");
  return ok;
}

void Walker::walkAnnotations(const Json &v, Annotations &out) {
  if (!expectKind(v, v.is_object(), "a map of annotations"))
    return;
  for (const auto &[k, val] : v.items()) {
    if (!isIdentifier(k))
      error(keyLoc(val), "invalid annotation name `" + escapeForMessage(k) + "`");
    if (val.is_null())
      out[k] = "";
    else if (expectKind(val, val.is_string(), "a string or null"))
      out[k] = val.get<std::string>();
  }
}

bool Walker::walkType(const Json &v, RawType &out, bool isAttribute,
                      bool isCommonDef) {
  if (!expectKind(v, v.is_object(), "a type object"))
    return false;
  out.loc = loc(v);
  bool ok = true;
  if (isAttribute)
    ok &= checkFields(v, {"type", "element", "attributes", "additionalAttributes",
                          "name", "required", "annotations"});
  else if (isCommonDef)
    ok &= checkFields(v, {"type", "element", "attributes", "additionalAttributes",
                          "name", "annotations"});
  else
    ok &= checkFields(v, {"type", "element", "attributes",
                          "additionalAttributes", "name"});
  auto typeIt = v.find("type");
  if (typeIt == v.end()) {
    error(loc(v), "missing field `type`");
    return false;
  }
  if (!expectKind(*typeIt, typeIt->is_string(), "a string"))
    return false;
  std::string tag = typeIt->get<std::string>();
  // Fields that a kind of type does not take are unknown fields to Cedar.
  auto reject = [&](std::initializer_list<const char *> fields) {
    for (const char *f : fields)
      if (auto it = v.find(f); it != v.end()) {
        error(keyLoc(*it), "unknown field `" + std::string(f) +
                               "` for type `" + escapeForMessage(tag) + "`");
        ok = false;
      }
  };
  auto need = [&](const char *field) -> const Json * {
    auto it = v.find(field);
    if (it == v.end()) {
      error(loc(v), "missing field `" + std::string(field) + "`");
      ok = false;
      return nullptr;
    }
    return &*it;
  };
  if (tag == "String" || tag == "Long" || tag == "Boolean") {
    reject({"element", "attributes", "additionalAttributes", "name"});
    out.kind = tag == "String" ? RawType::Kind::String
               : tag == "Long" ? RawType::Kind::Long
                               : RawType::Kind::Bool;
  } else if (tag == "Set") {
    reject({"attributes", "additionalAttributes", "name"});
    out.kind = RawType::Kind::Set;
    if (const Json *e = need("element")) {
      auto elem = std::make_shared<RawType>();
      ok &= walkType(*e, *elem, false, false);
      out.element = std::move(elem);
    }
  } else if (tag == "Record") {
    reject({"element", "name"});
    out.kind = RawType::Kind::Record;
    if (auto it = v.find("additionalAttributes"); it != v.end()) {
      if (expectKind(*it, it->is_boolean(), "a boolean"))
        out.additionalAttributes = it->get<bool>();
      else
        ok = false;
    }
    if (const Json *attrs = need("attributes")) {
      if (!expectKind(*attrs, attrs->is_object(), "a map of attributes"))
        return false;
      for (const auto &[name, at] : attrs->items()) {
        RawAttribute attr;
        attr.name = name;
        attr.loc = keyLoc(at);
        if (!walkType(at, attr.type, true, false)) {
          ok = false;
          continue;
        }
        if (auto r = at.find("required"); r != at.end()) {
          if (expectKind(*r, r->is_boolean(), "a boolean"))
            attr.required = r->get<bool>();
          else
            ok = false;
        }
        if (auto a = at.find("annotations"); a != at.end())
          walkAnnotations(*a, attr.annotations);
        out.attrs.push_back(std::move(attr));
      }
    }
  } else if (tag == "Entity" || tag == "EntityOrCommon" || tag == "Extension") {
    reject({"element", "attributes", "additionalAttributes"});
    bool isExtension = tag == "Extension";
    out.kind = isExtension ? RawType::Kind::Extension : RawType::Kind::Ref;
    out.refKind = tag == "Entity" ? RefKind::Entity : RefKind::CommonOrEntity;
    if (const Json *n = need("name")) {
      const char *what = isExtension       ? "extension type"
                         : tag == "Entity" ? "entity type"
                                           : "entity or common type";
      ok &= checkName(*n, !isExtension, what, out.name.text);
      out.name.loc = loc(*n);
    }
  } else {
    // Any other tag names a common type.
    reject({"element", "attributes", "additionalAttributes", "name"});
    out.kind = RawType::Kind::Ref;
    out.refKind = RefKind::Common;
    ok &= checkName(*typeIt, true, "common type", out.name.text);
    out.name.loc = loc(*typeIt);
  }
  return ok;
}

bool Walker::walkNameList(const Json &v, std::vector<RawName> &out) {
  if (!expectKind(v, v.is_array(), "a list of type names"))
    return false;
  bool ok = true;
  for (const Json &n : v) {
    RawName name;
    if (checkName(n, true, "entity type", name.text)) {
      name.loc = loc(n);
      out.push_back(std::move(name));
    } else {
      ok = false;
    }
  }
  return ok;
}

void Walker::walkEntityType(const std::string &name, const Json &v,
                            RawNamespace &ns) {
  RawEntityDecl decl;
  decl.name = RawName{name, keyLoc(v)};
  if (!isIdentifier(name) || isReservedIdentifier(name)) {
    error(keyLoc(v), "invalid entity type name `" + escapeForMessage(name) + "`");
    return;
  }
  if (!expectKind(v, v.is_object(), "an entity type object"))
    return;
  checkFields(v, {"memberOfTypes", "shape", "tags", "enum", "annotations"});
  for (const char *f : {"memberOfTypes", "shape", "tags", "enum", "annotations"})
    if (auto it = v.find(f); it != v.end() && it->is_null())
      error(loc(*it), std::string("invalid type: null, expected a value for `") +
                          f + "`");
  if (auto it = v.find("annotations"); it != v.end() && !it->is_null())
    walkAnnotations(*it, decl.annotations);
  if (auto it = v.find("enum"); it != v.end() && !it->is_null()) {
    std::string unexpected;
    for (const char *f : {"memberOfTypes", "shape", "tags"})
      if (v.contains(f))
        unexpected += (unexpected.empty() ? "" : ", ") + std::string(f);
    if (!unexpected.empty())
      error(keyLoc(*it), "unexpected field: " + unexpected);
    if (!expectKind(*it, it->is_array(), "a non-empty list of strings"))
      return;
    if (it->empty())
      error(loc(*it), "invalid length 0, expected a non-empty list of strings");
    std::vector<std::string> ids;
    for (const Json &id : *it)
      if (expectKind(id, id.is_string(), "a string"))
        ids.push_back(id.get<std::string>());
    decl.enumIds = std::move(ids);
  } else {
    if (auto it = v.find("memberOfTypes"); it != v.end() && !it->is_null())
      walkNameList(*it, decl.memberOfTypes);
    if (auto it = v.find("shape"); it != v.end() && !it->is_null()) {
      RawType shape;
      if (walkType(*it, shape, false, false))
        decl.shape = std::move(shape);
    }
    if (auto it = v.find("tags"); it != v.end() && !it->is_null()) {
      RawType tags;
      if (walkType(*it, tags, false, false))
        decl.tags = std::move(tags);
    }
  }
  ns.entityTypes.push_back(std::move(decl));
}

void Walker::walkAction(const std::string &name, const Json &v,
                        RawNamespace &ns) {
  RawActionDecl decl;
  decl.name = RawName{name, keyLoc(v)};
  if (!expectKind(v, v.is_object(), "an action object"))
    return;
  checkFields(v, {"attributes", "appliesTo", "memberOf", "annotations"});
  if (auto it = v.find("attributes"); it != v.end() && !it->is_null())
    diags.error(DiagCode::SchemaUnsupportedFeature, keyLoc(*it),
                "action declared with attributes: [" + escapeForMessage(name) +
                    "]")
        .help = "action attributes are not supported";
  if (auto it = v.find("annotations"); it != v.end())
    walkAnnotations(*it, decl.annotations);
  if (auto it = v.find("memberOf"); it != v.end() && !it->is_null()) {
    if (expectKind(*it, it->is_array(), "a list of action references")) {
      for (const Json &ref : *it) {
        if (!expectKind(ref, ref.is_object(), "an action reference object"))
          continue;
        checkFields(ref, {"id", "type"});
        RawActionRef r;
        r.loc = loc(ref);
        auto id = ref.find("id");
        if (id == ref.end()) {
          error(loc(ref), "missing field `id`");
          continue;
        }
        if (!expectKind(*id, id->is_string(), "a string"))
          continue;
        r.id = id->get<std::string>();
        if (auto t = ref.find("type"); t != ref.end()) {
          RawName tn;
          if (!checkName(*t, true, "action type", tn.text))
            continue;
          tn.loc = loc(*t);
          r.type = std::move(tn);
        }
        decl.memberOf.push_back(std::move(r));
      }
    }
  }
  if (auto it = v.find("appliesTo"); it != v.end() && !it->is_null()) {
    const Json &a = *it;
    if (expectKind(a, a.is_object(), "an `appliesTo` object")) {
      checkFields(a, {"resourceTypes", "principalTypes", "context"});
      for (const char *f : {"resourceTypes", "principalTypes"}) {
        auto lt = a.find(f);
        if (lt == a.end()) {
          error(loc(a), "missing field `" + std::string(f) + "`");
          continue;
        }
        walkNameList(*lt, f[0] == 'r' ? decl.resourceTypes
                                      : decl.principalTypes);
      }
      if (auto c = a.find("context"); c != a.end()) {
        RawType ctx;
        if (walkType(*c, ctx, false, false))
          decl.context = std::move(ctx);
      }
    }
  }
  ns.actions.push_back(std::move(decl));
}

void Walker::walkNamespace(const std::string &name, const Json &v,
                           RawNamespace &ns) {
  ns.name = name;
  ns.loc = keyLoc(v);
  if (!expectKind(v, v.is_object(), "a namespace definition object"))
    return;
  checkFields(v, {"commonTypes", "entityTypes", "actions", "annotations"});
  if (auto it = v.find("annotations"); it != v.end()) {
    walkAnnotations(*it, ns.annotations);
    if (name.empty() && !ns.annotations.empty())
      error(keyLoc(*it), "annotations are not allowed on the empty namespace");
  }
  for (const char *required : {"entityTypes", "actions"})
    if (!v.contains(required))
      error(loc(v), "missing field `" + std::string(required) + "`");
  if (auto it = v.find("commonTypes"); it != v.end()) {
    if (expectKind(*it, it->is_object(), "a map of common types"))
      for (const auto &[k, t] : it->items()) {
        RawCommonTypeDecl decl;
        decl.name = RawName{k, keyLoc(t)};
        if (!isIdentifier(k) || isReservedIdentifier(k)) {
          error(keyLoc(t), "invalid common type name `" + escapeForMessage(k) +
                               "`");
          continue;
        }
        if (!walkType(t, decl.type, false, true))
          continue;
        if (auto a = t.find("annotations"); a != t.end())
          walkAnnotations(*a, decl.annotations);
        ns.commonTypes.push_back(std::move(decl));
      }
  }
  if (auto it = v.find("entityTypes"); it != v.end())
    if (expectKind(*it, it->is_object(), "a map of entity types"))
      for (const auto &[k, e] : it->items())
        walkEntityType(k, e, ns);
  if (auto it = v.find("actions"); it != v.end())
    if (expectKind(*it, it->is_object(), "a map of actions"))
      for (const auto &[k, a] : it->items())
        walkAction(k, a, ns);
}

void Walker::walkSchema(RawSchema &out) {
  const Json &root = sax.root;
  if (!expectKind(root, root.is_object(), "a map from namespace names to "
                                          "namespace definitions"))
    return;
  for (const auto &[name, def] : root.items()) {
    if (name == "entityTypes" || name == "actions" || name == "commonTypes") {
      diags.error(DiagCode::SchemaJsonStructure, keyLoc(def),
                  "JSON formatted schema must specify a namespace")
          .help = "to use the empty namespace, write it explicitly: "
                  "`{ \"\": {..} }`";
      continue;
    }
    if (!name.empty()) {
      llvm::SmallVector<llvm::StringRef> parts;
      llvm::StringRef(name).split(parts, "::");
      bool ok = true;
      for (llvm::StringRef p : parts)
        ok &= isIdentifier(p) && !isReservedIdentifier(p);
      if (!ok) {
        error(keyLoc(def), "invalid namespace `" + escapeForMessage(name) + "`");
        continue;
      }
    }
    RawNamespace ns;
    walkNamespace(name, def, ns);
    out.namespaces.push_back(std::move(ns));
  }
}

} // namespace

std::optional<RawSchema> parseJsonSchema(llvm::StringRef text, uint32_t fileId,
                                         DiagnosticEngine &diags,
                                         const SchemaParseOptions &opts) {
  unsigned errorsBefore = diags.getNumErrors();
  LocatingSax sax(text, fileId, diags, opts.maxNestingDepth);
  if (!sax.parse()) {
    if (diags.getNumErrors() == errorsBefore)
      diags.error(DiagCode::SchemaInvalidJson, SourceRange{fileId, 0, 0},
                  "invalid JSON");
    return std::nullopt;
  }
  RawSchema raw;
  Walker(sax, diags).walkSchema(raw);
  if (diags.getNumErrors() != errorsBefore)
    return std::nullopt;
  return raw;
}

std::optional<Schema> loadJsonSchema(SourceManager &sm, std::string name,
                                     std::string text, DiagnosticEngine &diags,
                                     const SchemaParseOptions &opts) {
  uint32_t file = sm.addFile(std::move(name), std::move(text));
  auto raw = parseJsonSchema(sm.getText(file), file, diags, opts);
  if (!raw)
    return std::nullopt;
  return resolveSchema(*raw, diags);
}

} // namespace larch::schema
