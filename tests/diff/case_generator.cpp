// Differential testing against Cedar: the random case generator.
//
// Entry point: `main`. `larch_diff_gen --seed S [--count N] --out DIR` writes
// one case per seed S, S+1, ... into DIR/case-<seed>/:
//   policies.cedar   the policy set as Cedar text
//   policies.json    {"positional": bool, "policies": [{"id", "text"}]}: the
//                    id each engine must report for each policy
//   entities.json    the entities, in Cedar's entities JSON format
//   requests.jsonl   one request per line (principal, action, resource, context)
//   larch.args       extra `larch eval` options for this case (one per line)
//
// Every case is a pure function of its seed (our own PRNG, no std
// distributions, whose output differs between standard libraries), so a
// failing seed reproduces anywhere. The generator knows the intended type of
// every attribute, tag and context key, so most expressions are well typed
// and many policies are satisfied; a small share of nodes are deliberately
// ill-typed, overflow, read missing data or build bad extension values, so
// erroring policies are common too.
//
// Independent of Larch on purpose: it depends on nlohmann-json only, never on
// Larch's parser, printer or evaluator.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <tuple>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::ordered_json;

/// SplitMix64: tiny, fast, and identical on every platform.
class Rng {
public:
  explicit Rng(uint64_t seed) : state(seed * 0x9E3779B97F4A7C15ull + 0x1234567ull) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  size_t below(size_t n) {
    return n == 0 ? 0 : static_cast<size_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  /// True with probability percent/100.
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T> const T &pick(const std::vector<T> &v) { return v[below(v.size())]; }

private:
  uint64_t state;
};

// ---- the vocabulary -------------------------------------------------------

/// Intended types of attributes, tags, context keys and expressions.
enum class Ty {
  Bool,
  Long,
  String,
  Entity,
  SetLong,
  SetString,
  SetEntity,
  Profile, // {level: Long, dept: String, flags: {admin: Bool, mfa?: Bool}}
  Decimal,
  Ip,
  Datetime,
  Duration,
};
constexpr unsigned kNumTypes = 12;

struct AttrSpec {
  std::string name;
  Ty type;
};

// INVARIANT: names that are not identifiers (or are reserved) are only
// written with ["..."] and `has "..."` (see attrAccess, hasTest).
const std::vector<AttrSpec> kAttrs = {
    {"name", Ty::String},      {"age", Ty::Long},          {"active", Ty::Bool},
    {"roles", Ty::SetString},  {"scores", Ty::SetLong},    {"owner", Ty::Entity},
    {"friends", Ty::SetEntity}, {"limit", Ty::Decimal},    {"addr", Ty::Ip},
    {"created", Ty::Datetime}, {"ttl", Ty::Duration},      {"profile", Ty::Profile},
    {"weird key", Ty::String}, {"if", Ty::Long},           {"principal", Ty::Bool},
    {"é", Ty::Long},
};

const std::vector<AttrSpec> kTags = {
    {"color", Ty::String}, {"level", Ty::Long}, {"ok", Ty::Bool},
    {"net", Ty::Ip},       {"when", Ty::Datetime}, {"", Ty::String},
};

bool isIdent(const std::string &s) {
  static const std::set<std::string> reserved = {"true", "false", "if", "then", "else",
                                                 "in",   "has",   "like", "is"};
  if (s.empty() || reserved.count(s))
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok)
      return false;
  }
  return true;
}

const std::vector<std::string> kUserIds = {"alice", "bob", "carol", "dave", "", "é\"q\\",
                                           std::string("nul\0'\r", 6)};
const std::vector<std::string> kGroupIds = {"staff", "admins", "everyone", "ops"};
const std::vector<std::string> kDocIds = {"d1", "d2", "d3", "plan*", "日本"};
const std::vector<std::string> kFolderIds = {"root", "shared", "private"};
const std::vector<std::string> kResIds = {"r1", "r2"};
const std::vector<std::string> kActionIds = {"read", "write", "delete", "share"};
const std::vector<std::string> kActionGroups = {"readOnly", "all"};
const std::vector<std::string> kTypes = {"User", "Group", "Doc", "Folder", "NS::Res", "Action"};

const std::vector<std::string> kStrings = {
    "alice", "Alice", "", "a*b", "abc", "x\ny", "tab\there", "quote\"d", "back\\slash",
    "é", "日本語", "😀", "staff", "eng", "*", "aaa", "ops"};
const std::vector<std::string> kLongLits = {
    "0", "1", "2", "3", "7", "10", "42", "100", "-1", "-5", "9223372036854775807",
    "-9223372036854775808", "4611686018427387904", "3037000500", "-9223372036854775807"};
const std::vector<std::string> kDecimals = {
    "1.0", "1.00", "-2.5", "0.0001", "3.1415", "100.25", "922337203685477.5807",
    "-922337203685477.5808", "0.0", "-0.0", "00.5", "-00.1000", "1.0000", "2.5"};
const std::vector<std::string> kBadDecimals = {
    "1", "1.", ".5", "1.23456", "abc", "922337203685477.5808", "1.2.3", "+1.0", " 1.0",
    "1.00000", "-", "1e3", "99999999999999999.0"};
const std::vector<std::string> kIps = {
    "10.0.0.1",      "10.0.0.0/8",  "127.0.0.1",     "127.0.0.1/4", "::1",
    "ff02::1",       "224.0.0.1",   "192.168.1.0/24", "192.168.1.7", "2001:db8::/32",
    "2001:db8::1",   "0.0.0.0/0",   "::/0",          "10.0.0.1/24", "10.0.0.2/24",
    "ff00::/7",      "255.255.255.255", "::ffff:a00:1", "::", "0:0:0:0:0:0:0:1",
    "1.2.3.4/0",     "::1/128",     "127.0.0.1/8",   "224.0.0.0/3", "FF02::1",
    "2001:DB8::1/64", "224.0.0.0/4", "ff00::/8",     "127.255.255.255/32"};
const std::vector<std::string> kBadIps = {
    "1.2.3.4/33", "::ffff:1.2.3.4", "01.2.3.4", "10.0.0.1/024", "1.2.3", "hello", "::1/129",
    "1.2.3.4/", "fe80::1%eth0", "10.0.0.256", "1.2.3.4/-1", ":::1", "1::2::3", ""};
const std::vector<std::string> kDatetimes = {
    "2024-01-01", "2024-02-29T12:30:00Z", "2024-01-01T00:00:00.123Z",
    "2024-06-01T10:00:00+0130", "1969-12-31T23:59:59.999-0100", "1970-01-01",
    "9999-12-31T23:59:59Z", "2000-03-01T00:00:00-2359", "1900-01-01T12:00:00Z",
    "2024-01-01T23:59:59.999+2359", "2024-12-31T00:00:00-0000", "0001-01-01",
    "2024-01-01T00:00:00.000Z", "1969-12-31", "2100-02-28T23:59:59Z"};
const std::vector<std::string> kBadDatetimes = {
    "2023-02-29", "2024-1-01", "2024-01-01T25:00:00Z", "2024-01-01T00:00:00",
    "2024-01-01T00:00:60Z", "24-01-01", "2024-01-01T00:00:00.12Z", "2024-01-01T00:00:00+2400",
    "2024-01-01 00:00:00Z", "2024-02-30", "2024-01-01T00:00:00+0060", "2024-01-01T00:00Z",
    "2024-01-01T00:00:00z", "+2024-01-01", "2024-13-01", "2024-00-10"};
const std::vector<std::string> kDurations = {
    "1d", "2h30m", "-1d2h", "1ms", "0ms", "1d2h3m4s5ms", "90m", "-15s", "36500d",
    "9223372036854775807ms", "-9223372036854775808ms", "24h", "1d0h", "0d", "-0ms",
    "00001h", "59s999ms"};
const std::vector<std::string> kBadDurations = {
    "", "1h1d", "-", "1.5h", "1x", "1d1d", "9223372036854775808ms", "106751991167301d",
    "1 h", "+1h", "1ms1s", "1D", "--1h", "1h-1m", "1"};

// ---- text helpers --------------------------------------------------------

/// A Cedar string literal for `s`, escaping as Cedar's unescaper expects
/// (sometimes spelling non-ASCII characters as \u{...}).
std::string cedarString(const std::string &s, Rng &rng, bool isPattern = false) {
  std::string out = "\"";
  bool spellUnicode = rng.chance(30);
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    case '\0': out += "\\0"; break;
    case '\'': out += rng.chance(50) ? "\\'" : "'"; break;
    case '*': out += isPattern ? "\\*" : "*"; break;
    default:
      if (c >= 0x80 && spellUnicode) {
        // Decode one UTF-8 sequence.
        unsigned len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        uint32_t cp = c & (0x3F >> (len - 1));
        for (unsigned k = 1; k < len && i + k < s.size(); ++k)
          cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        i += len - 1;
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\u{%x}", cp);
        out += buf;
      } else if (c >= 'a' && c <= 'z' && rng.chance(3)) {
        // Escaped plain letters: \x61 and \u{61} spell `a`.
        char buf[16];
        std::snprintf(buf, sizeof buf, rng.chance(50) ? "\\x%02x" : "\\u{%x}", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

struct Uid {
  std::string type;
  std::string id;
  bool operator<(const Uid &o) const { return std::tie(type, id) < std::tie(o.type, o.id); }
};

Json uidJson(const Uid &u) { return Json{{"type", u.type}, {"id", u.id}}; }

// ---- the case -------------------------------------------------------------

class CaseGenerator {
public:
  explicit CaseGenerator(uint64_t seed) : rng(seed) {}

  void generate(const std::filesystem::path &dir);

private:
  Rng rng;
  std::vector<Uid> principals, resources, actions, allUids;
  std::vector<Uid> ghosts; // referenced but not in the store
  int depthBudget = 0;

  // Entities and values as JSON.
  Json entitiesJson();
  Json valueJson(Ty t, int depth);
  Json extnJson(const std::string &fn, const std::string &arg) {
    return Json{{"__extn", Json{{"fn", fn}, {"arg", arg}}}};
  }
  Json attrsJson(int depth);
  /// A duration literal, rarely one of the i64 extremes (an overflowing
  /// datetime in entity data makes Cedar reject the whole entity set).
  std::string smallDuration() {
    std::string d = rng.pick(kDurations);
    while (d.size() > 15 && !rng.chance(5))
      d = rng.pick(kDurations);
    return d;
  }
  Uid anyUid();

  // Policies.
  std::string policy(size_t index, std::string &idOut, bool withIds, std::set<std::string> &used);
  std::string scope(const char *var, const std::vector<Uid> &pool);
  std::string actionScope();

  // Expressions: each returns Cedar text that evaluates to type `t` (or,
  // on purpose, sometimes errors).
  std::string expr(Ty t, int depth);
  std::string leaf(Ty t);
  std::string boolExpr(int depth);
  std::string longExpr(int depth);
  std::string entityExpr(int depth);
  std::string setExpr(Ty t, int depth);
  std::string extExpr(Ty t, int depth);
  std::string errorExpr(int depth);
  std::string predicate(Ty t, const std::string &x, int depth);
  std::string subject();
  std::string attrAccess(const std::string &subj, const std::string &attr);
  std::string hasTest(const std::string &subj, const std::string &attr);
  std::string entityLit(const Uid &u) { return u.type + "::" + cedarString(u.id, rng); }
  std::string likePattern();
  std::string recordLit(int depth);
  Ty randomType() { return static_cast<Ty>(rng.below(kNumTypes)); }
  Ty exprType() {
    // Weighted towards the types policies actually test.
    static const std::vector<Ty> w = {Ty::Bool, Ty::Long, Ty::Long, Ty::String, Ty::String,
                                      Ty::Entity, Ty::Entity, Ty::SetLong, Ty::SetString,
                                      Ty::SetEntity, Ty::Profile, Ty::Decimal, Ty::Ip,
                                      Ty::Datetime, Ty::Duration};
    return rng.pick(w);
  }
};

Uid CaseGenerator::anyUid() {
  if (rng.chance(12))
    return rng.pick(ghosts);
  return rng.pick(allUids);
}

Json CaseGenerator::valueJson(Ty t, int depth) {
  switch (t) {
  case Ty::Bool: return rng.chance(50);
  case Ty::Long: {
    // INVARIANT: integers in JSON data stay within +-(2^53 - 1): cedar-wasm
    // receives entities and contexts as JavaScript values, where larger
    // integers lose precision (and are then rejected). Policy literals carry
    // the i64 extremes instead.
    static const std::vector<int64_t> v = {0, 1, 2, 5, 17, 42, 100, -3, 3037000500,
                                           9007199254740991LL, -9007199254740991LL};
    return rng.pick(v);
  }
  case Ty::String: return rng.pick(kStrings);
  case Ty::Entity: {
    Uid u = anyUid();
    return Json{{"__entity", uidJson(u)}};
  }
  case Ty::SetLong: case Ty::SetString: case Ty::SetEntity: {
    Ty e = t == Ty::SetLong ? Ty::Long : t == Ty::SetString ? Ty::String : Ty::Entity;
    Json a = Json::array();
    size_t n = rng.below(4);
    for (size_t i = 0; i < n; ++i)
      a.push_back(valueJson(rng.chance(93) ? e : randomType(), depth + 1));
    return a;
  }
  case Ty::Profile: {
    Json r = Json::object();
    if (rng.chance(85))
      r["level"] = valueJson(rng.chance(92) ? Ty::Long : Ty::String, depth + 1);
    if (rng.chance(85))
      r["dept"] = valueJson(Ty::String, depth + 1);
    if (rng.chance(80)) {
      Json f = Json::object();
      if (rng.chance(80))
        f["admin"] = rng.chance(50);
      if (rng.chance(40))
        f["mfa"] = rng.chance(50);
      r["flags"] = f;
    }
    if (rng.chance(10)) // a record that looks like an entity reference
      r = Json{{"type", "User"}, {"id", "alice"}};
    return r;
  }
  case Ty::Decimal: return extnJson("decimal", rng.pick(kDecimals));
  case Ty::Ip: return extnJson("ip", rng.pick(kIps));
  case Ty::Datetime:
    if (rng.chance(20)) {
      // The canonical two-argument form: offset(datetime, duration).
      return Json{{"__extn",
                   Json{{"fn", "offset"},
                        {"args", Json::array({extnJson("datetime", rng.pick(kDatetimes)),
                                              extnJson("duration", smallDuration())})}}}};
    }
    return extnJson("datetime", rng.pick(kDatetimes));
  case Ty::Duration: return extnJson("duration", rng.pick(kDurations));
  }
  return nullptr;
}

/// A JSON value Cedar's value syntax rejects (or, for the last forms,
/// accepts in a surprising way).
Json badValueJson(Rng &rng) {
  switch (rng.below(9)) {
  case 0: return nullptr;
  case 1: return 1.5;
  case 2: return Json{{"__expr", "1 + 1"}};
  case 3: return Json{{"__extn", Json{{"fn", "ip"}, {"arg", "not an ip"}}}};
  case 4: return Json{{"__extn", Json{{"fn", "nosuch"}, {"arg", "x"}}}};
  case 5: return Json{{"__entity", Json{{"type", "User"}}}};
  case 6: return Json{{"__extn", Json{{"fn", "decimal"}, {"arg", "1.0"}}}, {"x", 1}};
  case 7: return Json{{"__entity", Json{{"type", "User"}, {"id", "alice"}}}, {"x", 1}};
  default: return Json{{"__extn", Json{{"fn", "decimal"}, {"arg", "1.0"}, {"x", 1}}}};
  }
}

Json CaseGenerator::attrsJson(int depth) {
  Json attrs = Json::object();
  for (const AttrSpec &a : kAttrs) {
    if (!rng.chance(60))
      continue;
    Ty t = rng.chance(92) ? a.type : randomType();
    attrs[a.name] = valueJson(t, depth + 1);
  }
  return attrs;
}

Json CaseGenerator::entitiesJson() {
  // Store entities per type, with parents drawn so the hierarchy is acyclic:
  // an entity's parents come from types later in this list, or from earlier
  // entities of its own type.
  struct TypeSpec {
    std::string type;
    const std::vector<std::string> *ids;
    std::vector<std::string> parentTypes;
  };
  const std::vector<TypeSpec> specs = {
      {"User", &kUserIds, {"Group"}},       {"Group", &kGroupIds, {"Group"}},
      {"Doc", &kDocIds, {"Folder"}},        {"Folder", &kFolderIds, {"Folder"}},
      {"NS::Res", &kResIds, {"Folder"}},
  };
  // First decide which ids are in the store (the rest are ghosts: referenced
  // but absent), so attribute values can refer to any of them.
  const std::vector<std::string> order = {"Group", "Folder", "User", "Doc", "NS::Res"};
  std::map<std::string, std::vector<Uid>> byType;
  for (const std::string &t : order)
    for (const TypeSpec &s : specs)
      if (s.type == t)
        for (const std::string &id : *s.ids) {
          Uid u{s.type, id};
          if (rng.chance(75)) {
            byType[t].push_back(u);
            allUids.push_back(u);
          } else {
            ghosts.push_back(u);
          }
        }
  ghosts.push_back(Uid{"User", "ghost"});
  ghosts.push_back(Uid{"Doc", "ghost"});
  ghosts.push_back(Uid{"NS::User", "alice"});
  for (const std::string &id : kActionIds)
    actions.push_back(Uid{"Action", id});
  actions.push_back(Uid{"Action", "readOnly"});
  for (const Uid &u : actions)
    allUids.push_back(u);

  Json out = Json::array();
  auto emit = [&](const Uid &u, const std::vector<Uid> &parents, bool withData) {
    Json e = Json::object();
    e["uid"] = rng.chance(15) ? Json{{"__entity", uidJson(u)}} : uidJson(u);
    e["attrs"] = withData || rng.chance(20) ? attrsJson(0) : Json::object();
    if (rng.below(300) == 0) // malformed data: both engines must refuse it
      e["attrs"]["bad"] = badValueJson(rng);
    Json ps = Json::array();
    for (const Uid &p : parents)
      ps.push_back(uidJson(p));
    e["parents"] = ps;
    if (withData && rng.chance(55)) {
      Json tags = Json::object();
      for (const AttrSpec &t : kTags)
        if (rng.chance(45))
          tags[t.name] = valueJson(rng.chance(90) ? t.type : randomType(), 1);
      e["tags"] = tags;
    }
    out.push_back(e);
  };
  for (const std::string &t : order) {
    const TypeSpec *spec = nullptr;
    for (const TypeSpec &s : specs)
      if (s.type == t)
        spec = &s;
    const std::vector<Uid> &mine = byType[t];
    for (size_t i = 0; i < mine.size(); ++i) {
      std::vector<Uid> parents;
      for (const std::string &pt : spec->parentTypes) {
        if (pt == t) { // earlier entities of its own type only: acyclic
          for (size_t j = 0; j < i; ++j)
            if (rng.chance(40))
              parents.push_back(mine[j]);
        } else {
          for (const Uid &c : byType[pt])
            if (rng.chance(40))
              parents.push_back(c);
        }
      }
      if (rng.chance(10))
        parents.push_back(Uid{spec->parentTypes.front(), "ghost-parent"});
      if (rng.below(2500) == 0) // a cycle: both engines must reject the entities
        parents.push_back(mine[i]);
      emit(mine[i], parents, true);
    }
  }
  if (rng.below(400) == 0 && !byType["User"].empty()) // a duplicate: rejected too
    emit(byType["User"].front(), {}, true);
  // Actions: two groups, the plain actions members of some of them.
  Uid readOnly{"Action", "readOnly"}, all{"Action", "all"};
  emit(all, {}, false);
  emit(readOnly, {all}, false);
  for (const std::string &id : kActionIds) {
    std::vector<Uid> ps;
    if (id == "read" || rng.chance(30))
      ps.push_back(readOnly);
    if (id != "read" && rng.chance(60))
      ps.push_back(all);
    if (rng.chance(85))
      emit(Uid{"Action", id}, ps, false);
  }
  for (const Uid &u : allUids) {
    if (u.type == "User" || u.type == "Group")
      principals.push_back(u);
    else if (u.type != "Action")
      resources.push_back(u);
  }
  for (const Uid &g : ghosts) {
    if (g.type == "User" || g.type == "Group" || g.type == "NS::User")
      principals.push_back(g);
    else
      resources.push_back(g);
  }
  if (principals.empty())
    principals.push_back(Uid{"User", "ghost"});
  if (resources.empty())
    resources.push_back(Uid{"Doc", "ghost"});
  return out;
}

// ---- expressions ----------------------------------------------------------

std::string CaseGenerator::subject() {
  switch (rng.below(7)) {
  case 0: case 1: return "principal";
  case 2: case 3: return "resource";
  case 4: return "context";
  case 5: return entityLit(anyUid());
  default: return "(principal.owner)";
  }
}

std::string CaseGenerator::attrAccess(const std::string &subj, const std::string &attr) {
  if (!isIdent(attr) || rng.chance(15))
    return subj + "[" + cedarString(attr, rng) + "]";
  return subj + "." + attr;
}

std::string CaseGenerator::hasTest(const std::string &subj, const std::string &attr) {
  if (!isIdent(attr) || rng.chance(15))
    return "(" + subj + " has " + cedarString(attr, rng) + ")";
  return "(" + subj + " has " + attr + ")";
}

std::string CaseGenerator::likePattern() {
  std::string p = "\"";
  size_t n = 1 + rng.below(4);
  static const std::vector<std::string> pieces = {"a", "b", "ali", "ce", "*", "*", "\\*", "é",
                                                  "x\\ny", "日", "staff", "\\\"", "\\\\"};
  for (size_t i = 0; i < n; ++i)
    p += rng.pick(pieces);
  return p + "\"";
}

std::string CaseGenerator::recordLit(int depth) {
  std::string s = "{";
  size_t n = rng.below(4);
  std::set<std::string> keys;
  static const std::vector<std::string> names = {"a", "b", "level", "dept", "weird key",
                                                 "then", "principal"};
  for (size_t i = 0; i < n; ++i) {
    std::string k = rng.pick(names);
    if (!keys.insert(k).second)
      continue;
    if (keys.size() > 1)
      s += ", ";
    s += (isIdent(k) && !rng.chance(20)) ? k : cedarString(k, rng);
    s += ": " + expr(exprType(), depth + 1);
  }
  if (!keys.empty() && rng.chance(15))
    s += ",";
  return s + "}";
}

std::string CaseGenerator::leaf(Ty t) {
  switch (t) {
  case Ty::Bool: return rng.chance(50) ? "true" : "false";
  case Ty::Long: return rng.pick(kLongLits);
  case Ty::String: return cedarString(rng.pick(kStrings), rng);
  case Ty::Entity: {
    switch (rng.below(5)) {
    case 0: return "principal";
    case 1: return "resource";
    case 2: return "action";
    default: return entityLit(anyUid());
    }
  }
  case Ty::SetLong: return "[1, 2, 3]";
  case Ty::SetString: return "[\"alice\", \"staff\"]";
  case Ty::SetEntity: return "[" + entityLit(anyUid()) + ", " + entityLit(anyUid()) + "]";
  case Ty::Profile: return "{level: 3, dept: \"eng\", flags: {admin: true}}";
  case Ty::Decimal: return "decimal(" + cedarString(rng.pick(kDecimals), rng) + ")";
  case Ty::Ip: return "ip(" + cedarString(rng.pick(kIps), rng) + ")";
  case Ty::Datetime: return "datetime(" + cedarString(rng.pick(kDatetimes), rng) + ")";
  case Ty::Duration: return "duration(" + cedarString(rng.pick(kDurations), rng) + ")";
  }
  return "true";
}

/// A Bool-valued test of `x`, an expression of type `t`.
std::string CaseGenerator::predicate(Ty t, const std::string &x, int depth) {
  switch (t) {
  case Ty::Bool:
    return rng.chance(50) ? x : "(" + x + " == " + leaf(Ty::Bool) + ")";
  case Ty::Long: {
    static const std::vector<std::string> ops = {"<", "<=", ">", ">=", "==", "!="};
    if (rng.chance(20))
      return "((" + x + " + " + leaf(Ty::Long) + ") " + rng.pick(ops) + " " +
             expr(Ty::Long, depth + 1) + ")";
    return "(" + x + " " + rng.pick(ops) + " " + expr(Ty::Long, depth + 1) + ")";
  }
  case Ty::String:
    if (rng.chance(55))
      return "(" + x + " like " + likePattern() + ")";
    return "(" + x + (rng.chance(70) ? " == " : " != ") + expr(Ty::String, depth + 1) + ")";
  case Ty::Entity:
    switch (rng.below(5)) {
    case 0: return "(" + x + " == " + expr(Ty::Entity, depth + 1) + ")";
    case 1: return "(" + x + " in " + expr(Ty::Entity, depth + 1) + ")";
    case 2: return "(" + x + " in " + expr(Ty::SetEntity, depth + 1) + ")";
    case 3: return "(" + x + " is " + rng.pick(kTypes) + ")";
    default:
      return "(" + x + " is " + rng.pick(kTypes) + " in " + expr(Ty::Entity, depth + 1) + ")";
    }
  case Ty::SetLong: case Ty::SetString: case Ty::SetEntity: {
    Ty e = t == Ty::SetLong ? Ty::Long : t == Ty::SetString ? Ty::String : Ty::Entity;
    switch (rng.below(5)) {
    case 0: return "(" + x + ").contains(" + expr(e, depth + 1) + ")";
    case 1: return "(" + x + ").containsAll(" + expr(t, depth + 1) + ")";
    case 2: return "(" + x + ").containsAny(" + expr(t, depth + 1) + ")";
    case 3: return "(" + x + ").isEmpty()";
    default: return "(" + x + " == " + expr(t, depth + 1) + ")";
    }
  }
  case Ty::Profile:
    switch (rng.below(4)) {
    case 0: return "((" + x + " has level) && ((" + x + ").level > 1))";
    case 1: return "(" + x + " has flags.admin)";
    case 2: return "((" + x + " has flags.admin) && (" + x + ").flags.admin)";
    default: return "(" + x + " == " + expr(Ty::Profile, depth + 1) + ")";
    }
  case Ty::Decimal: {
    static const std::vector<std::string> ms = {"lessThan", "lessThanOrEqual", "greaterThan",
                                                "greaterThanOrEqual"};
    if (rng.chance(15))
      return "(" + x + " == " + expr(Ty::Decimal, depth + 1) + ")";
    return "(" + x + ")." + rng.pick(ms) + "(" + expr(Ty::Decimal, depth + 1) + ")";
  }
  case Ty::Ip: {
    switch (rng.below(6)) {
    case 0: return "(" + x + ").isIpv4()";
    case 1: return "(" + x + ").isIpv6()";
    case 2: return "(" + x + ").isLoopback()";
    case 3: return "(" + x + ").isMulticast()";
    case 4: return "(" + x + " == " + expr(Ty::Ip, depth + 1) + ")";
    default: return "(" + x + ").isInRange(" + expr(Ty::Ip, depth + 1) + ")";
    }
  }
  case Ty::Datetime: case Ty::Duration: {
    static const std::vector<std::string> ops = {"<", "<=", ">", ">=", "==", "!="};
    return "(" + x + " " + rng.pick(ops) + " " + expr(t, depth + 1) + ")";
  }
  }
  return "true";
}

std::string CaseGenerator::errorExpr(int depth) {
  switch (rng.below(14)) {
  case 0: return "(9223372036854775807 + " + expr(Ty::Long, depth + 1) + ")";
  case 1: return "(" + expr(Ty::Long, depth + 1) + " * 4611686018427387904)";
  case 2: return "(-(-9223372036854775808))";
  case 3: return attrAccess(subject(), rng.pick(kAttrs).name); // maybe missing
  case 4: return "(" + expr(Ty::Entity, depth + 1) + ").getTag(" + cedarString(rng.pick(kTags).name, rng) + ")";
  case 5: return "decimal(" + cedarString(rng.pick(kBadDecimals), rng) + ")";
  case 6: return "ip(" + cedarString(rng.pick(kBadIps), rng) + ")";
  case 7: return "datetime(" + cedarString(rng.pick(kBadDatetimes), rng) + ")";
  case 8: return "duration(" + cedarString(rng.pick(kBadDurations), rng) + ")";
  case 9: return "(" + expr(Ty::String, depth + 1) + " < " + expr(Ty::String, depth + 1) + ")";
  case 10: return "(" + expr(Ty::Decimal, depth + 1) + " <= " + expr(Ty::Decimal, depth + 1) + ")";
  case 11: {
    // Operators on operands of the wrong type.
    static const std::vector<std::string> forms = {
        "(principal in [principal, 1])", "(principal in \"x\")", "(\"a\" in [principal])",
        "(1 has a)", "(\"s\" like \"s\")", "(principal.getTag(1))", "(context.hasTag(\"a\"))",
        "(\"1.1.1.1\").isIpv4()", "decimal(1)", "ip(principal)", "({a: 1}).b",
        "(datetime(\"2024-01-01\") < duration(\"1d\"))", "(if 1 then true else false)",
        "(1 && true)", "(true && 1)", "(false || \"x\")", "(!3)", "(-\"a\")",
        "(5).isEmpty()", "([1]).containsAll(1)", "(action.name)",
        "(duration(\"1h\")).toDate()", "(datetime(\"2024-01-01\")).offset(1)",
        "(\"a\" + 1)", "([1] < [2])", "(User::\"alice\" < User::\"bob\")"};
    return rng.pick(forms);
  }
  default: return expr(randomType(), depth + 1); // a type error where `t` was expected
  }
}

std::string CaseGenerator::boolExpr(int depth) {
  switch (rng.below(18)) {
  case 0: return "(" + expr(Ty::Bool, depth + 1) + " && " + expr(Ty::Bool, depth + 1) + ")";
  case 1: return "(" + expr(Ty::Bool, depth + 1) + " || " + expr(Ty::Bool, depth + 1) + ")";
  case 2: return "(!" + expr(Ty::Bool, depth + 1) + ")";
  case 3: { // a guarded attribute test, the common well-typed idiom
    std::string s = subject();
    const AttrSpec &a = rng.pick(kAttrs);
    return "(" + hasTest(s, a.name) + " && " + predicate(a.type, attrAccess(s, a.name), depth) + ")";
  }
  case 4: { // a tag test
    std::string e = rng.chance(50) ? "principal" : "resource";
    const AttrSpec &t = rng.pick(kTags);
    std::string k = cedarString(t.name, rng);
    if (rng.chance(30))
      return "(" + e + ").hasTag(" + k + ")";
    return "((" + e + ").hasTag(" + k + ") && " +
           predicate(t.type, "(" + e + ").getTag(" + k + ")", depth) + ")";
  }
  case 5: { // extended has
    std::string s = subject();
    std::string path = rng.chance(50) ? "profile.flags.admin" : "profile.level";
    if (rng.chance(20))
      path = "profile.flags.mfa";
    return "(" + s + " has " + path + ")";
  }
  case 6: { // short-circuit and if-then-else guarding an error
    switch (rng.below(4)) {
    case 0: return "(false && " + errorExpr(depth) + ")";
    case 1: return "(true || " + errorExpr(depth) + ")";
    case 2: return "(if " + expr(Ty::Bool, depth + 1) + " then " + expr(Ty::Bool, depth + 1) +
                   " else " + errorExpr(depth) + ")";
    default: return "(" + expr(Ty::Bool, depth + 1) + " && " + errorExpr(depth) + ")";
    }
  }
  case 7: { // equality across types, sets and records
    Ty t = exprType();
    return "(" + expr(t, depth + 1) + (rng.chance(75) ? " == " : " != ") +
           expr(rng.chance(85) ? t : randomType(), depth + 1) + ")";
  }
  case 8:
    return "([" + leaf(Ty::Long) + ", " + leaf(Ty::Long) + "] == [" + leaf(Ty::Long) + ", " +
           leaf(Ty::Long) + ", " + leaf(Ty::Long) + "])";
  case 9:
    return "(" + recordLit(depth) + " == " + recordLit(depth) + ")";
  case 10: {
    Ty t = exprType();
    return predicate(t, expr(t, depth + 1), depth);
  }
  case 11: return "(" + expr(Ty::String, depth + 1) + " like " + likePattern() + ")";
  case 12: return "(if " + expr(Ty::Bool, depth + 1) + " then " + expr(Ty::Bool, depth + 1) +
                  " else " + expr(Ty::Bool, depth + 1) + ")";
  case 13: return "(" + expr(Ty::Entity, depth + 1) + " in " + expr(Ty::SetEntity, depth + 1) + ")";
  case 14: return "(" + expr(Ty::Entity, depth + 1) + " is " + rng.pick(kTypes) + ")";
  case 15: { // records: has, access, nesting
    std::string r = recordLit(depth);
    static const std::vector<std::string> keys = {"a", "b", "level", "then"};
    std::string k = rng.pick(keys);
    if (rng.chance(50))
      return hasTest(r, k);
    return "(" + hasTest(r, k) + " && (" + attrAccess("(" + r + ")", k) + " == " +
           expr(exprType(), depth + 1) + "))";
  }
  case 16: { // sets of extension values, records and mixed types
    static const std::vector<std::string> forms = {
        "([decimal(\"1.0\"), ip(\"10.0.0.1\")] == [ip(\"10.0.0.1\"), decimal(\"1.00\")])",
        "([{a: 1}, {a: 1, b: 2}]).contains({b: 2, a: 1})",
        "([1, \"1\", true, principal]).containsAny([principal])",
        "([datetime(\"2024-01-01\"), duration(\"1d\")]).contains(datetime(\"2024-01-01T00:00:00Z\"))",
        "([]).isEmpty()", "([[1, 2], [3]]).contains([2, 1])",
        "([ip(\"10.0.0.1/24\")]).contains(ip(\"10.0.0.2/24\"))",
        "(duration(\"1d\") == duration(\"24h\"))",
        "(datetime(\"2024-01-01T01:00:00+0100\") == datetime(\"2024-01-01\"))"};
    if (rng.chance(50))
      return rng.pick(forms);
    return "([" + expr(exprType(), depth + 1) + ", " + expr(exprType(), depth + 1) +
           "]).contains(" + expr(exprType(), depth + 1) + ")";
  }
  default: {
    // Attributes of booleans, and the scope variables compared with literals.
    static const std::vector<std::string> forms = {"context.active", "principal.active",
                                                   "resource[\"principal\"]"};
    return rng.pick(forms);
  }
  }
}

std::string CaseGenerator::longExpr(int depth) {
  switch (rng.below(9)) {
  case 0: return "(" + expr(Ty::Long, depth + 1) + " + " + expr(Ty::Long, depth + 1) + ")";
  case 1: return "(" + expr(Ty::Long, depth + 1) + " - " + expr(Ty::Long, depth + 1) + ")";
  case 2: return "(" + expr(Ty::Long, depth + 1) + " * " + expr(Ty::Long, depth + 1) + ")";
  case 3: return "(-" + expr(Ty::Long, depth + 1) + ")";
  case 4: {
    static const std::vector<std::string> ms = {"toMilliseconds", "toSeconds", "toMinutes",
                                                "toHours", "toDays"};
    return "(" + expr(Ty::Duration, depth + 1) + ")." + rng.pick(ms) + "()";
  }
  case 5: return "(" + subject() + ").profile.level";
  case 6: return "(if " + expr(Ty::Bool, depth + 1) + " then " + expr(Ty::Long, depth + 1) +
                 " else " + expr(Ty::Long, depth + 1) + ")";
  default: return leaf(Ty::Long);
  }
}

std::string CaseGenerator::entityExpr(int depth) {
  switch (rng.below(6)) {
  case 0: return attrAccess(rng.chance(50) ? "principal" : "resource", "owner");
  case 1: return "(if " + expr(Ty::Bool, depth + 1) + " then " + expr(Ty::Entity, depth + 1) +
                 " else " + expr(Ty::Entity, depth + 1) + ")";
  case 2: return "context.owner";
  default: return leaf(Ty::Entity);
  }
}

std::string CaseGenerator::setExpr(Ty t, int depth) {
  Ty e = t == Ty::SetLong ? Ty::Long : t == Ty::SetString ? Ty::String : Ty::Entity;
  if (rng.chance(40)) {
    std::string s = "[";
    size_t n = rng.below(4);
    for (size_t i = 0; i < n; ++i) {
      if (i)
        s += ", ";
      s += expr(rng.chance(95) ? e : randomType(), depth + 1);
    }
    if (n && rng.chance(10))
      s += ",";
    return s + "]";
  }
  const char *attr = t == Ty::SetLong ? "scores" : t == Ty::SetString ? "roles" : "friends";
  return attrAccess(subject(), attr);
}

std::string CaseGenerator::extExpr(Ty t, int depth) {
  switch (t) {
  case Ty::Decimal:
    return rng.chance(60) ? leaf(t) : attrAccess(subject(), "limit");
  case Ty::Ip:
    return rng.chance(60) ? leaf(t) : attrAccess(subject(), "addr");
  case Ty::Datetime:
    switch (rng.below(5)) {
    case 0: return "(" + expr(Ty::Datetime, depth + 1) + ").offset(" + expr(Ty::Duration, depth + 1) + ")";
    case 1: return "(" + expr(Ty::Datetime, depth + 1) + ").toDate()";
    case 2: return attrAccess(subject(), "created");
    default: return leaf(t);
    }
  case Ty::Duration:
    switch (rng.below(5)) {
    case 0: return "(" + expr(Ty::Datetime, depth + 1) + ").durationSince(" + expr(Ty::Datetime, depth + 1) + ")";
    case 1: return "(" + expr(Ty::Datetime, depth + 1) + ").toTime()";
    case 2: return attrAccess(subject(), "ttl");
    default: return leaf(t);
    }
  default:
    return leaf(t);
  }
}

std::string CaseGenerator::expr(Ty t, int depth) {
  if (depth > 0 && rng.chance(3))
    return errorExpr(depth);
  if (depth >= 3 || (depth >= 1 && rng.chance(35)))
    return rng.chance(75) ? leaf(t) : (t == Ty::Bool ? boolExpr(99) : leaf(t));
  switch (t) {
  case Ty::Bool: return boolExpr(depth);
  case Ty::Long: return longExpr(depth);
  case Ty::String:
    if (rng.chance(40))
      return attrAccess(subject(), rng.chance(80) ? "name" : "weird key");
    if (rng.chance(15))
      return "(if " + expr(Ty::Bool, depth + 1) + " then " + leaf(t) + " else " + leaf(t) + ")";
    return leaf(t);
  case Ty::Entity: return entityExpr(depth);
  case Ty::SetLong: case Ty::SetString: case Ty::SetEntity: return setExpr(t, depth);
  case Ty::Profile:
    if (rng.chance(40))
      return recordLit(depth);
    return attrAccess(subject(), "profile");
  case Ty::Decimal: case Ty::Ip: case Ty::Datetime: case Ty::Duration: return extExpr(t, depth);
  }
  return leaf(t);
}

// ---- policies -------------------------------------------------------------

std::string CaseGenerator::scope(const char *var, const std::vector<Uid> &pool) {
  std::string v = var;
  auto target = [&] { return entityLit(rng.chance(85) ? rng.pick(pool) : anyUid()); };
  auto group = [&] {
    // An ancestor-ish target: a group or folder, sometimes the entity itself.
    std::vector<Uid> cands;
    for (const Uid &u : allUids)
      if (u.type == "Group" || u.type == "Folder")
        cands.push_back(u);
    if (cands.empty() || rng.chance(25))
      return target();
    return entityLit(rng.pick(cands));
  };
  switch (rng.below(10)) {
  case 0: case 1: case 2: case 3: case 4: return v;
  case 5: return v + " == " + target();
  case 6: return v + " in " + group();
  case 7: return v + " is " + (rng.chance(25) ? rng.pick(kTypes) : rng.pick(pool).type);
  case 8: return v + " is " + rng.pick(pool).type + " in " + group();
  default: return v + " in " + target();
  }
}

std::string CaseGenerator::actionScope() {
  std::vector<Uid> acts = actions;
  acts.push_back(Uid{"Action", "all"});
  switch (rng.below(7)) {
  case 0: case 1: case 2: return "action";
  case 3: return "action == " + entityLit(rng.pick(acts));
  case 4: return "action in " + entityLit(rng.pick(acts));
  default: {
    std::string s = "action in [";
    size_t n = rng.below(4);
    for (size_t i = 0; i < n; ++i)
      s += (i ? ", " : "") + entityLit(rng.pick(acts));
    if (n && rng.chance(15))
      s += ",";
    return s + "]";
  }
  }
}

std::string CaseGenerator::policy(size_t index, std::string &idOut, bool withIds,
                                  std::set<std::string> &used) {
  std::string text;
  idOut = "policy" + std::to_string(index);
  if (withIds && rng.chance(85)) {
    static const std::vector<std::string> names = {"allow-read", "deny ghosts", "p", "q1",
                                                   "Räte", "admin \\\"x\\\"", "a.b", "0"};
    std::string id = rng.pick(names) + "-" + std::to_string(index);
    if (rng.chance(30))
      id = "n" + std::to_string(index);
    if (used.insert(id).second) {
      text += "@id(" + cedarString(id, rng) + ")\n";
      idOut = id;
    }
  }
  if (rng.chance(20))
    text += "@advice(\"generated\")\n";
  if (rng.chance(10))
    text += "@flag\n";
  text += rng.chance(62) ? "permit" : "forbid";
  text += "(\n  " + scope("principal", principals) + ",\n  " + actionScope() + ",\n  " +
          scope("resource", resources) + (rng.chance(10) ? ",\n)" : "\n)");
  size_t conds = rng.chance(30) ? 0 : rng.chance(70) ? 1 : 2;
  if (rng.below(200) < 3) {
    // Lexical and folding corners; some make the whole policy set fail to
    // parse, which both engines must agree on (including a backslash before
    // a line break inside a string, tests/diff/findings.md #1).
    static const std::vector<std::string> forms = {
        "(- 9223372036854775808 == 0)", "(-(9223372036854775808) == 0)", "(--1 == 1)",
        "(!!true)", "(- -1 == 1)", "(----1 == 1)", "(-----1 == -1)", "(!!!!!true)",
        "((-9223372036854775808) < 0)", "(-9223372036854775808 - 1 < 0)",
        "(9223372036854775808 > 0)", "(\"\\*\" == \"*\")", "(\"a\" like \"\\a\")",
        "(\"\\u{D800}\" == \"\")", "(\"\\x80\" == \"\")", "(\"\\u{10FFFF}\" != \"\")",
        "({a: 1, a: 2} == {a: 1})", "(principal.__cedar == 1)", "(if true then 1 else 2 == 1)",
        "(1 < 2 < 3)", "(\"a\" like \"a\\*\\\\*\")",
        "(context has __cedar)", "(principal in [])", "(([1,2,]).contains(2))",
        "(\"line\\\n   cont\" == \"linecont\")"};
    text += "\nwhen { " + rng.pick(forms) + " }";
  }
  for (size_t i = 0; i < conds; ++i) {
    bool when = rng.chance(75);
    text += when ? "\nwhen { " : "\nunless { ";
    text += expr(Ty::Bool, 0);
    text += " }";
  }
  return text + ";\n";
}

void CaseGenerator::generate(const std::filesystem::path &dir) {
  std::filesystem::create_directories(dir);
  Json entities = entitiesJson();

  // Id mode: 0 positional (no @id), 1 @id honoured, 2 @id present but
  // positional ids requested (`--positional-ids`).
  unsigned idMode = rng.below(3);
  bool withIds = idMode != 0;
  bool positional = idMode != 1;
  std::string text;
  Json pols = Json::array();
  std::set<std::string> used;
  for (size_t i = 0, n = 2 + rng.below(6); i < n; ++i) {
    std::string id;
    std::string p = policy(i, id, withIds, used);
    if (positional)
      id = "policy" + std::to_string(i);
    pols.push_back(Json{{"id", id}, {"text", p}});
    text += p + "\n";
  }
  // A policy without @id among ones with @id would be `policyN` in Larch;
  // avoid clashes with a generated @id of that spelling (none are generated).
  Json polJson{{"positional", positional}, {"policies", pols}};

  std::ofstream(dir / "policies.cedar") << text;
  std::ofstream(dir / "policies.json") << polJson.dump(1) << "\n";
  std::ofstream(dir / "entities.json") << entities.dump(1) << "\n";
  std::ofstream(dir / "larch.args") << (idMode == 2 ? "--positional-ids\n" : "");

  std::ofstream reqs(dir / "requests.jsonl");
  for (size_t i = 0, n = 3 + rng.below(5); i < n; ++i) {
    Json ctx = Json::object();
    for (const AttrSpec &a : kAttrs)
      if (rng.chance(45))
        ctx[a.name] = valueJson(rng.chance(92) ? a.type : randomType(), 0);
    if (rng.chance(2)) // a request neither engine can read
      ctx["bad"] = badValueJson(rng);
    // Without a schema any entity may be the action (and an action the
    // principal); rarely exercise that.
    Uid action = rng.chance(3) ? rng.pick(principals) : rng.pick(actions);
    Json r{{"principal", uidJson(rng.chance(3) ? rng.pick(actions) : rng.pick(principals))},
           {"action", uidJson(action)},
           {"resource", uidJson(rng.pick(resources))},
           {"context", ctx}};
    reqs << r.dump() << "\n";
  }
}

} // namespace

int main(int argc, char **argv) {
  uint64_t seed = 1, count = 1;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--seed" || a == "--count" || a == "--out") && i + 1 < argc) {
      std::string v = argv[++i];
      if (a == "--out")
        out = v;
      else
        (a == "--seed" ? seed : count) = std::stoull(v);
    } else {
      std::cerr << "usage: larch_diff_gen --seed S [--count N] --out DIR\n";
      return 2;
    }
  }
  if (out.empty()) {
    std::cerr << "larch_diff_gen: `--out DIR` is required\n";
    return 2;
  }
  for (uint64_t s = seed; s < seed + count; ++s)
    CaseGenerator(s).generate(std::filesystem::path(out) / ("case-" + std::to_string(s)));
  return 0;
}
