// Support: collects diagnostics from every phase and prints them the way a
// compiler does: `file:line:col: error: message [CODE]`, the source line, and a
// caret under the span. Depends on SourceManager only.
#ifndef LARCH_SUPPORT_DIAGNOSTIC_ENGINE_H
#define LARCH_SUPPORT_DIAGNOSTIC_ENGINE_H

#include "larch/diagnostic.h"
#include "support/source_manager.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace larch {

/// Stable diagnostic codes; the strings live in diagnostic_codes.def.
enum class DiagCode {
#define DIAG_CODE(Name, Code, Summary) Name,
#include "support/diagnostic_codes.def"
#undef DIAG_CODE
};

/// The stable text of a code, for example "LP001".
llvm::StringRef getDiagCodeString(DiagCode code);
/// The one-line summary of a code, for documentation and `--help`.
llvm::StringRef getDiagCodeSummary(DiagCode code);

class DiagnosticEngine {
public:
  /// Records a diagnostic and returns it so the caller can add notes or help.
  /// The reference is valid until the next report.
  Diagnostic &report(Severity severity, DiagCode code, SourceRange range,
                     std::string message);
  Diagnostic &error(DiagCode code, SourceRange range, std::string message) {
    return report(Severity::Error, code, range, std::move(message));
  }
  Diagnostic &warning(DiagCode code, SourceRange range, std::string message) {
    return report(Severity::Warning, code, range, std::move(message));
  }

  bool hasErrors() const { return numErrors != 0; }
  unsigned getNumErrors() const { return numErrors; }
  unsigned getNumWarnings() const { return numWarnings; }
  const std::vector<Diagnostic> &getDiagnostics() const { return diags; }

  /// Sorts by file, then offset, keeping report order for equal positions.
  void sortByLocation();
  /// Moves all diagnostics out, leaving the engine empty.
  std::vector<Diagnostic> take();

private:
  std::vector<Diagnostic> diags;
  unsigned numErrors = 0;
  unsigned numWarnings = 0;
};

/// Renders one diagnostic with its source line and caret (no trailing newline
/// after the last line). `color` adds ANSI colours for terminals.
std::string formatDiagnostic(const Diagnostic &diag, const SourceManager &sm,
                             bool color = false);

/// Renders every diagnostic, each followed by a newline.
std::string formatDiagnostics(const std::vector<Diagnostic> &diags,
                              const SourceManager &sm, bool color = false);

/// Fills in `file`, `line` and `column` of every located diagnostic, for
/// handing diagnostics out through the public API where file ids mean nothing.
void resolveLocations(std::vector<Diagnostic> &diags, const SourceManager &sm);

/// Escapes user text for a message: control characters and non-printable bytes
/// become `\n`, `\u{..}` and so on, so a message always stays on one line.
std::string escapeForMessage(llvm::StringRef text);

} // namespace larch

#endif
