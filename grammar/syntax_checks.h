// Grammar phase: Cedar's post-parse checks that need neither the parse tree
// nor ANTLR, only plain strings or our AST (cst_to_ast.rs: reserved names,
// integer literal range, action scope types, function names and arity, lexer
// error wording). Entry points: the check* functions below; each returns the
// problem to report, and the caller attaches the source range. Depends on
// ast.h, known_functions.h and support (for DiagCode); never on ANTLR.
#ifndef LARCH_GRAMMAR_SYNTAX_CHECKS_H
#define LARCH_GRAMMAR_SYNTAX_CHECKS_H

#include "grammar/ast.h"
#include "grammar/known_functions.h"
#include "support/diagnostic_engine.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace larch {

/// A problem found by a check: what to report, without its location.
struct SyntaxProblem {
  DiagCode code = DiagCode::SyntaxError;
  std::string message;
  std::string help;
};

/// Rejects reserved words and `__cedar` used as a name segment or attribute.
std::optional<SyntaxProblem> checkIdentifier(llvm::StringRef id);

/// `principal`, `action`, `resource` or `context`; nothing otherwise.
std::optional<ast::VarKind> parseVarName(llvm::StringRef s);

/// The value of an integer literal's digits, which may be one past the
/// largest int64 when `negated`; nothing (and `problem` set) when too large.
std::optional<uint64_t> parseIntegerLiteral(llvm::StringRef digits, bool negated,
                                            SyntaxProblem &problem);

/// Action scope entities must have type `Action`, optionally namespaced.
/// `text` is the source the uids' ranges point into.
std::optional<SyntaxProblem> checkActionUids(llvm::ArrayRef<ast::EntityUid> uids,
                                             llvm::StringRef text);

/// Resolves the name of a call written in `style`. Returns the function, or
/// null with `problem` set (unknown name, or a method called as a function
/// and the reverse). `namespaced` names are never known functions.
const KnownFunction *resolveCall(llvm::StringRef name, bool namespaced, CallStyle style,
                                 SyntaxProblem &problem);

/// Cedar checks arity while parsing only for the built-in methods; an
/// extension function called with the wrong arity is an evaluation error
/// (the corpus has such policies), so it is accepted here.
std::optional<SyntaxProblem> checkArity(const KnownFunction &f, size_t got);

/// The lexer's error for an unterminated string or an invalid character
/// (`ch`, its text).
SyntaxProblem unterminatedString();
SyntaxProblem invalidCharacter(llvm::StringRef ch);

} // namespace larch

#endif
