// Validation phase: checks a loaded policy set against a schema with Cedar's
// strict validation. Entry points: `validatePolicies`, `validatePolicy`.
// Depends on the AST (grammar/ast.h), the schema model and support/
// diagnostics; runs after loading (compiler/policy_loader.h) and before
// lowering, and changes nothing it is given.
//
// A policy is valid when
//   - every entity type, action and enumerated entity it names is declared;
//   - some action its action scope allows applies to a principal type and a
//     resource type its principal and resource scopes allow;
//   - its condition (scope and `when`/`unless` clauses together, as Cedar
//     sees it) has a boolean type in every request environment the schema
//     declares (action, principal type, resource type, context type), by the
//     typing rules in typecheck.h.
// A policy whose condition is `false` in every environment can never apply;
// that is a warning, as in Cedar.
#ifndef LARCH_COMPILER_VALIDATE_VALIDATE_H
#define LARCH_COMPILER_VALIDATE_VALIDATE_H

#include "compiler/schema/schema.h"
#include "grammar/ast.h"
#include "support/diagnostic_engine.h"

#include <optional>
#include <string>

namespace larch::validate {

class SchemaIndex;

struct ValidateOptions {
  /// Report policies that can never apply (LV015) as warnings.
  bool warnImpossiblePolicies = true;
};

/// Validates every policy of `set` (templates with their slots typed by
/// every entity type they may be linked to). Reports to `diags`; returns
/// true when no error was found.
bool validatePolicies(const schema::Schema &schema, const ast::PolicySet &set,
                      DiagnosticEngine &diags, const ValidateOptions &options = {});

/// Validates one policy against an index built once for the schema.
bool validatePolicy(const SchemaIndex &index, const ast::Policy &policy,
                    DiagnosticEngine &diags, const ValidateOptions &options = {});

/// An entity uid bound to a template slot.
struct SlotBinding {
  std::string type;
  std::string id;
};

/// Validates one link of `templatePolicy` (as Cedar does for linked
/// policies): the bound entity types are declared, and some action of the
/// scope applies to the principal and resource types the linked scope allows.
/// Diagnostics point at the template and name `linkId`.
bool validateLink(const SchemaIndex &index, const ast::Policy &templatePolicy,
                  llvm::StringRef linkId, const std::optional<SlotBinding> &principal,
                  const std::optional<SlotBinding> &resource, DiagnosticEngine &diags);

} // namespace larch::validate

#endif // LARCH_COMPILER_VALIDATE_VALIDATE_H
