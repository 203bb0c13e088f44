// Validation phase: the shape keys that name expressions in capabilities
// (Typechecker::keyOf, see typecheck.h).
#include "compiler/validate/typecheck_support.h"

namespace larch::validate {

using namespace detail;


std::string Typechecker::keyOf(const ast::Expr *e) {
  using namespace ast;
  switch (e->getKind()) {
  case ExprKind::BoolLit:
    return llvm::cast<BoolLit>(e)->getValue() ? "T" : "F";
  case ExprKind::LongLit:
    return "L" + std::to_string(llvm::cast<LongLit>(e)->getValue());
  case ExprKind::StringLit:
    return "S" + quoted(llvm::cast<StringLit>(e)->getValue());
  case ExprKind::EntityLit: {
    const EntityUid &u = llvm::cast<EntityLit>(e)->getUid();
    return "E" + quoted(u.type.str()) + quoted(u.id);
  }
  case ExprKind::Var:
    return "V" + getVarName(llvm::cast<Var>(e)->getVar()).str();
  case ExprKind::Unary: {
    auto *u = llvm::cast<Unary>(e);
    return std::string(u->getOp() == UnaryOp::Not ? "!(" : "-(") + keyOf(u->getOperand()) + ")";
  }
  case ExprKind::Binary: {
    auto *b = llvm::cast<Binary>(e);
    std::string l = keyOf(b->getLhs()), r = keyOf(b->getRhs());
    switch (b->getOp()) {
    case BinaryOp::NotEq:
      return "!(==(" + l + "," + r + "))";
    case BinaryOp::Greater:
      return "<(" + r + "," + l + ")";
    case BinaryOp::GreaterEq:
      return "<=(" + r + "," + l + ")";
    default:
      return getBinaryOpSpelling(b->getOp()).str() + "(" + l + "," + r + ")";
    }
  }
  case ExprKind::If: {
    auto *i = llvm::cast<If>(e);
    return "?(" + keyOf(i->getCond()) + "," + keyOf(i->getThen()) + "," + keyOf(i->getElse()) + ")";
  }
  case ExprKind::Has: {
    auto *h = llvm::cast<Has>(e);
    std::string out = "has(" + keyOf(h->getObject());
    for (llvm::StringRef p : h->getPath())
      out += "," + quoted(p);
    return out + ")";
  }
  case ExprKind::Like: {
    auto *l = llvm::cast<Like>(e);
    std::string out = "like(" + keyOf(l->getObject());
    for (const PatternElem &p : l->getPattern())
      out += p.isWildcard ? std::string(",*") : "," + quoted(p.literal);
    return out + ")";
  }
  case ExprKind::Is: {
    auto *i = llvm::cast<Is>(e);
    std::string is = "is(" + keyOf(i->getObject()) + "," + quoted(i->getType().str()) + ")";
    if (!i->getIn())
      return is;
    return "&&(" + is + ",in(" + keyOf(i->getObject()) + "," + keyOf(i->getIn()) + "))";
  }
  case ExprKind::GetAttr: {
    auto *g = llvm::cast<GetAttr>(e);
    return getAttrKey(keyOf(g->getObject()), g->getAttr());
  }
  case ExprKind::MethodCall: {
    auto *m = llvm::cast<MethodCall>(e);
    std::string out = "m" + quoted(m->getMethod()) + "(" + keyOf(m->getReceiver());
    for (const Expr *a : m->getArgs())
      out += "," + keyOf(a);
    return out + ")";
  }
  case ExprKind::Call: {
    auto *c = llvm::cast<Call>(e);
    std::string out = "f" + quoted(c->getFunction().str()) + "(";
    for (const Expr *a : c->getArgs())
      out += keyOf(a) + ",";
    return out + ")";
  }
  case ExprKind::SetLit: {
    std::string out = "[";
    for (const Expr *a : llvm::cast<SetLit>(e)->getElements())
      out += keyOf(a) + ",";
    return out + "]";
  }
  case ExprKind::RecordLit: {
    std::vector<std::pair<std::string, std::string>> entries;
    for (const RecordEntry &r : llvm::cast<RecordLit>(e)->getEntries())
      entries.push_back({quoted(r.key), keyOf(r.value)});
    std::sort(entries.begin(), entries.end());
    std::string out = "{";
    for (auto &[k, v] : entries)
      out += k + "=" + v + ",";
    return out + "}";
  }
  }
  return "";
}

} // namespace larch::validate
