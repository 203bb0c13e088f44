// Differential testing against Cedar: the random case generator.
//
// Entry point: `main`. `larch_diff_gen --seed S [--count N] [--policies MIN-MAX]
// --out DIR` writes one case per seed S, S+1, ... into DIR/case-<seed>/:
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
// `--policies MIN-MAX` sets how many policies a case holds (default 2-7).
// Above 7 the case takes the many-policy form (generateMany): hundreds of
// policies whose scopes overlap on a few entities and whose conditions share
// fragments, as a decision index and a compiler that shares work across
// policies meet them. `--request-entities` (many-policy form only) gives
// some requests entities of their own, layered over the store: new
// principals and resources, a parent the store lacks (so store entities gain
// ancestors for that request), identical and conflicting copies of store
// entities. `--templates` (many-policy form only) makes some policies
// templates (`principal in ?principal`, `resource is Doc in ?resource`, ...)
// and writes their links to links.json ([{"template", "id", "principal"?,
// "resource"?}]; policies.json marks templates with "template": true). Only
// larch_engine_diff reads either (cedar_runner.mjs passes no request entities
// and links nothing). A case is a pure function of the seed and the options.
//
// Independent of Larch on purpose: it depends on nlohmann-json only, never on
// Larch's parser, printer or evaluator.
#include <nlohmann/json.hpp>

#include <algorithm>
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
///
/// NOTE: seeding with `seed * gamma + c` makes seed S+1's stream that of
/// seed S shifted by one draw, so neighbouring small cases often share
/// policies. Small cases keep that seeding (a seed must keep naming the same
/// case); the many-policy form starts from mix(seed) instead.
class Rng {
public:
  explicit Rng(uint64_t seed) : state(seed * 0x9E3779B97F4A7C15ull + 0x1234567ull) {}
  /// The SplitMix64 output function: neighbouring inputs, unrelated outputs.
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
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

/// Lexical and folding corners; some make the whole policy set fail to parse,
/// which every engine must agree on (including a backslash before a line
/// break inside a string, tests/diff/findings.md #1).
const std::vector<std::string> kCornerForms = {
    "(- 9223372036854775808 == 0)", "(-(9223372036854775808) == 0)", "(--1 == 1)",
    "(!!true)", "(- -1 == 1)", "(----1 == 1)", "(-----1 == -1)", "(!!!!!true)",
    "((-9223372036854775808) < 0)", "(-9223372036854775808 - 1 < 0)",
    "(9223372036854775808 > 0)", "(\"\\*\" == \"*\")", "(\"a\" like \"\\a\")",
    "(\"\\u{D800}\" == \"\")", "(\"\\x80\" == \"\")", "(\"\\u{10FFFF}\" != \"\")",
    "({a: 1, a: 2} == {a: 1})", "(principal.__cedar == 1)", "(if true then 1 else 2 == 1)",
    "(1 < 2 < 3)", "(\"a\" like \"a\\*\\\\*\")",
    "(context has __cedar)", "(principal in [])", "(([1,2,]).contains(2))",
    "(\"line\\\n   cont\" == \"linecont\")"};

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
  /// `requestEntities`: some requests of the many-policy form carry
  /// entities of their own; `templates`: some of its policies are templates,
  /// linked by links.json.
  CaseGenerator(uint64_t seed, bool requestEntities, bool templates)
      : seed(seed), rng(seed), requestEntities(requestEntities), templates(templates) {}

  /// Writes the case. Up to 7 policies it is a small case; above that the
  /// many-policy form (see generateMany).
  void generate(const std::filesystem::path &dir, size_t minPolicies, size_t maxPolicies);

private:
  uint64_t seed;
  Rng rng;
  bool requestEntities, templates;
  std::vector<Uid> principals, resources, actions, allUids;
  std::vector<Uid> ghosts; // referenced but not in the store
  int depthBudget = 0;

  // The many-policy form: small pools every scope and request draws from
  // (the first few entries of each are "hot"), and shared fragments.
  struct Pools {
    std::vector<Uid> users, groups, leaves, folders, actions, actionGroups;
  } pools;
  struct Fragment {
    Ty type;
    std::string text;
    std::string guard; // a test that makes `text` safe to evaluate, or empty
  };
  std::vector<Fragment> typedFragments;
  std::vector<std::string> boolFragments;
  /// A third of the many-policy cases: few unconstrained scopes and
  /// unconditional policies, so default denies and error-free requests
  /// occur; the rest overlap so much that nearly every request meets a
  /// satisfied policy.
  bool sparse = false;
  Json requestLayer(const Json &store, Uid &principal, Uid &resource);

  void generateSmall(const std::filesystem::path &dir, size_t minPolicies, size_t maxPolicies);
  void generateMany(const std::filesystem::path &dir, size_t minPolicies, size_t maxPolicies);
  void writeCase(const std::filesystem::path &dir, const Json &entities, const std::string &text,
                 const Json &pols, bool positional, unsigned idMode);
  Json contextJson();

  // Entities and values as JSON.
  Json entitiesJson();
  Json entitiesJsonMany();
  void emitEntity(Json &out, const Uid &u, const std::vector<Uid> &parents, bool withData,
                  unsigned badOneIn);
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
  std::string header(size_t index, std::string &idOut, bool withIds, std::set<std::string> &used);
  std::string policy(size_t index, std::string &idOut, bool withIds, std::set<std::string> &used);
  /// With `asTemplate` a template; `slots` is then 1 if it has ?principal,
  /// 2 if ?resource, 3 if both (0 for a static policy).
  std::string policyMany(size_t index, std::string &idOut, bool withIds,
                         std::set<std::string> &used, bool corner, bool asTemplate,
                         unsigned &slots);
  std::string slotScope(bool principalSide);
  std::string scopeMany(bool principalSide);
  std::string actionScopeMany();
  void makeFragments();
  std::string conditionMany();
  /// One of the first three entries half of the time, else any entry: a
  /// few targets are shared by many policies and requests.
  const Uid &hot(const std::vector<Uid> &pool) {
    return rng.chance(50) ? pool[rng.below(std::min<size_t>(3, pool.size()))] : rng.pick(pool);
  }
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

void CaseGenerator::emitEntity(Json &out, const Uid &u, const std::vector<Uid> &parents,
                               bool withData, unsigned badOneIn) {
  Json e = Json::object();
  e["uid"] = rng.chance(15) ? Json{{"__entity", uidJson(u)}} : uidJson(u);
  e["attrs"] = withData || rng.chance(20) ? attrsJson(0) : Json::object();
  if (badOneIn && rng.below(badOneIn) == 0) // malformed data: both engines must refuse it
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
    emitEntity(out, u, parents, withData, /*badOneIn=*/300);
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

std::string CaseGenerator::header(size_t index, std::string &idOut, bool withIds,
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
  return text;
}

std::string CaseGenerator::policy(size_t index, std::string &idOut, bool withIds,
                                  std::set<std::string> &used) {
  std::string text = header(index, idOut, withIds, used);
  text += rng.chance(62) ? "permit" : "forbid";
  text += "(\n  " + scope("principal", principals) + ",\n  " + actionScope() + ",\n  " +
          scope("resource", resources) + (rng.chance(10) ? ",\n)" : "\n)");
  size_t conds = rng.chance(30) ? 0 : rng.chance(70) ? 1 : 2;
  if (rng.below(200) < 3) // a lexical or folding corner
    text += "\nwhen { " + rng.pick(kCornerForms) + " }";
  for (size_t i = 0; i < conds; ++i) {
    bool when = rng.chance(75);
    text += when ? "\nwhen { " : "\nunless { ";
    text += expr(Ty::Bool, 0);
    text += " }";
  }
  return text + ";\n";
}

void CaseGenerator::generate(const std::filesystem::path &dir, size_t minPolicies,
                             size_t maxPolicies) {
  std::filesystem::create_directories(dir);
  if (maxPolicies <= 7)
    generateSmall(dir, minPolicies, maxPolicies);
  else
    generateMany(dir, minPolicies, maxPolicies);
}

void CaseGenerator::writeCase(const std::filesystem::path &dir, const Json &entities,
                              const std::string &text, const Json &pols, bool positional,
                              unsigned idMode) {
  // A policy without @id among ones with @id would be `policyN` in Larch;
  // avoid clashes with a generated @id of that spelling (none are generated).
  Json polJson{{"positional", positional}, {"policies", pols}};
  std::ofstream(dir / "policies.cedar") << text;
  std::ofstream(dir / "policies.json") << polJson.dump(1) << "\n";
  std::ofstream(dir / "entities.json") << entities.dump(1) << "\n";
  std::ofstream(dir / "larch.args") << (idMode == 2 ? "--positional-ids\n" : "");
}

Json CaseGenerator::contextJson() {
  Json ctx = Json::object();
  for (const AttrSpec &a : kAttrs)
    if (rng.chance(45))
      ctx[a.name] = valueJson(rng.chance(92) ? a.type : randomType(), 0);
  if (rng.chance(2)) // a request neither engine can read
    ctx["bad"] = badValueJson(rng);
  return ctx;
}

// INVARIANT: with the default 2-7 policies this draws exactly what it drew
// before `--policies` existed, so a seed names the same case as before.
void CaseGenerator::generateSmall(const std::filesystem::path &dir, size_t minPolicies,
                                  size_t maxPolicies) {
  Json entities = entitiesJson();

  // Id mode: 0 positional (no @id), 1 @id honoured, 2 @id present but
  // positional ids requested (`--positional-ids`).
  unsigned idMode = rng.below(3);
  bool withIds = idMode != 0;
  bool positional = idMode != 1;
  std::string text;
  Json pols = Json::array();
  std::set<std::string> used;
  for (size_t i = 0, n = minPolicies + rng.below(maxPolicies - minPolicies + 1); i < n; ++i) {
    std::string id;
    std::string p = policy(i, id, withIds, used);
    if (positional)
      id = "policy" + std::to_string(i);
    pols.push_back(Json{{"id", id}, {"text", p}});
    text += p + "\n";
  }
  writeCase(dir, entities, text, pols, positional, idMode);

  std::ofstream reqs(dir / "requests.jsonl");
  for (size_t i = 0, n = 3 + rng.below(5); i < n; ++i) {
    Json ctx = contextJson();
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

// ---- the many-policy form -------------------------------------------------
//
// Realistic for a decision index and for a compiler that shares work across
// policies: every scope names one of a few users, groups, documents, folders
// and actions (so scopes overlap heavily), groups and folders nest several
// levels deep, and conditions are assembled from a per-case pool of
// fragments reused verbatim by many policies, some of which error. Requests
// draw from the same pools, so each one is a candidate for many policies.

Json CaseGenerator::entitiesJsonMany() {
  static const std::vector<std::string> userIds = {
      "alice", "bob", "carol", "dave", "", "é\"q\\", std::string("nul\0'\r", 6),
      "u0", "u1", "u2", "u3", "u4"};
  static const std::vector<std::string> groupIds = {"staff", "eng", "everyone", "ops",
                                                    "admins", "sre", "oncall", "interns"};
  static const std::vector<std::string> folderIds = {"shared", "root", "private", "team",
                                                     "archive"};
  static const std::vector<std::string> docIds = {"d1", "d2", "plan*", "d3", "日本",
                                                  "d4", "d5", "d6"};
  static const std::vector<std::string> plainActions = {"read", "write", "list", "delete",
                                                        "share", "comment"};
  for (const std::string &id : userIds)
    pools.users.push_back(Uid{"User", id});
  for (const std::string &id : groupIds)
    pools.groups.push_back(Uid{"Group", id});
  for (const std::string &id : folderIds)
    pools.folders.push_back(Uid{"Folder", id});
  for (const std::string &id : docIds)
    pools.leaves.push_back(Uid{"Doc", id});
  for (const std::string &id : kResIds)
    pools.leaves.push_back(Uid{"NS::Res", id});
  for (const std::string &id : plainActions)
    pools.actions.push_back(Uid{"Action", id});
  pools.actionGroups = {Uid{"Action", "readOnly"}, Uid{"Action", "edit"}, Uid{"Action", "all"}};
  const Uid ghostGroup{"Group", "ghost-group"}, ghostFolder{"Folder", "ghost-folder"};

  // Absent from the store: a few users and documents, and these.
  ghosts = {Uid{"User", "ghost"}, Uid{"Doc", "ghost"}, Uid{"NS::User", "alice"}, ghostGroup,
            ghostFolder};
  std::set<Uid> absent;
  for (const Uid &u : pools.users)
    if (rng.chance(10))
      absent.insert(u);
  for (const Uid &u : pools.leaves)
    if (rng.chance(15))
      absent.insert(u);
  for (const Uid &u : absent)
    ghosts.push_back(u);
  // Entity-valued attributes draw from these, so they come first.
  for (const std::vector<Uid> *pool : {&pools.groups, &pools.folders, &pools.users, &pools.leaves})
    for (const Uid &u : *pool)
      if (!absent.count(u))
        allUids.push_back(u);
  actions = pools.actions;
  for (const Uid &u : pools.actionGroups)
    actions.push_back(u);
  for (const Uid &u : actions)
    allUids.push_back(u);

  // Rare, case-wide: data both engines must refuse.
  bool badData = rng.chance(1), cycle = rng.chance(1), duplicate = rng.chance(1);

  Json out = Json::array();
  // A nesting chain with side branches: member i has a parent among members
  // 0..i-1 (usually i-1, so hierarchies run several levels deep), sometimes
  // a second one, rarely a parent absent from the store.
  auto nest = [&](const std::vector<Uid> &members, const Uid &ghostParent) {
    for (size_t i = 0; i < members.size(); ++i) {
      std::vector<Uid> parents;
      if (i > 0) {
        parents.push_back(members[rng.chance(60) ? i - 1 : rng.below(i)]);
        if (rng.chance(30)) {
          const Uid &second = members[rng.below(i)];
          if (second.id != parents.front().id)
            parents.push_back(second);
        }
      }
      if (rng.chance(8))
        parents.push_back(ghostParent);
      if (cycle && i + 1 == members.size()) // a cycle: every engine must reject it
        parents.push_back(members[i]);
      emitEntity(out, members[i], parents, true, 0);
    }
  };
  nest(pools.groups, ghostGroup);
  nest(pools.folders, ghostFolder);
  // Members: a few parents from the (deep) groups or folders.
  auto members = [&](const std::vector<Uid> &leaves, const std::vector<Uid> &groups,
                     const Uid &ghostParent, size_t maxParents) {
    for (const Uid &u : leaves) {
      if (absent.count(u))
        continue;
      std::vector<Uid> parents;
      if (!rng.chance(8))
        for (size_t k = 0, n = 1 + rng.below(maxParents); k < n; ++k) {
          const Uid &g = rng.chance(40) ? hot(groups) : groups[groups.size() - 1 - rng.below(3)];
          bool dup = false;
          for (const Uid &p : parents)
            dup = dup || p.id == g.id;
          if (!dup)
            parents.push_back(g);
        }
      if (rng.chance(5))
        parents.push_back(ghostParent);
      emitEntity(out, u, parents, true, 0);
    }
  };
  members(pools.users, pools.groups, ghostGroup, 3);
  members(pools.leaves, pools.folders, ghostFolder, 2);
  if (badData && !out.empty())
    out[rng.below(out.size())]["attrs"]["bad"] = badValueJson(rng);
  if (duplicate && !out.empty())
    out.push_back(out[rng.below(out.size())]);

  // Actions: `all` holds `readOnly` and `edit`; plain actions are members of
  // some of them; a few are absent from the store.
  const Uid &readOnly = pools.actionGroups[0], &edit = pools.actionGroups[1],
            &all = pools.actionGroups[2];
  emitEntity(out, all, {}, false, 0);
  emitEntity(out, readOnly, {all}, false, 0);
  emitEntity(out, edit, {all}, false, 0);
  for (const Uid &a : pools.actions) {
    std::vector<Uid> ps;
    bool reading = a.id == "read" || a.id == "list" || a.id == "comment";
    if (reading ? !rng.chance(10) : rng.chance(10))
      ps.push_back(readOnly);
    if (reading ? rng.chance(25) : !rng.chance(20))
      ps.push_back(edit);
    if (rng.chance(30))
      ps.push_back(all);
    if (rng.chance(90))
      emitEntity(out, a, ps, false, 0);
  }

  principals = pools.users;
  principals.insert(principals.end(), pools.groups.begin(), pools.groups.end());
  resources = pools.leaves;
  resources.insert(resources.end(), pools.folders.begin(), pools.folders.end());
  for (const Uid &g : ghosts)
    if (!absent.count(g))
      (g.type == "User" || g.type == "Group" || g.type == "NS::User" ? principals : resources)
          .push_back(g);
  return out;
}

std::string CaseGenerator::scopeMany(bool principalSide) {
  std::string v = principalSide ? "principal" : "resource";
  const std::vector<Uid> &leaves = principalSide ? pools.users : pools.leaves;
  const std::vector<Uid> &groups = principalSide ? pools.groups : pools.folders;
  const std::string &leafType = hot(leaves).type;
  const std::string &groupType = groups.front().type;
  size_t form = rng.below(20);
  if (sparse && form < 6 && form > 0)
    form = 6 + rng.below(14);
  switch (form) {
  case 0: case 1: case 2: case 3: case 4: case 5: return v;
  case 6: case 7: case 8: return v + " == " + entityLit(hot(leaves));
  case 9: case 10: case 11: return v + " in " + entityLit(hot(groups));
  case 12: return v + " in " + entityLit(hot(leaves));
  case 13: return v + " == " + entityLit(hot(groups));
  case 14:
    return v + " is " + (rng.chance(10) ? rng.pick(kTypes) : rng.chance(75) ? leafType : groupType);
  case 15: case 16: case 17:
    return v + " is " + (rng.chance(80) ? leafType : groupType) + " in " + entityLit(hot(groups));
  case 18: return v + " is " + leafType + " in " + entityLit(hot(leaves));
  default: return v + (rng.chance(50) ? " == " : " in ") + entityLit(anyUid());
  }
}

std::string CaseGenerator::actionScopeMany() {
  size_t form = rng.below(20);
  if (sparse && form < 6 && form > 0)
    form = 6 + rng.below(14);
  switch (form) {
  case 0: case 1: case 2: case 3: case 4: case 5: return "action";
  case 6: case 7: case 8: case 9: case 10: return "action == " + entityLit(hot(pools.actions));
  case 11: case 12: case 13: case 14: case 15:
    return "action in " + entityLit(rng.chance(80) ? hot(pools.actionGroups) : hot(pools.actions));
  case 16: case 17: case 18: {
    std::string s = "action in [";
    for (size_t i = 0, n = 1 + rng.below(3); i < n; ++i)
      s += (i ? ", " : "") +
           entityLit(rng.chance(30) ? rng.pick(pools.actionGroups) : hot(pools.actions));
    return s + "]";
  }
  default:
    return rng.chance(20) ? "action in []" : "action == Action::\"archive\"";
  }
}

void CaseGenerator::makeFragments() {
  // Typed fragments: attributes and tags of the scope variables (the usual
  // shared operands), and arbitrary expressions.
  for (size_t i = 0, n = 6 + rng.below(20); i < n; ++i) {
    Fragment f;
    switch (rng.below(4)) {
    case 0: case 1: {
      std::string s = rng.chance(80) ? (rng.chance(55) ? "principal" : "resource") : "context";
      const AttrSpec &a = rng.pick(kAttrs);
      f = Fragment{a.type, attrAccess(s, a.name), hasTest(s, a.name)};
      break;
    }
    case 2: {
      std::string e = rng.chance(50) ? "principal" : "resource";
      const AttrSpec &t = rng.pick(kTags);
      std::string k = cedarString(t.name, rng);
      f = Fragment{t.type, e + ".getTag(" + k + ")", e + ".hasTag(" + k + ")"};
      break;
    }
    default: {
      Ty t = exprType();
      f = Fragment{t, expr(t, 1), ""};
    }
    }
    typedFragments.push_back(f);
  }
  // Boolean fragments: guarded and unguarded tests of typed fragments,
  // membership tests against the pools, arbitrary conditions and errors.
  for (size_t i = 0, n = 10 + rng.below(30); i < n; ++i) {
    const Fragment &f = rng.pick(typedFragments);
    switch (rng.below(12)) {
    case 0: case 1: case 2:
      if (!f.guard.empty()) {
        boolFragments.push_back("(" + f.guard + " && " + predicate(f.type, f.text, 1) + ")");
        break;
      }
      [[fallthrough]];
    case 3: case 4: boolFragments.push_back(predicate(f.type, f.text, 1)); break;
    case 5:
      boolFragments.push_back("(principal in " + entityLit(hot(pools.groups)) + ")");
      break;
    case 6:
      boolFragments.push_back("(resource in " + entityLit(hot(pools.folders)) + ")");
      break;
    case 7: {
      static const std::vector<std::string> forms = {
          "(principal == resource.owner)", "(resource has owner && resource.owner == principal)",
          "(context has owner && context.owner in principal)",
          "(principal has friends && principal.friends.contains(resource))",
          "(resource is Doc)", "(action in Action::\"readOnly\")",
          // Guards between two paths and of toTime() (runtime/compiled/guards.h),
          // values missing or of other kinds included.
          "(principal.created <= resource.created)",
          "(context.profile.level < principal.profile.level)",
          "(principal.profile.flags.admin == context.profile.flags.admin)",
          "(context has roles && context.roles.contains(principal.name))",
          "(principal in context.profile.dept)",
          "(context has created && context.created.toTime() < duration(\"12h\"))",
          "(resource.created.toTime() >= duration(\"6h\") && "
          "resource.created.toTime() <= duration(\"18h\"))"};
      boolFragments.push_back(rng.pick(forms));
      break;
    }
    case 8: boolFragments.push_back(errorExpr(1)); break;
    default: boolFragments.push_back(boolExpr(0));
    }
  }
}

std::string CaseGenerator::conditionMany() {
  auto frag = [&] { return "(" + rng.pick(boolFragments) + ")"; };
  switch (rng.below(12)) {
  case 0: case 1: case 2: case 3: return frag();
  case 4: return "(" + frag() + " && " + frag() + ")";
  case 5: return "(" + frag() + " || " + frag() + ")";
  case 6: return "(!" + frag() + ")";
  case 7: case 8: {
    const Fragment &f = rng.pick(typedFragments);
    if (!f.guard.empty() && rng.chance(60))
      return "(" + f.guard + " && " + predicate(f.type, f.text, 1) + ")";
    return predicate(f.type, f.text, 1);
  }
  case 9: return "(" + frag() + " && " + expr(Ty::Bool, 1) + ")";
  case 10: return "(if " + frag() + " then " + frag() + " else " + expr(Ty::Bool, 1) + ")";
  default: return expr(Ty::Bool, 0);
  }
}

std::string CaseGenerator::slotScope(bool principalSide) {
  std::string v = principalSide ? "principal" : "resource";
  std::string slot = principalSide ? "?principal" : "?resource";
  switch (rng.below(6)) {
  case 0: case 1: return v + " == " + slot;
  case 2: case 3: return v + " in " + slot;
  default: {
    const std::vector<Uid> &leaves = principalSide ? pools.users : pools.leaves;
    const std::vector<Uid> &groups = principalSide ? pools.groups : pools.folders;
    return v + " is " + (rng.chance(75) ? hot(leaves).type : groups.front().type) + " in " + slot;
  }
  }
}

std::string CaseGenerator::policyMany(size_t index, std::string &idOut, bool withIds,
                                      std::set<std::string> &used, bool corner,
                                      bool asTemplate, unsigned &slots) {
  std::string text = header(index, idOut, withIds, used);
  bool permit = rng.chance(80);
  text += permit ? "permit" : "forbid";
  slots = asTemplate ? 1 + static_cast<unsigned>(rng.below(3)) : 0;
  std::string principalScope = slots & 1 ? slotScope(true) : scopeMany(true);
  std::string actionScope = actionScopeMany();
  std::string resourceScope = slots & 2 ? slotScope(false) : scopeMany(false);
  text += "(\n  " + principalScope + ",\n  " + actionScope + ",\n  " + resourceScope + "\n)";
  if (corner)
    text += "\nwhen { " + rng.pick(kCornerForms) + " }";
  // Forbids are narrower: nearly always conditional.
  size_t conds = permit ? (rng.chance(sparse ? 10 : 30) ? 0 : rng.chance(65) ? 1 : rng.chance(70) ? 2 : 3)
                        : (rng.chance(5) ? 0 : rng.chance(60) ? 1 : 2);
  for (size_t i = 0; i < conds; ++i) {
    text += rng.chance(80) ? "\nwhen { " : "\nunless { ";
    text += conditionMany();
    text += " }";
  }
  return text + ";\n";
}

void CaseGenerator::generateMany(const std::filesystem::path &dir, size_t minPolicies,
                                 size_t maxPolicies) {
  rng = Rng(Rng::mix(seed + 0x6D616E79ull)); // unrelated streams for neighbouring seeds
  sparse = rng.chance(33);
  Json entities = entitiesJsonMany();
  makeFragments();
  unsigned idMode = rng.below(3); // as in generateSmall
  bool withIds = idMode != 0;
  bool positional = idMode != 1;
  size_t n = minPolicies + rng.below(maxPolicies - minPolicies + 1);
  // A lexical corner in one policy of 3% of the sets (some do not parse).
  size_t corner = rng.chance(3) ? rng.below(n) : n;
  std::string text;
  Json pols = Json::array();
  Json links = Json::array();
  std::set<std::string> used;
  // Templates in 30% of the sets, 1 to 4 of them, spread over the set (every
  // link recompiles the set in Larch, so links are kept few).
  size_t templatesLeft = templates && rng.chance(30) ? std::min<size_t>(n, 1 + rng.below(4)) : 0;
  for (size_t i = 0; i < n; ++i) {
    std::string id;
    unsigned slots = 0;
    bool asTemplate = templatesLeft && rng.below(n - i) < templatesLeft;
    templatesLeft -= asTemplate;
    std::string p = policyMany(i, id, withIds, used, i == corner, asTemplate, slots);
    if (positional)
      id = "policy" + std::to_string(i);
    Json entry{{"id", id}, {"text", p}};
    if (slots) {
      entry["template"] = true;
      // Links to the pools' (often hot) entities, some absent from the store.
      for (size_t k = 0, m = rng.below(4); k < m; ++k) {
        Json link{{"template", id}, {"id", "link" + std::to_string(links.size())}};
        if (slots & 1)
          link["principal"] = uidJson(rng.chance(85) ? (rng.chance(60) ? hot(pools.users)
                                                                      : hot(pools.groups))
                                                     : rng.pick(ghosts));
        if (slots & 2)
          link["resource"] = uidJson(rng.chance(85) ? (rng.chance(60) ? hot(pools.leaves)
                                                                     : hot(pools.folders))
                                                    : rng.pick(ghosts));
        links.push_back(link);
      }
    }
    pols.push_back(entry);
    text += p + "\n";
  }
  writeCase(dir, entities, text, pols, positional, idMode);
  if (templates)
    std::ofstream(dir / "links.json") << links.dump(1) << "\n";

  std::ofstream reqs(dir / "requests.jsonl");
  for (size_t i = 0, m = 8 + rng.below(17); i < m; ++i) {
    Json ctx = contextJson();
    Uid principal = rng.chance(75)  ? hot(pools.users)
                    : rng.chance(60) ? hot(pools.groups)
                    : rng.chance(90) ? rng.pick(ghosts)
                                     : rng.pick(actions);
    Uid action = rng.chance(85)  ? hot(pools.actions)
                 : rng.chance(70) ? rng.pick(pools.actionGroups)
                 : rng.chance(50) ? Uid{"Action", "archive"}
                                  : rng.pick(pools.users);
    Uid resource = rng.chance(70)  ? hot(pools.leaves)
                   : rng.chance(65) ? hot(pools.folders)
                                    : rng.pick(ghosts);
    Json layer = requestEntities && rng.chance(30) ? requestLayer(entities, principal, resource)
                                                   : Json();
    Json r{{"principal", uidJson(principal)},
           {"action", uidJson(action)},
           {"resource", uidJson(resource)},
           {"context", ctx}};
    if (!layer.is_null())
      r["entities"] = layer;
    reqs << r.dump() << "\n";
  }
}

Json CaseGenerator::requestLayer(const Json &store, Uid &principal, Uid &resource) {
  Json layer = Json::array();
  std::set<std::string> seen; // no uid twice within the layer
  auto add = [&](Json e, const Uid &u) {
    if (seen.insert(u.type + "::" + u.id).second)
      layer.push_back(std::move(e));
  };
  auto fresh = [&](const Uid &u, const std::vector<Uid> &parents, bool withData) {
    Json one = Json::array();
    emitEntity(one, u, parents, withData, 0);
    add(one[0], u);
  };
  auto uidOf = [](const Json &e) {
    const Json &uid = e["uid"].contains("__entity") ? e["uid"]["__entity"] : e["uid"];
    return Uid{uid.value("type", ""), uid.value("id", "")};
  };
  const Uid ghostGroup{"Group", "ghost-group"}, ghostFolder{"Folder", "ghost-folder"};
  for (size_t k = 0, n = 1 + rng.below(3); k < n; ++k) {
    switch (rng.below(7)) {
    case 0: case 1: { // a visitor in some groups, usually the principal
      Uid v{"User", "visitor" + std::to_string(rng.below(3))};
      std::vector<Uid> ps = {hot(pools.groups)};
      if (rng.chance(40))
        ps.push_back(ghostGroup);
      fresh(v, ps, true);
      if (rng.chance(70))
        principal = v;
      break;
    }
    case 2: { // a new document, usually the resource
      Uid d{"Doc", "tmp" + std::to_string(rng.below(3))};
      fresh(d, {rng.chance(70) ? hot(pools.folders) : ghostFolder}, true);
      if (rng.chance(70))
        resource = d;
      break;
    }
    case 3: { // a parent that store entities name but the store lacks: their
              // ancestors grow through the layer for this request
      bool group = rng.chance(60);
      fresh(group ? ghostGroup : ghostFolder, {hot(group ? pools.groups : pools.folders)},
            rng.chance(50));
      break;
    }
    case 4: { // an entity the store lacks, given here
      Uid g = rng.pick(ghosts);
      bool member = g.type == "User" || g.type == "NS::User";
      fresh(g, {member ? hot(pools.groups) : hot(pools.folders)}, true);
      break;
    }
    case 5: // an identical copy of a store entity: merged
      if (!store.empty()) {
        const Json &e = store[rng.below(store.size())];
        add(e, uidOf(e));
      }
      break;
    default:
      if (rng.chance(15) && !store.empty()) {
        // A conflicting copy (another parent): the request cannot be read.
        Json e = store[rng.below(store.size())];
        e["parents"].push_back(uidJson(ghostGroup));
        add(e, uidOf(e));
      } else { // a visitor only in a group the store lacks
        fresh(Uid{"User", "visitor" + std::to_string(rng.below(3))}, {ghostGroup}, false);
      }
    }
  }
  return layer;
}

/// Reads `MIN-MAX` (or `N`) into min and max.
bool parseRange(const std::string &v, size_t &min, size_t &max) {
  size_t dash = v.find('-');
  try {
    size_t used = 0;
    min = std::stoull(v.substr(0, dash), &used);
    if (used != (dash == std::string::npos ? v.size() : dash))
      return false;
    max = min;
    if (dash != std::string::npos) {
      std::string hi = v.substr(dash + 1);
      max = std::stoull(hi, &used);
      if (used != hi.size())
        return false;
    }
  } catch (const std::exception &) {
    return false;
  }
  return min <= max && max <= 100000;
}

} // namespace

int main(int argc, char **argv) {
  uint64_t seed = 1, count = 1;
  size_t minPolicies = 2, maxPolicies = 7;
  bool requestEntities = false, templates = false;
  std::string out;
  const char *usage =
      "usage: larch_diff_gen --seed S [--count N] [--policies MIN-MAX]\n"
      "                      [--request-entities] [--templates] --out DIR\n"
      "  --policies MIN-MAX  policies per case (default 2-7); a maximum above 7\n"
      "                      selects the many-policy form\n"
      "  --request-entities  many-policy form: some requests carry entities of\n"
      "                      their own (not for cedar-wasm, which gets none)\n"
      "  --templates         many-policy form: some policies are templates, linked\n"
      "                      by links.json (not for cedar-wasm)\n";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--request-entities" || a == "--templates") {
      (a == "--templates" ? templates : requestEntities) = true;
      continue;
    }
    if ((a == "--seed" || a == "--count" || a == "--out" || a == "--policies") && i + 1 < argc) {
      std::string v = argv[++i];
      if (a == "--out") {
        out = v;
      } else if (a == "--policies") {
        if (!parseRange(v, minPolicies, maxPolicies)) {
          std::cerr << "larch_diff_gen: `--policies` takes MIN-MAX, as in 100-400\n";
          return 2;
        }
      } else {
        (a == "--seed" ? seed : count) = std::stoull(v);
      }
    } else {
      std::cerr << usage;
      return 2;
    }
  }
  if (out.empty()) {
    std::cerr << "larch_diff_gen: `--out DIR` is required\n";
    return 2;
  }
  for (uint64_t s = seed; s < seed + count; ++s)
    CaseGenerator(s, requestEntities, templates).generate(std::filesystem::path(out) / ("case-" + std::to_string(s)),
                              minPolicies, maxPolicies);
  return 0;
}
