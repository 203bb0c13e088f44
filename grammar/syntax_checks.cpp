// Grammar phase: Cedar's post-parse checks on plain strings and our AST (see
// syntax_checks.h). Depends on ast.h, known_functions.h, syntax_messages.h.
#include "grammar/syntax_checks.h"

#include "grammar/syntax_messages.h"

#include "llvm/ADT/Twine.h"

#include <limits>
#include <vector>

namespace larch {

std::optional<SyntaxProblem> checkIdentifier(llvm::StringRef id) {
  if (ast::isReservedIdentifier(id))
    return SyntaxProblem{DiagCode::ReservedIdentifier,
                         (llvm::Twine("`") + id + "` is a reserved identifier").str(), kReservedHelp};
  if (id == "__cedar")
    return SyntaxProblem{DiagCode::ReservedIdentifier, "`__cedar` is reserved",
                         "`__cedar` is reserved for Cedar's built-in names"};
  return std::nullopt;
}

std::optional<ast::VarKind> parseVarName(llvm::StringRef s) {
  if (s == "principal") return ast::VarKind::Principal;
  if (s == "action") return ast::VarKind::Action;
  if (s == "resource") return ast::VarKind::Resource;
  if (s == "context") return ast::VarKind::Context;
  return std::nullopt;
}

std::optional<uint64_t> parseIntegerLiteral(llvm::StringRef digits, bool negated,
                                            SyntaxProblem &problem) {
  uint64_t v = 0;
  bool overflow = false;
  for (char d : digits) {
    if (v > (std::numeric_limits<uint64_t>::max() - 9) / 10) {
      overflow = true;
      break;
    }
    v = v * 10 + static_cast<uint64_t>(d - '0');
  }
  uint64_t max = negated ? (uint64_t(1) << 63) : (uint64_t(1) << 63) - 1;
  if (!overflow && v <= max)
    return v;
  problem = {DiagCode::IntegerOverflow,
             "integer literal `" + std::string(negated ? "-" : "") + snippet(digits) +
                 "` is too large",
             negated ? "minimum allowed integer literal is `-9223372036854775808`"
                     : "maximum allowed integer literal is `9223372036854775807`"};
  return std::nullopt;
}

std::optional<SyntaxProblem> checkActionUids(llvm::ArrayRef<ast::EntityUid> uids,
                                             llvm::StringRef text) {
  std::vector<std::string> bad;
  for (const ast::EntityUid &u : uids)
    if (u.type.path.empty() || u.type.path.back() != "Action")
      bad.push_back(quoteSnippet(text.slice(u.range.begin, u.range.end)));
  if (bad.empty())
    return std::nullopt;
  std::string list;
  for (size_t i = 0; i < bad.size(); ++i) {
    if (i)
      list += i + 1 == bad.size() ? " and " : ", ";
    list += bad[i];
  }
  return SyntaxProblem{DiagCode::InvalidActionScope,
                       std::string("expected ") +
                           (bad.size() > 1 ? "entity uids" : "an entity uid") +
                           " with type `Action` but got " + list,
                       "action entities must have type `Action`, optionally in a namespace"};
}

const KnownFunction *resolveCall(llvm::StringRef name, bool namespaced, CallStyle style,
                                 SyntaxProblem &problem) {
  const KnownFunction *f = namespaced ? nullptr : lookupKnownFunction(name);
  bool method = style == CallStyle::Method;
  if (f && f->style != style) {
    // Twine, not `"`" + std::string`: GCC 12 misreports the latter (-Wrestrict).
    problem = {DiagCode::InvalidCall,
               (llvm::Twine("`") + name +
                (method ? "` is a function, not a method" : "` is a method, not a function"))
                   .str(),
               method ? (llvm::Twine("use a function-style call `") + name + "(..)`").str()
                      : (llvm::Twine("use a method-style call `e.") + name + "(..)`").str()};
    return nullptr;
  }
  if (!f) {
    std::string hint = suggestKnownFunction(name, style);
    problem = {DiagCode::UnknownFunction,
               (llvm::Twine("`") + name +
                (method ? "` is not a valid method" : "` is not a valid function"))
                   .str(),
               hint.empty() ? "" : (llvm::Twine("did you mean `") + hint + "`?").str()};
  }
  return f;
}

std::optional<SyntaxProblem> checkArity(const KnownFunction &f, size_t got) {
  if (got == f.numArgs || !f.extension.empty())
    return std::nullopt;
  auto plural = [](size_t n) { return n == 1 ? "" : "s"; };
  return SyntaxProblem{DiagCode::WrongArity,
                       "call to `" + f.name.str() + "` requires exactly " +
                           std::to_string(f.numArgs) + " argument" + plural(f.numArgs) +
                           ", but got " + std::to_string(got) + " argument" + plural(got),
                       {}};
}

SyntaxProblem unterminatedString() {
  return {DiagCode::UnterminatedString, "unterminated string literal",
          "try checking that all strings are closed properly"};
}

SyntaxProblem invalidCharacter(llvm::StringRef ch) {
  std::string help;
  if (ch == "'")
    help = "strings must use double quotes, not single quotes";
  else if (ch == "?")
    help = "template slots are written `?principal` or `?resource`";
  return {DiagCode::InvalidToken, "invalid character `" + escapeForMessage(ch) + "`",
          std::move(help)};
}

} // namespace larch
