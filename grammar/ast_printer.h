// Grammar phase utility: prints our AST back as Cedar text.
// INVARIANT: equal(parse(print(p)), p) for every parsed policy p.
#ifndef LARCH_GRAMMAR_AST_PRINTER_H
#define LARCH_GRAMMAR_AST_PRINTER_H

#include "grammar/ast.h"

#include <string>

namespace larch::ast {

/// Cedar text for an expression, with just the parentheses precedence needs.
std::string print(const Expr &e);
/// Cedar text for one policy (annotations, effect, scope, conditions, `;`).
std::string print(const Policy &p);
/// All policies, separated by blank lines, in order.
std::string print(const PolicySet &s);

/// A stable, location-free S-expression dump for golden tests, for example
/// `(binary && (var principal) (bool true))`.
std::string dump(const Expr &e);
std::string dump(const Policy &p);

} // namespace larch::ast

#endif
