// The fast request decoder against the reference (parseJsonText +
// parseRequestJson): for hand-written edge cases (every error kind) and every
// request of Cedar's generated corpus, with and without a schema, both must
// agree on success, on the error (path and message) and on the values.
#include "compiler/json/request_decoder.h"

#include "compiler/json/entity_json.h"
#include "compiler/json/request_json.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "runtime/compiled/flat_store.h"
#include "testlib/corpus.h"

#include <gtest/gtest.h>

using namespace larch;
using json::RequestDecoder;
using runtime::Value;

namespace {

const char *SchemaText = R"(
entity Team;
entity User in [Team] { age?: Long };
entity Photo;
entity Color enum ["red", "green"];
action view appliesTo {
  principal: [User], resource: [Photo],
  context: { ip: ipaddr, amount?: decimal, when?: datetime, wait?: duration,
             tags?: Set<String>, ips?: Set<ipaddr>, who?: User, color?: Color,
             flag?: Bool, n?: Long, s?: String,
             nested?: { a: Long, b?: String, deeper?: { c?: Set<Set<Long>> } } }
};
action edit appliesTo { principal: [User], resource: [Photo] };
)";

const char *EntitiesText = R"([
  {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 3}, "parents": [{"type": "Team", "id": "t"}]},
  {"uid": {"type": "Photo", "id": "p"}, "attrs": {}, "parents": []}
])";

/// Wraps a context into a request for view.
std::string withContext(const std::string &ctx) {
  return R"({"principal":{"type":"User","id":"alice"},"action":{"type":"Action","id":"view"},)"
         R"("resource":{"type":"Photo","id":"p"},"context":)" +
         ctx + "}";
}

std::string nested(const std::string &open, const std::string &leaf, const std::string &close,
                   unsigned n) {
  std::string s;
  for (unsigned i = 0; i < n; ++i)
    s += open;
  s += leaf;
  for (unsigned i = 0; i < n; ++i)
    s += close;
  return s;
}

/// One decoder and one prepared request over a store, reused by every check
/// (so the checks also cover reuse after failures).
class Differential {
public:
  Differential(const schema::Schema *schema, runtime::EntityStore entities)
      : schema(schema), entities(std::move(entities)) {
    std::string error;
    flat = rt::FlatStore::build(rt::SymbolTable(), this->entities, error);
    EXPECT_TRUE(flat) << error;
  }

  /// "" if the decoder agrees with the reference on `line`, else why not.
  std::string check(const std::string &line) {
    json::JsonError refError;
    std::optional<json::ParsedRequest> ref;
    std::optional<runtime::EntityStore> refLayer;
    if (std::optional<json::Json> j = json::parseJsonText(line, refError))
      ref = json::parseRequestJson(*j, schema, refError);
    if (ref && ref->hasEntities) {
      std::string why;
      refLayer = runtime::EntityStore::buildLayer(ref->entities, entities, why);
      if (!refLayer) {
        refError = {"entities", why};
        ref.reset();
      }
    }

    prepared.clear(*flat);
    json::JsonError error;
    bool ok = decoder.decode(line, schema, entities, prepared, error);
    route = decoder.getLastRoute();
    ++routes[static_cast<int>(route)];
    if (ok != ref.has_value())
      return ok ? "decoder accepts, reference says: " + refError.str()
                : "decoder rejects (" + error.str() + "), reference accepts";
    if (!ok) {
      if (error.path != refError.path || error.message != refError.message)
        return "error differs: decoder `" + error.str() + "`, reference `" + refError.str() +
               "`";
      return "";
    }
    rt::World world(prepared);
    const runtime::Request &r = ref->request;
    const runtime::EntityUid *uids[] = {&r.principal, &r.action, &r.resource};
    uint32_t ids[] = {prepared.getPrincipal(), prepared.getAction(), prepared.getResource()};
    for (int i = 0; i < 3; ++i) {
      Value got = world.toValue(rt::Val::entityId(ids[i]));
      if (got != Value::entity(*uids[i]))
        return "uid differs: " + got.str() + " vs " + uids[i]->str();
    }
    Value context = world.toValue(prepared.getContext());
    if (context != r.context)
      return "context differs: " + context.str() + " vs " + r.context.str();
    const runtime::EntityStore *layer = decoder.getRequestEntities();
    if (bool(layer) != ref->hasEntities)
      return "request entities differ in presence";
    if (layer && layer->size() != refLayer->size())
      return "request entities differ in number";
    return "";
  }

  RequestDecoder::Route getRoute() const { return route; }
  size_t getRouteCount(RequestDecoder::Route r) const { return routes[static_cast<int>(r)]; }

private:
  const schema::Schema *schema;
  runtime::EntityStore entities;
  std::unique_ptr<rt::FlatStore> flat;
  rt::PreparedRequest prepared;
  RequestDecoder decoder;
  RequestDecoder::Route route = RequestDecoder::Route::Fast;
  size_t routes[3] = {};
};

runtime::EntityStore loadEntities(const schema::Schema *schema) {
  json::JsonError err;
  std::optional<runtime::EntityStore> store = json::loadEntityStore(EntitiesText, schema, err);
  EXPECT_TRUE(store) << err.str();
  return store ? std::move(*store) : runtime::EntityStore();
}

class RequestDecoderTest : public ::testing::Test {
protected:
  void SetUp() override {
    DiagnosticEngine diags;
    auto s = schema::loadCedarSchema(sm, "s.cedarschema", SchemaText, diags);
    ASSERT_TRUE(s) << formatDiagnostics(diags.getDiagnostics(), sm);
    schema = std::make_unique<schema::Schema>(std::move(*s));
    plain = std::make_unique<Differential>(nullptr, loadEntities(nullptr));
    typed = std::make_unique<Differential>(schema.get(), loadEntities(schema.get()));
  }

  /// Both with and without the schema.
  void expectAgree(const std::string &line) {
    EXPECT_EQ(plain->check(line), "") << "without schema: " << line;
    EXPECT_EQ(typed->check(line), "") << "with schema: " << line;
  }
  void expectAgreeFast(const std::string &line, Differential &d) {
    EXPECT_EQ(d.check(line), "") << line;
    EXPECT_NE(d.getRoute(), RequestDecoder::Route::Fallback) << line;
  }

  SourceManager sm;
  std::unique_ptr<schema::Schema> schema;
  std::unique_ptr<Differential> plain, typed;
};

TEST_F(RequestDecoderTest, CommonRequestsTakeTheFastPath) {
  const char *contexts[] = {
      R"({})",
      R"({"ip":"10.0.0.1"})",
      R"({"ip":{"__extn":{"fn":"ip","arg":"192.168.0.0/16"}},"amount":"12.5","when":"2024-01-02T03:04:05Z","wait":"1h30m"})",
      R"({"ip":"::1","amount":{"__extn":{"fn":"decimal","arg":"-1.0001"}},"when":{"fn":"datetime","arg":"2024-01-02"}})",
      R"({"ip":"1.2.3.4","tags":["b","a","b"],"ips":["10.0.0.1","10.0.0.1/8"],"who":{"type":"User","id":"bob"}})",
      R"({"ip":"1.2.3.4","who":{"__entity":{"type":"User","id":"bob"}},"color":{"type":"Color","id":"blue"}})",
      R"({"ip":"1.2.3.4","flag":true,"n":-9223372036854775808,"s":"\u00e9\n\u0000"})",
      R"({"ip":"1.2.3.4","n":"not a long","flag":7,"s":[1]})",
      R"({"ip":"1.2.3.4","nested":{"a":1,"b":"x","deeper":{"c":[[1,2],[2,1],[]]}}})",
  };
  for (const char *c : contexts) {
    expectAgreeFast(withContext(c), *plain);
    expectAgreeFast(withContext(c), *typed);
  }
  const char *requests[] = {
      R"({"principal":"User::\"alice\"","action":"Action::\"edit\"","resource":"Photo::\"p\""})",
      R"({"principal":{"__entity":{"type":"User","id":"alice"}},"action":{"type":"Action","id":"edit","extra":1},"resource":"NS::Photo::\"p\"","context":{}})",
      R"({"context":{"z":1,"a":[1,"x",true,{"k":false}],"m":{"__entity":{"type":"User","id":"u"}}},"resource":"Photo::\"q\"","action":"Action::\"edit\"","principal":"User::\"new\""})",
  };
  for (const char *r : requests)
    expectAgreeFast(r, *plain);
  expectAgreeFast(requests[0], *typed);
  expectAgreeFast(requests[1], *typed);
}

TEST_F(RequestDecoderTest, RequestShapeErrors) {
  const char *lines[] = {
      "[]", "1", "\"x\"", "null", "true",
      R"({})",
      R"({"action":"Action::\"view\"","resource":"Photo::\"p\""})",
      R"({"principal":"User::\"a\"","resource":"Photo::\"p\""})",
      R"({"principal":"User::\"a\"","action":"Action::\"edit\""})",
      R"({"principal":"User::\"a\"","action":"Action::\"edit\"","resource":"Photo::\"p\"","foo":1})",
      R"({"zz":1,"principal":"User::\"a\"","aa":2,"action":"Action::\"edit\"","resource":"Photo::\"p\""})",
      R"({"principal":"User::\"a\"","action":"Action::\"nope\"","resource":"Photo::\"p\""})",
      R"({"principal":"User::\"a\"","action":"Action::\"nope\"","resource":"Photo::\"p\"","context":{}})",
      R"({"principal":"User::\"a\"","action":"Action::\"view\"","resource":"Photo::\"p\""})",
      R"({"principal":"User::\"a\"","action":"Action::\"edit\"","resource":"Photo::\"p\"","context":[]})",
      R"({"principal":"User::\"a\"","action":"Action::\"edit\"","resource":"Photo::\"p\"","context":null})",
      R"({"principal":"User::\"a\"","action":"Action::\"edit\"","resource":"Photo::\"p\"","context":{"__entity":{"type":"U","id":"x"}}})",
      R"({"principal":"User::\"a\"","action":"Action::\"edit\"","resource":"Photo::\"p\"","context":{"__extn":{"fn":"ip","arg":"1.2.3.4"}}})",
      R"({"principal":"User::\"a\"","action":"Action::\"edit\"","resource":"Photo::\"p\"","context":{"x":1}})",
  };
  for (const char *l : lines)
    expectAgree(l);
}

TEST_F(RequestDecoderTest, EntityUidForms) {
  const char *uids[] = {
      R"("User::\"alice\"")", R"("NS::User::\"a b\"")", R"("User::\"a\\nb\"")",
      R"("User::\"a\\u{e9}\"")", R"("User::\"a\\q\"")", R"("User")", R"("User::\"a")",
      R"("User::\"a\"b\"")", R"("User :: \"a\"")", R"("User::\"a\\\"")", R"("User::\"\"")",
      R"("if::\"a\"")", R"("User::\"a\rb\"")", R"("::\"a\"")",
      R"({"type":"User","id":"a"})", R"({"type":"User","id":"a","x":[1.5]})",
      R"({"__entity":{"type":"User","id":"a"}})", R"({"__entity":{"type":"User"}})",
      R"({"__entity":"x"})", R"({"__expr":"x"})", R"({"type":"User"})",
      R"({"type":1,"id":"a"})", R"({"type":"User","id":2})", R"({"type":"bad name","id":"a"})",
      R"({"type":"A::B","id":""})", R"({"__entity":{"type":"if","id":"a"}})", "[]", "1",
      "null", "1.5", R"({"b":2,"a":1})", R"({"__entity":{"type":"User","id":"a"},"x":1})",
      // Two fields, the usual shape's size: either order, repeats, other keys.
      R"({"id":"a","type":"User"})", R"({"type":"User","type":"Team"})",
      R"({"id":"a","id":"b"})", R"({"id":"a","type":1})", R"({"type":"User","ID":"a"})",
      R"({"id":"a","kind":"User"})", R"({"__entity":{"id":"a","type":"User"}})",
  };
  for (const char *u : uids) {
    expectAgree(std::string(R"({"principal":)") + u +
                R"(,"action":"Action::\"edit\"","resource":"Photo::\"p\""})");
    expectAgree(std::string(R"({"principal":"User::\"a\"","action":)") + u +
                R"(,"resource":"Photo::\"p\""})");
    expectAgree(withContext(std::string(R"({"ip":"1.2.3.4","who":)") + u + "}"));
  }
}

// The decoder remembers a few valid type names; more names than it keeps,
// some sharing a place, valid and invalid in turn, are each judged anew.
TEST_F(RequestDecoderTest, ManyTypeNamesInTurn) {
  std::vector<std::string> types;
  for (int i = 0; i < 40; ++i)
    types.push_back("T" + std::string(i % 5, 'x') + std::to_string(i));
  for (const char *t : {"Action", "Human", "Agent", "Document", "A::B", "if", "bad name",
                        "A :: B", "1T", "T-1", ""})
    types.push_back(t);
  for (int round = 0; round < 3; ++round)
    for (const std::string &t : types) {
      std::string uid = R"({"type":")" + t + R"(","id":"a"})";
      expectAgree(R"({"principal":)" + uid +
                  R"(,"action":"Action::\"edit\"","resource":"Photo::\"p\""})");
      expectAgree(withContext(R"({"ip":"1.2.3.4","who":{"__entity":)" + uid + "}}"));
    }
}

TEST_F(RequestDecoderTest, JsonSyntaxErrors) {
  const char *lines[] = {
      "", " ", "{", "}", R"({"principal":})", "{} {}", "[1,2,]", "\xEF\xBB\xBF{}",
      "{\"principal\":\"\xff\"}", R"({"principal":"\ud800"})", "{\"principal\":\"a\x01\"}",
      R"({"principal":'x'})", R"({principal:1})", "{\"a\":1,}", "nul", "01", "1e400",
      R"({"context":18446744073709551616})",
  };
  for (const char *l : lines)
    expectAgree(l);
  expectAgree("\xEF\xBB\xBF" R"({"principal":"User::\"a\"","action":"Action::\"edit\"","resource":"Photo::\"p\""})");
}

TEST_F(RequestDecoderTest, DuplicateKeys) {
  const char *lines[] = {
      R"({"principal":"User::\"a\"","principal":"User::\"b\""})",
      R"({"foo":1,"foo":2,"principal":"User::\"a\""})",
      R"({"principal":"User::\"a\"","action":"Action::\"edit\"","resource":"Photo::\"p\"","context":{"a":1,"a":1}})",
      R"({"principal":{"type":"User","id":"a","x":{"k":1,"k":2}},"action":"Action::\"edit\"","resource":"Photo::\"p\""})",
      R"({"a":{"y":1,"y":2},"a":1})",
      R"({"a":1,"b":{"a":1},"c":[{"q":1,"r":2,"q":3}],"b":2})",
      R"({"context":{"x":null},"context":1})",
      R"({"a":1,"b":{"c":1,"a":{"c":2}}})",
      R"({"\u0061":1,"a":2})",
      R"([{"k":1},{"k":2,"k":3}])",
      R"({"principal":{"type":"User","id":"a","type":"Team"},"action":"Action::\"edit\"","resource":"Photo::\"p\""})",
      R"({"principal":{"__entity":{"type":"User","id":"a","id":"b"}},"action":"Action::\"edit\"","resource":"Photo::\"p\""})",
  };
  for (const char *l : lines)
    expectAgree(l);
  const char *contexts[] = {
      R"({"e":{"__extn":{"fn":"ip","arg":"1.2.3.4","arg":"1.2.3.5"}}})",
      R"({"e":{"__extn":{"fn":"ip","arg":"1.2.3.4","x":{"y":1,"y":1}}}})",
      // Two keys, as the usual call has, yet a repeat or a value with keys.
      R"({"e":{"__extn":{"fn":"ip","fn":"ip"}}})",
      R"({"e":{"__extn":{"arg":"1.2.3.4","arg":"1.2.3.4"}}})",
      R"({"e":{"__extn":{"fn":"ip","arg":{"a":1,"a":2}}}})",
      R"({"e":{"__extn":{"fn":"ip","arg":[{"a":1,"a":2}]}}})",
      R"({"e":{"__entity":{"type":"User","id":"a","id":"b"}}})",
      R"({"ip":{"fn":"ip","arg":"1.2.3.4","fn":"ip"}})",
      R"({"ip":{"__extn":{"fn":"ip","arg":"1.2.3.4","z":[{"q":1,"q":2}]}}})",
      R"({"ip":"1.2.3.4","nested":{"a":1,"a":2}})",
      R"({"ip":"1.2.3.4","who":{"type":"User","id":"a","x":[{"k":1,"k":1}]}})",
      R"({"ip":"1.2.3.4","s":[{"k":[{"q":1,"q":2}]}]})",
      R"({"ip":null,"s":{"q":1,"q":2}})",
      R"({"e":{"__extn":{"fn":"ip","arg":"1.2.3.4","z":["a",1,[{"q":1,"q":2}]]}}})",
      R"({"e":{"__extn":{"fn":"ip","arg":"1.2.3.4","z":["a",1,[{"q":1,"r":2}]]}}})",
  };
  for (const char *c : contexts)
    expectAgree(withContext(c));
  // Objects large enough to be checked by sorting.
  std::string big = "{";
  for (int i = 0; i < 40; ++i)
    big += "\"k" + std::to_string(i % 37) + "\":{\"x\":" + std::to_string(i) + "},";
  big += "\"last\":{\"d\":1,\"d\":2}}";
  expectAgree(withContext(big));
  std::string bigOk = "{";
  for (int i = 0; i < 40; ++i)
    bigOk += "\"k" + std::to_string(i) + "\":{\"x\":1,\"x\":2},";
  bigOk += "\"last\":1}";
  expectAgree(withContext(bigOk));
}

TEST_F(RequestDecoderTest, PlainValues) {
  const char *contexts[] = {
      R"({"n":0})", R"({"n":-0})", R"({"n":9223372036854775807})",
      R"({"n":9223372036854775808})", R"({"n":18446744073709551615})",
      R"({"n":18446744073709551616})", R"({"n":-9223372036854775809})", R"({"n":1.0})",
      R"({"n":1e2})", R"({"n":-0.0})", R"({"n":0.1})", R"({"n":1E-7})", R"({"n":123456789.125})",
      R"({"n":null})", R"({"s":"\"\\\/\b\f\n\r\t\u20ac\ud83d\ude00"})", R"({"b":null,"a":null})",
      R"({"z":{"b":null},"a":{"c":1.5}})", R"({"a":[1,2,null],"b":[1.5]})",
      R"({"a":[[],[[]],{}]})", R"({"":1,"x y":{"\"q\"":null}})", R"({"set":[1,1,"1",true,1]})",
      R"({"set":[{"a":1},{"a":1},{"b":[2,1]},{"b":[1,2]}]})",
      R"({"e":{"__extn":{"fn":"ip","arg":"10.0.0.0/8"}}})",
      R"({"e":{"__extn":{"fn":"ip","arg":"bogus"}}})",
      R"({"e":{"__extn":{"fn":"decimal","arg":"1.23456"}}})",
      R"({"e":{"__extn":{"fn":"datetime","arg":"2024-13-01"}}})",
      R"({"e":{"__extn":{"fn":"duration","arg":"1x"}}})",
      R"({"e":{"__extn":{"fn":"duration","arg":"-2d3h"}}})",
      R"({"e":{"__extn":{"fn":"nope","arg":"1"}}})",
      R"({"e":{"__extn":{"fn":"unknown","arg":"1"}}})",
      R"({"e":{"__extn":{"fn":"bad name","arg":"1"}}})",
      R"({"e":{"__extn":{"fn":"ip","arg":1}}})",
      R"({"e":{"__extn":{"fn":"ip","arg":null}}})",
      R"({"e":{"__extn":{"fn":"offset","args":[{"__extn":{"fn":"datetime","arg":"2024-01-01"}},{"__extn":{"fn":"duration","arg":"1h"}}]}}})",
      R"({"e":{"__extn":{"fn":"offset","args":["2024-01-01","1h"]}}})",
      R"({"e":{"__extn":{"fn":"offset","args":[{"__extn":{"fn":"datetime","arg":"1970-01-01"}},{"__extn":{"fn":"duration","arg":"-5ms"}}]}}})",
      R"({"e":{"__extn":{"fn":"offset","args":[{"__extn":{"fn":"datetime","arg":"1970-01-01"}},null]}}})",
      R"({"e":{"__extn":{"fn":"offset","args":[{"__extn":{"fn":"datetime","arg":"1970-01-01"}}]}}})",
      R"({"e":{"__extn":{"fn":"offset","args":[{"__extn":{"fn":"duration","arg":"1h"}},{"__extn":{"fn":"duration","arg":"1h"}}]}}})",
      R"({"e":{"__extn":{"fn":"offset","args":[{"__extn":{"fn":"datetime","arg":"1970-01-01"}},{"__extn":{"fn":"duration","arg":"9223372036854775807ms"}}]}}})",
      R"({"e":{"__extn":{"fn":"isIpv4","arg":{"__extn":{"fn":"ip","arg":"1.2.3.4"}}}}})",
      R"({"e":{"__extn":{"fn":"ip","args":["1.2.3.4"]}}})",
      R"({"e":{"__extn":{"fn":"ip","args":"1.2.3.4"}}})",
      R"({"e":{"__extn":{"fn":"ip"}}})", R"({"e":{"__extn":{"fn":"ip","x":1}}})",
      R"({"e":{"__extn":{"fn":1,"arg":"x"}}})", R"({"e":{"__extn":"x"}})",
      R"({"e":{"__extn":{"fn":"ip","arg":"1.2.3.4"},"x":1}})",
      R"({"e":{"__expr":"1 + 1"}})", R"({"e":{"__expr":1}})",
      R"({"e":{"__entity":{"type":"U","id":"a"}}})", R"({"e":{"__entity":{"type":"U","id":"a","z":1}}})",
      R"({"e":{"__entity":{"type":"bad name","id":"a"}}})", R"({"e":{"__entity":{"type":"U"}}})",
      R"({"e":{"__entity":{"type":"U","id":1}}})", R"({"e":{"__entity":{"type":"U","id":"a"},"x":1}})",
      R"({"e":{"type":"U","id":"a"}})",
  };
  for (const char *c : contexts)
    EXPECT_EQ(plain->check(withContext(c)), "") << c;
}

TEST_F(RequestDecoderTest, SchemaValues) {
  const char *contexts[] = {
      R"({"ip":"10.0.0.1"})", R"({"ip":"10.0.0.1/33"})", R"({"ip":"nope"})", R"({"ip":1})",
      R"({"ip":null})", R"({"ip":[]})", R"({"ip":{}})", R"({"ip":{"__extn":{"fn":"ip","arg":"1.2.3.4"}}})",
      R"({"ip":{"__extn":{"fn":"decimal","arg":"1.0"}}})", R"({"ip":{"fn":"ip","arg":"1.2.3.4"}})",
      R"({"ip":"1.2.3.4","when":{"__extn":{"fn":"offset","args":[{"__extn":{"fn":"datetime","arg":"1970-01-01"}},{"__extn":{"fn":"duration","arg":"86400000ms"}}]}}})",
      R"({"ip":"1.2.3.4","when":{"fn":"offset","args":["1970-01-01","-1ms"]}})",
      R"({"ip":"1.2.3.4","when":{"fn":"offset","args":["1970-01-01",{"fn":"duration","arg":"1h"}]}})",
      R"({"ip":"1.2.3.4","when":{"fn":"offset","args":["1970-01-01","1h","1h"]}})",
      R"({"ip":"1.2.3.4","when":{"fn":"offset","args":["1970-01-01",1]}})",
      R"({"ip":"1.2.3.4","when":{"fn":"offset","args":["1970-01-01","9223372036854775807ms"]}})",
      R"({"ip":"1.2.3.4","wait":{"fn":"offset","args":["1970-01-01","1h"]}})",
      R"({"ip":{"fn":"ip","arg":"1.2.3.4","extra":true}})", R"({"ip":{"__extn":{"arg":"1.2.3.4"}}})",
      R"({"ip":{"__extn":{"fn":"ip","arg":"x"}}})", R"({"ip":{"__extn":"1.2.3.4"}})",
      R"x({"ip":{"__expr":"ip(\"1.2.3.4\")"}})x", R"({"ip":{"fn":"offset","arg":"1"}})",
      R"({"ip":{"fn":"isIpv4","arg":"1.2.3.4"}})",
      R"({"ip":"1.2.3.4","when":{"fn":"offset","args":["2024-01-01","1h"]}})",
      R"({"ip":"1.2.3.4","when":{"fn":"offset","args":["2024-01-01"]}})",
      R"({"ip":"1.2.3.4","when":{"__extn":{"fn":"offset","args":[{"fn":"datetime","arg":"2024-01-01"},"1d"]}}})",
      R"({"ip":"1.2.3.4","amount":"1.23456"})", R"({"ip":"1.2.3.4","amount":1})",
      R"({"ip":"1.2.3.4","when":"2024-01-01T00:00:00.000+0100"})",
      R"({"ip":"1.2.3.4","wait":"1h-1m"})", R"({})", R"({"amount":"1.0"})",
      R"({"ip":"1.2.3.4","undeclared":1})", R"({"ip":"1.2.3.4","zz":1,"aa":{"x":null}})",
      R"({"zz":1,"amount":"bad"})", R"({"ip":"1.2.3.4","tags":"x"})",
      R"({"ip":"1.2.3.4","tags":[1,null]})", R"({"ip":"1.2.3.4","ips":["1.2.3.4","bad"]})",
      R"({"ip":"1.2.3.4","ips":[{"fn":"ip","arg":"1.2.3.4"}]})",
      R"({"ip":"1.2.3.4","who":"User::\"bob\""})", R"({"ip":"1.2.3.4","who":{"type":"Team","id":"t"}})",
      R"({"ip":"1.2.3.4","color":{"type":"Color","id":"blue"}})",
      R"({"ip":"1.2.3.4","nested":1})", R"({"ip":"1.2.3.4","nested":{}})",
      R"({"ip":"1.2.3.4","nested":{"a":1,"x":2}})", R"({"ip":"1.2.3.4","nested":{"a":1.5}})",
      R"({"ip":"1.2.3.4","nested":{"a":1,"deeper":{"c":[1]}}})",
      R"({"ip":"1.2.3.4","nested":{"a":1,"deeper":{"c":[[1],[null]]}}})",
      R"({"ip":"1.2.3.4","nested":{"a":null,"b":null}})",
      R"({"ip":"1.2.3.4","flag":{"__entity":{"type":"U","id":"a"}}})",
      R"({"ip":"1.2.3.4","s":{"__extn":{"fn":"ip","arg":"1.2.3.4"}}})",
      R"({"ip":"1.2.3.4","n":{"k":1.5}})",
  };
  for (const char *c : contexts)
    EXPECT_EQ(typed->check(withContext(c)), "") << c;
}

TEST_F(RequestDecoderTest, NestingLimits) {
  for (unsigned n : {100u, 250u, 252u, 253u, 254u, 255u, 256u, 257u, 300u, 1020u, 1030u, 2000u}) {
    expectAgree(withContext("{\"a\":" + nested("[", "1", "]", n) + "}"));
    expectAgree(withContext("{\"a\":" + nested("{\"k\":", "1", "}", n) + "}"));
    expectAgree(withContext(
        "{\"a\":" + nested("[", "{\"__extn\":{\"fn\":\"ip\",\"arg\":\"1.2.3.4\"}}", "]", n) + "}"));
    expectAgree(withContext("{\"ip\":\"1.2.3.4\",\"nested\":{\"a\":1,\"deeper\":{\"c\":" +
                            nested("[", "1", "]", n) + "}}}"));
  }
}

TEST_F(RequestDecoderTest, RequestEntities) {
  const char *entities[] = {
      R"([])",
      R"([{"uid":{"type":"User","id":"bob"},"attrs":{"age":7},"parents":[{"type":"Team","id":"t"}]}])",
      R"([{"uid":{"type":"User","id":"alice"},"attrs":{"age":4},"parents":[]}])",
      R"([{"uid":{"type":"User","id":"alice"},"attrs":{"age":3},"parents":[{"type":"Team","id":"t"}]}])",
      R"([{"uid":{"type":"User","id":"x"},"attrs":{"age":1.5},"parents":[]}])",
      R"([{"uid":1}])", R"({})", R"(1)",
      R"([{"uid":{"type":"Team","id":"t"},"attrs":{},"parents":[{"type":"User","id":"alice"}]}])",
  };
  for (const char *e : entities)
    expectAgree(std::string(R"({"principal":"User::\"alice\"","action":"Action::\"edit\"",)") +
                R"("resource":"Photo::\"p\"","entities":)" + e + "}");
  // An error before the entities is reported first.
  expectAgree(R"({"principal":"User","action":"Action::\"edit\"","resource":"Photo::\"p\"","entities":[{"uid":1}]})");
}

// ------------------------------------------------------------------ corpus

struct CorpusFile {
  std::unique_ptr<schema::Schema> schema;
  std::vector<std::string> lines;
};

/// Request lines built from a corpus test's requests: uid objects as the
/// corpus writes them, and (every other request) Cedar's text form.
bool loadCorpusFile(const std::string &root, const std::string &path, CorpusFile &out) {
  bool ok = false;
  std::string text = testlib::readFile(path, &ok);
  json::JsonError jerr;
  std::optional<json::Json> test = ok ? json::parseJsonText(text, jerr) : std::nullopt;
  if (!test)
    return false;
  std::string schemaRel = (*test)["schema"].get<std::string>();
  std::string schemaText = testlib::readFile(root + "/" + schemaRel, &ok);
  if (!ok)
    return false;
  SourceManager sm;
  DiagnosticEngine diags;
  std::optional<schema::Schema> s = schema::loadCedarSchema(sm, schemaRel, schemaText, diags);
  if (!s)
    return false;
  out.schema = std::make_unique<schema::Schema>(std::move(*s));
  size_t index = 0;
  for (const json::Json &r : (*test)["requests"]) {
    json::Json line = json::Json::object();
    for (const char *k : {"principal", "action", "resource"}) {
      const json::Json &uid = r[k];
      if (index % 2 == 1 && uid.is_object() && uid.contains("type") && uid.contains("id"))
        line[k] = uid["type"].get<std::string>() + "::" +
                  runtime::quoteCedarString(uid["id"].get<std::string>());
      else
        line[k] = uid;
    }
    if (r.contains("context"))
      line["context"] = r["context"];
    out.lines.push_back(line.dump());
    ++index;
  }
  return true;
}

TEST(RequestDecoderCorpus, AgreesWithReferenceOnEveryCorpusRequest) {
  std::string error;
  std::string root = testlib::unpackedCorpusDir(&error);
  ASSERT_FALSE(root.empty()) << error;
  size_t files = 0, requests = 0, failures = 0;
  Differential plain(nullptr, runtime::EntityStore());
  for (const std::string &f : testlib::listFiles(root + "/corpus-tests", ".json")) {
    if (f.size() > 14 && f.compare(f.size() - 14, 14, ".entities.json") == 0)
      continue;
    CorpusFile file;
    if (!loadCorpusFile(root, f, file)) {
      ADD_FAILURE() << f << ": does not load";
      continue;
    }
    ++files;
    // A fresh decoder per schema (its cache is keyed by schema address).
    Differential typedForFile(file.schema.get(), runtime::EntityStore());
    for (const std::string &line : file.lines) {
      ++requests;
      for (Differential *d : {&plain, &typedForFile}) {
        std::string why = d->check(line);
        if (!why.empty() && ++failures <= 20)
          ADD_FAILURE() << f << ": " << why << "\n  " << line;
      }
    }
  }
  EXPECT_EQ(files, 7809u);
  EXPECT_EQ(requests, 62472u);
  EXPECT_EQ(failures, 0u);
  // Every corpus request is decoded natively, without a schema.
  EXPECT_EQ(plain.getRouteCount(RequestDecoder::Route::Fallback), 0u);
}

} // namespace
