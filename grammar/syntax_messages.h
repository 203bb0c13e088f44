// Grammar phase helper: the wording shared by parse diagnostics (quoting
// user text, listing alternatives, recurring help lines). Entry points:
// snippet, quoteSnippet, listAlternatives, describeExpectedTokens. Pure
// functions over strings; depends on LLVM ADT, support and lexer.h (token
// kinds) only (no AST, no ANTLR).
#ifndef LARCH_GRAMMAR_SYNTAX_MESSAGES_H
#define LARCH_GRAMMAR_SYNTAX_MESSAGES_H

#include "grammar/lexer.h"

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

/// What a syntax error expected, for "unexpected token `x`, expected ...":
/// "end of input" (when `endOfInput`) and the tokens in `kinds` (ascending),
/// with keywords folded into "identifier" and expression starts into "an
/// expression". Empty when the list would not help.
std::string describeExpectedTokens(llvm::ArrayRef<TokenKind> kinds, bool endOfInput);

} // namespace larch

#endif
