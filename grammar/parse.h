// Grammar phase entry point: Cedar policy text -> ast::Policy list.
// The implementation (ast_builder.cpp) is the only file that includes ANTLR;
// nothing here exposes ANTLR types.
#ifndef LARCH_GRAMMAR_PARSE_H
#define LARCH_GRAMMAR_PARSE_H

#include "grammar/ast.h"
#include "support/diagnostic_engine.h"
#include "support/source_manager.h"

#include <cstdint>
#include <vector>

namespace larch {

/// Explicit budgets, so hostile input gets an error instead of a crash or hang.
struct ParseOptions {
  /// Largest source accepted, in bytes.
  uint32_t maxInputBytes = 64u << 20;
  /// Deepest nesting of brackets, parentheses, braces and `if` expressions.
  uint32_t maxNestingDepth = 200;
  /// Deepest expression tree (long operator chains such as `a || b || ...`).
  uint32_t maxExpressionDepth = 2000;
  /// Syntax errors reported per file before giving up on that file.
  uint32_t maxErrors = 50;
};

/// Parses every policy in `file` (already added to `sm`), allocating nodes in
/// `ctx` and appending them to `out` in source order. Errors go to `diags`;
/// policies that had errors are not appended. Returns true if the file had no
/// errors. Never throws.
bool parsePolicies(const SourceManager &sm, uint32_t file, ast::Context &ctx,
                   std::vector<ast::Policy> &out, DiagnosticEngine &diags,
                   const ParseOptions &options = {});

/// Parses a single expression (the body of a condition), for tests and tools.
/// Returns null on error.
const ast::Expr *parseExpression(const SourceManager &sm, uint32_t file,
                                 ast::Context &ctx, DiagnosticEngine &diags,
                                 const ParseOptions &options = {});

} // namespace larch

#endif
