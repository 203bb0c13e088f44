// Compiler phase AST -> IR: the lowering itself. Entry point: lower (see
// lower.h). Depends on grammar/ast.h, support and compiler/ir/ir.h.
//
// Folding rules, each safe because it cannot remove an error or change a
// result (a node that may error is always kept):
//   literal == literal          -> Bool (equal literals are the same node)
//   long < / <= long            -> Bool
//   long + - * long             -> Long, unless it overflows
//   -long                       -> Long, unless it overflows
//   !Bool                       -> Bool;   !!x -> x when x yields a Bool
//   false && x -> false,  true || x -> true   (x is never evaluated)
//   true && x -> x,  x && true -> x,  false || x -> x,  x || false -> x
//                                   when x always yields a Bool (or errors)
//   if Bool then a else b       -> a or b (the other is never evaluated)
#include "compiler/ir/lower.h"

#include "llvm/Support/Casting.h"
#include "llvm/Support/ErrorHandling.h"

#include <cassert>

#include <limits>

namespace larch::ir {

namespace {

class Lowerer {
public:
  Lowerer(Module &m, DiagnosticEngine &diags) : m(m), diags(diags) {}

  /// Lowers one policy; slots take their values from `link` (null for a
  /// static policy). Returns false after reporting a problem.
  bool lowerPolicy(const ast::Policy &p, const std::string &id, const TemplateLink *link);

private:
  NodeId lowerExpr(const ast::Expr &e);

  // Node builders with the folding rules above.
  NodeId boolLit(bool b, SourceRange r) { return m.makeNode(Op::BoolLit, b, 0, {}, r); }
  NodeId longLit(int64_t v, SourceRange r) { return m.makeNode(Op::LongLit, 0, v, {}, r); }
  NodeId var(VarKind v, SourceRange r) {
    return m.makeNode(Op::Var, static_cast<uint32_t>(v), 0, {}, r);
  }
  NodeId entity(SymbolId uid, SourceRange r) { return m.makeNode(Op::EntityLit, uid, 0, {}, r); }
  NodeId mkNot(NodeId x, SourceRange r);
  NodeId mkAnd(NodeId l, NodeId rhs, SourceRange r);
  NodeId mkOr(NodeId l, NodeId rhs, SourceRange r);
  NodeId mkIf(NodeId c, NodeId t, NodeId e, SourceRange r);
  NodeId mkBinary(Op op, NodeId l, NodeId rhs, SourceRange r);
  NodeId mkNeg(NodeId x, SourceRange r);

  bool isBoolLit(NodeId n, bool &value) const {
    const Node &x = m.getNode(n);
    value = x.payload != 0;
    return x.op == Op::BoolLit;
  }
  bool isLongLit(NodeId n) const { return m.getNode(n).op == Op::LongLit; }
  bool isLiteral(NodeId n) const {
    Op op = m.getNode(n).op;
    return op == Op::BoolLit || op == Op::LongLit || op == Op::StringLit ||
           op == Op::EntityLit;
  }
  /// True if the node yields a Bool whenever it does not error.
  bool yieldsBool(NodeId n) const;

  /// The node and scope of `principal`/`resource` scope `s`.
  /// `node` stays empty for `Any`, which adds no conjunct.
  bool lowerEntityScope(const ast::EntityScope &s, VarKind v, const TemplateLink *link,
                        EntityScope &out, std::optional<NodeId> &node);
  std::optional<NodeId> lowerActionScope(const ast::ActionScope &s, ActionScope &out);
  SymbolId uidOf(const ast::EntityUid &u) { return m.internEntity(u.type.str(), u.id); }

  /// Appends the top-level `&&` operands of `e` as When conjuncts.
  void addWhenConjuncts(const ast::Expr &e, std::vector<Conjunct> &out) {
    if (const auto *b = llvm::dyn_cast<ast::Binary>(&e);
        b && b->getOp() == ast::BinaryOp::And) {
      addWhenConjuncts(*b->getLhs(), out);
      addWhenConjuncts(*b->getRhs(), out);
      return;
    }
    out.push_back({Conjunct::Kind::When, lowerExpr(e), e.getRange()});
  }

  Module &m;
  DiagnosticEngine &diags;
};

bool Lowerer::yieldsBool(NodeId n) const {
  switch (m.getNode(n).op) {
  case Op::BoolLit:
  case Op::Not:
  case Op::And:
  case Op::Or:
  case Op::Eq:
  case Op::Less:
  case Op::LessEq:
  case Op::In:
  case Op::Has:
  case Op::Like:
  case Op::Is:
    return true;
  case Op::LongLit:
  case Op::StringLit:
  case Op::EntityLit:
  case Op::Var:
  case Op::If:
  case Op::Neg:
  case Op::Add:
  case Op::Sub:
  case Op::Mul:
  case Op::GetAttr:
  case Op::Method:
  case Op::Call:
  case Op::Set:
  case Op::Record:
    return false;
  }
  return false;
}

NodeId Lowerer::mkNot(NodeId x, SourceRange r) {
  bool b;
  if (isBoolLit(x, b))
    return boolLit(!b, r);
  const Node &n = m.getNode(x);
  if (n.op == Op::Not && yieldsBool(m.getOperands(x)[0]))
    return m.getOperands(x)[0];
  return m.makeNode(Op::Not, 0, 0, {x}, r);
}

NodeId Lowerer::mkAnd(NodeId l, NodeId rhs, SourceRange r) {
  bool b;
  if (isBoolLit(l, b)) {
    if (!b)
      return l;
    if (yieldsBool(rhs))
      return rhs;
  }
  if (isBoolLit(rhs, b) && b && yieldsBool(l))
    return l;
  return m.makeNode(Op::And, 0, 0, {l, rhs}, r);
}

NodeId Lowerer::mkOr(NodeId l, NodeId rhs, SourceRange r) {
  bool b;
  if (isBoolLit(l, b)) {
    if (b)
      return l;
    if (yieldsBool(rhs))
      return rhs;
  }
  if (isBoolLit(rhs, b) && !b && yieldsBool(l))
    return l;
  return m.makeNode(Op::Or, 0, 0, {l, rhs}, r);
}

NodeId Lowerer::mkIf(NodeId c, NodeId t, NodeId e, SourceRange r) {
  bool b;
  if (isBoolLit(c, b))
    return b ? t : e;
  return m.makeNode(Op::If, 0, 0, {c, t, e}, r);
}

NodeId Lowerer::mkNeg(NodeId x, SourceRange r) {
  if (isLongLit(x) && m.getNode(x).longValue != std::numeric_limits<int64_t>::min())
    return longLit(-m.getNode(x).longValue, r);
  return m.makeNode(Op::Neg, 0, 0, {x}, r);
}

NodeId Lowerer::mkBinary(Op op, NodeId l, NodeId rhs, SourceRange r) {
  if (op == Op::Eq && isLiteral(l) && isLiteral(rhs))
    // INVARIANT: literal leaves are hash-consed, so equal literals are one node.
    return boolLit(l == rhs, r);
  if (isLongLit(l) && isLongLit(rhs)) {
    int64_t x = m.getNode(l).longValue, y = m.getNode(rhs).longValue, out = 0;
    switch (op) {
    case Op::Less:
      return boolLit(x < y, r);
    case Op::LessEq:
      return boolLit(x <= y, r);
    case Op::Add:
      if (!__builtin_add_overflow(x, y, &out))
        return longLit(out, r);
      break;
    case Op::Sub:
      if (!__builtin_sub_overflow(x, y, &out))
        return longLit(out, r);
      break;
    case Op::Mul:
      if (!__builtin_mul_overflow(x, y, &out))
        return longLit(out, r);
      break;
    default:
      break;
    }
  }
  return m.makeNode(op, 0, 0, {l, rhs}, r);
}

NodeId Lowerer::lowerExpr(const ast::Expr &e) {
  SourceRange r = e.getRange();
  switch (e.getKind()) {
  case ast::ExprKind::BoolLit:
    return boolLit(llvm::cast<ast::BoolLit>(e).getValue(), r);
  case ast::ExprKind::LongLit:
    return longLit(llvm::cast<ast::LongLit>(e).getValue(), r);
  case ast::ExprKind::StringLit:
    return m.makeNode(Op::StringLit,
                      m.internString(llvm::cast<ast::StringLit>(e).getValue()), 0, {}, r);
  case ast::ExprKind::EntityLit:
    return entity(uidOf(llvm::cast<ast::EntityLit>(e).getUid()), r);
  case ast::ExprKind::Var:
    switch (llvm::cast<ast::Var>(e).getVar()) {
    case ast::VarKind::Principal:
      return var(VarKind::Principal, r);
    case ast::VarKind::Action:
      return var(VarKind::Action, r);
    case ast::VarKind::Resource:
      return var(VarKind::Resource, r);
    case ast::VarKind::Context:
      return var(VarKind::Context, r);
    }
    llvm_unreachable("unknown variable");
  case ast::ExprKind::Unary: {
    const auto &u = llvm::cast<ast::Unary>(e);
    NodeId x = lowerExpr(*u.getOperand());
    switch (u.getOp()) {
    case ast::UnaryOp::Not:
      return mkNot(x, r);
    case ast::UnaryOp::Neg:
      return mkNeg(x, r);
    }
    llvm_unreachable("unknown unary operator");
  }
  case ast::ExprKind::Binary: {
    const auto &b = llvm::cast<ast::Binary>(e);
    NodeId l = lowerExpr(*b.getLhs());
    NodeId rhs = lowerExpr(*b.getRhs());
    switch (b.getOp()) {
    case ast::BinaryOp::Or:
      return mkOr(l, rhs, r);
    case ast::BinaryOp::And:
      return mkAnd(l, rhs, r);
    case ast::BinaryOp::Eq:
      return mkBinary(Op::Eq, l, rhs, r);
    case ast::BinaryOp::NotEq:
      return mkNot(mkBinary(Op::Eq, l, rhs, r), r);
    case ast::BinaryOp::Less:
      return mkBinary(Op::Less, l, rhs, r);
    case ast::BinaryOp::LessEq:
      return mkBinary(Op::LessEq, l, rhs, r);
    case ast::BinaryOp::Greater:
      return mkNot(mkBinary(Op::LessEq, l, rhs, r), r);
    case ast::BinaryOp::GreaterEq:
      return mkNot(mkBinary(Op::Less, l, rhs, r), r);
    case ast::BinaryOp::In:
      return mkBinary(Op::In, l, rhs, r);
    case ast::BinaryOp::Add:
      return mkBinary(Op::Add, l, rhs, r);
    case ast::BinaryOp::Sub:
      return mkBinary(Op::Sub, l, rhs, r);
    case ast::BinaryOp::Mul:
      return mkBinary(Op::Mul, l, rhs, r);
    }
    llvm_unreachable("unknown binary operator");
  }
  case ast::ExprKind::If: {
    const auto &i = llvm::cast<ast::If>(e);
    NodeId c = lowerExpr(*i.getCond());
    NodeId t = lowerExpr(*i.getThen());
    NodeId f = lowerExpr(*i.getElse());
    return mkIf(c, t, f, r);
  }
  case ast::ExprKind::Has: {
    // `e has a.b.c` is `e has a && e.a has b && e.a.b has c`.
    const auto &h = llvm::cast<ast::Has>(e);
    NodeId obj = lowerExpr(*h.getObject());
    NodeId result = 0;
    bool first = true;
    llvm::ArrayRef<llvm::StringRef> path = h.getPath();
    for (size_t i = 0; i < path.size(); ++i) {
      SymbolId a = m.internAttr(path[i]);
      NodeId step = m.makeNode(Op::Has, a, 0, {obj}, r);
      result = first ? step : mkAnd(result, step, r);
      first = false;
      if (i + 1 < path.size())
        obj = m.makeNode(Op::GetAttr, a, 0, {obj}, r);
    }
    return result;
  }
  case ast::ExprKind::Like: {
    const auto &l = llvm::cast<ast::Like>(e);
    NodeId obj = lowerExpr(*l.getObject());
    std::vector<PatternElem> pattern;
    for (const ast::PatternElem &p : l.getPattern())
      pattern.push_back({p.isWildcard, p.literal.str()});
    return m.makeNode(Op::Like, m.internPattern(std::move(pattern)), 0, {obj}, r);
  }
  case ast::ExprKind::Is: {
    // `e is T in x` is `e is T && e in x`.
    const auto &i = llvm::cast<ast::Is>(e);
    NodeId obj = lowerExpr(*i.getObject());
    NodeId is = m.makeNode(Op::Is, m.internType(i.getType().str()), 0, {obj}, r);
    if (!i.getIn())
      return is;
    NodeId in = mkBinary(Op::In, obj, lowerExpr(*i.getIn()), r);
    return mkAnd(is, in, r);
  }
  case ast::ExprKind::GetAttr: {
    const auto &g = llvm::cast<ast::GetAttr>(e);
    NodeId obj = lowerExpr(*g.getObject());
    return m.makeNode(Op::GetAttr, m.internAttr(g.getAttr()), 0, {obj}, r);
  }
  case ast::ExprKind::MethodCall: {
    const auto &c = llvm::cast<ast::MethodCall>(e);
    std::vector<NodeId> ops{lowerExpr(*c.getReceiver())};
    for (const ast::Expr *a : c.getArgs())
      ops.push_back(lowerExpr(*a));
    return m.makeNode(Op::Method, m.internString(c.getMethod()), 0, ops, r);
  }
  case ast::ExprKind::Call: {
    const auto &c = llvm::cast<ast::Call>(e);
    std::vector<NodeId> ops;
    for (const ast::Expr *a : c.getArgs())
      ops.push_back(lowerExpr(*a));
    return m.makeNode(Op::Call, m.internString(c.getFunction().str()), 0, ops, r);
  }
  case ast::ExprKind::SetLit: {
    std::vector<NodeId> ops;
    for (const ast::Expr *x : llvm::cast<ast::SetLit>(e).getElements())
      ops.push_back(lowerExpr(*x));
    return m.makeNode(Op::Set, 0, 0, ops, r);
  }
  case ast::ExprKind::RecordLit: {
    std::vector<NodeId> ops;
    std::vector<SymbolId> keys;
    for (const ast::RecordEntry &x : llvm::cast<ast::RecordLit>(e).getEntries()) {
      keys.push_back(m.internAttr(x.key));
      ops.push_back(lowerExpr(*x.value));
    }
    return m.makeNode(Op::Record, 0, 0, ops, r, keys);
  }
  }
  llvm_unreachable("unknown expression");
}

bool Lowerer::lowerEntityScope(const ast::EntityScope &s, VarKind v,
                               const TemplateLink *link, EntityScope &out,
                               std::optional<NodeId> &node) {
  using AOp = ast::EntityScope::Op;
  SourceRange r = s.range;
  if (s.op == AOp::Eq || s.op == AOp::In || s.op == AOp::IsIn) {
    if (s.target.isSlot) {
      const std::optional<runtime::EntityUid> *bound = nullptr;
      if (link)
        bound = s.target.slot == ast::SlotKind::Principal ? &link->principal
                                                          : &link->resource;
      if (!bound || !*bound) {
        diags.error(DiagCode::TemplateLinkInvalid, s.target.range,
                    std::string("template slot `?") +
                        (s.target.slot == ast::SlotKind::Principal ? "principal"
                                                                   : "resource") +
                        "` is not linked to a value");
        return false;
      }
      out.uid = m.internEntity((*bound)->type, (*bound)->id);
    } else {
      out.uid = uidOf(s.target.uid);
    }
  }
  if (s.op == AOp::Any) {
    out.op = EntityScope::Op::Any;
    return true;
  }
  NodeId self = var(v, r);
  switch (s.op) {
  case AOp::Any:
    llvm_unreachable("handled above");
  case AOp::Eq:
    out.op = EntityScope::Op::Eq;
    node = mkBinary(Op::Eq, self, entity(out.uid, r), r);
    return true;
  case AOp::In:
    out.op = EntityScope::Op::In;
    node = mkBinary(Op::In, self, entity(out.uid, r), r);
    return true;
  case AOp::Is:
  case AOp::IsIn: {
    out.op = s.op == AOp::Is ? EntityScope::Op::Is : EntityScope::Op::IsIn;
    out.type = m.internType(s.type.str());
    NodeId is = m.makeNode(Op::Is, out.type, 0, {self}, r);
    node = s.op == AOp::Is ? is : mkAnd(is, mkBinary(Op::In, self, entity(out.uid, r), r), r);
    return true;
  }
  }
  llvm_unreachable("unknown scope");
}

std::optional<NodeId> Lowerer::lowerActionScope(const ast::ActionScope &s,
                                                ActionScope &out) {
  SourceRange r = s.range;
  switch (s.op) {
  case ast::ActionScope::Op::Any:
    out.op = ActionScope::Op::Any;
    return std::nullopt;
  case ast::ActionScope::Op::Eq:
    out.op = ActionScope::Op::Eq;
    out.uids.push_back(uidOf(s.uids.front()));
    return mkBinary(Op::Eq, var(VarKind::Action, r), entity(out.uids[0], r), r);
  case ast::ActionScope::Op::In:
    out.op = ActionScope::Op::In;
    out.uids.push_back(uidOf(s.uids.front()));
    return mkBinary(Op::In, var(VarKind::Action, r), entity(out.uids[0], r), r);
  case ast::ActionScope::Op::InList: {
    out.op = ActionScope::Op::In;
    NodeId self = var(VarKind::Action, r);
    std::vector<NodeId> elems;
    for (const ast::EntityUid &u : s.uids) {
      out.uids.push_back(uidOf(u));
      elems.push_back(entity(out.uids.back(), u.range));
    }
    return mkBinary(Op::In, self, m.makeNode(Op::Set, 0, 0, elems, r), r);
  }
  }
  llvm_unreachable("unknown action scope");
}

bool Lowerer::lowerPolicy(const ast::Policy &p, const std::string &id,
                          const TemplateLink *link) {
  Policy out;
  out.id = id;
  out.effect = p.effect == ast::Effect::Permit ? Effect::Permit : Effect::Forbid;
  out.range = p.range;
  // principal && action && resource && cond1 && ..., left to right; an
  // `Any` scope adds no conjunct.
  std::optional<NodeId> principal, resource;
  if (!lowerEntityScope(p.principal, VarKind::Principal, link, out.principal, principal))
    return false;
  std::optional<NodeId> action = lowerActionScope(p.action, out.action);
  if (!lowerEntityScope(p.resource, VarKind::Resource, link, out.resource, resource))
    return false;
  std::optional<NodeId> cond;
  auto conjoin = [&](NodeId x, SourceRange r) { cond = cond ? mkAnd(*cond, x, r) : x; };
  for (const std::optional<NodeId> &scope : {principal, action, resource})
    if (scope)
      conjoin(*scope, p.range);
  using CK = Conjunct::Kind;
  if (principal)
    out.conjuncts.push_back({CK::Principal, 0, p.principal.range});
  if (action)
    out.conjuncts.push_back({CK::Action, 0, p.action.range});
  if (resource)
    out.conjuncts.push_back({CK::Resource, 0, p.resource.range});
  std::optional<NodeId> conditions;
  for (const ast::Condition &c : p.conditions) {
    NodeId body = lowerExpr(*c.body);
    if (!c.isWhen)
      body = mkNot(body, c.range);
    if (c.isWhen)
      // The top-level `&&` operands, left to right (lowering is
      // deterministic and hash-consed: each is the node the body uses).
      addWhenConjuncts(*c.body, out.conjuncts);
    else
      out.conjuncts.push_back({CK::Unless, body, c.body->getRange()});
    if (!cond && !yieldsBool(body))
      // `when { e }` alone must still check that `e` is a Bool.
      cond = boolLit(true, p.range);
    conjoin(body, c.range);
    conditions = conditions ? mkAnd(*conditions, body, c.range) : body;
  }
  if (!cond)
    cond = boolLit(true, p.range);
  out.condition = *cond;
  out.body = conditions ? *conditions : boolLit(true, p.range);
  m.getPolicies().push_back(std::move(out));
  return true;
}

} // namespace

std::optional<Module> lower(const ast::PolicySet &set, DiagnosticEngine &diags,
                            llvm::ArrayRef<TemplateLink> links) {
  Module m;
  Lowerer lowerer(m, diags);
  bool ok = true;
  for (const ast::Policy &p : set.policies)
    if (!p.isTemplate())
      ok &= lowerer.lowerPolicy(p, p.id, nullptr);
  for (const TemplateLink &link : links) {
    assert(link.tmpl && "a link names its template");
    bool usesPrincipal = link.tmpl->principal.op != ast::EntityScope::Op::Any &&
                         link.tmpl->principal.op != ast::EntityScope::Op::Is &&
                         link.tmpl->principal.target.isSlot;
    bool usesResource = link.tmpl->resource.op != ast::EntityScope::Op::Any &&
                        link.tmpl->resource.op != ast::EntityScope::Op::Is &&
                        link.tmpl->resource.target.isSlot;
    if ((link.principal && !usesPrincipal) || (link.resource && !usesResource)) {
      diags.error(DiagCode::TemplateLinkInvalid, link.tmpl->range,
                  "link `" + link.id + "` gives a value to a slot the template does not use");
      ok = false;
      continue;
    }
    ok &= lowerer.lowerPolicy(*link.tmpl, link.id, &link);
  }
  if (!ok)
    return std::nullopt;
  return m;
}

} // namespace larch::ir
