// The reference evaluator: every operator, method and extension function,
// with each error case, on parsed Cedar expressions.
#include "compiler/reference/evaluator.h"
#include "grammar/parse.h"

#include <gtest/gtest.h>

using namespace larch;
using runtime::Entity;
using runtime::EntityUid;
using runtime::Value;

namespace {

class EvalTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::vector<Entity> es;
    Entity alice;
    alice.uid = {"User", "alice"};
    alice.attrs["age"] = Value::integer(30);
    alice.attrs["name"] = Value::string("Alice");
    alice.attrs["address"] =
        Value::record({{"city", Value::string("Paris")}, {"zip", Value::string("75001")}});
    alice.tags["role"] = Value::string("admin");
    alice.parents = {{"Group", "staff"}};
    es.push_back(alice);
    Entity staff;
    staff.uid = {"Group", "staff"};
    staff.parents = {{"Group", "everyone"}};
    es.push_back(staff);
    std::string why;
    store = *runtime::EntityStore::build(es, why);
    request.principal = {"User", "alice"};
    request.action = {"Action", "view"};
    request.resource = {"Photo", "p1"};
    request.context = Value::record(
        {{"n", Value::integer(5)}, {"flag", Value::boolean(true)},
         {"tags", Value::set({Value::string("a"), Value::string("b")})}});
  }

  runtime::EvalResult eval(const std::string &text) {
    uint32_t f = sm.addFile("test", text);
    const ast::Expr *e = parseExpression(sm, f, ctx, diags);
    if (!e) {
      ADD_FAILURE() << "does not parse: " << text;
      return runtime::EvalResult::error("parse error");
    }
    runtime::EntityView view(store);
    reference::Evaluator ev(request, view);
    return ev.evaluate(*e);
  }

  void expectValue(const std::string &text, const Value &want) {
    runtime::EvalResult r = eval(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.getError();
    EXPECT_EQ(r.get(), want) << text << " gave " << r->str();
  }
  void expectTrue(const std::string &text) { expectValue(text, Value::boolean(true)); }
  void expectFalse(const std::string &text) { expectValue(text, Value::boolean(false)); }
  void expectError(const std::string &text, const std::string &fragment) {
    runtime::EvalResult r = eval(text);
    ASSERT_FALSE(r.ok()) << text << " gave " << r->str();
    EXPECT_NE(r.getError().find(fragment), std::string::npos)
        << text << ": " << r.getError();
  }

  SourceManager sm;
  DiagnosticEngine diags;
  ast::Context ctx;
  runtime::EntityStore store;
  runtime::Request request;
};

TEST_F(EvalTest, Literals) {
  expectValue("true", Value::boolean(true));
  expectValue("42", Value::integer(42));
  expectValue("-9223372036854775808", Value::integer(INT64_MIN));
  expectValue("\"a\\tb\"", Value::string("a\tb"));
  expectValue("User::\"x\"", Value::entity("User", "x"));
  expectValue("[3, 1, 3]", Value::set({Value::integer(1), Value::integer(3)}));
  expectValue("{b: 1, a: \"x\"}",
              Value::record({{"a", Value::string("x")}, {"b", Value::integer(1)}}));
}

TEST_F(EvalTest, Variables) {
  expectValue("principal", Value::entity("User", "alice"));
  expectValue("action", Value::entity("Action", "view"));
  expectValue("resource", Value::entity("Photo", "p1"));
  expectValue("context.n", Value::integer(5));
}

TEST_F(EvalTest, NotAndNeg) {
  expectFalse("!true");
  expectError("!1", "expected bool, got long");
  expectValue("-(5)", Value::integer(-5));
  expectValue("-context.n", Value::integer(-5));
  expectError("-\"a\"", "expected long, got string");
  expectError("-(-9223372036854775808)", "overflow");
}

TEST_F(EvalTest, Arithmetic) {
  expectValue("1 + 2 * 3 - 4", Value::integer(3));
  expectError("9223372036854775807 + 1", "overflow");
  expectError("-9223372036854775808 - 1", "overflow");
  expectError("4611686018427387904 * 2", "overflow");
  expectError("1 + \"a\"", "expected long, got string");
  expectError("true * 2", "expected long, got bool");
}

TEST_F(EvalTest, EqualityNeverErrors) {
  expectTrue("1 == 1");
  expectFalse("1 == \"1\"");
  expectTrue("[1, 1, 2] == [2, 1]");
  expectTrue("{a: 1, b: [1]} == {b: [1], a: 1}");
  expectFalse("{a: 1} == {a: 1, b: 2}");
  expectTrue("User::\"a\" != Group::\"a\"");
  expectTrue("decimal(\"1.0\") == decimal(\"1.00\")");
  expectFalse("ip(\"10.0.0.1/24\") == ip(\"10.0.0.2/24\")");
  expectTrue("datetime(\"2024-01-01\") == datetime(\"2024-01-01T00:00:00Z\")");
  expectTrue("duration(\"1h\") == duration(\"60m\")");
}

TEST_F(EvalTest, Comparisons) {
  expectTrue("1 < 2");
  expectTrue("2 <= 2");
  expectFalse("1 > 2");
  expectTrue("2 >= 2");
  expectTrue("datetime(\"2024-01-01\") < datetime(\"2024-01-02\")");
  expectTrue("duration(\"1s\") >= duration(\"1000ms\")");
  expectError("\"a\" < \"b\"", "type error");
  expectError("decimal(\"1.0\") < decimal(\"2.0\")", "type error");
  expectError("1 < datetime(\"2024-01-01\")", "expected long");
  expectError("datetime(\"2024-01-01\") < duration(\"1s\")", "expected datetime");
}

TEST_F(EvalTest, AndOrShortCircuit) {
  expectFalse("false && 3");
  expectTrue("true || 3");
  expectError("true && 3", "expected bool, got long");
  expectError("false || 3", "expected bool, got long");
  expectError("3 && true", "expected bool, got long");
  expectFalse("false && (1 + \"a\" == 2)");
  expectTrue("true || principal.nope");
}

TEST_F(EvalTest, IfThenElse) {
  expectValue("if true then 1 else 1 + \"a\"", Value::integer(1));
  expectValue("if false then 1 + \"a\" else 2", Value::integer(2));
  expectError("if 1 then 2 else 3", "expected bool");
}

TEST_F(EvalTest, InIsReflexiveAndTransitive) {
  expectTrue("principal in principal");
  expectTrue("principal in Group::\"staff\"");
  expectTrue("principal in Group::\"everyone\"");
  expectFalse("Group::\"everyone\" in principal");
  expectTrue("User::\"ghost\" in User::\"ghost\""); // not in the store
  expectFalse("User::\"ghost\" in Group::\"staff\"");
  expectTrue("principal in [Group::\"x\", Group::\"everyone\"]");
  expectFalse("principal in []");
  expectError("principal in [Group::\"staff\", 1]", "expected entity, got long");
  expectError("1 in Group::\"staff\"", "expected entity, got long");
  expectError("principal in \"staff\"", "expected set or entity");
}

TEST_F(EvalTest, HasAndAttributes) {
  expectTrue("principal has age");
  expectFalse("principal has nope");
  expectFalse("User::\"ghost\" has age"); // missing entity: false, no error
  expectTrue("context has n");
  expectTrue("principal has address.city");
  expectFalse("principal has address.street");
  expectFalse("principal has nope.city");
  expectError("principal has age.x", "expected record or entity, got long");
  expectError("1 has a", "expected record or entity");
  expectValue("principal.age", Value::integer(30));
  expectValue("principal[\"name\"]", Value::string("Alice"));
  expectValue("principal.address.city", Value::string("Paris"));
  expectError("principal.nope", "does not have the attribute `nope`");
  expectError("User::\"ghost\".age", "does not exist");
  expectError("context.nope", "does not have the attribute `nope`");
  expectError("\"s\".a", "expected record or entity");
}

TEST_F(EvalTest, Like) {
  expectTrue("\"hello\" like \"h*o\"");
  expectTrue("\"hello\" like \"*\"");
  expectTrue("\"\" like \"*\"");
  expectFalse("\"hello\" like \"h*x\"");
  expectTrue("\"a*b\" like \"a\\*b\"");
  expectFalse("\"axb\" like \"a\\*b\"");
  expectTrue("\"caf\u00e9s\" like \"caf*s\"");
  expectFalse("\"Hello\" like \"hello\"");
  expectTrue("\"abcabc\" like \"*abc\"");
  expectError("1 like \"*\"", "expected string");
}

TEST_F(EvalTest, Is) {
  expectTrue("principal is User");
  expectFalse("principal is Group");
  expectFalse("principal is NS::User");
  expectTrue("principal is User in Group::\"everyone\"");
  expectFalse("principal is User in Group::\"other\"");
  // `e is T in x` evaluates x only when e is a T.
  expectFalse("principal is Group in 1");
  expectError("principal is User in 1", "expected set or entity");
  expectError("1 is User", "expected entity");
}

TEST_F(EvalTest, SetMethods) {
  expectTrue("[1, 2].contains(2)");
  expectFalse("[1, 2].contains(\"2\")");
  expectError("1.contains(1)", "expected set");
  expectTrue("[1, 2, 3].containsAll([1, 3])");
  expectFalse("[1, 2].containsAll([1, 4])");
  expectTrue("[1, 2].containsAll([])");
  expectTrue("[1, 2].containsAny([4, 2])");
  expectFalse("[1, 2].containsAny([])");
  expectError("[1].containsAll(1)", "expected set");
  expectError("1.containsAny([1])", "expected set");
  expectTrue("[].isEmpty()");
  expectFalse("context.tags.isEmpty()");
  expectError("\"\".isEmpty()", "expected set");
}

TEST_F(EvalTest, Tags) {
  expectTrue("principal.hasTag(\"role\")");
  expectFalse("principal.hasTag(\"age\")"); // attributes are not tags
  expectFalse("User::\"ghost\".hasTag(\"role\")");
  expectValue("principal.getTag(\"role\")", Value::string("admin"));
  expectError("principal.getTag(\"nope\")", "does not have the tag");
  expectError("User::\"ghost\".getTag(\"role\")", "does not exist");
  expectError("principal.getTag(1)", "expected string");
  expectError("context.hasTag(\"x\")", "expected entity");
}

TEST_F(EvalTest, Decimal) {
  expectTrue("decimal(\"1.5\").lessThan(decimal(\"2.0\"))");
  expectTrue("decimal(\"2.0\").lessThanOrEqual(decimal(\"2.0000\"))");
  expectTrue("decimal(\"-1.0\").greaterThan(decimal(\"-1.0001\"))");
  expectFalse("decimal(\"1.0\").greaterThanOrEqual(decimal(\"1.0001\"))");
  expectError("decimal(\"1.23456\")", "error while evaluating `decimal`");
  expectError("decimal(\"abc\")", "error while evaluating `decimal`");
  expectError("decimal(\"922337203685478.0\")", "error while evaluating `decimal`");
  expectError("decimal(1)", "expected string, got long");
  expectError("decimal(\"1.0\").lessThan(1)", "expected decimal, got long");
}

TEST_F(EvalTest, IpAddr) {
  expectTrue("ip(\"10.1.2.3\").isInRange(ip(\"10.0.0.0/8\"))");
  expectFalse("ip(\"11.1.2.3\").isInRange(ip(\"10.0.0.0/8\"))");
  expectFalse("ip(\"::1\").isInRange(ip(\"10.0.0.0/8\"))");
  expectTrue("ip(\"127.0.0.1\").isLoopback()");
  expectTrue("ip(\"::1\").isLoopback()");
  expectTrue("ip(\"224.0.0.1\").isMulticast()");
  expectTrue("ip(\"1.2.3.4\").isIpv4()");
  expectTrue("ip(\"ff00::1\").isIpv6()");
  expectError("ip(\"1.2.3.4/33\")", "error while evaluating `ipaddr`");
  expectError("ip(\"::ffff:1.2.3.4\")", "error while evaluating `ipaddr`");
  expectError("ip(\"nope\")", "error while evaluating `ipaddr`");
  expectError("ip(\"1.2.3.4\").isInRange(\"1.2.3.0/24\")", "expected ipaddr");
  // Cedar's variadic isInRange is experimental and off: an arity error.
  expectError("ip(\"1.2.3.4\").isInRange(ip(\"1.0.0.0/8\"), ip(\"2.0.0.0/8\"))",
              "wrong number of arguments");
}

TEST_F(EvalTest, DatetimeAndDuration) {
  expectValue("datetime(\"2024-01-01\").offset(duration(\"1d\"))",
              Value::datetime(ext::Datetime::parse("2024-01-02").value));
  expectValue("datetime(\"2024-01-02\").durationSince(datetime(\"2024-01-01\"))",
              Value::duration(ext::Duration::fromMillis(86400000)));
  expectValue("datetime(\"2024-01-01T10:30:00Z\").toDate()",
              Value::datetime(ext::Datetime::parse("2024-01-01").value));
  expectValue("datetime(\"2024-01-01T10:30:00Z\").toTime()",
              Value::duration(ext::Duration::fromMillis(37800000)));
  expectValue("duration(\"-1d2h\").toHours()", Value::integer(-26));
  expectValue("duration(\"90s\").toMinutes()", Value::integer(1));
  expectValue("duration(\"1500ms\").toSeconds()", Value::integer(1));
  expectValue("duration(\"2d\").toDays()", Value::integer(2));
  expectValue("duration(\"1s\").toMilliseconds()", Value::integer(1000));
  expectError("datetime(\"2024-13-01\")", "error while evaluating `datetime`");
  expectError("duration(\"1x\")", "error while evaluating `duration`");
  expectError("datetime(\"2024-01-01\").offset(duration(\"9223372036854775807ms\"))",
              "error while evaluating `offset`");
  expectError("datetime(\"2024-01-01\").offset(1)", "expected duration, got long");
  expectError("duration(\"1s\").toDate()", "expected datetime, got duration");
}

TEST_F(EvalTest, RecursionGuard) {
  std::string deep;
  for (int i = 0; i < 50; ++i)
    deep += "(1 + ";
  deep += "1";
  for (int i = 0; i < 50; ++i)
    deep += ")";
  uint32_t f = sm.addFile("deep", deep);
  const ast::Expr *e = parseExpression(sm, f, ctx, diags);
  ASSERT_TRUE(e);
  runtime::EntityView view(store);
  reference::Evaluator shallow(request, view, /*maxDepth=*/10);
  runtime::EvalResult r = shallow.evaluate(*e);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.getError().find("nested too deeply"), std::string::npos);
  reference::Evaluator normal(request, view);
  EXPECT_EQ(normal.evaluate(*e).get(), Value::integer(51));
}

TEST(PatternTest, MatchesLikeCedar) {
  auto lit = [](llvm::StringRef s) { return ast::PatternElem{false, s}; };
  ast::PatternElem star{true, ""};
  EXPECT_TRUE(reference::matchesPattern("", {}));
  EXPECT_FALSE(reference::matchesPattern("a", {}));
  EXPECT_TRUE(reference::matchesPattern("abc", {lit("a"), star, lit("c")}));
  EXPECT_TRUE(reference::matchesPattern("ac", {lit("a"), star, lit("c")}));
  EXPECT_FALSE(reference::matchesPattern("acb", {lit("a"), star, lit("c")}));
  EXPECT_TRUE(reference::matchesPattern("aXbYc", {star, lit("b"), star, lit("c")}));
  EXPECT_TRUE(reference::matchesPattern("*", {lit("*")}));
  EXPECT_FALSE(reference::matchesPattern("x", {lit("*")}));
}

} // namespace
