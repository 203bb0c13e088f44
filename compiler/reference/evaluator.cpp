// Reference path (oracle): the expression and policy evaluator. Entry points:
// Evaluator::evaluate, Evaluator::evaluatePolicy (see evaluator.h).
// Depends on grammar/ast.h and the runtime data only.
//
// Every case below says which Cedar rule it implements; operands are
// evaluated left to right and the first error aborts the expression.
#include "compiler/reference/evaluator.h"

#include "runtime/like_match.h"

#include "runtime/extension_functions.h"

#include "llvm/Support/Casting.h"

#include <limits>

namespace larch::reference {

using runtime::EntityUid;
using runtime::EvalResult;
using runtime::Value;
using runtime::ValueKind;

namespace {

EvalResult typeError(llvm::StringRef expected, const Value &got) {
  return EvalResult::error(runtime::typeErrorMessage(expected, got));
}

/// The entity named by a scope target, or an error for an unbound slot.
std::optional<EntityUid> scopeTarget(const ast::ScopeTarget &t,
                                     const SlotValues &slots) {
  if (!t.isSlot)
    return EntityUid{t.uid.type.str(), t.uid.id.str()};
  return t.slot == ast::SlotKind::Principal ? slots.principal : slots.resource;
}

/// The principal or resource scope as a Bool (never a type error: the
/// request variables are always entities).
EvalResult evalEntityScope(const ast::EntityScope &scope, const EntityUid &var,
                           const runtime::EntityView &entities,
                           const SlotValues &slots) {
  using Op = ast::EntityScope::Op;
  std::optional<EntityUid> target;
  if (scope.op == Op::Eq || scope.op == Op::In || scope.op == Op::IsIn) {
    target = scopeTarget(scope.target, slots);
    if (!target)
      return EvalResult::error("template slot `?" +
                               std::string(scope.target.slot == ast::SlotKind::Principal
                                               ? "principal"
                                               : "resource") +
                               "` is not linked to a value");
  }
  switch (scope.op) {
  case Op::Any:
    return Value::boolean(true);
  case Op::Eq:
    return Value::boolean(var == *target);
  case Op::In:
    return Value::boolean(entityIn(entities, var, *target));
  case Op::Is:
    return Value::boolean(var.type == scope.type.str());
  case Op::IsIn:
    return Value::boolean(var.type == scope.type.str() &&
                          entityIn(entities, var, *target));
  }
  return Value::boolean(false);
}

EvalResult evalActionScope(const ast::ActionScope &scope, const EntityUid &action,
                           const runtime::EntityView &entities) {
  using Op = ast::ActionScope::Op;
  auto uidOf = [](const ast::EntityUid &u) {
    return EntityUid{u.type.str(), u.id.str()};
  };
  switch (scope.op) {
  case Op::Any:
    return Value::boolean(true);
  case Op::Eq:
    return Value::boolean(action == uidOf(scope.uids.front()));
  case Op::In:
    return Value::boolean(entityIn(entities, action, uidOf(scope.uids.front())));
  case Op::InList:
    for (const ast::EntityUid &u : scope.uids)
      if (entityIn(entities, action, uidOf(u)))
        return Value::boolean(true);
    return Value::boolean(false);
  }
  return Value::boolean(false);
}

/// `has` on one value: records by key, entities by attribute; an entity
/// missing from the store has no attributes.
EvalResult hasAttr(const Value &v, llvm::StringRef attr,
                   const runtime::EntityView &entities) {
  if (v.is(ValueKind::Record))
    return Value::boolean(v.findField(attr) != nullptr);
  if (v.is(ValueKind::Entity)) {
    const runtime::Entity *e = entities.find(v.getEntity());
    return Value::boolean(e && e->attrs.count(attr.str()));
  }
  return typeError("record or entity", v);
}

/// `.attr` / `["attr"]` on one value.
EvalResult getAttr(const Value &v, llvm::StringRef attr,
                   const runtime::EntityView &entities) {
  if (v.is(ValueKind::Record)) {
    if (const Value *f = v.findField(attr))
      return *f;
    return EvalResult::error("record does not have the attribute `" + attr.str() +
                             "`");
  }
  if (v.is(ValueKind::Entity)) {
    const runtime::Entity *e = entities.find(v.getEntity());
    if (!e)
      return EvalResult::error("entity " + v.getEntity().str() + " does not exist");
    auto it = e->attrs.find(attr.str());
    if (it == e->attrs.end())
      return EvalResult::error(v.getEntity().str() +
                               " does not have the attribute `" + attr.str() + "`");
    return it->second;
  }
  return typeError("record or entity", v);
}

EvalResult overflow(llvm::StringRef op, const Value &a, const Value &b) {
  return EvalResult::error("integer overflow while attempting to " + op.str() +
                           " the values " + a.str() + " and " + b.str());
}

} // namespace

bool entityIn(const runtime::EntityView &entities, const EntityUid &lhs,
              const EntityUid &rhs) {
  return lhs == rhs || entities.isAncestor(lhs, rhs);
}

bool matchesPattern(llvm::StringRef text, llvm::ArrayRef<ast::PatternElem> pattern) {
  // One unit per byte or star. Matching bytes is matching characters: a
  // literal of valid UTF-8 can only match at character boundaries.
  struct Unit {
    bool star;
    char c;
  };
  std::vector<Unit> units;
  for (const ast::PatternElem &p : pattern) {
    if (p.isWildcard)
      units.push_back({true, 0});
    else
      for (char c : p.literal)
        units.push_back({false, c});
  }
  return runtime::matchLikeUnits(
      text, units.size(), [&](size_t u) { return units[u].star; },
      [&](size_t u) { return static_cast<unsigned char>(units[u].c); });
}

EvalResult Evaluator::evaluate(const ast::Expr &e) {
  depth = 0;
  return eval(e);
}

EvalResult Evaluator::evaluatePolicy(const ast::Policy &policy,
                                     const SlotValues &slots) {
  depth = 0;
  // principal && action && resource && conditions, left to right.
  EvalResult p = evalEntityScope(policy.principal, request.principal, entities, slots);
  if (!p || !p->getBool())
    return p;
  EvalResult a = evalActionScope(policy.action, request.action, entities);
  if (!a || !a->getBool())
    return a;
  EvalResult r = evalEntityScope(policy.resource, request.resource, entities, slots);
  if (!r || !r->getBool())
    return r;
  for (const ast::Condition &c : policy.conditions) {
    EvalResult v = eval(*c.body);
    if (!v)
      return v;
    if (!v->is(ValueKind::Bool))
      return typeError("bool", *v);
    // `unless { e }` is `!e`.
    bool holds = c.isWhen ? v->getBool() : !v->getBool();
    if (!holds)
      return Value::boolean(false);
  }
  return Value::boolean(true);
}

EvalResult Evaluator::eval(const ast::Expr &e) {
  if (depth >= maxDepth)
    return EvalResult::error("expression nested too deeply to evaluate (more than " +
                             std::to_string(maxDepth) + " levels)");
  struct DepthGuard {
    unsigned &d;
    explicit DepthGuard(unsigned &d) : d(d) { ++d; }
    ~DepthGuard() { --d; }
  } guard(depth);

  switch (e.getKind()) {
  case ast::ExprKind::BoolLit:
    return Value::boolean(llvm::cast<ast::BoolLit>(e).getValue());
  case ast::ExprKind::LongLit:
    return Value::integer(llvm::cast<ast::LongLit>(e).getValue());
  case ast::ExprKind::StringLit:
    return Value::string(llvm::cast<ast::StringLit>(e).getValue().str());
  case ast::ExprKind::EntityLit: {
    const ast::EntityUid &u = llvm::cast<ast::EntityLit>(e).getUid();
    return Value::entity(u.type.str(), u.id.str());
  }
  case ast::ExprKind::Var:
    switch (llvm::cast<ast::Var>(e).getVar()) {
    case ast::VarKind::Principal:
      return Value::entity(request.principal);
    case ast::VarKind::Action:
      return Value::entity(request.action);
    case ast::VarKind::Resource:
      return Value::entity(request.resource);
    case ast::VarKind::Context:
      return request.context;
    }
    return EvalResult::error("unknown variable");
  case ast::ExprKind::Unary: {
    const auto &u = llvm::cast<ast::Unary>(e);
    EvalResult v = eval(*u.getOperand());
    if (!v)
      return v;
    switch (u.getOp()) {
    case ast::UnaryOp::Not:
      if (!v->is(ValueKind::Bool))
        return typeError("bool", *v);
      return Value::boolean(!v->getBool());
    case ast::UnaryOp::Neg:
      if (!v->is(ValueKind::Long))
        return typeError("long", *v);
      if (v->getLong() == std::numeric_limits<int64_t>::min())
        return EvalResult::error("integer overflow while attempting to negate the value " +
                                 v->str());
      return Value::integer(-v->getLong());
    }
    return EvalResult::error("unknown unary operator");
  }
  case ast::ExprKind::Binary:
    return evalBinary(llvm::cast<ast::Binary>(e));
  case ast::ExprKind::If: {
    const auto &i = llvm::cast<ast::If>(e);
    EvalResult c = eval(*i.getCond());
    if (!c)
      return c;
    if (!c->is(ValueKind::Bool))
      return typeError("bool", *c);
    return eval(c->getBool() ? *i.getThen() : *i.getElse());
  }
  case ast::ExprKind::Has:
    return evalHas(llvm::cast<ast::Has>(e));
  case ast::ExprKind::Like: {
    const auto &l = llvm::cast<ast::Like>(e);
    EvalResult v = eval(*l.getObject());
    if (!v)
      return v;
    if (!v->is(ValueKind::String))
      return typeError("string", *v);
    return Value::boolean(matchesPattern(v->getString(), l.getPattern()));
  }
  case ast::ExprKind::Is:
    return evalIs(llvm::cast<ast::Is>(e));
  case ast::ExprKind::GetAttr:
    return evalGetAttr(llvm::cast<ast::GetAttr>(e));
  case ast::ExprKind::MethodCall:
    return evalMethod(llvm::cast<ast::MethodCall>(e));
  case ast::ExprKind::Call:
    return evalCall(llvm::cast<ast::Call>(e));
  case ast::ExprKind::SetLit: {
    std::vector<Value> elems;
    for (const ast::Expr *x : llvm::cast<ast::SetLit>(e).getElements()) {
      EvalResult v = eval(*x);
      if (!v)
        return v;
      elems.push_back(std::move(v.get()));
    }
    return Value::set(std::move(elems));
  }
  case ast::ExprKind::RecordLit: {
    std::vector<runtime::RecordEntry> entries;
    for (const ast::RecordEntry &r : llvm::cast<ast::RecordLit>(e).getEntries()) {
      EvalResult v = eval(*r.value);
      if (!v)
        return v;
      entries.emplace_back(r.key.str(), std::move(v.get()));
    }
    return Value::recordFromEntries(std::move(entries));
  }
  }
  return EvalResult::error("unknown expression");
}

EvalResult Evaluator::evalBinary(const ast::Binary &b) {
  using Op = ast::BinaryOp;
  Op op = b.getOp();
  // `&&` and `||` short-circuit; the right side must still be a Bool when
  // it is evaluated.
  if (op == Op::And || op == Op::Or) {
    EvalResult l = eval(*b.getLhs());
    if (!l)
      return l;
    if (!l->is(ValueKind::Bool))
      return typeError("bool", *l);
    if (l->getBool() == (op == Op::Or))
      return l;
    EvalResult r = eval(*b.getRhs());
    if (!r)
      return r;
    if (!r->is(ValueKind::Bool))
      return typeError("bool", *r);
    return r;
  }
  EvalResult l = eval(*b.getLhs());
  if (!l)
    return l;
  EvalResult r = eval(*b.getRhs());
  if (!r)
    return r;
  const Value &x = *l, &y = *r;
  switch (op) {
  case Op::Or:
  case Op::And:
    break;
  case Op::Eq:
    return Value::boolean(x == y);
  case Op::NotEq:
    return Value::boolean(x != y);
  case Op::Less:
  case Op::LessEq:
  case Op::Greater:
  case Op::GreaterEq: {
    // Long x Long, datetime x datetime, duration x duration.
    int c;
    if (x.is(ValueKind::Long) && y.is(ValueKind::Long))
      c = x.getLong() < y.getLong() ? -1 : (x.getLong() > y.getLong() ? 1 : 0);
    else if (x.is(ValueKind::Datetime) && y.is(ValueKind::Datetime))
      c = runtime::compareValues(x, y);
    else if (x.is(ValueKind::Duration) && y.is(ValueKind::Duration))
      c = runtime::compareValues(x, y);
    else if (x.is(ValueKind::Long) || x.is(ValueKind::Datetime) ||
             x.is(ValueKind::Duration))
      return typeError(runtime::getValueKindName(x.getKind()), y);
    else
      return typeError("long, datetime or duration", x);
    bool result = op == Op::Less      ? c < 0
                  : op == Op::LessEq  ? c <= 0
                  : op == Op::Greater ? c > 0
                                      : c >= 0;
    return Value::boolean(result);
  }
  case Op::In: {
    if (!x.is(ValueKind::Entity))
      return typeError("entity", x);
    if (y.is(ValueKind::Entity))
      return Value::boolean(entityIn(entities, x.getEntity(), y.getEntity()));
    if (!y.is(ValueKind::Set))
      return typeError("set or entity", y);
    // The whole set is type-checked before any membership test.
    for (const Value &el : y.getSet())
      if (!el.is(ValueKind::Entity))
        return typeError("entity", el);
    for (const Value &el : y.getSet())
      if (entityIn(entities, x.getEntity(), el.getEntity()))
        return Value::boolean(true);
    return Value::boolean(false);
  }
  case Op::Add:
  case Op::Sub:
  case Op::Mul: {
    if (!x.is(ValueKind::Long))
      return typeError("long", x);
    if (!y.is(ValueKind::Long))
      return typeError("long", y);
    int64_t out;
    bool overflowed = op == Op::Add   ? __builtin_add_overflow(x.getLong(), y.getLong(), &out)
                      : op == Op::Sub ? __builtin_sub_overflow(x.getLong(), y.getLong(), &out)
                                      : __builtin_mul_overflow(x.getLong(), y.getLong(), &out);
    if (overflowed)
      return overflow(op == Op::Add ? "add" : op == Op::Sub ? "subtract" : "multiply",
                      x, y);
    return Value::integer(out);
  }
  }
  return EvalResult::error("unknown binary operator");
}

EvalResult Evaluator::evalHas(const ast::Has &h) {
  EvalResult obj = eval(*h.getObject());
  if (!obj)
    return obj;
  // `e has a.b.c` is `e has a && e.a has b && e.a.b has c`.
  Value cur = *obj;
  llvm::ArrayRef<llvm::StringRef> path = h.getPath();
  for (size_t i = 0; i < path.size(); ++i) {
    EvalResult has = hasAttr(cur, path[i], entities);
    if (!has || !has->getBool())
      return has;
    if (i + 1 == path.size())
      break;
    EvalResult next = getAttr(cur, path[i], entities);
    if (!next)
      return next;
    cur = std::move(next.get());
  }
  return Value::boolean(true);
}

EvalResult Evaluator::evalIs(const ast::Is &i) {
  EvalResult obj = eval(*i.getObject());
  if (!obj)
    return obj;
  if (!obj->is(ValueKind::Entity))
    return typeError("entity", *obj);
  // `e is T in x` is `e is T && e in x`: x is evaluated only for a T.
  if (obj->getEntity().type != i.getType().str())
    return Value::boolean(false);
  if (!i.getIn())
    return Value::boolean(true);
  EvalResult in = eval(*i.getIn());
  if (!in)
    return in;
  const EntityUid &lhs = obj->getEntity();
  if (in->is(ValueKind::Entity))
    return Value::boolean(entityIn(entities, lhs, in->getEntity()));
  if (!in->is(ValueKind::Set))
    return typeError("set or entity", *in);
  for (const Value &el : in->getSet())
    if (!el.is(ValueKind::Entity))
      return typeError("entity", el);
  for (const Value &el : in->getSet())
    if (entityIn(entities, lhs, el.getEntity()))
      return Value::boolean(true);
  return Value::boolean(false);
}

EvalResult Evaluator::evalGetAttr(const ast::GetAttr &g) {
  EvalResult obj = eval(*g.getObject());
  if (!obj)
    return obj;
  return getAttr(*obj, g.getAttr(), entities);
}

EvalResult Evaluator::evalMethod(const ast::MethodCall &m) {
  EvalResult recv = eval(*m.getReceiver());
  if (!recv)
    return recv;
  std::vector<Value> args;
  args.push_back(*recv);
  for (const ast::Expr *a : m.getArgs()) {
    EvalResult v = eval(*a);
    if (!v)
      return v;
    args.push_back(std::move(v.get()));
  }
  llvm::StringRef name = m.getMethod();
  const Value &self = args[0];
  auto arity = [&](size_t n) -> std::optional<EvalResult> {
    if (args.size() != n + 1)
      return EvalResult::error("wrong number of arguments to `" + name.str() +
                               "`: expected " + std::to_string(n) + ", got " +
                               std::to_string(args.size() - 1));
    return std::nullopt;
  };
  if (name == "contains") {
    if (auto err = arity(1))
      return *err;
    if (!self.is(ValueKind::Set))
      return typeError("set", self);
    return Value::boolean(self.setContains(args[1]));
  }
  if (name == "containsAll" || name == "containsAny") {
    if (auto err = arity(1))
      return *err;
    if (!self.is(ValueKind::Set))
      return typeError("set", self);
    if (!args[1].is(ValueKind::Set))
      return typeError("set", args[1]);
    bool all = name == "containsAll";
    for (const Value &v : args[1].getSet()) {
      bool in = self.setContains(v);
      if (all && !in)
        return Value::boolean(false);
      if (!all && in)
        return Value::boolean(true);
    }
    return Value::boolean(all);
  }
  if (name == "isEmpty") {
    if (auto err = arity(0))
      return *err;
    if (!self.is(ValueKind::Set))
      return typeError("set", self);
    return Value::boolean(self.getSet().empty());
  }
  if (name == "hasTag" || name == "getTag") {
    if (auto err = arity(1))
      return *err;
    if (!self.is(ValueKind::Entity))
      return typeError("entity", self);
    if (!args[1].is(ValueKind::String))
      return typeError("string", args[1]);
    const runtime::Entity *e = entities.find(self.getEntity());
    const std::string &key = args[1].getString();
    if (name == "hasTag")
      return Value::boolean(e && e->tags.count(key));
    if (!e)
      return EvalResult::error("entity " + self.getEntity().str() + " does not exist");
    auto it = e->tags.find(key);
    if (it == e->tags.end())
      return EvalResult::error(self.getEntity().str() + " does not have the tag `" +
                               key + "`");
    return it->second;
  }
  const runtime::ExtensionFunctionInfo *fn = runtime::lookupExtensionFunction(name);
  if (!fn || fn->isConstructor)
    return EvalResult::error("unknown method `" + name.str() + "`");
  return runtime::callExtensionFunction(*fn, args);
}

EvalResult Evaluator::evalCall(const ast::Call &c) {
  std::vector<Value> args;
  for (const ast::Expr *a : c.getArgs()) {
    EvalResult v = eval(*a);
    if (!v)
      return v;
    args.push_back(std::move(v.get()));
  }
  std::string name = c.getFunction().str();
  const runtime::ExtensionFunctionInfo *fn = runtime::lookupExtensionFunction(name);
  if (!fn || !fn->isConstructor)
    return EvalResult::error("unknown extension function `" + name + "`");
  return runtime::callExtensionFunction(*fn, args);
}

} // namespace larch::reference
