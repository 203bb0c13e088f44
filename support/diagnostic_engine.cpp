// Support: DiagnosticEngine and the compiler-style renderer.
#include "support/diagnostic_engine.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace larch {

namespace {
struct CodeInfo {
  const char *code;
  const char *summary;
};
const CodeInfo kCodes[] = {
#define DIAG_CODE(Name, Code, Summary) {Code, Summary},
#include "support/diagnostic_codes.def"
#undef DIAG_CODE
};
} // namespace

llvm::StringRef getDiagCodeString(DiagCode code) {
  return kCodes[static_cast<unsigned>(code)].code;
}

llvm::StringRef getDiagCodeSummary(DiagCode code) {
  return kCodes[static_cast<unsigned>(code)].summary;
}

Diagnostic &DiagnosticEngine::report(Severity severity, DiagCode code,
                                     SourceRange range, std::string message) {
  if (severity == Severity::Error)
    ++numErrors;
  else if (severity == Severity::Warning)
    ++numWarnings;
  Diagnostic d;
  d.severity = severity;
  d.code = getDiagCodeString(code).str();
  d.range = range;
  d.message = std::move(message);
  diags.push_back(std::move(d));
  return diags.back();
}

void DiagnosticEngine::sortByLocation() {
  std::stable_sort(diags.begin(), diags.end(),
                   [](const Diagnostic &a, const Diagnostic &b) {
                     if (a.range.file != b.range.file)
                       return a.range.file < b.range.file;
                     return a.range.begin < b.range.begin;
                   });
}

std::vector<Diagnostic> DiagnosticEngine::take() {
  numErrors = numWarnings = 0;
  return std::move(diags);
}

// Lines longer than this are shown as a window around the caret.
static constexpr uint32_t kMaxShownLine = 160;
static constexpr uint32_t kContextBefore = 60;

static const char *severityName(Severity s) {
  switch (s) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  return "error";
}

std::string formatDiagnostic(const Diagnostic &diag, const SourceManager &sm,
                             bool color) {
  std::string out;
  llvm::raw_string_ostream os(out);
  const char *bold = color ? "\x1b[1m" : "";
  const char *red = color ? "\x1b[1;31m" : "";
  const char *green = color ? "\x1b[1;32m" : "";
  const char *reset = color ? "\x1b[0m" : "";

  bool hasLocation = diag.range.isValid() && diag.range.file <= sm.getNumFiles();
  LineColumn lc;
  if (hasLocation) {
    lc = sm.getLineColumn(diag.range.file, diag.range.begin);
    os << bold << sm.getName(diag.range.file) << ":" << lc.line << ":"
       << lc.column << ":" << reset << " ";
  }
  os << red << severityName(diag.severity) << ":" << reset << " " << bold
     << diag.message << reset << " [" << diag.code << "]";

  if (hasLocation) {
    llvm::StringRef line = sm.getLine(diag.range.file, lc.line);
    uint32_t startCol = std::min<uint32_t>(lc.column - 1, line.size());
    uint32_t width = 1;
    if (diag.range.end > diag.range.begin) {
      LineColumn endLc = sm.getLineColumn(diag.range.file, diag.range.end);
      uint32_t endCol = endLc.line == lc.line ? endLc.column - 1
                                              : static_cast<uint32_t>(line.size());
      width = std::max<uint32_t>(1, endCol - std::min(endCol, startCol));
    }
    // Show a window of very long lines (minified or generated policies) so a
    // diagnostic stays readable; "..." marks what was cut.
    std::string shown = line.str();
    if (shown.size() > kMaxShownLine) {
      uint32_t from = startCol > kContextBefore ? startCol - kContextBefore : 0;
      bool cutEnd = shown.size() - from > kMaxShownLine;
      std::string lead = from ? "..." : "";
      shown = lead + shown.substr(from, kMaxShownLine) + (cutEnd ? "..." : "");
      startCol = startCol - from;
      width = std::min<uint32_t>(width, kMaxShownLine - startCol);
      startCol += static_cast<uint32_t>(lead.size());
    }
    // Tabs would misalign the caret; print them as single spaces.
    std::replace(shown.begin(), shown.end(), '\t', ' ');
    os << "\n" << llvm::format("%5u", lc.line) << " | " << shown << "\n"
       << "      | " << std::string(startCol, ' ') << green << '^';
    if (width > 1)
      os << std::string(width - 1, '~');
    os << reset;
  }
  for (const auto &note : diag.notes)
    os << "\n      = note: " << note;
  if (!diag.help.empty())
    os << "\n      = help: " << diag.help;
  return os.str();
}

std::string formatDiagnostics(const std::vector<Diagnostic> &diags,
                              const SourceManager &sm, bool color) {
  std::string out;
  for (const auto &d : diags) {
    out += formatDiagnostic(d, sm, color);
    out += '\n';
  }
  return out;
}

void resolveLocations(std::vector<Diagnostic> &diags, const SourceManager &sm) {
  for (Diagnostic &d : diags) {
    if (!d.range.isValid() || d.range.file > sm.getNumFiles())
      continue;
    LineColumn lc = sm.getLineColumn(d.range.file, d.range.begin);
    d.file = sm.getName(d.range.file).str();
    d.line = lc.line;
    d.column = lc.column;
  }
}

std::string escapeForMessage(llvm::StringRef text) {
  std::string out;
  for (unsigned char c : text) {
    switch (c) {
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        out += "\\u{";
        out += llvm::utohexstr(c, /*LowerCase=*/true);
        out += "}";
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out;
}

} // namespace larch
