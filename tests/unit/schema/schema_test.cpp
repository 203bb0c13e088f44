// Tests: the resolved model (equality, lookups, dump) and the agreement of
// the two formats: each schema below is written in Cedar syntax and in JSON,
// and both must resolve to equal models.
#include "unit/schema/schema_test_util.h"

using namespace larch;
using namespace larch::schema;
using namespace larch::schema::test;

namespace {

struct Pair {
  const char *name;
  const char *cedar;
  const char *json;
};

const Pair kPairs[] = {
    {"photoflash",
     R"(
      namespace PhotoFlash {
        @doc("a user")
        entity User in UserGroup = {
          "department": String,
          "jobLevel": Long,
        } tags String;
        entity UserGroup;
        entity Album in Album = {
          "account": Account,
          "private": Bool,
        };
        entity Account {
          "admins"?: Set<User>,
          "owner": User,
        };
        entity Photo in Album {
          "account": Account,
          "private": Bool,
          "size": Size,
        };
        type Size = { w: Long, h: Long };
        entity Color enum ["red", "blue"];
        action "viewPhoto" in ["read"] appliesTo {
          principal: User,
          resource: Photo,
          context: { "authenticated": Bool, "ip"?: ipaddr, "amount": decimal },
        };
        @doc("group")
        action "read";
        action "listAlbums" in "read" appliesTo {
          principal: User,
          resource: [Account, Album],
          context: Ctx,
        };
        type Ctx = { "when": datetime, "for": duration };
      }
     )",
     R"({
      "PhotoFlash": {
        "commonTypes": {
          "Size": {"type": "Record", "attributes": {
             "w": {"type": "Long"}, "h": {"type": "Long"}}},
          "Ctx": {"type": "Record", "attributes": {
             "when": {"type": "Extension", "name": "datetime"},
             "for": {"type": "Extension", "name": "duration"}}}
        },
        "entityTypes": {
          "User": {"memberOfTypes": ["UserGroup"], "annotations": {"doc": "a user"},
                   "shape": {"type": "Record", "attributes": {
                     "department": {"type": "String"}, "jobLevel": {"type": "Long"}}},
                   "tags": {"type": "String"}},
          "UserGroup": {},
          "Album": {"memberOfTypes": ["Album"], "shape": {"type": "Record", "attributes": {
             "account": {"type": "Entity", "name": "Account"},
             "private": {"type": "Boolean"}}}},
          "Account": {"shape": {"type": "Record", "attributes": {
             "admins": {"type": "Set", "element": {"type": "Entity", "name": "User"}, "required": false},
             "owner": {"type": "EntityOrCommon", "name": "User"}}}},
          "Photo": {"memberOfTypes": ["PhotoFlash::Album"], "shape": {"type": "Record", "attributes": {
             "account": {"type": "Entity", "name": "PhotoFlash::Account"},
             "private": {"type": "Boolean"},
             "size": {"type": "Size"}}}},
          "Color": {"enum": ["red", "blue"]}
        },
        "actions": {
          "viewPhoto": {"memberOf": [{"id": "read"}],
            "appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Photo"],
              "context": {"type": "Record", "attributes": {
                "authenticated": {"type": "Boolean"},
                "ip": {"type": "Extension", "name": "ipaddr", "required": false},
                "amount": {"type": "Extension", "name": "decimal"}}}}},
          "read": {"annotations": {"doc": "group"}},
          "listAlbums": {"memberOf": [{"id": "read", "type": "PhotoFlash::Action"}],
            "appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Account", "Album"],
              "context": {"type": "Ctx"}}}
        }
      }
    })"},
    {"empty-namespace-and-cross-references",
     R"(
      entity Org;
      namespace App {
        entity Member in [Org] { org: Org, nested: { deep: Set<Set<String>> } };
        action act appliesTo { principal: [Member], resource: [Org] };
      }
      action "global";
     )",
     R"({
      "": {"entityTypes": {"Org": {}}, "actions": {"global": {}}},
      "App": {
        "entityTypes": {"Member": {"memberOfTypes": ["Org"], "shape": {"type": "Record",
          "attributes": {"org": {"type": "Entity", "name": "Org"},
            "nested": {"type": "Record", "attributes": {"deep": {"type": "Set",
              "element": {"type": "Set", "element": {"type": "String"}}}}}}}}},
        "actions": {"act": {"appliesTo": {"principalTypes": ["Member"], "resourceTypes": ["Org"]}}}
      }
    })"},
    {"annotated-namespace-and-attributes",
     R"(
      @ns("yes")
      namespace N {
        entity E { @doc("x") x?: __cedar::Long };
        type T = Bool;
      }
     )",
     R"({
      "N": {"annotations": {"ns": "yes"},
        "commonTypes": {"T": {"type": "Bool"}},
        "entityTypes": {"E": {"shape": {"type": "Record", "attributes": {
          "x": {"type": "Long", "required": false, "annotations": {"doc": "x"}}}}}},
        "actions": {}}
    })"},
};

} // namespace

TEST(SchemaAgreement, CedarAndJsonFormatsResolveEqually) {
  for (const Pair &p : kPairs) {
    SCOPED_TRACE(p.name);
    auto c = loadCedar(p.cedar);
    auto j = loadJson(p.json);
    ASSERT_TRUE(c.ok()) << c.rendered;
    ASSERT_TRUE(j.ok()) << j.rendered;
    EXPECT_TRUE(*c.schema == *j.schema) << "cedar:\n"
                                        << c.schema->dump() << "json:\n"
                                        << j.schema->dump();
    EXPECT_EQ(c.schema->dump(), j.schema->dump());
  }
}

TEST(SchemaAgreement, DifferencesAreDetected) {
  auto a = loadCedar("entity A { x: Long };");
  auto b = loadCedar("entity A { x?: Long };");
  auto c = loadCedar("@doc entity A { x: Long };");
  auto d = loadCedar("entity A { x: Long } tags Long;");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_FALSE(*a.schema == *b.schema);
  EXPECT_FALSE(*a.schema == *c.schema);
  EXPECT_FALSE(*a.schema == *d.schema);
  auto a2 = loadCedar("// same, reformatted\nentity A = {\n  \"x\": Long,\n};");
  ASSERT_TRUE(a2.ok());
  EXPECT_TRUE(*a.schema == *a2.schema);
}

TEST(SchemaModel, AttributesAreSortedByName) {
  auto l = loadCedar("entity E { zeta: Long, alpha: String, Mid: Bool };");
  ASSERT_TRUE(l.ok()) << l.rendered;
  auto attrs = l.schema->getEntityType("E")->shape->getAttributes();
  ASSERT_EQ(attrs.size(), 3u);
  EXPECT_EQ(attrs[0].name, "Mid");
  EXPECT_EQ(attrs[1].name, "alpha");
  EXPECT_EQ(attrs[2].name, "zeta");
}

TEST(SchemaModel, LookupsForSchemaBasedParsing) {
  auto l = loadCedar(R"(
    namespace N {
      entity U in [G] { a: Long, b?: { c: ipaddr } } tags decimal;
      entity G;
      action act appliesTo { principal: U, resource: G, context: { ip: ipaddr } };
    }
  )");
  ASSERT_TRUE(l.ok()) << l.rendered;
  const Schema &s = *l.schema;
  const Attribute *b = s.getAttributeType("N::U", "b");
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(b->required);
  EXPECT_EQ(b->type->getAttribute("c")->type->getExtensionKind(),
            ExtensionKind::IpAddr);
  EXPECT_EQ(s.getAttributeType("N::U", "zzz"), nullptr);
  EXPECT_EQ(s.getAttributeType("N::Nope", "a"), nullptr);
  ASSERT_NE(s.getTagType("N::U"), nullptr);
  EXPECT_EQ(s.getTagType("N::U")->getExtensionKind(), ExtensionKind::Decimal);
  EXPECT_EQ(s.getTagType("N::G"), nullptr);
  const Type *ctx = s.getContextType({"N::Action", "act"});
  ASSERT_NE(ctx, nullptr);
  EXPECT_NE(ctx->getAttribute("ip"), nullptr);
  EXPECT_EQ(s.getContextType({"N::Action", "nope"}), nullptr);
  EXPECT_EQ(s.getContextType({"Action", "act"}), nullptr);
  EXPECT_EQ(s.getEntityType("N::U")->ancestorTypes, std::vector<std::string>{"N::G"});
}

TEST(SchemaModel, TypeRendering) {
  EXPECT_EQ(Type::getSet(Type::getRecord({Attribute{"a b", Type::getLong(), false, {}, {}},
                                          Attribute{"x", Type::getEntity("N::E"), true, {}, {}}}))
                ->str(),
            R"(Set<{"a b"?: Long, x: N::E}>)");
  EXPECT_EQ(ActionUid({"N::Action", "say \"hi\""}).str(), R"(N::Action::"say \"hi\"")");
  EXPECT_EQ(lookupExtension("ipaddr"), ExtensionKind::IpAddr);
  EXPECT_FALSE(lookupExtension("money").has_value());
  EXPECT_EQ(getExtensionName(ExtensionKind::Duration), "duration");
}
