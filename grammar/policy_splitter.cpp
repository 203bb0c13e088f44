// Grammar phase: the token pre-scan (see policy_splitter.h). Depends on
// lexer.h, utf8.h and syntax_checks.h.
#include "grammar/policy_splitter.h"

#include <string>

namespace larch {

std::vector<PolicySegment> splitPolicies(llvm::ArrayRef<LexedToken> tokens,
                                         const CodePointOffsets &offsets, uint32_t file,
                                         llvm::StringRef text, uint32_t maxNestingDepth,
                                         bool split) {
  using K = TokenKind;
  std::vector<PolicySegment> segs;
  const size_t n = tokens.size();
  PolicySegment cur;
  std::vector<char> stack; // '(' '[' '{' or 'i' for `if`
  bool hasBody = false;
  auto type = [&](size_t i) { return tokens[i].kind; };
  auto rangeOf = [&](size_t i) -> SourceRange {
    return {file, offsets.byteOf(tokens[i].start), offsets.byteOf(tokens[i].stop + 1)};
  };
  auto close = [&](size_t end) {
    cur.end = end;
    if (cur.end > cur.begin)
      segs.push_back(cur);
    cur = PolicySegment();
    cur.begin = cur.end = end;
    stack.clear();
    hasBody = false;
  };
  auto fail = [&](SyntaxProblem problem, SourceRange r) {
    cur.failed = true;
    cur.problem = std::move(problem);
    cur.errorRange = r;
  };
  auto push = [&](size_t i, char kind) {
    stack.push_back(kind);
    if (stack.size() > maxNestingDepth && !cur.failed)
      fail({DiagCode::NestingTooDeep,
            "nesting is too deep (more than " + std::to_string(maxNestingDepth) + " levels)",
            "brackets and `if` expressions count as one level each"},
           rangeOf(i));
  };
  auto popIfs = [&] {
    while (!stack.empty() && stack.back() == 'i')
      stack.pop_back();
  };
  for (size_t i = 0; i < n; ++i) {
    K t = type(i);
    // `@` never appears inside a policy body, nor does `permit(` or
    // `forbid(` (except as a method name after `.`), so they start the
    // next policy even when the current one lacks its `;` or a bracket.
    if (split && hasBody &&
        (t == K::AT || ((t == K::PERMIT || t == K::FORBID) && i + 1 < n &&
                        type(i + 1) == K::LPAREN && type(i - 1) != K::DOT &&
                        type(i - 1) != K::COLONCOLON)))
      close(i);
    switch (t) {
    case K::LPAREN:
      if (stack.empty() && !(i >= 2 && type(i - 2) == K::AT))
        hasBody = true;
      push(i, '(');
      break;
    case K::LBRACKET: push(i, '['); break;
    case K::LBRACE: push(i, '{'); break;
    case K::IF: push(i, 'i'); break;
    case K::RPAREN: case K::RBRACKET: case K::RBRACE:
      popIfs();
      if (!stack.empty())
        stack.pop_back();
      break;
    case K::COMMA: case K::COLON:
      popIfs();
      break;
    case K::SEMI:
      if (split)
        close(i + 1);
      break;
    case K::UNTERMINATED_STRING:
      if (!cur.failed) {
        SourceRange r = rangeOf(i);
        fail(unterminatedString(), {file, r.begin, r.begin + 1});
      }
      break;
    case K::INVALID_CHAR:
      if (!cur.failed) {
        SourceRange r = rangeOf(i);
        fail(invalidCharacter(text.slice(r.begin, r.end)), r);
      }
      break;
    default:
      break;
    }
  }
  close(n);
  return segs;
}

} // namespace larch
