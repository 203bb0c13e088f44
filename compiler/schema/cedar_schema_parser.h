// Schema: the parser of the Cedar schema syntax (`.cedarschema`), a
// hand-written lexer and recursive-descent parser following Cedar's
// validator/cedar_schema/grammar.lalrpop. Entry points: parseCedarSchema
// (text -> RawSchema) and loadCedarSchema (text -> resolved Schema).
// Depends on schema_resolve.h and support/; no ANTLR, no policy grammar.
#ifndef LARCH_COMPILER_SCHEMA_CEDAR_SCHEMA_PARSER_H
#define LARCH_COMPILER_SCHEMA_CEDAR_SCHEMA_PARSER_H

#include "compiler/schema/schema_resolve.h"
#include "support/diagnostic_engine.h"
#include "support/source_manager.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace larch::schema {

/// Limits that keep hostile input from exhausting the stack.
struct SchemaParseOptions {
  /// Deepest nesting of `Set<...>` and record types accepted.
  unsigned maxNestingDepth = 128;
};

/// Parses the text of file `fileId` (its offsets index `text`). Reports
/// syntax errors and the checks Cedar makes while converting the syntax
/// (duplicate namespaces, declarations and annotations, `appliesTo` shape),
/// and returns nothing if there was any error.
std::optional<RawSchema> parseCedarSchema(llvm::StringRef text, uint32_t fileId,
                                          DiagnosticEngine &diags,
                                          const SchemaParseOptions &opts = {});

/// Adds `text` to `sm` as `name`, parses and resolves it.
std::optional<Schema> loadCedarSchema(SourceManager &sm, std::string name,
                                      std::string text, DiagnosticEngine &diags,
                                      const SchemaParseOptions &opts = {});

/// Unescapes the body of a string literal (without its quotes) with Cedar's
/// rules (`\n \r \t \\ \0 \' \"`, `\xHH` up to 7F, `\u{H..}`). On failure
/// returns nothing and sets `errorOffset` (into `body`) and `errorMessage`.
std::optional<std::string> unescapeCedarString(llvm::StringRef body,
                                               size_t &errorOffset,
                                               std::string &errorMessage);

} // namespace larch::schema

#endif // LARCH_COMPILER_SCHEMA_CEDAR_SCHEMA_PARSER_H
