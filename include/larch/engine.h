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
//
// The allocation-free path: prepare a request once (names become ids), then
// decide it with a scratch reused by the calling thread:
//
//   larch::PreparedRequest req;
//   larch::DecisionScratch scratch;                 // one per thread
//   if (engine.prepareJson(line, req)) engine.decide(req, scratch);
//   bool allowed = scratch.allowed();
//
// Loads may run while other threads decide: each load builds the new state
// beside the running one and publishes it atomically; a load that fails
// publishes nothing; a decision finishes on the state it started with (a
// prepared request keeps the state it was prepared against). Loads must not
// run concurrently with each other.
#ifndef LARCH_ENGINE_H
#define LARCH_ENGINE_H

#include "larch/decision.h"
#include "larch/diagnostic.h"
#include "larch/explain.h"
#include "larch/request.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  /// With a schema loaded, a set that fails strict validation against it is
  /// refused like one that does not parse (nothing is replaced).
  bool validateWithSchema = false;
};

/// Which evaluator decides.
enum class Evaluator {
  /// The compiled program with its decision index (the default).
  Compiled,
  /// The compiled program, every policy a candidate (for testing the index).
  CompiledAllCandidates,
  /// The reference evaluator over the AST (the oracle; slow).
  Reference,
};

class Engine;

/// A request turned into the ids of the state it was prepared against.
/// Reusable: preparing again keeps its memory.
class PreparedRequest {
public:
  PreparedRequest();
  ~PreparedRequest();
  PreparedRequest(PreparedRequest &&) noexcept;
  PreparedRequest &operator=(PreparedRequest &&) noexcept;

  /// False if the request could not be read; then deciding it denies with
  /// this one error (no policy).
  bool ok() const;
  const std::string &getError() const;
  /// The agent envelope as read (null when the request has none or was not
  /// read), and the decision time (RFC 3339, the clock's when not given).
  const AgentEnvelope *getAgent() const;
  const std::string &getTime() const;

  /// Implementation detail (opaque outside the library).
  struct Impl;

private:
  friend class Engine;
  std::unique_ptr<Impl> impl;
};

/// Per-thread state of decisions, and the last decision's result. The
/// accessors read the last decision (valid until the next one and while its
/// PreparedRequest lives).
class DecisionScratch {
public:
  DecisionScratch();
  ~DecisionScratch();
  DecisionScratch(DecisionScratch &&) noexcept;
  DecisionScratch &operator=(DecisionScratch &&) noexcept;

  bool allowed() const;
  size_t getNumReasons() const;
  /// The id of determining policy `i` (policy-set order).
  std::string_view getReason(size_t i) const;
  size_t getNumErrors() const;
  /// The id of erroring policy `i`, empty for a request that was not read.
  std::string_view getErrorPolicy(size_t i) const;
  /// The message of error `i` (formatted on demand).
  std::string getErrorMessage(size_t i) const;
  /// The outcome of the last decision (docs/agents.md).
  Outcome getOutcome() const;
  /// Its obligations, from the determining policies' annotations (allocates).
  Obligations getObligations() const;
  /// The revocation entry that denied it, or null.
  const RevocationInfo *getRevocation() const;
  /// The last decision as a Decision (allocates).
  Decision toDecision() const;
  /// Appends the last decision as one line of JSON (Decision::toJson's form)
  /// to `out`.
  void appendJson(std::string &out) const;

  /// Implementation detail (opaque outside the library).
  struct Impl;

private:
  friend class Engine;
  std::unique_ptr<Impl> impl;
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

  /// Validates the loaded policies (templates and their links included)
  /// against the loaded schema with Cedar's strict validation
  /// (docs/validation.md). Not ok when
  /// a policy fails validation or no schema is loaded. Changes nothing.
  LoadStatus validatePolicies() const;
  /// Loads the entities (Cedar's entities JSON), replacing earlier ones.
  /// With a schema, values are parsed and checked against it and the
  /// schema's actions are added.
  LoadStatus loadEntitiesFile(const std::string &path);
  LoadStatus loadEntitiesJson(const std::string &name, const std::string &json);

  /// Loads a revocation list (docs/agents.md), replacing the previous one
  /// atomically; the next decision sees it. On error nothing changes.
  LoadStatus loadRevocationsFile(const std::string &path);
  LoadStatus loadRevocationsJson(const std::string &name, const std::string &json);
  /// How many entries the current revocation list has.
  size_t getNumRevocations() const;

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

  /// Selects the evaluator (before deciding; not concurrently with it).
  void setEvaluator(Evaluator evaluator);
  Evaluator getEvaluator() const;

  /// With a schema loaded, also check each prepared request against it (its
  /// action declared, principal and resource types among the action's
  /// `appliesTo`, its context of the declared type), as Cedar's request
  /// validation does; a request that fails is not read (it denies with the
  /// reason). Off by default; `larch eval --schema` turns it on.
  void setRequestValidation(bool on);

  /// Prepares `request` against the current state. Returns out.ok().
  bool prepare(const Request &request, PreparedRequest &out) const;
  /// Prepares a request written as JSON (the form authorizeJson reads).
  bool prepareJson(std::string_view requestJson, PreparedRequest &out) const;
  /// Decides a prepared request into `scratch`; returns whether it is
  /// allowed. With the compiled evaluator and a reused scratch this does not
  /// allocate.
  bool decide(const PreparedRequest &request, DecisionScratch &scratch) const;
  /// Decides like `decide` (the result is in `scratch`) and, in the same
  /// run, explains the decision into `out`: every candidate policy, whether
  /// it was satisfied, and for one that was not, its first condition that
  /// was false (docs/explain.md). Allocates; returns whether it is allowed.
  bool explain(const PreparedRequest &request, DecisionScratch &scratch,
               Explanation &out) const;

  /// Counts successful loads (each publishes a new state).
  uint64_t getGeneration() const;

  /// The digest of the loaded policy set, `sha256:` and 64 hex digits: the
  /// policies' texts and ids in order plus the template links
  /// (docs/audit.md, "The policy-set digest"). Computed once per load.
  std::string getPolicySetDigest() const;
  /// The top-level context keys that the loaded policies' `@log_context`
  /// annotations name (sorted, no repeats): decision records keep these
  /// context fields. Computed once per load.
  std::vector<std::string> getLoggedContextKeys() const;
  /// The `@id` annotation of each policy of getPolicyIds() (same order),
  /// empty for a policy without one and for template links.
  std::vector<std::string> getPolicyNames() const;

  /// Decides a request written as JSON: `{"principal": E, "action": E,
  /// "resource": E, "context": {..}, "entities": [..]}` with E either
  /// `{"type": "T", "id": "i"}` or the text `T::"i"`. Errors in it are
  /// reported as for `authorize`, naming the field path.
  Decision authorizeJson(const std::string &requestJson) const;

  /// Implementation detail (opaque outside the library).
  struct Impl;

private:
  std::unique_ptr<Impl> impl;
};

} // namespace larch

#endif // LARCH_ENGINE_H
