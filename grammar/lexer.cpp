// Grammar phase: the policy lexer (see lexer.h). Mirrors the lexer rules of
// Larch.g4 (ORDER TOKENS). Depends on the standard library only.
#include "grammar/lexer.h"

#include <string_view>

namespace larch {

namespace {

bool isIdentStart(char32_t c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char32_t c) { return isIdentStart(c) || isDigit(c); }

/// Unicode's White_Space property (`[\p{White_Space}]` in the grammar).
bool isWhiteSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

/// Keywords are rules listed before IDENT, so they win a tie with it.
TokenKind identKind(const char32_t *s, size_t n) {
  struct Keyword {
    std::string_view text;
    TokenKind kind;
  };
  static const Keyword kKeywords[] = {
      {"true", TokenKind::TRUE},       {"false", TokenKind::FALSE},
      {"if", TokenKind::IF},           {"then", TokenKind::THEN},
      {"else", TokenKind::ELSE},       {"in", TokenKind::IN},
      {"has", TokenKind::HAS},         {"like", TokenKind::LIKE},
      {"is", TokenKind::IS},           {"permit", TokenKind::PERMIT},
      {"forbid", TokenKind::FORBID},   {"when", TokenKind::WHEN},
      {"unless", TokenKind::UNLESS},   {"principal", TokenKind::PRINCIPAL},
      {"action", TokenKind::ACTION},   {"resource", TokenKind::RESOURCE},
      {"context", TokenKind::CONTEXT},
  };
  if (n < 2 || n > 9)
    return TokenKind::IDENT;
  for (const Keyword &k : kKeywords) {
    if (k.text.size() != n || static_cast<char32_t>(k.text[0]) != s[0])
      continue;
    size_t i = 1;
    while (i < n && static_cast<char32_t>(k.text[i]) == s[i])
      ++i;
    if (i == n)
      return k.kind;
  }
  return TokenKind::IDENT;
}

bool equals(const char32_t *s, size_t n, std::string_view lit) {
  if (lit.size() != n)
    return false;
  for (size_t i = 0; i < n; ++i)
    if (s[i] != static_cast<char32_t>(lit[i]))
      return false;
  return true;
}

} // namespace

void lexPolicyText(const std::u32string &text, std::vector<LexedToken> &out,
                   uint32_t &endLine, uint32_t &endColumn) {
  const char32_t *s = text.data();
  const size_t n = text.size();
  uint32_t line = 1;
  size_t lineStart = 0;
  size_t i = 0;
  // Moves to `to`, counting the newlines passed.
  auto advance = [&](size_t to) {
    for (; i < to; ++i)
      if (s[i] == '\n') {
        ++line;
        lineStart = i + 1;
      }
  };
  while (i < n) {
    const size_t start = i;
    const char32_t c = s[i];
    const char32_t next = i + 1 < n ? s[i + 1] : 0;
    TokenKind kind;
    size_t end = start + 1; // one past the token's last code point
    if (isWhiteSpace(c)) {
      while (end < n && isWhiteSpace(s[end]))
        ++end;
      advance(end);
      continue;
    }
    if (c == '/' && next == '/') {
      while (end < n && s[end] != '\r' && s[end] != '\n')
        ++end;
      advance(end);
      continue;
    }
    if (isIdentStart(c)) {
      while (end < n && isIdentChar(s[end]))
        ++end;
      kind = identKind(s + start, end - start);
    } else if (isDigit(c)) {
      while (end < n && isDigit(s[end]))
        ++end;
      kind = TokenKind::INT;
    } else if (c == '"') {
      // STRING : '"' ('\\' . | ~["\\])* '"' ; else it runs to the end of
      // the input (UNTERMINATED_STRING).
      kind = TokenKind::UNTERMINATED_STRING;
      while (end < n) {
        if (s[end] == '"') {
          ++end;
          kind = TokenKind::STRING;
          break;
        }
        end += s[end] == '\\' ? 2 : 1;
      }
      if (end > n)
        end = n;
    } else if (c == '?' && isIdentStart(next)) {
      end = start + 2;
      while (end < n && isIdentChar(s[end]))
        ++end;
      kind = equals(s + start, end - start, "?principal")  ? TokenKind::PRINCIPAL_SLOT
             : equals(s + start, end - start, "?resource") ? TokenKind::RESOURCE_SLOT
                                                           : TokenKind::OTHER_SLOT;
    } else {
      // Operators, longest match first; anything else is one invalid character.
      auto two = [&](char32_t second, TokenKind twoKind, TokenKind oneKind) {
        if (next == second) {
          end = start + 2;
          return twoKind;
        }
        return oneKind;
      };
      switch (c) {
      case '@': kind = TokenKind::AT; break;
      case '.': kind = TokenKind::DOT; break;
      case ',': kind = TokenKind::COMMA; break;
      case ';': kind = TokenKind::SEMI; break;
      case ':': kind = two(':', TokenKind::COLONCOLON, TokenKind::COLON); break;
      case '(': kind = TokenKind::LPAREN; break;
      case ')': kind = TokenKind::RPAREN; break;
      case '{': kind = TokenKind::LBRACE; break;
      case '}': kind = TokenKind::RBRACE; break;
      case '[': kind = TokenKind::LBRACKET; break;
      case ']': kind = TokenKind::RBRACKET; break;
      case '=': kind = two('=', TokenKind::EQ, TokenKind::ASSIGN); break;
      case '!': kind = two('=', TokenKind::NE, TokenKind::BANG); break;
      case '<': kind = two('=', TokenKind::LE, TokenKind::LT); break;
      case '>': kind = two('=', TokenKind::GE, TokenKind::GT); break;
      case '|': kind = two('|', TokenKind::OR, TokenKind::INVALID_CHAR); break;
      case '&': kind = two('&', TokenKind::AND, TokenKind::INVALID_CHAR); break;
      case '+': kind = TokenKind::PLUS; break;
      case '-': kind = TokenKind::MINUS; break;
      case '*': kind = TokenKind::STAR; break;
      case '/': kind = TokenKind::SLASH; break;
      case '%': kind = TokenKind::PERCENT; break;
      default: kind = TokenKind::INVALID_CHAR; break;
      }
    }
    out.push_back({kind, static_cast<uint32_t>(start), static_cast<uint32_t>(end - 1), line,
                   static_cast<uint32_t>(start - lineStart)});
    advance(end);
  }
  endLine = line;
  endColumn = static_cast<uint32_t>(n - lineStart);
}

} // namespace larch
