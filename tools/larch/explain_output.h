// `larch eval --explain`: the two forms of an explanation (docs/explain.md).
// Entry points: appendExplanationJson (the `"explanation"` member of an output
// line) and formatExplanationText (the readable form written to stderr).
// Depends only on the public API (larch/explain.h).
#ifndef LARCH_TOOLS_LARCH_EXPLAIN_OUTPUT_H
#define LARCH_TOOLS_LARCH_EXPLAIN_OUTPUT_H

#include "larch/explain.h"

#include <cstddef>
#include <string>

namespace larch::cli {

enum class ExplainMode { Off, Json, Text };

/// Appends `e` as one JSON object (no newline):
///   {"available":true,"candidates_mode":"indexed","policies":120,
///    "candidates":[{"policy":"p","id":"p","effect":"permit",
///      "location":"f.cedar:28:1","status":"not_satisfied",
///      "condition":{"kind":"when","text":"...","location":"f.cedar:34:3"}},..]}
/// An unavailable explanation is {"available":false,"note":"..."}.
void appendExplanationJson(std::string &out, const Explanation &e);

/// Appends a line of JSON with an `"explanation"` member added: `line` is one
/// JSON object (without its newline); the member goes before its closing brace.
void addExplanationMember(std::string &line, const Explanation &e);

/// The readable form: a header line for request `index` (from input line
/// `line`) with its decision, then one indented line per candidate.
std::string formatExplanationText(const Explanation &e, size_t index, size_t line,
                                  const std::string &outcome);

} // namespace larch::cli

#endif // LARCH_TOOLS_LARCH_EXPLAIN_OUTPUT_H
