// Edge (JSON -> runtime entities): Cedar's entities JSON format. Entry points:
// parseEntitiesJson (a JSON array -> runtime::Entity list), loadEntityStore
// (text -> EntityStore, with the schema's action entities added),
// getSchemaActionEntities. Depends on compiler/json/json_value.h, the runtime
// entity store and the schema model.
//
// Format (cedar-policy-core src/entities/json/entities.rs): an array of
// `{"uid": UID, "attrs": {..}, "parents": [UID..], "tags": {..}}`; `uid`,
// `attrs` and `parents` are required, `tags` optional, other keys ignored.
// With a schema, each entity is parsed and checked against its type: the
// type must be declared, attribute and tag values are parsed with their
// declared types and type-checked, required attributes must be present,
// parents must have types the schema allows, enumerated ids must be declared.
// Action entities must agree with the schema's actions, and every action of
// the schema is added with its hierarchy (entities.rs, `from_entities`).
#ifndef LARCH_COMPILER_JSON_ENTITY_JSON_H
#define LARCH_COMPILER_JSON_ENTITY_JSON_H

#include "compiler/json/json_value.h"
#include "runtime/entity_store.h"

#include <optional>
#include <vector>

namespace larch::json {

/// Parses an entities array. Paths in errors start with the entity's index
/// and name the entity: `[3] (User::"alice").attrs.age`. `schema` may be
/// null. With a schema the result has no action entities yet (see
/// getSchemaActionEntities).
std::optional<std::vector<runtime::Entity>>
parseEntitiesJson(const Json &array, const schema::Schema *schema,
                  JsonError &error);

/// The action entities a schema declares, each with every action group it is
/// (transitively) a member of as parents, and no attributes.
std::vector<runtime::Entity> getSchemaActionEntities(const schema::Schema &schema);

/// Parses entities JSON text and builds a store: parse, check, add the
/// schema's actions, compute the hierarchy. `schema` may be null.
std::optional<runtime::EntityStore> loadEntityStore(llvm::StringRef text,
                                                    const schema::Schema *schema,
                                                    JsonError &error);

/// The same from an already parsed JSON array.
std::optional<runtime::EntityStore> buildEntityStore(const Json &array,
                                                     const schema::Schema *schema,
                                                     JsonError &error);

} // namespace larch::json

#endif // LARCH_COMPILER_JSON_ENTITY_JSON_H
