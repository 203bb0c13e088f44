// Tests: helpers shared by the schema unit tests (load a schema from text in
// either format, and collect the diagnostics it produced).
#ifndef LARCH_TESTS_UNIT_SCHEMA_SCHEMA_TEST_UTIL_H
#define LARCH_TESTS_UNIT_SCHEMA_SCHEMA_TEST_UTIL_H

#include "compiler/schema/cedar_schema_parser.h"
#include "compiler/schema/json_schema_parser.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace larch::schema::test {

/// The outcome of loading one schema text.
struct Loaded {
  std::optional<Schema> schema;
  std::vector<Diagnostic> diags;
  std::string rendered; ///< formatted diagnostics, for failure messages
  std::string text;

  bool ok() const { return schema.has_value(); }
  /// True if some error has this code and its message contains `fragment`.
  bool hasError(llvm::StringRef code, llvm::StringRef fragment = "") const {
    for (const auto &d : diags)
      if (d.severity == Severity::Error && d.code == code &&
          llvm::StringRef(d.message).contains(fragment))
        return true;
    return false;
  }
  bool hasWarning(llvm::StringRef code) const {
    for (const auto &d : diags)
      if (d.severity == Severity::Warning && d.code == code)
        return true;
    return false;
  }
  /// The source text an error with `code` points at.
  std::string spanOf(llvm::StringRef code) const {
    for (const auto &d : diags)
      if (d.code == code)
        return text.substr(d.range.begin, d.range.end - d.range.begin);
    return "<no such diagnostic>";
  }
};

inline Loaded loadCedar(const std::string &text) {
  Loaded out;
  SourceManager sm;
  DiagnosticEngine diags;
  out.text = text;
  out.schema = loadCedarSchema(sm, "test.cedarschema", text, diags);
  out.rendered = formatDiagnostics(diags.getDiagnostics(), sm);
  out.diags = diags.take();
  return out;
}

inline Loaded loadJson(const std::string &text) {
  Loaded out;
  SourceManager sm;
  DiagnosticEngine diags;
  out.text = text;
  out.schema = loadJsonSchema(sm, "test.cedarschema.json", text, diags);
  out.rendered = formatDiagnostics(diags.getDiagnostics(), sm);
  out.diags = diags.take();
  return out;
}

} // namespace larch::schema::test

#endif
