// Edge (JSON -> runtime entities): Cedar's entities JSON format. Entry points:
// parseEntitiesJson, getSchemaActionEntities, loadEntityStore (see
// entity_json.h). Depends on json_value.h, the entity store, the schema.
#include "compiler/json/entity_json.h"

#include <algorithm>
#include <set>

namespace larch::json {

using runtime::Entity;
using runtime::EntityUid;
using runtime::Value;

namespace {

bool parseOneEntity(const Json &j, size_t index, const JsonValueParser &parser,
                    const schema::Schema *schema, Entity &out, JsonError &error) {
  std::string at = indexPath("", index);
  if (!j.is_object()) {
    error = {at, "an entity must be a JSON object"};
    return false;
  }
  auto uidIt = j.find("uid");
  if (uidIt == j.end()) {
    error = {at, "missing field `uid`"};
    return false;
  }
  auto uid = parseEntityUidJson(*uidIt, at + ".uid", error);
  if (!uid)
    return false;
  out.uid = *uid;
  // From here on, errors name the entity.
  std::string base = at + " (" + uid->str() + ")";
  for (const char *field : {"attrs", "parents"})
    if (!j.contains(field)) {
      error = {base, std::string("missing field `") + field + "`"};
      return false;
    }
  const Json &attrs = j["attrs"];
  const Json &parents = j["parents"];
  if (!attrs.is_object()) {
    error = {base + ".attrs", "expected a JSON object"};
    return false;
  }
  if (!parents.is_array()) {
    error = {base + ".parents", "expected a JSON array"};
    return false;
  }
  const Json *tags = j.contains("tags") ? &j["tags"] : nullptr;
  if (tags && !tags->is_object()) {
    error = {base + ".tags", "expected a JSON object"};
    return false;
  }

  bool isAction = runtime::isActionType(uid->type);
  const schema::EntityType *et = nullptr;
  if (schema && !isAction) {
    et = schema->getEntityType(uid->type);
    if (!et) {
      error = {base, "entity type `" + uid->type + "` is not declared in the schema"};
      return false;
    }
    if (!checkUidAgainstSchema(*uid, *schema, base + ".uid", error))
      return false;
  }

  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    std::string path = joinPath(base + ".attrs", it.key());
    const schema::Type *type = nullptr;
    if (et) {
      const schema::Attribute *a = et->shape->getAttribute(it.key());
      if (!a) {
        error = {path, "attribute `" + it.key() + "` is not declared for `" +
                           uid->type + "` in the schema"};
        return false;
      }
      type = a->type.get();
    }
    auto v = parser.parse(it.value(), type, path, error);
    if (!v || (type && !typecheckValue(*v, *type, *schema, path, error)))
      return false;
    out.attrs.emplace(it.key(), std::move(*v));
  }
  if (et)
    for (const schema::Attribute &a : et->shape->getAttributes())
      if (a.required && !out.attrs.count(a.name)) {
        error = {base + ".attrs", "required attribute `" + a.name + "` is missing"};
        return false;
      }

  if (tags)
    for (auto it = tags->begin(); it != tags->end(); ++it) {
      std::string path = joinPath(base + ".tags", it.key());
      const schema::Type *type = nullptr;
      if (et) {
        type = et->tags.get();
        if (!type) {
          error = {path, "entity type `" + uid->type +
                             "` has no tags in the schema"};
          return false;
        }
      }
      auto v = parser.parse(it.value(), type, path, error);
      if (!v || (type && !typecheckValue(*v, *type, *schema, path, error)))
        return false;
      out.tags.emplace(it.key(), std::move(*v));
    }

  for (size_t i = 0; i < parents.size(); ++i) {
    std::string path = indexPath(base + ".parents", i);
    auto p = parseEntityUidJson(parents[i], path, error);
    if (!p)
      return false;
    if (isAction && !runtime::isActionType(p->type)) {
      error = {path, "action " + uid->str() + " has a parent " + p->str() +
                         " that is not an action"};
      return false;
    }
    if (et) {
      if (!checkUidAgainstSchema(*p, *schema, path, error))
        return false;
      const auto &allowed = et->ancestorTypes;
      if (std::find(allowed.begin(), allowed.end(), p->type) == allowed.end()) {
        error = {path, "entities of type `" + uid->type +
                           "` cannot have parents of type `" + p->type +
                           "` according to the schema"};
        return false;
      }
    }
    out.parents.insert(std::move(*p));
  }
  return true;
}

/// Action entities written in the data must match the schema's exactly
/// (Cedar conformance.rs, `validate_action`).
bool checkActionEntities(const std::vector<Entity> &actions,
                         const schema::Schema &schema, JsonError &error) {
  if (actions.empty())
    return true;
  std::string why;
  std::optional<runtime::EntityStore> store = runtime::EntityStore::build(actions, why);
  if (!store) {
    error = {"", why};
    return false;
  }
  for (const auto &[uid, e] : store->getEntities()) {
    const schema::Action *a = schema.getAction(uid.type, uid.id);
    if (!a) {
      error = {uid.str(), "action " + uid.str() + " is not declared in the schema"};
      return false;
    }
    // Only entities the data lists are in `store`; a dangling parent is
    // still an ancestor.
    std::set<EntityUid> declared;
    for (const schema::ActionUid &p : a->ancestors)
      declared.insert(EntityUid{p.type, p.id});
    if (!e.attrs.empty() || !e.tags.empty() || e.ancestors != declared) {
      error = {uid.str(), "action " + uid.str() +
                              " in the entity data differs from its declaration in the schema"};
      return false;
    }
  }
  return true;
}

} // namespace

std::vector<Entity> getSchemaActionEntities(const schema::Schema &schema) {
  std::vector<Entity> out;
  for (const auto &[uid, action] : schema.getActions()) {
    Entity e;
    e.uid = EntityUid{uid.type, uid.id};
    for (const schema::ActionUid &p : action.ancestors)
      e.parents.insert(EntityUid{p.type, p.id});
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<std::vector<Entity>> parseEntitiesJson(const Json &array,
                                                     const schema::Schema *schema,
                                                     JsonError &error) {
  if (!array.is_array()) {
    error = {"", "entities must be a JSON array"};
    return std::nullopt;
  }
  JsonValueParser parser(schema);
  std::vector<Entity> entities;
  std::vector<Entity> actions;
  entities.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    Entity e;
    if (!parseOneEntity(array[i], i, parser, schema, e, error))
      return std::nullopt;
    if (schema && runtime::isActionType(e.uid.type))
      actions.push_back(std::move(e));
    else
      entities.push_back(std::move(e));
  }
  if (schema && !checkActionEntities(actions, *schema, error))
    return std::nullopt;
  return entities;
}

std::optional<runtime::EntityStore> buildEntityStore(const Json &array,
                                                     const schema::Schema *schema,
                                                     JsonError &error) {
  auto entities = parseEntitiesJson(array, schema, error);
  if (!entities)
    return std::nullopt;
  if (schema)
    for (Entity &a : getSchemaActionEntities(*schema))
      entities->push_back(std::move(a));
  std::string why;
  auto store = runtime::EntityStore::build(std::move(*entities), why);
  if (!store) {
    error = {"", why};
    return std::nullopt;
  }
  return store;
}

std::optional<runtime::EntityStore> loadEntityStore(llvm::StringRef text,
                                                    const schema::Schema *schema,
                                                    JsonError &error) {
  auto j = parseJsonText(text, error);
  if (!j)
    return std::nullopt;
  return buildEntityStore(*j, schema, error);
}

} // namespace larch::json
