// Grammar phase helper: Cedar string-literal escapes and `like` patterns.
// Entry points: unescapeString and unescapePattern. Pure functions over text;
// depends on LLVM ADT only (no AST, no ANTLR), so later phases may reuse them.
//
// Cedar follows Rust's string escapes: \n \r \t \\ \0 \' \" \xHH (at most
// 0x7F), \u{H..H} (1 to 6 hex digits, `_` allowed except first, no surrogates,
// at most 10FFFF) and backslash-newline, which skips the newline and the
// ASCII whitespace after it. A raw carriage return is not allowed. In a
// pattern, an unescaped `*` is a wildcard and `\*` is a literal star.
#ifndef LARCH_GRAMMAR_UNESCAPE_H
#define LARCH_GRAMMAR_UNESCAPE_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace larch {

/// One invalid escape: a byte range relative to the start of the literal's
/// body (the text between the quotes), a message and a help line.
struct UnescapeError {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string message;
  std::string help;
};

/// Unescapes the body of a string literal into `out`. Returns false (and
/// appends to `errors`) if any escape is invalid; `out` is then unspecified.
bool unescapeString(llvm::StringRef body, std::string &out,
                    llvm::SmallVectorImpl<UnescapeError> &errors);

/// One element of a `like` pattern: a wildcard or a run of literal text.
struct PatternPiece {
  bool isWildcard = false;
  std::string literal;
};

/// Unescapes the body of a `like` pattern into canonical pieces: adjacent
/// literal text merged into one piece, no empty literal pieces. Consecutive
/// wildcards are kept as written.
bool unescapePattern(llvm::StringRef body, std::vector<PatternPiece> &out,
                     llvm::SmallVectorImpl<UnescapeError> &errors);

} // namespace larch

#endif // LARCH_GRAMMAR_UNESCAPE_H
