// Tests: the Cedar schema syntax, construct by construct, and the errors the
// parser reports (syntax, escapes, reserved words, duplicates, appliesTo).
#include "unit/schema/schema_test_util.h"

using namespace larch;
using namespace larch::schema;
using namespace larch::schema::test;

namespace {

const Type &attrType(const Schema &s, llvm::StringRef et, llvm::StringRef attr) {
  const Attribute *a = s.getAttributeType(et, attr);
  EXPECT_NE(a, nullptr) << et.str() << "." << attr.str();
  static const TypeRef none = Type::getBool();
  return a ? *a->type : *none;
}

} // namespace

TEST(CedarSchemaParser, EmptySchema) {
  auto l = loadCedar("");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_TRUE(l.schema->getEntityTypes().empty());
  auto c = loadCedar("  // only a comment\n\n");
  ASSERT_TRUE(c.ok()) << c.rendered;
}

TEST(CedarSchemaParser, EntityForms) {
  auto l = loadCedar(R"(
    entity A, B in [P, Q] = { name: String, "quoted attr"?: Long } tags Set<String>;
    entity C in P { flag: Bool };
    entity P;
    entity Q {};
    entity E enum ["a", "b\n"];
  )");
  ASSERT_TRUE(l.ok()) << l.rendered;
  const Schema &s = *l.schema;
  for (const char *n : {"A", "B"}) {
    const EntityType *et = s.getEntityType(n);
    ASSERT_NE(et, nullptr);
    EXPECT_EQ(et->memberOfTypes, (std::vector<std::string>{"P", "Q"}));
    ASSERT_TRUE(et->tags);
    EXPECT_EQ(et->tags->str(), "Set<String>");
    EXPECT_EQ(et->shape->str(), R"({name: String, "quoted attr"?: Long})");
  }
  EXPECT_FALSE(s.getAttributeType("A", "quoted attr")->required);
  EXPECT_EQ(attrType(s, "C", "flag").getKind(), TypeKind::Bool);
  EXPECT_EQ(s.getEntityType("Q")->shape->getAttributes().size(), 0u);
  const EntityType *e = s.getEntityType("E");
  ASSERT_TRUE(e && e->isEnum());
  EXPECT_EQ(*e->enumIds, (std::vector<std::string>{"a", "b\n"}));
  EXPECT_TRUE(s.mayBeMemberOf("C", "P"));
  EXPECT_FALSE(s.mayBeMemberOf("P", "C"));
}

TEST(CedarSchemaParser, SingleParentWithoutBrackets) {
  auto l = loadCedar("entity G; entity U in G;");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_EQ(l.schema->getEntityType("U")->memberOfTypes,
            std::vector<std::string>{"G"});
  auto empty = loadCedar("entity U in [];");
  ASSERT_TRUE(empty.ok()) << empty.rendered;
}

TEST(CedarSchemaParser, NamespacesAndQualifiedNames) {
  auto l = loadCedar(R"(
    @doc("app")
    namespace App::Core {
      entity User in [Team] { boss: User, other: Ext::Thing };
      entity Team;
    }
    namespace Ext { entity Thing; }
    entity Global;
  )");
  ASSERT_TRUE(l.ok()) << l.rendered;
  const Schema &s = *l.schema;
  ASSERT_NE(s.getEntityType("App::Core::User"), nullptr);
  EXPECT_EQ(s.getEntityType("App::Core::User")->memberOfTypes,
            std::vector<std::string>{"App::Core::Team"});
  EXPECT_EQ(attrType(s, "App::Core::User", "boss").getEntityName(),
            "App::Core::User");
  EXPECT_EQ(attrType(s, "App::Core::User", "other").getEntityName(),
            "Ext::Thing");
  ASSERT_EQ(s.getNamespaces().count("App::Core"), 1u);
  EXPECT_EQ(s.getNamespaces().at("App::Core").annotations.at("doc"), "app");
  EXPECT_EQ(s.getNamespaces().count(""), 1u);
  EXPECT_NE(s.getEntityType("Global"), nullptr);
}

TEST(CedarSchemaParser, ActionForms) {
  auto l = loadCedar(R"(
    namespace NS {
      entity User; entity Doc;
      action "read", write in ["all", NS::Action::"root", Action::"all"]
        appliesTo { principal: User, resource: [Doc, User], context: {ip: ipaddr}, };
      action "all" in root;
      action root;
      action nothing;
      action withAttrs appliesTo { principal: [User], resource: [Doc] } attributes {};
    }
  )");
  ASSERT_TRUE(l.ok()) << l.rendered;
  const Schema &s = *l.schema;
  const Action *read = s.getAction("NS::Action", "read");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->principalTypes, std::vector<std::string>{"NS::User"});
  EXPECT_EQ(read->resourceTypes,
            (std::vector<std::string>{"NS::Doc", "NS::User"}));
  ASSERT_EQ(read->memberOf.size(), 2u); // "all" written twice collapses
  EXPECT_EQ(read->memberOf[0].str(), R"(NS::Action::"all")");
  EXPECT_EQ(read->memberOf[1].str(), R"(NS::Action::"root")");
  EXPECT_EQ(read->ancestors.size(), 2u);
  const Type *ctx = s.getContextType({"NS::Action", "write"});
  ASSERT_NE(ctx, nullptr);
  EXPECT_EQ(ctx->str(), "{ip: ipaddr}");
  const Action *nothing = s.getAction("NS::Action", "nothing");
  ASSERT_NE(nothing, nullptr);
  EXPECT_TRUE(nothing->principalTypes.empty());
  EXPECT_TRUE(nothing->context->getAttributes().empty());
  EXPECT_TRUE(s.isActionInGroup({"NS::Action", "read"}, {"NS::Action", "root"}));
  EXPECT_FALSE(s.isActionInGroup({"NS::Action", "root"}, {"NS::Action", "read"}));
  auto members = s.getActionsInGroup({"NS::Action", "root"});
  EXPECT_EQ(members.size(), 4u); // root, all, read, write
  EXPECT_TRUE(s.isActionType("NS::Action"));
  EXPECT_TRUE(s.isKnownEntityType("NS::Action"));
  EXPECT_EQ(s.getEntityType("NS::Action"), nullptr);
}

TEST(CedarSchemaParser, ContextAsCommonType) {
  auto l = loadCedar(R"(
    type Ctx = { a: Long, b?: Set<String> };
    entity U;
    action go appliesTo { context: Ctx, principal: U, resource: U };
  )");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_EQ(l.schema->getContextType({"Action", "go"})->str(),
            "{a: Long, b?: Set<String>}");
}

TEST(CedarSchemaParser, TypesAndCommonTypes) {
  auto l = loadCedar(R"(
    namespace N {
      type Name = String;
      type Rec = { first: Name, nested: { deep: Set<Set<Long>> } };
      entity E { r: Rec, d: decimal, t: datetime, u: duration, b: __cedar::Bool,
                 s: __cedar::String, i: __cedar::ipaddr };
    }
  )");
  ASSERT_TRUE(l.ok()) << l.rendered;
  const Schema &s = *l.schema;
  EXPECT_EQ(attrType(s, "N::E", "r").str(),
            "{first: String, nested: {deep: Set<Set<Long>>}}");
  EXPECT_EQ(attrType(s, "N::E", "d").getExtensionKind(), ExtensionKind::Decimal);
  EXPECT_EQ(attrType(s, "N::E", "t").getExtensionKind(), ExtensionKind::Datetime);
  EXPECT_EQ(attrType(s, "N::E", "u").getExtensionKind(), ExtensionKind::Duration);
  EXPECT_EQ(attrType(s, "N::E", "i").getExtensionKind(), ExtensionKind::IpAddr);
  EXPECT_EQ(attrType(s, "N::E", "b").getKind(), TypeKind::Bool);
  EXPECT_EQ(attrType(s, "N::E", "s").getKind(), TypeKind::String);
  ASSERT_NE(s.getCommonType("N::Rec"), nullptr);
  EXPECT_EQ(s.getCommonType("N::Name")->type->getKind(), TypeKind::String);
}

TEST(CedarSchemaParser, AnnotationsEverywhere) {
  auto l = loadCedar(R"(
    @ns
    namespace A {
      @doc("entity") @flag
      entity E { @doc("attr") x: Long };
      @doc("action")
      action "act";
      @doc("type")
      type T = Long;
    }
    @top("yes") entity Top;
  )");
  ASSERT_TRUE(l.ok()) << l.rendered;
  const Schema &s = *l.schema;
  EXPECT_EQ(s.getNamespaces().at("A").annotations.at("ns"), "");
  const EntityType *e = s.getEntityType("A::E");
  EXPECT_EQ(e->annotations.at("doc"), "entity");
  EXPECT_EQ(e->annotations.at("flag"), "");
  EXPECT_EQ(s.getAttributeType("A::E", "x")->annotations.at("doc"), "attr");
  EXPECT_EQ(s.getAction("A::Action", "act")->annotations.at("doc"), "action");
  EXPECT_EQ(s.getCommonType("A::T")->annotations.at("doc"), "type");
  EXPECT_EQ(s.getEntityType("Top")->annotations.at("top"), "yes");
}

TEST(CedarSchemaParser, KeywordsAreNamesToo) {
  // Cedar lexes schema keywords specially but accepts them as identifiers.
  auto l = loadCedar(R"(
    entity entity, namespace, context { type: String, in?: Long, "if": Bool, Set: Long };
    entity tags tags String;
    action action appliesTo { principal: entity, resource: [tags] };
  )");
  // `in` is a reserved identifier (not allowed unquoted as an attribute).
  EXPECT_FALSE(l.ok());
  EXPECT_TRUE(l.hasError("LS004", "`in` is a reserved identifier")) << l.rendered;
  auto ok = loadCedar(R"(
    entity entity, namespace, context { type: String, "in"?: Long, Set: Long, Long: Bool };
    entity tags tags String;
    action action appliesTo { principal: entity, resource: [tags] };
  )");
  ASSERT_TRUE(ok.ok()) << ok.rendered;
  EXPECT_NE(ok.schema->getEntityType("namespace"), nullptr);
  EXPECT_NE(ok.schema->getAttributeType("entity", "in"), nullptr);
}

TEST(CedarSchemaParser, UnicodeWhitespaceAndComments) {
  auto l = loadCedar("entity\xC2\xA0" "A; // trailing\r\nentity\xE2\x80\x83" "B;//x");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_NE(l.schema->getEntityType("B"), nullptr);
}

TEST(CedarSchemaParser, StringEscapes) {
  auto l = loadCedar(R"(entity E enum ["\u{1F600}", "\x41\t\"\\", "\0"];)");
  ASSERT_TRUE(l.ok()) << l.rendered;
  const auto &ids = *l.schema->getEntityType("E")->enumIds;
  EXPECT_EQ(ids[0], "\xF0\x9F\x98\x80");
  EXPECT_EQ(ids[1], "A\t\"\\");
  EXPECT_EQ(ids[2], std::string(1, '\0'));
  for (const char *bad : {R"(entity E enum ["\q"];)", R"(entity E enum ["\x80"];)",
                          R"(entity E enum ["\u{D800}"];)",
                          R"(entity E enum ["\u{1234567}"];)"}) {
    auto b = loadCedar(bad);
    EXPECT_TRUE(b.hasError("LS003")) << bad << "\n" << b.rendered;
  }
}

TEST(CedarSchemaParser, SyntaxErrorsAreLocated) {
  auto l = loadCedar("entity A { x: Long ");
  EXPECT_TRUE(l.hasError("LS001", "unexpected end of input")) << l.rendered;
  auto m = loadCedar("entity A;\nentity B in [A,];");
  EXPECT_TRUE(m.hasError("LS001", "unexpected token `]`")) << m.rendered;
  EXPECT_EQ(m.spanOf("LS001"), "]");
  auto n = loadCedar("entity 123;");
  EXPECT_TRUE(n.hasError("LS001", "`123`")) << n.rendered;
  auto bad = loadCedar("entity A $;");
  EXPECT_TRUE(bad.hasError("LS002", "`$`")) << bad.rendered;
  auto unterminated = loadCedar("entity E enum [\"abc];");
  EXPECT_TRUE(unterminated.hasError("LS002")) << unterminated.rendered;
  auto nested = loadCedar("namespace A { namespace B {} }");
  EXPECT_TRUE(nested.hasError("LS001")) << nested.rendered;
  auto semi = loadCedar("namespace A { entity X; };");
  EXPECT_TRUE(semi.hasError("LS001")) << semi.rendered;
  ASSERT_FALSE(semi.diags.empty());
  EXPECT_FALSE(semi.diags[0].help.empty());
  auto noAppliesTo = loadCedar("entity U; action a { principal: U, resource: U };");
  EXPECT_TRUE(noAppliesTo.hasError("LS001")) << noAppliesTo.rendered;
  auto emptyEnum = loadCedar("entity E enum [];");
  EXPECT_TRUE(emptyEnum.hasError("LS001")) << emptyEnum.rendered;
  auto emptyApplies = loadCedar("action a appliesTo {};");
  EXPECT_TRUE(emptyApplies.hasError("LS001")) << emptyApplies.rendered;
  auto qualifiedEntity = loadCedar("entity A::B;");
  EXPECT_TRUE(qualifiedEntity.hasError("LS001")) << qualifiedEntity.rendered;
  auto equalNotRecord = loadCedar("entity A = Long;");
  EXPECT_TRUE(equalNotRecord.hasError("LS001")) << equalNotRecord.rendered;
  auto actionPath = loadCedar("action a in NS::b;");
  EXPECT_TRUE(actionPath.hasError("LS001")) << actionPath.rendered;
}

TEST(CedarSchemaParser, NestingLimit) {
  std::string deep = "type T = ";
  for (int i = 0; i < 500; ++i)
    deep += "Set<";
  deep += "Long";
  for (int i = 0; i < 500; ++i)
    deep += ">";
  deep += ";";
  auto l = loadCedar(deep);
  EXPECT_TRUE(l.hasError("LI002")) << l.rendered;
}

TEST(CedarSchemaParser, ReservedIdentifiers) {
  for (const char *src : {"entity true;", "type if = Long;",
                          "entity A in [like];", "entity A { x: has };",
                          "namespace is { entity A; }"}) {
    auto l = loadCedar(src);
    EXPECT_TRUE(l.hasError("LS004")) << src << "\n" << l.rendered;
  }
}

TEST(CedarSchemaParser, DuplicateAnnotations) {
  auto l = loadCedar(R"(@doc("a") @doc("b") entity A;)");
  EXPECT_TRUE(l.hasError("LS007", "duplicate annotations: `doc`")) << l.rendered;
  auto attr = loadCedar(R"(entity A { @x @x a: Long };)");
  EXPECT_TRUE(attr.hasError("LS007")) << attr.rendered;
}

TEST(CedarSchemaParser, DuplicateDeclarations) {
  auto ns = loadCedar("namespace A { entity X; } namespace A { entity Y; }");
  EXPECT_TRUE(ns.hasError("LS008", "duplicate namespace id: `A`")) << ns.rendered;
  auto ent = loadCedar("entity A; entity B, A;");
  EXPECT_TRUE(ent.hasError("LS009", "`A` is declared twice")) << ent.rendered;
  auto act = loadCedar(R"(action "a"; action a;)");
  EXPECT_TRUE(act.hasError("LS009")) << act.rendered;
  auto ty = loadCedar("type T = Long; namespace N { type T = Long; } type T = String;");
  EXPECT_TRUE(ty.hasError("LS009", "`T` is declared twice")) << ty.rendered;
  // An entity type and a common type may share a name.
  auto both = loadCedar("entity T; type T = Long;");
  EXPECT_TRUE(both.ok()) << both.rendered;
}

TEST(CedarSchemaParser, DuplicateAttributeKeepsLast) {
  auto l = loadCedar("entity A { x: Long, x: String };");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_TRUE(l.hasWarning("LS022"));
  EXPECT_EQ(l.schema->getAttributeType("A", "x")->type->getKind(),
            TypeKind::String);
}

TEST(CedarSchemaParser, AppliesToErrors) {
  auto dupP = loadCedar(
      "entity U; action a appliesTo { principal: U, principal: U, resource: U };");
  EXPECT_TRUE(dupP.hasError("LS010", "duplicate `principal` declaration in action `a`"))
      << dupP.rendered;
  auto dupR = loadCedar(
      "entity U; action a appliesTo { principal: U, resource: U, resource: [U] };");
  EXPECT_TRUE(dupR.hasError("LS010", "duplicate `resource`")) << dupR.rendered;
  auto dupC = loadCedar("entity U; action a appliesTo { principal: U, resource: U, "
                        "context: {}, context: {} };");
  EXPECT_TRUE(dupC.hasError("LS010", "duplicate context declaration")) << dupC.rendered;
  auto missingP = loadCedar("entity U; action a appliesTo { resource: U };");
  EXPECT_TRUE(missingP.hasError("LS010", "missing `principal` declaration for `a`"))
      << missingP.rendered;
  auto missingR = loadCedar("entity U; action a appliesTo { principal: U, context: {} };");
  EXPECT_TRUE(missingR.hasError("LS010", "missing `resource`")) << missingR.rendered;
  auto emptyP = loadCedar("entity U; action a appliesTo { principal: [], resource: U };");
  EXPECT_TRUE(emptyP.hasError("LS010", "`principal` is `[]`")) << emptyP.rendered;
  auto noComma = loadCedar("entity U; action a appliesTo { principal: U resource: U };");
  EXPECT_TRUE(noComma.hasError("LS001")) << noComma.rendered;
}

TEST(CedarSchemaParser, DiagnosticRendering) {
  SourceManager sm;
  DiagnosticEngine diags;
  auto s = loadCedarSchema(sm, "s.cedarschema", "entity A;\nentity B in [C];\n", diags);
  EXPECT_FALSE(s);
  std::string text = formatDiagnostics(diags.getDiagnostics(), sm);
  EXPECT_NE(text.find("s.cedarschema:2:14: error: failed to resolve type: `C` [LS014]"),
            std::string::npos)
      << text;
}
