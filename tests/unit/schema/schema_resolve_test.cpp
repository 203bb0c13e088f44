// Tests: name resolution exactly as Cedar does it (common > entity > built-in,
// enclosing namespace then the empty one, `__cedar::`, RFC 70) and the
// resolution errors (undeclared names, cycles, reserved names, non-records).
#include "unit/schema/schema_test_util.h"

using namespace larch;
using namespace larch::schema;
using namespace larch::schema::test;

namespace {
std::string attrStr(const Loaded &l, llvm::StringRef et, llvm::StringRef attr) {
  if (!l.ok())
    return "<no schema>";
  const Attribute *a = l.schema->getAttributeType(et, attr);
  return a ? a->type->str() : "<no attribute>";
}
} // namespace

TEST(SchemaResolve, CommonTypeWinsOverEntityType) {
  auto l = loadCedar("entity T; type T = Long; entity E { x: T };");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_EQ(attrStr(l, "E", "x"), "Long");
}

TEST(SchemaResolve, EnclosingNamespaceBeforeEmptyNamespace) {
  // An entity type in the enclosing namespace beats the built-in alias, a
  // common type of the empty namespace (the nearer candidate wins first,
  // cedar#579; RFC 70 forbids the same for user-declared types).
  auto l = loadCedar(R"(
    type Other = String;
    namespace N { entity Long; entity E { x: Long, y: Other, z: __cedar::Long }; }
  )");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_EQ(attrStr(l, "N::E", "x"), "N::Long");
  EXPECT_EQ(attrStr(l, "N::E", "y"), "String");
  EXPECT_EQ(attrStr(l, "N::E", "z"), "Long");
}

TEST(SchemaResolve, EmptyNamespaceFallback) {
  auto l = loadCedar("entity G; namespace N { entity U in [G] { g: G }; }");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_EQ(l.schema->getEntityType("N::U")->memberOfTypes,
            std::vector<std::string>{"G"});
  EXPECT_EQ(attrStr(l, "N::U", "g"), "G");
}

TEST(SchemaResolve, UserDeclarationsShadowBuiltins) {
  // In the empty namespace a user type takes the built-in's name...
  auto l = loadCedar("entity String; entity E { s: String, t: __cedar::String };");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_TRUE(l.hasWarning("LS023"));
  EXPECT_EQ(attrStr(l, "E", "s"), "String"); // the entity type `String`
  EXPECT_EQ(l.schema->getAttributeType("E", "s")->type->getKind(),
            TypeKind::Entity);
  EXPECT_EQ(l.schema->getAttributeType("E", "t")->type->getKind(),
            TypeKind::String);
  // ...and in a namespace it hides it for that namespace only.
  auto n = loadCedar(R"(
    namespace N { type ipaddr = Long; entity E { a: ipaddr }; }
    namespace M { entity E { a: ipaddr }; }
  )");
  ASSERT_TRUE(n.ok()) << n.rendered;
  EXPECT_EQ(attrStr(n, "N::E", "a"), "Long");
  EXPECT_EQ(attrStr(n, "M::E", "a"), "ipaddr");
}

TEST(SchemaResolve, ContextMustNameACommonType) {
  auto l = loadCedar("entity U; action a appliesTo { principal: U, resource: U, context: U };");
  EXPECT_TRUE(l.hasError("LS014", "`U`")) << l.rendered;
  auto notRecord = loadCedar(
      "entity U; type C = Long; action a appliesTo { principal: U, resource: U, context: C };");
  EXPECT_TRUE(notRecord.hasError("LS019", "context of action")) << notRecord.rendered;
  auto shape = loadJson(R"({"": {"entityTypes": {"A": {"shape": {"type": "Long"}}}, "actions": {}}})");
  EXPECT_TRUE(shape.hasError("LS019", "shape of entity type `A`")) << shape.rendered;
}

TEST(SchemaResolve, UndeclaredNames) {
  auto parent = loadCedar("namespace N { entity U in [G]; }");
  EXPECT_TRUE(parent.hasError("LS014", "failed to resolve type: `G`")) << parent.rendered;
  ASSERT_FALSE(parent.diags.empty());
  EXPECT_NE(parent.diags[0].help.find("neither `N::G` nor `G`"), std::string::npos);
  auto qualified = loadCedar("entity U { x: Other::T };");
  EXPECT_TRUE(qualified.hasError("LS014", "`Other::T`")) << qualified.rendered;
  auto principal = loadCedar("action a appliesTo { principal: X, resource: X };");
  EXPECT_TRUE(principal.hasError("LS014")) << principal.rendered;
  auto group = loadCedar(R"(action a in "missing";)");
  EXPECT_TRUE(group.hasError("LS015", R"(undeclared action `Action::"missing"`)"))
      << group.rendered;
  auto otherNs = loadCedar(R"(namespace A { action x; } namespace B { action y in A::Action::"z"; })");
  EXPECT_TRUE(otherNs.hasError("LS015")) << otherNs.rendered;
  auto cedarNs = loadCedar("entity E { x: __cedar::Thing };");
  EXPECT_TRUE(cedarNs.hasError("LS014")) << cedarNs.rendered;
}

TEST(SchemaResolve, ActionTypesAreEntityTypesOnlyInAttributes) {
  auto attr = loadCedar("namespace N { action a; entity E { act: Action, all: Set<N::Action> }; }");
  ASSERT_TRUE(attr.ok()) << attr.rendered;
  EXPECT_EQ(attrStr(attr, "N::E", "act"), "N::Action");
  auto parent = loadCedar("action a; entity E in [Action];");
  EXPECT_TRUE(parent.hasError("LS014", "undeclared entity type: `Action`")) << parent.rendered;
  auto principal = loadCedar("action a appliesTo { principal: Action, resource: Action };");
  EXPECT_TRUE(principal.hasError("LS014")) << principal.rendered;
}

TEST(SchemaResolve, ActionGroupsAcrossNamespaces) {
  auto l = loadCedar(R"(
    action root;
    namespace A { action x in [Action::"root", "local"]; action local; }
    namespace B { action y in [A::Action::"x"]; }
  )");
  ASSERT_TRUE(l.ok()) << l.rendered;
  const Action *x = l.schema->getAction("A::Action", "x");
  ASSERT_NE(x, nullptr);
  // `Action::"root"` inside A: `A::Action::"root"` does not exist, so the
  // empty namespace's `Action::"root"` is meant.
  EXPECT_EQ(x->memberOf[0].str(), R"(A::Action::"local")");
  EXPECT_EQ(x->memberOf[1].str(), R"(Action::"root")");
  const Action *y = l.schema->getAction("B::Action", "y");
  EXPECT_EQ(y->ancestors.size(), 3u);
  EXPECT_TRUE(l.schema->isActionInGroup({"B::Action", "y"}, {"Action", "root"}));
}

TEST(SchemaResolve, Cycles) {
  auto common = loadCedar("type A = { b: B }; type B = Set<A>;");
  EXPECT_TRUE(common.hasError("LS017", "cycle in common type references")) << common.rendered;
  auto self = loadCedar("type A = A;");
  EXPECT_TRUE(self.hasError("LS017")) << self.rendered;
  auto action = loadCedar("action a in b; action b in c; action c in a;");
  EXPECT_TRUE(action.hasError("LS018", "cycle in action hierarchy")) << action.rendered;
  auto selfAction = loadCedar("action a in a;");
  EXPECT_TRUE(selfAction.hasError("LS018")) << selfAction.rendered;
  // Entity type hierarchies may be cyclic.
  auto entity = loadCedar("entity A in B; entity B in A;");
  ASSERT_TRUE(entity.ok()) << entity.rendered;
  EXPECT_EQ(entity.schema->getEntityType("A")->ancestorTypes,
            (std::vector<std::string>{"A", "B"}));
}

TEST(SchemaResolve, ReservedNames) {
  auto ns = loadCedar("namespace __cedar { entity A; }");
  EXPECT_TRUE(ns.hasError("LS005")) << ns.rendered;
  auto nested = loadCedar("namespace A::__cedar { entity A; }");
  EXPECT_TRUE(nested.hasError("LS005")) << nested.rendered;
  auto ent = loadCedar("entity __cedar;");
  EXPECT_TRUE(ent.hasError("LS005")) << ent.rendered;
  auto jsonNs = loadJson(R"({"__cedar": {"entityTypes": {}, "actions": {}}})");
  EXPECT_TRUE(jsonNs.hasError("LS005")) << jsonNs.rendered;
  for (const char *name : {"Bool", "Boolean", "Entity", "Extension", "Long",
                           "Record", "Set", "String"}) {
    auto t = loadCedar(std::string("type ") + name + " = Long;");
    EXPECT_TRUE(t.hasError("LS006", name)) << name << "\n" << t.rendered;
  }
  auto action = loadCedar("namespace N { entity Action; }");
  EXPECT_TRUE(action.hasError("LS021")) << action.rendered;
}

TEST(SchemaResolve, Rfc70Shadowing) {
  auto ent = loadCedar("entity User; namespace N { entity User; }");
  EXPECT_TRUE(ent.hasError("LS016", "definition of `N::User` illegally shadows "
                                    "the existing definition of `User`"))
      << ent.rendered;
  EXPECT_EQ(ent.spanOf("LS016"), "User");
  auto common = loadCedar("type T = Long; namespace N { entity T; }");
  EXPECT_TRUE(common.hasError("LS016")) << common.rendered;
  auto action = loadCedar(R"(action "a"; namespace N { action "a"; })");
  EXPECT_TRUE(action.hasError("LS016", R"(`N::Action::"a"`)")) << action.rendered;
  // Same basename in two non-empty namespaces is fine, and so is an entity
  // and a common type sharing a name in one namespace.
  auto ok = loadCedar("namespace A { entity T; } namespace B { entity T; type T = Long; }");
  EXPECT_TRUE(ok.ok()) << ok.rendered;
}

TEST(SchemaResolve, UnusedCommonTypesAreStillChecked) {
  auto l = loadCedar("type Unused = Missing;");
  EXPECT_TRUE(l.hasError("LS014", "`Missing`")) << l.rendered;
}

TEST(SchemaResolve, DuplicatesAcrossFormatsOfNaming) {
  // JSON keys `A::B` + entity `C` and Cedar `namespace A::B { entity C; }`
  // name the same type; two JSON namespaces cannot collide, but one
  // namespace written twice with different spelling can not happen either.
  auto l = loadJson(R"({"A::B": {"entityTypes": {"C": {}}, "actions": {}}})");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_NE(l.schema->getEntityType("A::B::C"), nullptr);
}
