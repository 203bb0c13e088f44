// Public API: check Cedar policy files or text for errors without deciding
// anything (what `larch check` does), optionally validating them against a
// schema. Std types only; never throws.
#ifndef LARCH_CHECK_H
#define LARCH_CHECK_H

#include "larch/diagnostic.h"

#include <cstddef>
#include <string>
#include <vector>

namespace larch {

struct CheckOptions {
  /// Name every policy `policyN` by position, ignoring `@id` annotations.
  bool positionalIds = false;
  /// Syntax errors reported per file before that file is abandoned.
  unsigned maxErrorsPerFile = 50;
  /// Colour the rendered text with ANSI escapes.
  bool color = false;
  /// A schema file (`.json`: JSON format, else Cedar syntax). When set, the
  /// policies are also validated against it with Cedar's strict validation
  /// (docs/validation.md); validation errors have `LV` codes.
  std::string schemaPath;
  /// Report policies that can never apply to a schema request (warning LV015).
  bool warnImpossiblePolicies = true;
};

struct CheckResult {
  /// True when there are no errors (warnings allowed).
  bool ok = false;
  size_t numFiles = 0;
  size_t numPolicies = 0;
  size_t numTemplates = 0;
  /// True when a schema was given, loaded, and the policies were validated
  /// against it (they are not when they have syntax errors).
  bool validated = false;
  /// Policy ids in load order (of the policies that parsed).
  std::vector<std::string> policyIds;
  /// Every diagnostic, sorted by file and position, with file/line/column set.
  std::vector<Diagnostic> diagnostics;
  /// The diagnostics rendered compiler-style, with source lines and carets.
  std::string rendered;
};

/// Checks files and directories of `.cedar` files (directories recursively;
/// files in sorted path order).
CheckResult checkPolicyPaths(const std::vector<std::string> &paths,
                             const CheckOptions &options = {});

/// Checks in-memory policy text; `name` is what diagnostics print as the file.
CheckResult checkPolicyText(const std::string &name, const std::string &text,
                            const CheckOptions &options = {});

} // namespace larch

#endif
