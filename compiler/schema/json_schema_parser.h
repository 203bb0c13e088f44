// Schema: the parser of Cedar's JSON schema format (validator/json_schema.rs).
// Entry points: parseJsonSchema (text -> RawSchema) and loadJsonSchema
// (text -> resolved Schema). Uses nlohmann::json through its SAX interface so
// that every value and key keeps its byte range for diagnostics, and so that
// duplicate keys are rejected as Cedar rejects them.
// Depends on schema_resolve.h and support/.
#ifndef LARCH_COMPILER_SCHEMA_JSON_SCHEMA_PARSER_H
#define LARCH_COMPILER_SCHEMA_JSON_SCHEMA_PARSER_H

#include "compiler/schema/cedar_schema_parser.h"
#include "compiler/schema/schema_resolve.h"
#include "support/diagnostic_engine.h"
#include "support/source_manager.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace larch::schema {

/// Parses the JSON schema text of file `fileId`. Reports malformed JSON,
/// duplicate keys, unknown, missing or mistyped fields and invalid names, and
/// returns nothing if there was any error.
std::optional<RawSchema> parseJsonSchema(llvm::StringRef text, uint32_t fileId,
                                         DiagnosticEngine &diags,
                                         const SchemaParseOptions &opts = {});

/// Adds `text` to `sm` as `name`, parses and resolves it.
std::optional<Schema> loadJsonSchema(SourceManager &sm, std::string name,
                                     std::string text, DiagnosticEngine &diags,
                                     const SchemaParseOptions &opts = {});

} // namespace larch::schema

#endif // LARCH_COMPILER_SCHEMA_JSON_SCHEMA_PARSER_H
