// Grammar phase: the policy lexer. Entry point: lexPolicyText, which splits
// decoded policy text into the tokens that Larch.g4's lexer rules define
// (same types, same longest-match and first-rule-wins choices, comments and
// white space skipped), without ANTLR's lexer simulator, which takes a lock
// and a hash lookup per character. Debug builds check it against the
// generated lexer on every parse (ast_builder.cpp). Depends on nothing but
// the standard library; never on ANTLR.
#ifndef LARCH_GRAMMAR_LEXER_H
#define LARCH_GRAMMAR_LEXER_H

#include <cstdint>
#include <string>
#include <vector>

namespace larch {

/// Token types; the values are the generated lexer's (see tokens.def).
enum class TokenKind : uint16_t {
#define LARCH_TOKEN(Name, Value, Spelling) Name = Value,
#include "grammar/tokens.def"
#undef LARCH_TOKEN
};

/// One token over code points: [start, stop] inclusive, as ANTLR counts,
/// with its 1-based line and 0-based column in code points.
struct LexedToken {
  TokenKind kind;
  uint32_t start;
  uint32_t stop;
  uint32_t line;
  uint32_t column;
};

/// Appends the tokens of `text` (code points) to `out`, without the end of
/// input. Never fails: a character no rule matches is an INVALID_CHAR token,
/// a string running to the end an UNTERMINATED_STRING token. The line and
/// column where the input ends are stored in `endLine` and `endColumn`.
void lexPolicyText(const std::u32string &text, std::vector<LexedToken> &out,
                   uint32_t &endLine, uint32_t &endColumn);

} // namespace larch

#endif
