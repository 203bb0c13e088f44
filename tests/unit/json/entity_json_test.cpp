// Entities JSON, values in Cedar's JSON syntax, with and without a schema.
#include "compiler/json/entity_json.h"
#include "compiler/json/request_json.h"
#include "compiler/schema/cedar_schema_parser.h"

#include <gtest/gtest.h>

using namespace larch;
using runtime::EntityUid;
using runtime::Value;

namespace {

std::optional<Value> plain(const std::string &text, json::JsonError &err) {
  auto j = json::parseJsonText(text, err);
  if (!j)
    return std::nullopt;
  return json::JsonValueParser(nullptr).parse(*j, nullptr, "v", err);
}

Value plainOk(const std::string &text) {
  json::JsonError err;
  auto v = plain(text, err);
  EXPECT_TRUE(v) << text << ": " << err.str();
  return v ? *v : Value();
}

std::string plainError(const std::string &text) {
  json::JsonError err;
  auto v = plain(text, err);
  EXPECT_FALSE(v) << text << " parsed as " << (v ? v->str() : "");
  return err.str();
}

const char *SchemaText = R"(
entity Team;
entity User in [Team] { age: Long, ip?: ipaddr, team?: Team, tags?: Set<String>,
                        home?: { city: String, zip?: String }, since?: datetime } tags String;
entity Color enum ["red", "green"];
action view appliesTo { principal: [User], resource: [User],
                        context: { src: ipaddr, score?: decimal, who?: User } };
action read in [view];
)";

class SchemaJsonTest : public ::testing::Test {
protected:
  void SetUp() override {
    DiagnosticEngine diags;
    auto s = schema::loadCedarSchema(sm, "s.cedarschema", SchemaText, diags);
    ASSERT_TRUE(s) << formatDiagnostics(diags.getDiagnostics(), sm);
    schema = std::make_unique<schema::Schema>(std::move(*s));
  }
  std::optional<runtime::EntityStore> load(const std::string &text, json::JsonError &err) {
    return json::loadEntityStore(text, schema.get(), err);
  }
  std::string loadError(const std::string &text) {
    json::JsonError err;
    auto s = load(text, err);
    EXPECT_FALSE(s) << text;
    return err.str();
  }
  SourceManager sm;
  std::unique_ptr<schema::Schema> schema;
};

} // namespace

TEST(JsonValueTest, PlainValues) {
  EXPECT_EQ(plainOk("true"), Value::boolean(true));
  EXPECT_EQ(plainOk("-12"), Value::integer(-12));
  EXPECT_EQ(plainOk("9223372036854775807"), Value::integer(INT64_MAX));
  EXPECT_EQ(plainOk("\"x\""), Value::string("x"));
  EXPECT_EQ(plainOk("[1, 1, 2]"), Value::set({Value::integer(1), Value::integer(2)}));
  EXPECT_EQ(plainOk("{\"a\": {\"b\": []}}"),
            Value::record({{"a", Value::record({{"b", Value::set({})}})}}));
  EXPECT_EQ(plainOk("{\"__entity\": {\"type\": \"NS::U\", \"id\": \"a\"}}"),
            Value::entity("NS::U", "a"));
  EXPECT_EQ(plainOk("{\"__extn\": {\"fn\": \"ip\", \"arg\": \"10.0.0.1\"}}"),
            Value::ipaddr(ext::IpAddr::parse("10.0.0.1").value));
  // The canonical datetime form: a two-argument escape.
  EXPECT_EQ(plainOk(R"({"__extn": {"fn": "offset", "args": [
                {"__extn": {"fn": "datetime", "arg": "1970-01-01"}},
                {"__extn": {"fn": "duration", "arg": "86400000ms"}}]}})"),
            Value::datetime(ext::Datetime::fromMillis(86400000)));
  // An escape that does not have the exact shape is an ordinary record.
  EXPECT_EQ(plainOk("{\"__entity\": \"x\"}"),
            Value::record({{"__entity", Value::string("x")}}));
}

TEST(JsonValueTest, RejectedValues) {
  EXPECT_NE(plainError("null").find("null"), std::string::npos);
  EXPECT_NE(plainError("1.5").find("floating-point"), std::string::npos);
  EXPECT_NE(plainError("9223372036854775808").find("64-bit"), std::string::npos);
  EXPECT_NE(plainError("{\"__expr\": \"1 + 1\"}").find("__expr"), std::string::npos);
  EXPECT_NE(plainError("{\"a\": 1, \"a\": 2}").find("duplicate key `a`"), std::string::npos);
  EXPECT_NE(plainError("[{\"x\": {\"a\": 1, \"a\": 1}}]").find("duplicate"), std::string::npos);
  EXPECT_NE(plainError("{\"__entity\": {\"type\": \"A :: B\", \"id\": \"a\"}}").find("invalid entity type"),
            std::string::npos);
  EXPECT_NE(plainError("{\"__extn\": {\"fn\": \"nope\", \"arg\": \"1\"}}").find("unknown extension"),
            std::string::npos);
  EXPECT_NE(plainError("{\"__extn\": {\"fn\": \"decimal\", \"arg\": \"x\"}}").find("decimal"),
            std::string::npos);
  EXPECT_NE(plainError("{\"a\": [1, null]}").find("v.a[1]"), std::string::npos);
  EXPECT_NE(plainError("[1,").find("invalid JSON"), std::string::npos);
}

TEST(JsonValueTest, EntitiesWithoutSchema) {
  json::JsonError err;
  auto store = json::loadEntityStore(R"([
    {"uid": {"type": "User", "id": "a"}, "attrs": {"n": 1},
     "parents": [{"__entity": {"type": "G", "id": "g"}}], "tags": {"t": "x"}},
    {"uid": {"__entity": {"type": "G", "id": "g"}}, "attrs": {}, "parents": []},
    {"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": [{"type": "Action", "id": "all"}]}
  ])", nullptr, err);
  ASSERT_TRUE(store) << err.str();
  const runtime::Entity *a = store->find({"User", "a"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->attrs.at("n"), Value::integer(1));
  EXPECT_EQ(a->tags.at("t"), Value::string("x"));
  EXPECT_TRUE(runtime::EntityView(*store).isAncestor({"Action", "read"}, {"Action", "all"}));
}

TEST(JsonValueTest, EntityFormatErrorsNameTheEntityAndField) {
  json::JsonError err;
  EXPECT_FALSE(json::loadEntityStore(
      R"([{"uid": {"type": "User", "id": "a"}, "parents": []}])", nullptr, err));
  EXPECT_NE(err.str().find("User::\"a\""), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("attrs"), std::string::npos) << err.str();
  EXPECT_FALSE(json::loadEntityStore(
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": {"y": 1.5}}, "parents": []}])",
      nullptr, err));
  EXPECT_NE(err.str().find("(User::\"a\").attrs.x.y"), std::string::npos) << err.str();
  EXPECT_FALSE(json::loadEntityStore(
      R"([{"uid": {"type": "Action", "id": "a"}, "attrs": {}, "parents": [{"type": "User", "id": "u"}]}])",
      nullptr, err));
  EXPECT_NE(err.str().find("not an action"), std::string::npos) << err.str();
  EXPECT_FALSE(json::loadEntityStore(R"([
    {"uid": {"type": "G", "id": "1"}, "attrs": {}, "parents": [{"type": "G", "id": "2"}]},
    {"uid": {"type": "G", "id": "2"}, "attrs": {}, "parents": [{"type": "G", "id": "1"}]}])",
                                     nullptr, err));
  EXPECT_NE(err.str().find("cycle"), std::string::npos) << err.str();
  EXPECT_FALSE(json::loadEntityStore("{}", nullptr, err));
}

TEST_F(SchemaJsonTest, SchemaBasedParsing) {
  json::JsonError err;
  auto store = load(R"([
    {"uid": {"type": "User", "id": "a"},
     "attrs": {"age": 3, "ip": "10.0.0.1", "team": {"type": "Team", "id": "t"},
               "tags": ["x"], "home": {"city": "Oslo"},
               "since": {"fn": "datetime", "arg": "2024-01-01"}},
     "parents": [{"type": "Team", "id": "t"}], "tags": {"k": "v"}}
  ])", err);
  ASSERT_TRUE(store) << err.str();
  const runtime::Entity *a = store->find({"User", "a"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->attrs.at("ip"), Value::ipaddr(ext::IpAddr::parse("10.0.0.1").value));
  EXPECT_EQ(a->attrs.at("team"), Value::entity("Team", "t"));
  EXPECT_EQ(a->attrs.at("since"), Value::datetime(ext::Datetime::parse("2024-01-01").value));
  // The schema's actions and their hierarchy are added.
  EXPECT_TRUE(store->find({"Action", "view"}));
  EXPECT_TRUE(runtime::EntityView(*store).isAncestor({"Action", "read"}, {"Action", "view"}));
}

TEST_F(SchemaJsonTest, SchemaConformanceErrors) {
  auto has = [](const std::string &s, const std::string &frag) {
    return s.find(frag) != std::string::npos;
  };
  std::string e;
  e = loadError(R"([{"uid": {"type": "Nope", "id": "a"}, "attrs": {}, "parents": []}])");
  EXPECT_TRUE(has(e, "`Nope` is not declared")) << e;
  e = loadError(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": []}])");
  EXPECT_TRUE(has(e, "required attribute `age`")) << e;
  e = loadError(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"age": "3"}, "parents": []}])");
  EXPECT_TRUE(has(e, "attrs.age") && has(e, "type mismatch")) << e;
  e = loadError(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"age": 3, "x": 1}, "parents": []}])");
  EXPECT_TRUE(has(e, "`x` is not declared")) << e;
  e = loadError(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"age": 3, "ip": "nope"}, "parents": []}])");
  EXPECT_TRUE(has(e, "attrs.ip") && has(e, "ipaddr")) << e;
  e = loadError(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"age": 3, "home": {}}, "parents": []}])");
  EXPECT_TRUE(has(e, "attrs.home") && has(e, "`city`")) << e;
  e = loadError(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"age": 3, "team": {"type": "User", "id": "b"}}, "parents": []}])");
  EXPECT_TRUE(has(e, "attrs.team")) << e;
  e = loadError(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"age": 3}, "parents": [{"type": "User", "id": "b"}]}])");
  EXPECT_TRUE(has(e, "parents[0]") && has(e, "cannot have parents of type `User`")) << e;
  e = loadError(R"([{"uid": {"type": "Team", "id": "t"}, "attrs": {}, "parents": [], "tags": {"a": "b"}}])");
  EXPECT_TRUE(has(e, "has no tags")) << e;
  e = loadError(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"age": 3}, "parents": [], "tags": {"a": 1}}])");
  EXPECT_TRUE(has(e, "tags.a")) << e;
  e = loadError(R"([{"uid": {"type": "Color", "id": "blue"}, "attrs": {}, "parents": []}])");
  EXPECT_TRUE(has(e, "enumerated")) << e;
  e = loadError(R"([{"uid": {"type": "Action", "id": "nope"}, "attrs": {}, "parents": []}])");
  EXPECT_TRUE(has(e, "not declared")) << e;
  e = loadError(R"([{"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": []}])");
  EXPECT_TRUE(has(e, "differs from its declaration")) << e;
  json::JsonError err;
  EXPECT_TRUE(load(R"([{"uid": {"type": "Action", "id": "read"}, "attrs": {},
                        "parents": [{"type": "Action", "id": "view"}]}])", err))
      << err.str();
}

TEST_F(SchemaJsonTest, ContextAndRequests) {
  json::JsonError err;
  auto j = json::parseJsonText(R"({"principal": "User::\"a\\\"b\"",
      "action": {"type": "Action", "id": "view"},
      "resource": {"__entity": {"type": "User", "id": "r"}},
      "context": {"src": "10.0.0.1", "score": "1.5", "who": {"type": "User", "id": "w"}}})", err);
  ASSERT_TRUE(j) << err.str();
  auto r = json::parseRequestJson(*j, schema.get(), err);
  ASSERT_TRUE(r) << err.str();
  EXPECT_EQ(r->request.principal, (EntityUid{"User", "a\"b"}));
  EXPECT_EQ(*r->request.context.findField("score"),
            Value::decimal(ext::Decimal::parse("1.5").value));
  EXPECT_EQ(*r->request.context.findField("who"), Value::entity("User", "w"));

  auto errorOf = [&](const std::string &text) {
    json::JsonError e;
    auto jj = json::parseJsonText(text, e);
    if (jj && json::parseRequestJson(*jj, schema.get(), e))
      ADD_FAILURE() << "accepted: " << text;
    return e.str();
  };
  const std::string head = R"("principal": "User::\"a\"", "resource": "User::\"r\"", )";
  EXPECT_NE(errorOf("{" + head + R"("action": "Action::\"view\"", "context": {}})")
                .find("`src` is missing"),
            std::string::npos);
  EXPECT_NE(errorOf("{" + head + R"("action": "Action::\"view\"", "context": {"src": "x"}})")
                .find("context.src"),
            std::string::npos);
  EXPECT_NE(errorOf("{" + head + R"("action": "Action::\"nope\"", "context": {}})")
                .find("not declared"),
            std::string::npos);
  EXPECT_NE(errorOf("{" + head + R"("action": "Action::\"view\"", "context": [], "x": 1})")
                .find("unknown request field `x`"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"action": "Action::\"view\"", "resource": "User::\"r\""})")
                .find("principal"),
            std::string::npos);
}

TEST(EntityUidTextTest, CedarTextForm) {
  std::string why;
  EXPECT_EQ(*json::parseEntityUidText("NS::User::\"a\\n\\u{e9}\"", why),
            (EntityUid{"NS::User", "a\n\xc3\xa9"}));
  EXPECT_EQ(*json::parseEntityUidText("User::\"\"", why), (EntityUid{"User", ""}));
  EXPECT_FALSE(json::parseEntityUidText("User", why));
  EXPECT_FALSE(json::parseEntityUidText("User :: \"a\"", why));
  EXPECT_FALSE(json::parseEntityUidText("User::\"a\"b\"", why));
  EXPECT_FALSE(json::parseEntityUidText("User::\"a\\\"", why));
  EXPECT_FALSE(json::parseEntityUidText("if::\"a\"", why));
  EXPECT_FALSE(json::parseEntityUidText("User::\"\\q\"", why));
}

TEST(JsonValueTest, DepthIsLimitedButDotsInNamesAreNot) {
  std::string deep;
  for (int i = 0; i < 1000; ++i)
    deep += "[";
  for (int i = 0; i < 1000; ++i)
    deep += "]";
  EXPECT_NE(plainError(deep).find("nested too deeply"), std::string::npos);
  std::string id(2000, '.');
  json::JsonError err;
  auto store = json::loadEntityStore(
      "[{\"uid\": {\"type\": \"U\", \"id\": \"" + id +
          "\"}, \"attrs\": {\"a\": [[1]]}, \"parents\": []}]",
      nullptr, err);
  EXPECT_TRUE(store) << err.str();
}
