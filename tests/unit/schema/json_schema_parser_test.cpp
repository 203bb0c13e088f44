// Tests: the JSON schema format, field by field, and its structural errors
// (malformed JSON, duplicate keys, unknown/missing/mistyped fields, names).
#include "unit/schema/schema_test_util.h"

using namespace larch;
using namespace larch::schema;
using namespace larch::schema::test;

TEST(JsonSchemaParser, FullNamespace) {
  auto l = loadJson(R"({
    "NS": {
      "annotations": {"doc": "ns", "flag": null},
      "commonTypes": {
        "Ctx": {"type": "Record", "annotations": {"doc": "ctx"}, "attributes": {
          "ip": {"type": "Extension", "name": "ipaddr"},
          "n": {"type": "Long", "required": false, "annotations": {"doc": "n"}}}},
        "Name": {"type": "String"}
      },
      "entityTypes": {
        "User": {
          "memberOfTypes": ["Group"],
          "shape": {"type": "Record", "attributes": {
            "name": {"type": "Name"},
            "g": {"type": "Entity", "name": "Group"},
            "b": {"type": "Boolean"},
            "s": {"type": "Set", "element": {"type": "EntityOrCommon", "name": "Ctx"}}}},
          "tags": {"type": "String"},
          "annotations": {"doc": "user"}
        },
        "Group": {},
        "Color": {"enum": ["red", "green"]}
      },
      "actions": {
        "view": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Group"],
                               "context": {"type": "Ctx"}},
                 "memberOf": [{"id": "all"}, {"id": "all", "type": "NS::Action"}],
                 "annotations": {"doc": "view"}},
        "all": {"appliesTo": null, "memberOf": null, "attributes": null}
      }
    }
  })");
  ASSERT_TRUE(l.ok()) << l.rendered;
  const Schema &s = *l.schema;
  EXPECT_EQ(s.getNamespaces().at("NS").annotations.at("flag"), "");
  const EntityType *u = s.getEntityType("NS::User");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->shape->str(),
            "{b: Bool, g: NS::Group, name: String, s: Set<{ip: ipaddr, n?: Long}>}");
  EXPECT_EQ(u->tags->getKind(), TypeKind::String);
  EXPECT_EQ(u->annotations.at("doc"), "user");
  EXPECT_EQ(*s.getEntityType("NS::Color")->enumIds,
            (std::vector<std::string>{"red", "green"}));
  const Action *view = s.getAction("NS::Action", "view");
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->memberOf.size(), 1u);
  EXPECT_EQ(view->context->str(), "{ip: ipaddr, n?: Long}");
  EXPECT_EQ(s.getCommonType("NS::Ctx")->annotations.at("doc"), "ctx");
  const Type *ctx = s.getContextType({"NS::Action", "view"});
  EXPECT_EQ(ctx->getAttribute("n")->annotations.at("doc"), "n");
}

TEST(JsonSchemaParser, EmptyNamespaceAndEmptySchema) {
  auto l = loadJson(R"({"": {"entityTypes": {"A": {}}, "actions": {"a": {}}}})");
  ASSERT_TRUE(l.ok()) << l.rendered;
  EXPECT_NE(l.schema->getEntityType("A"), nullptr);
  EXPECT_NE(l.schema->getAction("Action", "a"), nullptr);
  auto e = loadJson("{}");
  ASSERT_TRUE(e.ok()) << e.rendered;
}

TEST(JsonSchemaParser, MalformedJson) {
  auto l = loadJson(R"({"A": {"entityTypes": {}, "actions": {},}})");
  EXPECT_TRUE(l.hasError("LS011", "invalid JSON")) << l.rendered;
  EXPECT_EQ(l.spanOf("LS011"), "}");
  EXPECT_TRUE(loadJson("").hasError("LS011"));
  EXPECT_TRUE(loadJson("{\"a\": tru}").hasError("LS011"));
  EXPECT_TRUE(loadJson("[1, 2").hasError("LS011"));
  EXPECT_TRUE(loadJson("{\"\\xff\": 1}").hasError("LS011"));
}

TEST(JsonSchemaParser, NotAnObject) {
  auto l = loadJson("[]");
  EXPECT_TRUE(l.hasError("LS012", "invalid type: an array")) << l.rendered;
}

TEST(JsonSchemaParser, DuplicateKeys) {
  auto l = loadJson(R"({"": {"entityTypes": {"A": {}, "A": {}}, "actions": {}}})");
  EXPECT_TRUE(l.hasError("LS012", "duplicate key `A`")) << l.rendered;
  EXPECT_EQ(l.spanOf("LS012"), "\"A\"");
}

TEST(JsonSchemaParser, LocationsOfNestedValues) {
  std::string text = R"({"": {"entityTypes": {"A": {"shape": {"type": "Record",
    "attributes": {"x": {"type": "Set", "element": {"type": "Nope"}}}}}}, "actions": {}}})";
  auto l = loadJson(text);
  EXPECT_TRUE(l.hasError("LS014", "failed to resolve type: `Nope`")) << l.rendered;
  EXPECT_EQ(l.spanOf("LS014"), "\"Nope\"");
}

TEST(JsonSchemaParser, MissingRequiredFields) {
  auto ns = loadJson(R"({"A": {"entityTypes": {}}})");
  EXPECT_TRUE(ns.hasError("LS012", "missing field `actions`")) << ns.rendered;
  auto ty = loadJson(R"({"": {"entityTypes": {"A": {"shape": {"attributes": {}}}}, "actions": {}}})");
  EXPECT_TRUE(ty.hasError("LS012", "missing field `type`")) << ty.rendered;
  auto set = loadJson(R"({"": {"entityTypes": {"A": {"shape": {"type": "Set"}}}, "actions": {}}})");
  EXPECT_TRUE(set.hasError("LS012", "missing field `element`")) << set.rendered;
  auto rec = loadJson(R"({"": {"entityTypes": {"A": {"shape": {"type": "Record"}}}, "actions": {}}})");
  EXPECT_TRUE(rec.hasError("LS012", "missing field `attributes`")) << rec.rendered;
  auto ent = loadJson(R"({"": {"entityTypes": {"A": {"tags": {"type": "Entity"}}}, "actions": {}}})");
  EXPECT_TRUE(ent.hasError("LS012", "missing field `name`")) << ent.rendered;
  auto applies = loadJson(R"({"": {"entityTypes": {}, "actions": {"a": {"appliesTo": {"principalTypes": []}}}}})");
  EXPECT_TRUE(applies.hasError("LS012", "missing field `resourceTypes`")) << applies.rendered;
  auto ref = loadJson(R"({"": {"entityTypes": {}, "actions": {"a": {"memberOf": [{"type": "Action"}]}}}})");
  EXPECT_TRUE(ref.hasError("LS012", "missing field `id`")) << ref.rendered;
}

TEST(JsonSchemaParser, UnknownAndMisplacedFields) {
  auto ns = loadJson(R"({"A": {"entityTypes": {}, "actions": {}, "extra": 1}})");
  EXPECT_TRUE(ns.hasError("LS012", "unknown field `extra`")) << ns.rendered;
  auto et = loadJson(R"({"": {"entityTypes": {"A": {"parents": []}}, "actions": {}}})");
  EXPECT_TRUE(et.hasError("LS012", "unknown field `parents`")) << et.rendered;
  auto setName = loadJson(R"({"": {"entityTypes": {"A": {"tags": {"type": "Set", "element": {"type": "Long"}, "name": "x"}}}, "actions": {}}})");
  EXPECT_TRUE(setName.hasError("LS012", "unknown field `name`")) << setName.rendered;
  auto reqOutside = loadJson(R"({"": {"entityTypes": {"A": {"tags": {"type": "Long", "required": false}}}, "actions": {}}})");
  EXPECT_TRUE(reqOutside.hasError("LS012", "unknown field `required`")) << reqOutside.rendered;
  auto enumMixed = loadJson(R"({"": {"entityTypes": {"A": {"enum": ["a"], "memberOfTypes": []}}, "actions": {}}})");
  EXPECT_TRUE(enumMixed.hasError("LS012", "unexpected field: memberOfTypes")) << enumMixed.rendered;
  auto enumEmpty = loadJson(R"({"": {"entityTypes": {"A": {"enum": []}}, "actions": {}}})");
  EXPECT_TRUE(enumEmpty.hasError("LS012", "invalid length 0")) << enumEmpty.rendered;
  auto noNs = loadJson(R"({"entityTypes": {}, "actions": {}})");
  EXPECT_TRUE(noNs.hasError("LS012", "must specify a namespace")) << noNs.rendered;
}

TEST(JsonSchemaParser, WrongKinds) {
  auto l = loadJson(R"({"": {"entityTypes": {"A": {"memberOfTypes": "B"}}, "actions": {}}})");
  EXPECT_TRUE(l.hasError("LS012", "invalid type: a string")) << l.rendered;
  auto req = loadJson(R"({"": {"entityTypes": {"A": {"shape": {"type": "Record", "attributes": {"x": {"type": "Long", "required": "no"}}}}}, "actions": {}}})");
  EXPECT_TRUE(req.hasError("LS012", "expected a boolean")) << req.rendered;
  auto nullShape = loadJson(R"({"": {"entityTypes": {"A": {"shape": null}}, "actions": {}}})");
  EXPECT_TRUE(nullShape.hasError("LS012", "null")) << nullShape.rendered;
}

TEST(JsonSchemaParser, InvalidNames) {
  auto ns = loadJson(R"({"A ::B": {"entityTypes": {}, "actions": {}}})");
  EXPECT_TRUE(ns.hasError("LS012", "invalid namespace")) << ns.rendered;
  auto et = loadJson(R"({"": {"entityTypes": {"in": {}}, "actions": {}}})");
  EXPECT_TRUE(et.hasError("LS012", "invalid entity type name `in`")) << et.rendered;
  auto ref = loadJson(R"({"": {"entityTypes": {"A": {"memberOfTypes": ["B::"]}}, "actions": {}}})");
  EXPECT_TRUE(ref.hasError("LS012", "invalid entity type `B::`")) << ref.rendered;
  auto ct = loadJson(R"({"": {"entityTypes": {}, "actions": {}, "commonTypes": {"1x": {"type": "Long"}}}})");
  EXPECT_TRUE(ct.hasError("LS012", "invalid common type name")) << ct.rendered;
}

TEST(JsonSchemaParser, Unsupported) {
  auto open = loadJson(R"({"": {"entityTypes": {"A": {"shape": {"type": "Record", "attributes": {}, "additionalAttributes": true}}}, "actions": {}}})");
  EXPECT_TRUE(open.hasError("LS013", "additionalAttributes")) << open.rendered;
  auto closed = loadJson(R"({"": {"entityTypes": {"A": {"shape": {"type": "Record", "attributes": {}, "additionalAttributes": false}}}, "actions": {}}})");
  EXPECT_TRUE(closed.ok()) << closed.rendered;
  auto attrs = loadJson(R"({"": {"entityTypes": {}, "actions": {"a": {"attributes": {"k": "v"}}}}})");
  EXPECT_TRUE(attrs.hasError("LS013", "action declared with attributes")) << attrs.rendered;
  auto ext = loadJson(R"({"": {"entityTypes": {"A": {"tags": {"type": "Extension", "name": "money"}}}, "actions": {}}})");
  EXPECT_TRUE(ext.hasError("LS020", "unknown extension type `money`")) << ext.rendered;
  auto annEmpty = loadJson(R"({"": {"entityTypes": {}, "actions": {}, "annotations": {"a": "b"}}})");
  EXPECT_TRUE(annEmpty.hasError("LS012", "empty namespace")) << annEmpty.rendered;
}

TEST(JsonSchemaParser, ReferenceKinds) {
  // `{"type": "X"}` must be a common type, `Entity` must be an entity type.
  auto common = loadJson(R"({"": {"entityTypes": {"E": {"tags": {"type": "E"}}}, "actions": {}}})");
  EXPECT_TRUE(common.hasError("LS014", "`E`")) << common.rendered;
  auto entity = loadJson(R"({"": {"commonTypes": {"T": {"type": "Long"}}, "entityTypes": {"E": {"tags": {"type": "Entity", "name": "T"}}}, "actions": {}}})");
  EXPECT_TRUE(entity.hasError("LS014", "`T`")) << entity.rendered;
  auto either = loadJson(R"({"": {"commonTypes": {"T": {"type": "Long"}}, "entityTypes": {"E": {"tags": {"type": "EntityOrCommon", "name": "T"}}}, "actions": {}}})");
  ASSERT_TRUE(either.ok()) << either.rendered;
  EXPECT_EQ(either.schema->getTagType("E")->getKind(), TypeKind::Long);
  auto builtin = loadJson(R"({"": {"entityTypes": {"E": {"tags": {"type": "ipaddr"}}}, "actions": {}}})");
  ASSERT_TRUE(builtin.ok()) << builtin.rendered;
  EXPECT_EQ(builtin.schema->getTagType("E")->getKind(), TypeKind::Extension);
}

TEST(JsonSchemaParser, DeepNestingIsRejected) {
  std::string deep;
  for (int i = 0; i < 300; ++i)
    deep += "[";
  auto l = loadJson(deep);
  EXPECT_TRUE(l.hasError("LI002")) << l.rendered;
}
