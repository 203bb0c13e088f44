// Reference path (oracle): evaluates Cedar expressions and policies straight
// from the AST, simply and obviously correctly; kept as the oracle that the
// compiled engine is tested against. Entry points: Evaluator::evaluate,
// Evaluator::evaluatePolicy. Depends on grammar/ast.h and the runtime data
// (values, entities, request); produces runtime values.
//
// Semantics: cedar-policy-core src/evaluator.rs with the desugarings of
// expr_builder.rs: `a != b` is `!(a == b)`, `a > b` is `!(a <= b)`,
// `a >= b` is `!(a < b)`, `e is T in x` is `e is T && e in x`,
// `e has a.b.c` is `e has a && e.a has b && e.a.b has c`, and a policy is
// `principalScope && actionScope && resourceScope && cond1 && ...` where
// `unless { e }` is `!e`. Errors are EvalResult values, never exceptions.
#ifndef LARCH_COMPILER_REFERENCE_EVALUATOR_H
#define LARCH_COMPILER_REFERENCE_EVALUATOR_H

#include "grammar/ast.h"
#include "runtime/entity_store.h"
#include "runtime/request.h"
#include "runtime/value.h"

#include <optional>

namespace larch::reference {

/// Values bound to a template's slots (unused for static policies).
struct SlotValues {
  std::optional<runtime::EntityUid> principal;
  std::optional<runtime::EntityUid> resource;
};

class Evaluator {
public:
  /// Deepest expression nesting evaluated; deeper trees give an error
  /// instead of exhausting the stack.
  static constexpr unsigned DefaultMaxDepth = 3000;

  /// `request` and `entities` must outlive the evaluator.
  Evaluator(const runtime::Request &request, const runtime::EntityView &entities,
            unsigned maxDepth = DefaultMaxDepth)
      : request(request), entities(entities), maxDepth(maxDepth) {}

  /// Evaluates one expression.
  runtime::EvalResult evaluate(const ast::Expr &e);

  /// Evaluates a policy's whole condition (scope and `when`/`unless`) to a
  /// Bool. Slots in the scope take their values from `slots`; an unbound
  /// slot is an error.
  runtime::EvalResult evaluatePolicy(const ast::Policy &policy,
                                     const SlotValues &slots = {});

private:
  runtime::EvalResult eval(const ast::Expr &e);
  runtime::EvalResult evalBinary(const ast::Binary &b);
  runtime::EvalResult evalHas(const ast::Has &h);
  runtime::EvalResult evalIs(const ast::Is &i);
  runtime::EvalResult evalGetAttr(const ast::GetAttr &g);
  runtime::EvalResult evalMethod(const ast::MethodCall &m);
  runtime::EvalResult evalCall(const ast::Call &c);

  const runtime::Request &request;
  const runtime::EntityView &entities;
  unsigned maxDepth;
  unsigned depth = 0;
};

/// Cedar's `in`: `lhs` equals `rhs` or `rhs` is an ancestor of `lhs`.
bool entityIn(const runtime::EntityView &entities, const runtime::EntityUid &lhs,
              const runtime::EntityUid &rhs);

/// Glob match of `like`: `*` matches any sequence of characters.
bool matchesPattern(llvm::StringRef text, llvm::ArrayRef<ast::PatternElem> pattern);

} // namespace larch::reference

#endif // LARCH_COMPILER_REFERENCE_EVALUATOR_H
