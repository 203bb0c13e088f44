// The public engine API (larch/engine.h) and the reference authorizer: the
// decision rules, error reporting, templates, per-request entities, loading
// failures as diagnostics.
#include "larch/engine.h"

#include <gtest/gtest.h>

using namespace larch;

namespace {

Request req(const std::string &p, const std::string &a, const std::string &r,
            const std::string &ctx = "{}") {
  Request q;
  q.principal = {"User", p};
  q.action = {"Action", a};
  q.resource = {"Doc", r};
  q.contextJson = ctx;
  return q;
}

std::vector<std::string> errorPolicies(const Decision &d) {
  std::vector<std::string> out;
  for (const PolicyErrorInfo &e : d.errors)
    out.push_back(e.policy);
  return out;
}

using Ids = std::vector<std::string>;

} // namespace

TEST(EngineTest, DenyByDefaultForbidWinsErrorsAreSkipped) {
  Engine e;
  ASSERT_TRUE(e.loadPolicyText("p.cedar", R"(
    permit(principal == User::"alice", action, resource);
    permit(principal, action == Action::"read", resource);
    forbid(principal, action, resource) when { context.block };
    permit(principal, action, resource) when { context.n + 1 > 0 };
  )", {.positionalIds = true}).ok);
  EXPECT_EQ(e.getPolicyIds(), (Ids{"policy0", "policy1", "policy2", "policy3"}));

  Decision d = e.authorize(req("bob", "write", "d", R"({"block": false})"));
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.reasons.empty());
  // policy2 is fine; policy3 errors (no `n`) and is skipped.
  EXPECT_EQ(errorPolicies(d), (Ids{"policy3"}));

  d = e.authorize(req("alice", "read", "d", R"({"block": false, "n": 1})"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reasons, (Ids{"policy0", "policy1", "policy3"}));
  EXPECT_TRUE(d.errors.empty());

  d = e.authorize(req("alice", "read", "d", R"({"block": true, "n": 1})"));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons, (Ids{"policy2"}));

  // An erroring forbid does not deny by itself.
  d = e.authorize(req("alice", "read", "d", R"({"n": 1})"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(errorPolicies(d), (Ids{"policy2"}));
  EXPECT_EQ(d.toJson(),
            R"({"decision":"allow","reasons":["policy0","policy1","policy3"],)"
            R"("errors":[{"policy":"policy2","message":"record does not have the attribute `block`"}]})");
}

TEST(EngineTest, AnnotationIdsEntitiesAndHierarchy) {
  Engine e;
  ASSERT_TRUE(e.loadPolicyText("p.cedar", R"(
    @id("staff-read") permit(principal in Group::"staff", action, resource)
      when { resource.owner == principal || principal.level >= 3 };
  )").ok);
  ASSERT_TRUE(e.loadEntitiesJson("e.json", R"([
    {"uid": {"type": "User", "id": "alice"}, "attrs": {"level": 1},
     "parents": [{"type": "Group", "id": "staff"}]},
    {"uid": {"type": "Doc", "id": "d"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}},
     "parents": []}
  ])").ok);
  Decision d = e.authorize(req("alice", "read", "d"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reasons, (Ids{"staff-read"}));
  // Extra entities for one request, layered over the loaded ones.
  Request q = req("carol", "read", "d");
  q.entitiesJson = R"([{"uid": {"type": "User", "id": "carol"}, "attrs": {"level": 5},
                        "parents": [{"type": "Group", "id": "staff"}]}])";
  EXPECT_TRUE(e.authorize(q).allowed);
  EXPECT_FALSE(e.authorize(req("carol", "read", "d")).allowed);
  q.entitiesJson = R"([{"uid": {"type": "User", "id": "alice"}, "attrs": {}, "parents": []}])";
  Decision bad = e.authorize(q);
  EXPECT_FALSE(bad.allowed);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].policy, "");
}

TEST(EngineTest, Templates) {
  Engine e;
  ASSERT_TRUE(e.loadPolicyText("t.cedar", R"(
    @id("owner") permit(principal == ?principal, action, resource in ?resource);
  )").ok);
  EXPECT_TRUE(e.getPolicyIds().empty()); // templates are not evaluated
  EXPECT_FALSE(e.authorize(req("alice", "read", "d")).allowed);
  LoadStatus st = e.linkTemplate("owner", "alice-d", EntityRef{"User", "alice"},
                                 EntityRef{"Doc", "d"});
  ASSERT_TRUE(st.ok) << st.rendered;
  EXPECT_EQ(e.getPolicyIds(), (Ids{"alice-d"}));
  Decision d = e.authorize(req("alice", "read", "d"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reasons, (Ids{"alice-d"}));
  EXPECT_FALSE(e.authorize(req("bob", "read", "d")).allowed);
  EXPECT_FALSE(e.linkTemplate("owner", "x", EntityRef{"User", "a"}, std::nullopt).ok);
  EXPECT_FALSE(e.linkTemplate("nope", "y", EntityRef{"User", "a"}, EntityRef{"Doc", "d"}).ok);
  EXPECT_FALSE(e.linkTemplate("owner", "alice-d", EntityRef{"User", "a"}, EntityRef{"Doc", "d"}).ok);
  EXPECT_EQ(e.linkTemplate("nope", "y", std::nullopt, std::nullopt).diagnostics[0].code, "LE003");
}

TEST(EngineTest, SchemaBasedRequestsAndEntities) {
  Engine e;
  ASSERT_TRUE(e.loadPolicyText("p.cedar", R"(
    permit(principal, action in Action::"all", resource)
      when { context.ip.isInRange(ip("10.0.0.0/8")) && principal.since < context.now };
  )").ok);
  LoadStatus st = e.loadSchemaText("s.json", R"({"": {
      "entityTypes": {"User": {"shape": {"type": "Record", "attributes": {
          "since": {"type": "Extension", "name": "datetime"}}}}, "Doc": {}},
      "actions": {"all": {}, "read": {"memberOf": [{"id": "all"}], "appliesTo": {
          "principalTypes": ["User"], "resourceTypes": ["Doc"],
          "context": {"type": "Record", "attributes": {
              "ip": {"type": "Extension", "name": "ipaddr"},
              "now": {"type": "Extension", "name": "datetime"}}}}}}}})",
                                   SchemaFormat::Json);
  ASSERT_TRUE(st.ok) << st.rendered;
  ASSERT_TRUE(e.loadEntitiesJson("e.json", R"([{"uid": {"type": "User", "id": "a"},
      "attrs": {"since": "2020-01-01"}, "parents": []}])").ok);
  Decision d = e.authorizeJson(R"({"principal": "User::\"a\"", "action": "Action::\"read\"",
      "resource": "Doc::\"d\"", "context": {"ip": "10.1.1.1", "now": "2024-06-01T12:00:00Z"}})");
  EXPECT_TRUE(d.allowed) << d.toJson();
  d = e.authorizeJson(R"({"principal": "User::\"a\"", "action": "Action::\"read\"",
      "resource": "Doc::\"d\"", "context": {"ip": 7, "now": "2024-06-01"}})");
  EXPECT_FALSE(d.allowed);
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_NE(d.errors[0].message.find("context.ip"), std::string::npos) << d.errors[0].message;
  // Entities that do not fit the schema are refused with a diagnostic.
  st = e.loadEntitiesJson("bad.json", R"([{"uid": {"type": "User", "id": "a"},
      "attrs": {"since": 3}, "parents": []}])");
  EXPECT_FALSE(st.ok);
  ASSERT_FALSE(st.diagnostics.empty());
  EXPECT_EQ(st.diagnostics[0].code, "LE001");
  EXPECT_NE(st.rendered.find("attrs.since"), std::string::npos) << st.rendered;
  // The earlier entities are kept.
  EXPECT_TRUE(e.authorizeJson(R"({"principal": "User::\"a\"", "action": "Action::\"read\"",
      "resource": "Doc::\"d\"", "context": {"ip": "10.1.1.1", "now": "2024-06-01"}})").allowed);
}

TEST(EngineTest, LoadFailuresAreDiagnostics) {
  Engine e;
  LoadStatus st = e.loadPolicyText("bad.cedar", "permit(principal, action);");
  EXPECT_FALSE(st.ok);
  EXPECT_FALSE(st.diagnostics.empty());
  EXPECT_FALSE(st.rendered.empty());
  st = e.loadEntitiesFile("/nonexistent/entities.json");
  EXPECT_FALSE(st.ok);
  EXPECT_EQ(st.diagnostics[0].code, "LE004");
  st = e.loadEntitiesJson("cyc.json", R"([
    {"uid": {"type": "G", "id": "1"}, "attrs": {}, "parents": [{"type": "G", "id": "1"}]}])");
  EXPECT_FALSE(st.ok);
  EXPECT_EQ(st.diagnostics[0].code, "LE002");
  st = e.loadSchemaText("s", "entity ;", SchemaFormat::Cedar);
  EXPECT_FALSE(st.ok);
  Decision d = e.authorizeJson("not json");
  EXPECT_FALSE(d.allowed);
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_NE(d.errors[0].message.find("invalid JSON"), std::string::npos);
}
