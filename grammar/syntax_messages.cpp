// Grammar phase helper: shared wording of parse diagnostics (see
// syntax_messages.h). Depends on support for escaping user text.
#include "grammar/syntax_messages.h"

#include "support/diagnostic_engine.h"

#include <algorithm>
#include <vector>

namespace larch {

const char *const kScopeHelp = "policy scopes must contain a `principal`, `action`, and "
                               "`resource` element in that order";
const char *const kReservedHelp = "reserved identifiers are `true`, `false`, `if`, `then`, "
                                  "`else`, `in`, `has`, `like`, and `is`";

std::string snippet(llvm::StringRef text) {
  std::string s = escapeForMessage(text);
  if (s.size() > 60)
    s = s.substr(0, 57) + "...";
  return s;
}

std::string quoteSnippet(llvm::StringRef text) {
  std::string out = "`";
  out += snippet(text);
  out += '`';
  return out;
}

std::string listAlternatives(llvm::ArrayRef<std::string> words, size_t maxWords) {
  if (words.empty() || words.size() > maxWords)
    return {};
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i)
      out += words.size() == 2 ? " or " : (i + 1 == words.size() ? ", or " : ", ");
    out += words[i];
  }
  return out;
}

namespace {

/// Identifier-like tokens that may stand for an identifier in `expected`
/// lists; shown once as "identifier".
bool isKeywordToken(TokenKind t) {
  using K = TokenKind;
  switch (t) {
  case K::TRUE: case K::FALSE: case K::IF: case K::THEN: case K::ELSE: case K::IN:
  case K::HAS: case K::LIKE: case K::IS: case K::PERMIT: case K::FORBID: case K::WHEN:
  case K::UNLESS: case K::PRINCIPAL: case K::ACTION: case K::RESOURCE: case K::CONTEXT:
    return true;
  default:
    return false;
  }
}

/// Tokens that can start an expression (besides identifiers).
bool isExprStartToken(TokenKind t) {
  using K = TokenKind;
  switch (t) {
  case K::INT: case K::STRING: case K::PRINCIPAL_SLOT: case K::RESOURCE_SLOT:
  case K::OTHER_SLOT: case K::LPAREN: case K::LBRACKET: case K::LBRACE: case K::BANG:
  case K::MINUS:
    return true;
  default:
    return false;
  }
}

std::string tokenSpelling(TokenKind t) {
  switch (t) {
  case TokenKind::IDENT: return "identifier";
  case TokenKind::INT: return "integer literal";
  case TokenKind::STRING: return "string literal";
  case TokenKind::OTHER_SLOT: return "template slot";
  default: break;
  }
  switch (t) {
#define LARCH_TOKEN(Name, Value, Spelling)                                               \
  case TokenKind::Name:                                                                  \
    return std::string("`") + Spelling + "`";
#include "grammar/tokens.def"
#undef LARCH_TOKEN
  }
  return {};
}

} // namespace

std::string describeExpectedTokens(llvm::ArrayRef<TokenKind> kinds, bool endOfInput) {
  std::vector<TokenKind> types;
  for (TokenKind t : kinds)
    if (t != TokenKind::UNTERMINATED_STRING && t != TokenKind::INVALID_CHAR)
      types.push_back(t);
  auto has = [&](TokenKind t) { return std::count(types.begin(), types.end(), t) != 0; };
  bool hasIdent = has(TokenKind::IDENT);
  bool exprLike = hasIdent && has(TokenKind::INT) && has(TokenKind::LBRACKET);
  std::vector<std::string> words;
  if (endOfInput)
    words.push_back("end of input");
  for (TokenKind t : types) {
    if (hasIdent && isKeywordToken(t))
      continue;
    if (exprLike && (isExprStartToken(t) || t == TokenKind::IDENT))
      continue;
    words.push_back(tokenSpelling(t));
  }
  if (exprLike)
    words.push_back("an expression");
  return listAlternatives(words);
}

} // namespace larch
