// Public API: load policies, a schema and entities, then decide requests.
// Std types only; nothing throws through it: loading problems come back as
// diagnostics, evaluation problems as Decision::errors.
//
//   larch::Engine engine;
//   auto st = engine.loadPolicyPaths({"policies/"});
//   if (!st.ok) { std::cerr << st.rendered; return 2; }
//   engine.loadSchemaFile("schema.cedarschema");   // optional, before entities
//   engine.loadEntitiesFile("entities.json");
//   larch::Decision d = engine.authorizeJson(R"({"principal": ...})");
#ifndef LARCH_ENGINE_H
#define LARCH_ENGINE_H

#include "larch/decision.h"
#include "larch/diagnostic.h"
#include "larch/request.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace larch {

/// The outcome of a load step.
struct LoadStatus {
  bool ok = false;
  /// Every problem found, with file, line and column where they apply.
  std::vector<Diagnostic> diagnostics;
  /// The diagnostics rendered compiler-style, one block per diagnostic.
  std::string rendered;
};

struct PolicyOptions {
  /// Name every policy `policyN` by position, ignoring `@id` annotations
  /// (as Cedar's `PolicySet::from_str` does).
  bool positionalIds = false;
};

enum class SchemaFormat {
  /// The Cedar schema syntax (`.cedarschema`).
  Cedar,
  /// The JSON schema format.
  Json,
};

/// A Cedar authorizer. Load first, then call `authorize` from any number of
/// threads (the const methods only read).
class Engine {
public:
  Engine();
  ~Engine();
  Engine(Engine &&) noexcept;
  Engine &operator=(Engine &&) noexcept;

  /// Loads `.cedar` files and directories (recursively, sorted path order),
  /// replacing any policies loaded before. On error no policy is kept.
  LoadStatus loadPolicyPaths(const std::vector<std::string> &paths,
                             const PolicyOptions &options = {});
  /// Loads policies from text; `name` is what diagnostics call the source.
  LoadStatus loadPolicyText(const std::string &name, const std::string &text,
                            const PolicyOptions &options = {});

  /// Loads a schema; the format follows the file name (`.json` is JSON,
  /// anything else the Cedar syntax). Entities loaded earlier are parsed
  /// again with it.
  LoadStatus loadSchemaFile(const std::string &path);
  LoadStatus loadSchemaText(const std::string &name, const std::string &text,
                            SchemaFormat format);

  /// Loads the entities (Cedar's entities JSON), replacing earlier ones.
  /// With a schema, values are parsed and checked against it and the
  /// schema's actions are added.
  LoadStatus loadEntitiesFile(const std::string &path);
  LoadStatus loadEntitiesJson(const std::string &name, const std::string &json);

  /// Links template `templateId` as a new policy `newId`, binding its slots;
  /// give exactly the slots the template uses.
  LoadStatus linkTemplate(const std::string &templateId, const std::string &newId,
                          const std::optional<EntityRef> &principal,
                          const std::optional<EntityRef> &resource);

  /// The ids of the policies `authorize` evaluates (static and linked), in
  /// order.
  std::vector<std::string> getPolicyIds() const;

  /// Decides a request. A request that cannot be read (bad context, entity
  /// data, undeclared action with a schema) is a Deny with one error whose
  /// `policy` is empty.
  Decision authorize(const Request &request) const;

  /// Decides a request written as JSON: `{"principal": E, "action": E,
  /// "resource": E, "context": {..}, "entities": [..]}` with E either
  /// `{"type": "T", "id": "i"}` or the text `T::"i"`. Errors in it are
  /// reported as for `authorize`, naming the field path.
  Decision authorizeJson(const std::string &requestJson) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace larch

#endif // LARCH_ENGINE_H
