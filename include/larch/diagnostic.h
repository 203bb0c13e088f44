// Public API: diagnostics reported by every phase (parse, load, validate, eval setup).
// Std types only, so callers need neither LLVM nor ANTLR headers.
#ifndef LARCH_DIAGNOSTIC_H
#define LARCH_DIAGNOSTIC_H

#include <cstdint>
#include <string>
#include <vector>

namespace larch {

/// How serious a diagnostic is. Only errors make a policy set unusable.
enum class Severity { Error, Warning, Note };

/// A half-open byte range [begin, end) inside one source file.
/// `file` indexes the SourceManager that produced it; 0 means "no file".
struct SourceRange {
  uint32_t file = 0;
  uint32_t begin = 0;
  uint32_t end = 0;

  bool isValid() const { return file != 0; }
  friend bool operator==(const SourceRange &, const SourceRange &) = default;
};

/// One problem found in user input, with a stable code (see docs/diagnostics.md),
/// a source range, a message in Cedar's style (lowercase, user text in backticks,
/// no final period), optional notes and an optional help line.
struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;
  SourceRange range;
  std::string message;
  std::vector<std::string> notes;
  std::string help;

  /// Filled in at the public API boundary, where file ids mean nothing:
  /// the file name and the 1-based line and column of `range.begin`.
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
};

} // namespace larch

#endif // LARCH_DIAGNOSTIC_H
