// Test support for the compiled runtime's tests: building runtime entities and
// entity stores in a line.
#ifndef LARCH_TESTS_UNIT_COMPILED_ENTITY_BUILDERS_H
#define LARCH_TESTS_UNIT_COMPILED_ENTITY_BUILDERS_H

#include "runtime/entity_store.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace larch::testing_compiled {

inline runtime::Entity makeEntity(std::string type, std::string id,
                                  std::map<std::string, runtime::Value> attrs = {},
                                  std::set<runtime::EntityUid> parents = {},
                                  std::map<std::string, runtime::Value> tags = {}) {
  runtime::Entity e;
  e.uid = runtime::EntityUid{std::move(type), std::move(id)};
  e.attrs = std::move(attrs);
  e.parents = std::move(parents);
  e.tags = std::move(tags);
  return e;
}

/// The store of `entities`; a failure to build is a test failure.
inline runtime::EntityStore buildStore(std::vector<runtime::Entity> entities) {
  std::string error;
  std::optional<runtime::EntityStore> store =
      runtime::EntityStore::build(std::move(entities), error);
  EXPECT_TRUE(store.has_value()) << error;
  return store ? std::move(*store) : runtime::EntityStore();
}

} // namespace larch::testing_compiled

#endif
