// Grammar phase utility: structural equality of AST nodes.
// Entry points: ast::equal(Expr), ast::equal(Policy), ast::equal(PolicySet),
// declared in grammar/ast.h. Depends on the AST only.
//
// What takes part in equality, and what does not:
//  - Every SourceRange (node ranges, Name/EntityUid/RecordEntry key ranges,
//    annotation/scope/condition ranges, Policy::effectRange/range) is ignored.
//  - Policy::id is ignored: it is assigned at load time, not written.
//  - GetAttr::isIndex is ignored. `a.b` and `a["b"]` read the same attribute,
//    and an attribute that is not a valid identifier can only be written as
//    an index, so the flag carries no meaning. The printer (ast_printer.cpp)
//    keeps the written form where it can and falls back to the index form
//    otherwise; either way `equal(parse(print(e)), e)` holds.
//  - Like patterns are compared in canonical form (adjacent literal runs
//    concatenated, empty literal runs dropped). The parser already produces
//    that form; comparing canonically makes hand-built patterns round-trip too.
//  - Scope fields an operator does not use (the type of an `==` scope, the
//    target of an `is` scope, ...) are ignored, so default-initialised
//    leftovers never matter.
//  - Everything else is compared, including the written operator (`!=` is not
//    `!(==)`), whether an annotation had a value, and record entry order.
//
// Recursion is bounded by the parser's expression depth cap
// (ParseOptions::maxExpressionDepth), so plain recursion is fine here.
#include "grammar/ast.h"

#include "llvm/Support/ErrorHandling.h"

#include <string>
#include <vector>

namespace larch::ast {
namespace {

bool equalName(const Name &a, const Name &b) { return a.path == b.path; }

bool equalUid(const EntityUid &a, const EntityUid &b) {
  return equalName(a.type, b.type) && a.id == b.id;
}

bool equalExprs(llvm::ArrayRef<const Expr *> a, llvm::ArrayRef<const Expr *> b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!equal(*a[i], *b[i]))
      return false;
  return true;
}

/// One element of a pattern in canonical form. Literal text is a std::string
/// so adjacent runs can be concatenated without an arena.
struct CanonElem {
  bool isWildcard;
  std::string literal;
};

/// The canonical form of `pattern`: adjacent literal runs concatenated, empty
/// runs dropped, each wildcard its own element.
std::vector<CanonElem> canonicalPattern(llvm::ArrayRef<PatternElem> pattern) {
  std::vector<CanonElem> out;
  for (const PatternElem &e : pattern) {
    if (e.isWildcard) {
      out.push_back({true, {}});
      continue;
    }
    if (e.literal.empty())
      continue;
    if (!out.empty() && !out.back().isWildcard)
      out.back().literal += e.literal.str();
    else
      out.push_back({false, e.literal.str()});
  }
  return out;
}

bool equalPattern(llvm::ArrayRef<PatternElem> a, llvm::ArrayRef<PatternElem> b) {
  std::vector<CanonElem> ca = canonicalPattern(a), cb = canonicalPattern(b);
  if (ca.size() != cb.size())
    return false;
  for (size_t i = 0; i < ca.size(); ++i)
    if (ca[i].isWildcard != cb[i].isWildcard || ca[i].literal != cb[i].literal)
      return false;
  return true;
}

bool equalTarget(const ScopeTarget &a, const ScopeTarget &b) {
  if (a.isSlot != b.isSlot)
    return false;
  return a.isSlot ? a.slot == b.slot : equalUid(a.uid, b.uid);
}

bool equalEntityScope(const EntityScope &a, const EntityScope &b) {
  if (a.op != b.op)
    return false;
  switch (a.op) {
  case EntityScope::Op::Any:
    return true;
  case EntityScope::Op::Eq:
  case EntityScope::Op::In:
    return equalTarget(a.target, b.target);
  case EntityScope::Op::Is:
    return equalName(a.type, b.type);
  case EntityScope::Op::IsIn:
    return equalName(a.type, b.type) && equalTarget(a.target, b.target);
  }
  llvm_unreachable("unknown entity scope operator");
}

bool equalActionScope(const ActionScope &a, const ActionScope &b) {
  if (a.op != b.op)
    return false;
  if (a.op == ActionScope::Op::Any)
    return true;
  if (a.uids.size() != b.uids.size())
    return false;
  for (size_t i = 0; i < a.uids.size(); ++i)
    if (!equalUid(a.uids[i], b.uids[i]))
      return false;
  return true;
}

} // namespace

bool equal(const Expr &a, const Expr &b) {
  if (&a == &b)
    return true;
  if (a.getKind() != b.getKind())
    return false;
  switch (a.getKind()) {
  case ExprKind::BoolLit:
    return llvm::cast<BoolLit>(a).getValue() == llvm::cast<BoolLit>(b).getValue();
  case ExprKind::LongLit:
    return llvm::cast<LongLit>(a).getValue() == llvm::cast<LongLit>(b).getValue();
  case ExprKind::StringLit:
    return llvm::cast<StringLit>(a).getValue() ==
           llvm::cast<StringLit>(b).getValue();
  case ExprKind::EntityLit:
    return equalUid(llvm::cast<EntityLit>(a).getUid(),
                    llvm::cast<EntityLit>(b).getUid());
  case ExprKind::Var:
    return llvm::cast<Var>(a).getVar() == llvm::cast<Var>(b).getVar();
  case ExprKind::Unary: {
    const auto &x = llvm::cast<Unary>(a), &y = llvm::cast<Unary>(b);
    return x.getOp() == y.getOp() && equal(*x.getOperand(), *y.getOperand());
  }
  case ExprKind::Binary: {
    const auto &x = llvm::cast<Binary>(a), &y = llvm::cast<Binary>(b);
    return x.getOp() == y.getOp() && equal(*x.getLhs(), *y.getLhs()) &&
           equal(*x.getRhs(), *y.getRhs());
  }
  case ExprKind::If: {
    const auto &x = llvm::cast<If>(a), &y = llvm::cast<If>(b);
    return equal(*x.getCond(), *y.getCond()) &&
           equal(*x.getThen(), *y.getThen()) &&
           equal(*x.getElse(), *y.getElse());
  }
  case ExprKind::Has: {
    const auto &x = llvm::cast<Has>(a), &y = llvm::cast<Has>(b);
    return x.getPath() == y.getPath() && equal(*x.getObject(), *y.getObject());
  }
  case ExprKind::Like: {
    const auto &x = llvm::cast<Like>(a), &y = llvm::cast<Like>(b);
    return equalPattern(x.getPattern(), y.getPattern()) &&
           equal(*x.getObject(), *y.getObject());
  }
  case ExprKind::Is: {
    const auto &x = llvm::cast<Is>(a), &y = llvm::cast<Is>(b);
    if (!equalName(x.getType(), y.getType()) ||
        !equal(*x.getObject(), *y.getObject()))
      return false;
    if (!x.getIn() || !y.getIn())
      return !x.getIn() && !y.getIn();
    return equal(*x.getIn(), *y.getIn());
  }
  case ExprKind::GetAttr: {
    // isIndex deliberately ignored: see the file header.
    const auto &x = llvm::cast<GetAttr>(a), &y = llvm::cast<GetAttr>(b);
    return x.getAttr() == y.getAttr() && equal(*x.getObject(), *y.getObject());
  }
  case ExprKind::MethodCall: {
    const auto &x = llvm::cast<MethodCall>(a), &y = llvm::cast<MethodCall>(b);
    return x.getMethod() == y.getMethod() &&
           equal(*x.getReceiver(), *y.getReceiver()) &&
           equalExprs(x.getArgs(), y.getArgs());
  }
  case ExprKind::Call: {
    const auto &x = llvm::cast<Call>(a), &y = llvm::cast<Call>(b);
    return equalName(x.getFunction(), y.getFunction()) &&
           equalExprs(x.getArgs(), y.getArgs());
  }
  case ExprKind::SetLit:
    return equalExprs(llvm::cast<SetLit>(a).getElements(),
                      llvm::cast<SetLit>(b).getElements());
  case ExprKind::RecordLit: {
    llvm::ArrayRef<RecordEntry> x = llvm::cast<RecordLit>(a).getEntries();
    llvm::ArrayRef<RecordEntry> y = llvm::cast<RecordLit>(b).getEntries();
    if (x.size() != y.size())
      return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (x[i].key != y[i].key || !equal(*x[i].value, *y[i].value))
        return false;
    return true;
  }
  }
  llvm_unreachable("unknown expression kind");
}

bool equal(const Policy &a, const Policy &b) {
  if (a.effect != b.effect || a.annotations.size() != b.annotations.size() ||
      a.conditions.size() != b.conditions.size())
    return false;
  for (size_t i = 0; i < a.annotations.size(); ++i) {
    const Annotation &x = a.annotations[i], &y = b.annotations[i];
    // `@key` has no value; whatever the builder left in `value` is ignored.
    if (x.key != y.key || x.hasValue != y.hasValue ||
        (x.hasValue && x.value != y.value))
      return false;
  }
  if (!equalEntityScope(a.principal, b.principal) ||
      !equalActionScope(a.action, b.action) ||
      !equalEntityScope(a.resource, b.resource))
    return false;
  for (size_t i = 0; i < a.conditions.size(); ++i) {
    const Condition &x = a.conditions[i], &y = b.conditions[i];
    if (x.isWhen != y.isWhen)
      return false;
    if (!x.body || !y.body) {
      if (x.body || y.body)
        return false;
      continue;
    }
    if (!equal(*x.body, *y.body))
      return false;
  }
  return true;
}

bool equal(const PolicySet &a, const PolicySet &b) {
  if (a.policies.size() != b.policies.size())
    return false;
  for (size_t i = 0; i < a.policies.size(); ++i)
    if (!equal(a.policies[i], b.policies[i]))
      return false;
  return true;
}

} // namespace larch::ast
