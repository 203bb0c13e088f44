// Grammar phase helper: the wording shared by parse diagnostics (quoting
// user text, listing alternatives, recurring help lines). Entry points:
// snippet, quoteSnippet, listAlternatives. Pure functions over strings;
// depends on LLVM ADT and support only (no AST, no ANTLR).
#ifndef LARCH_GRAMMAR_SYNTAX_MESSAGES_H
#define LARCH_GRAMMAR_SYNTAX_MESSAGES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace larch {

/// Help shown with every scope-shape error.
extern const char *const kScopeHelp;
/// Help shown when a reserved word is used as an identifier.
extern const char *const kReservedHelp;

/// User text shortened for a message (at most 60 characters) and kept on one
/// line, with control characters escaped.
std::string snippet(llvm::StringRef text);

/// snippet(text) between backticks.
std::string quoteSnippet(llvm::StringRef text);

/// "a", "a or b", "a, b, or c". Empty when `words` is empty or longer than
/// `maxWords`, as such a list helps nobody.
std::string listAlternatives(llvm::ArrayRef<std::string> words, size_t maxWords = 8);

} // namespace larch

#endif
