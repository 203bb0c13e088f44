// Validation phase: Cedar's strict-mode typing of one condition in one
// request environment (see typecheck.h for the model).
//
// INVARIANT: an Answer with ok == false carries no capabilities (Cedar drops
// what a failed subexpression would have proved).
#include "compiler/validate/typecheck_support.h"

#include "grammar/ast_printer.h"

namespace larch::validate {

using namespace detail;
using schema::ExtensionKind;

namespace {

/// Deeper expressions are not typed (the parser's nesting limit is lower).
constexpr unsigned MaxDepth = 2000;

std::string suggestName(llvm::StringRef name, llvm::ArrayRef<VAttr> candidates) {
  std::string best;
  unsigned bestDist = ~0u;
  for (const VAttr &a : candidates) {
    unsigned d = llvm::StringRef(a.name).edit_distance(name, true, 3);
    if (d < bestDist && d <= std::max<size_t>(1, name.size() / 3)) {
      bestDist = d;
      best = a.name;
    }
  }
  return best;
}

/// How `attr` is written after `has`.
std::string hasOperand(llvm::StringRef attr) {
  return ast::isValidIdentifier(attr) ? attr.str() : schema::quoteString(attr);
}

} // namespace
// --------------------------------------------------------------- helpers

void Typechecker::error(DiagCode code, SourceRange range, std::string message,
                        std::string help) {
  errors.push_back({code, range, std::move(message), std::move(help)});
}

std::string Typechecker::describe(const VType &t) const {
  if (t.getKind() == VKind::Entity)
    return "entity type `" + t.getEntityName().str() + "`";
  if (t.getKind() == VKind::Record)
    return "record type `" + t.str() + "`";
  return "type `" + t.str() + "`";
}

Answer Typechecker::expectOneOf(Answer actual, llvm::ArrayRef<VTypeRef> expected,
                                SourceRange range, llvm::StringRef help) {
  if (!actual.type)
    return failure(nullptr);
  for (const VTypeRef &t : expected)
    if (isSubtype(*actual.type, *t, /*strict=*/false))
      return actual;
  std::string want;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (i)
      want += i + 1 == expected.size() ? " or " : ", ";
    const VType &t = *expected[i];
    if (t.getKind() == VKind::AnyEntity)
      want += "an entity";
    else if (t.getKind() == VKind::Record && t.isOpen())
      want += "a record";
    else if (t.getKind() == VKind::Set && !t.getElement())
      want += "a set";
    else if (t.getKind() == VKind::Set && isKind(t.getElement(), VKind::AnyEntity))
      want += "a set of entities";
    else
      want += "`" + t.str() + "`";
  }
  error(DiagCode::ValidateUnexpectedType, range,
        "expected " + want + ", found `" + actual.type->str() + "`", help.str());
  return failure(nullptr);
}

Answer Typechecker::expect(const ast::Expr *e, const VTypeRef &expected, const Caps &prior,
                           llvm::StringRef help) {
  return expectOneOf(check(e, prior), {expected}, e->getRange(), help);
}

VTypeRef Typechecker::lub(llvm::ArrayRef<VTypeRef> types, SourceRange range,
                          llvm::StringRef what) {
  VTypeRef acc = VType::getNever();
  for (const VTypeRef &t : types) {
    VTypeRef next = leastUpperBound(acc, t);
    if (!next) {
      std::string list;
      for (size_t i = 0; i < types.size(); ++i)
        list += (i ? ", `" : "`") + types[i]->str() + "`";
      error(DiagCode::ValidateIncompatibleTypes, range,
            what.str() + " have incompatible types: " + list,
            "in strict validation every element or branch must have the same type; "
            "entities of different types and records of different shapes do not mix");
      return nullptr;
    }
    acc = next;
  }
  return acc;
}

bool Typechecker::getLiteralUid(const ast::Expr *e, std::string &type, std::string &id) const {
  if (auto *v = llvm::dyn_cast<ast::Var>(e)) {
    if (v->getVar() != ast::VarKind::Action || !env.action)
      return false;
    type = env.action->uid.type;
    id = env.action->uid.id;
    return true;
  }
  if (!isLiteral(e) || e->getKind() != ast::ExprKind::EntityLit)
    return false;
  const ast::EntityUid &u = llvm::cast<ast::EntityLit>(e)->getUid();
  type = u.type.str();
  id = u.id.str();
  return true;
}

// ----------------------------------------------------------- expressions

Answer Typechecker::checkCondition(const ast::Expr *condition) {
  return expect(condition, VType::getBool(), {});
}

Answer Typechecker::check(const ast::Expr *e, const Caps &prior) {
  using namespace ast;
  if (depth > MaxDepth)
    return failure(nullptr);
  struct DepthGuard {
    unsigned &d;
    explicit DepthGuard(unsigned &d) : d(d) { ++d; }
    ~DepthGuard() { --d; }
  } guard(depth);

  switch (e->getKind()) {
  case ExprKind::BoolLit:
    return success(VType::getSingleton(llvm::cast<BoolLit>(e)->getValue()));
  case ExprKind::LongLit:
    return success(VType::getLong());
  case ExprKind::StringLit:
    return success(VType::getString());
  case ExprKind::EntityLit:
    return checkEntityLit(llvm::cast<EntityLit>(e));
  case ExprKind::Var:
    return checkVar(llvm::cast<Var>(e));
  case ExprKind::Unary: {
    auto *u = llvm::cast<Unary>(e);
    if (u->getOp() == UnaryOp::Not)
      return checkNot(u->getOperand(), prior);
    Answer a = expect(u->getOperand(), VType::getLong(), prior);
    return after(a, success(VType::getLong()));
  }
  case ExprKind::Binary: {
    auto *b = llvm::cast<Binary>(e);
    switch (b->getOp()) {
    case BinaryOp::And:
      return checkAnd(b->getLhs(), [&](const Caps &c) { return expect(b->getRhs(), VType::getBool(), c); }, prior);
    case BinaryOp::Or:
      return checkOr(b, prior);
    case BinaryOp::Eq:
    case BinaryOp::NotEq:
      return checkEq(b, prior);
    case BinaryOp::Less:
    case BinaryOp::LessEq:
    case BinaryOp::Greater:
    case BinaryOp::GreaterEq:
      return checkCompare(b, prior);
    case BinaryOp::In:
      return checkIn(b->getLhs(), b->getRhs(), b->getRange(), prior);
    case BinaryOp::Add:
    case BinaryOp::Sub:
    case BinaryOp::Mul: {
      llvm::StringRef help;
      Answer l = check(b->getLhs(), prior);
      if (b->getOp() == BinaryOp::Add && isKind(l.type, VKind::String))
        help = "string concatenation is not supported";
      l = expectOneOf(std::move(l), {VType::getLong()}, b->getLhs()->getRange(), help);
      Answer r = expect(b->getRhs(), VType::getLong(), prior);
      return after(l, after(r, success(VType::getLong())));
    }
    }
    break;
  }
  case ExprKind::If:
    return checkIf(llvm::cast<If>(e), prior);
  case ExprKind::Has:
    return checkHasPath(llvm::cast<Has>(e), 0, prior);
  case ExprKind::Like: {
    auto *l = llvm::cast<Like>(e);
    Answer a = expect(l->getObject(), VType::getString(), prior);
    return after(a, success(VType::getBool()));
  }
  case ExprKind::Is:
    return checkIs(llvm::cast<Is>(e), prior);
  case ExprKind::GetAttr: {
    auto *g = llvm::cast<GetAttr>(e);
    return getAttrOn(
        check(g->getObject(), prior), keyOf(g->getObject()),
        [&] { return ast::print(*g->getObject()); }, g->getAttr(), e->getRange(), prior);
  }
  case ExprKind::MethodCall:
    return checkMethod(llvm::cast<MethodCall>(e), prior);
  case ExprKind::Call: {
    auto *c = llvm::cast<Call>(e);
    return checkExtension(c->getFunction().str(), c->getArgs(), e->getRange(), prior);
  }
  case ExprKind::SetLit:
    return checkSet(llvm::cast<SetLit>(e), prior);
  case ExprKind::RecordLit:
    return checkRecord(llvm::cast<RecordLit>(e), prior);
  }
  return failure(nullptr);
}

Answer Typechecker::checkVar(const ast::Var *v) {
  switch (v->getVar()) {
  case ast::VarKind::Principal:
    return success(VType::getEntity(env.principal));
  case ast::VarKind::Resource:
    return success(VType::getEntity(env.resource));
  case ast::VarKind::Action:
    return success(VType::getEntity(env.action->uid.type));
  case ast::VarKind::Context:
    return success(env.context);
  }
  return failure(nullptr);
}

Answer Typechecker::checkEntityLit(const ast::EntityLit *lit) {
  const ast::EntityUid &u = lit->getUid();
  if (u.type.path.size() == 1 && u.type.path[0] == PrincipalSlotMarker)
    return success(env.principalSlot.empty() ? VType::getAnyEntity()
                                             : VType::getEntity(env.principalSlot));
  if (u.type.path.size() == 1 && u.type.path[0] == ResourceSlotMarker)
    return success(env.resourceSlot.empty() ? VType::getAnyEntity()
                                            : VType::getEntity(env.resourceSlot));
  std::string type = u.type.str();
  // Unknown types and actions fail silently: the policy-level checks report
  // them once, not once per environment.
  if (isActionTypeName(type)) {
    if (!index.getSchema().getAction(type, u.id))
      return failure(nullptr);
  } else if (!index.getShape(type)) {
    return failure(nullptr);
  }
  return success(VType::getEntity(type));
}

Answer Typechecker::checkNot(const ast::Expr *operand, const Caps &prior) {
  Answer a = expect(operand, VType::getBool(), prior);
  if (!a.type)
    return failure(VType::getBool());
  VTypeRef t = isKind(a.type, VKind::True)    ? VType::getFalse()
               : isKind(a.type, VKind::False) ? VType::getTrue()
                                              : VType::getBool();
  return after(a, success(t));
}

template <typename RightFn>
Answer Typechecker::checkAnd(const ast::Expr *left, RightFn right, const Caps &prior) {
  return conjoin(expect(left, VType::getBool(), prior), right, prior);
}

template <typename RightFn>
Answer Typechecker::conjoin(Answer l, RightFn right, const Caps &prior) {
  if (isKind(l.type, VKind::False))
    return after(l, success(l.type));
  Answer r = right(unite(prior, l.caps));
  if (!l.type || !r.type)
    return failure(VType::getBool());
  Answer out;
  if (isKind(r.type, VKind::False))
    out = success(VType::getFalse());
  else if (isKind(r.type, VKind::True))
    out = success(l.type, unite(l.caps, r.caps));
  else if (isKind(l.type, VKind::True))
    out = success(r.type, r.caps);
  else
    out = success(VType::getBool(), unite(l.caps, r.caps));
  return after(l, after(r, std::move(out)));
}

Answer Typechecker::checkOr(const ast::Binary *e, const Caps &prior) {
  Answer l = expect(e->getLhs(), VType::getBool(), prior);
  if (isKind(l.type, VKind::True))
    return l;
  Answer r = expect(e->getRhs(), VType::getBool(), prior);
  if (!l.type || !r.type)
    return failure(VType::getBool());
  Answer out;
  if (isKind(r.type, VKind::True))
    out = success(VType::getTrue(), r.caps);
  else if (isKind(r.type, VKind::False))
    out = success(l.type, l.caps);
  else if (isKind(l.type, VKind::False))
    out = success(r.type, r.caps);
  else
    out = success(VType::getBool(), intersect(l.caps, r.caps));
  return after(l, after(r, std::move(out)));
}

Answer Typechecker::checkIf(const ast::If *e, const Caps &prior) {
  Answer c = expect(e->getCond(), VType::getBool(), prior);
  if (isKind(c.type, VKind::True)) {
    Answer t = check(e->getThen(), unite(prior, c.caps));
    return after(c, after(t, success(t.type, unite(t.caps, c.caps))));
  }
  if (isKind(c.type, VKind::False)) {
    Answer f = check(e->getElse(), prior);
    return after(c, after(f, success(f.type, f.caps)));
  }
  Answer t = check(e->getThen(), unite(prior, c.caps));
  if (t.ok)
    t.caps = unite(t.caps, c.caps);
  Answer f = check(e->getElse(), prior);
  if (!t.type || !f.type)
    return failure(nullptr);
  VTypeRef both = lub({t.type, f.type}, e->getRange(), "the branches of `if`");
  if (!both)
    return failure(nullptr);
  return after(c, after(t, after(f, success(both, intersect(f.caps, t.caps)))));
}

Answer Typechecker::checkEq(const ast::Binary *e, const Caps &prior) {
  Answer l = check(e->getLhs(), prior);
  Answer r = check(e->getRhs(), prior);
  VTypeRef result = VType::getBool();
  if (l.type && r.type && areDisjoint(*l.type, *r.type)) {
    result = VType::getFalse();
  } else {
    // Literals (and `action`, fixed by the environment) compare statically.
    auto literalKey = [&](const ast::Expr *x, std::string &key) {
      std::string t, i;
      if (llvm::isa<ast::Var>(x) && getLiteralUid(x, t, i)) {
        key = "E" + quoted(t) + quoted(i);
        return true;
      }
      if (!isLiteral(x))
        return false;
      key = keyOf(x);
      return true;
    };
    std::string lk, rk;
    if (literalKey(e->getLhs(), lk) && literalKey(e->getRhs(), rk))
      result = VType::getSingleton(lk == rk);
  }
  bool ok = true;
  if (result->getKind() == VKind::Bool && l.type && r.type &&
      !leastUpperBound(l.type, r.type)) {
    error(DiagCode::ValidateIncompatibleTypes, e->getRange(),
          "the operands of `" + getBinaryOpSpelling(e->getOp()).str() +
              "` have incompatible types `" + l.type->str() + "` and `" + r.type->str() + "`",
          "in strict validation both sides must have the same type");
    ok = false;
  }
  if (e->getOp() == ast::BinaryOp::NotEq)
    result = isKind(result, VKind::True)    ? VType::getFalse()
             : isKind(result, VKind::False) ? VType::getTrue()
                                            : result;
  Answer out = success(result);
  out.ok = ok;
  return after(l, after(r, std::move(out)));
}

Answer Typechecker::checkCompare(const ast::Binary *e, const Caps &prior) {
  Answer l = check(e->getLhs(), prior);
  Answer r = check(e->getRhs(), prior);
  Answer out = success(VType::getBool());
  auto valid = [](const VType &t) {
    return t.getKind() == VKind::Long ||
           (t.getKind() == VKind::Extension &&
            (t.getExtensionKind() == ExtensionKind::Datetime ||
             t.getExtensionKind() == ExtensionKind::Duration));
  };
  if (!l.type || !r.type) {
    out.ok = false;
  } else if (!(equal(*l.type, *r.type) && valid(*l.type))) {
    const ast::Expr *bad = valid(*l.type) ? e->getRhs() : e->getLhs();
    const VType &badType = valid(*l.type) ? *r.type : *l.type;
    std::string want = valid(*l.type) ? "`" + l.type->str() + "`"
                       : valid(*r.type) ? "`" + r.type->str() + "`"
                                        : "`Long`, `datetime` or `duration`";
    error(DiagCode::ValidateUnexpectedType, bad->getRange(),
          "expected " + want + ", found `" + badType.str() + "`",
          badType.getKind() == VKind::Extension &&
                  badType.getExtensionKind() == ExtensionKind::Decimal
              ? "compare decimals with `.lessThan(...)` and the other decimal methods"
              : "");
    out.ok = false;
  }
  return after(l, after(r, std::move(out)));
}

Answer Typechecker::checkIn(const ast::Expr *lhs, const ast::Expr *rhs, SourceRange range,
                            const Caps &prior) {
  Answer l = expect(lhs, VType::getAnyEntity(), prior,
                    "`in` tests entity membership; for sets use `.contains(...)`");
  Answer r = expectOneOf(check(rhs, prior),
                         {VType::getSet(VType::getAnyEntity()), VType::getAnyEntity()},
                         rhs->getRange());
  if (!l.ok || !r.ok)
    return failure(VType::getBool());

  std::string lt, li;
  if (getLiteralUid(lhs, lt, li) && isActionTypeName(lt)) {
    std::vector<schema::ActionUid> rhsUids;
    bool allLiterals = true;
    auto addUid = [&](const ast::Expr *x) {
      std::string t, i;
      if (!getLiteralUid(x, t, i))
        allLiterals = false;
      else if (isActionTypeName(t))
        rhsUids.push_back({t, i});
    };
    if (auto *set = llvm::dyn_cast<ast::SetLit>(rhs))
      for (const ast::Expr *x : set->getElements())
        addUid(x);
    else
      addUid(rhs);
    if (allLiterals) {
      if (rhsUids.empty())
        return success(VType::getFalse());
      auto members = index.getActionsInSet(rhsUids);
      if (!members)
        return failure(VType::getBool());
      return success(VType::getSingleton(members->count({lt, li}) != 0));
    }
  }
  const VType *lhsEty = isKind(l.type, VKind::Entity) ? l.type.get() : nullptr;
  const VType *rhsEty = nullptr;
  if (isKind(r.type, VKind::Entity))
    rhsEty = r.type.get();
  else if (isKind(r.type, VKind::Set) && isKind(r.type->getElement(), VKind::Entity))
    rhsEty = r.type->getElement().get();
  if (lhsEty && rhsEty && !index.mayBeIn(lhsEty->getEntityName(), rhsEty->getEntityName()))
    return success(VType::getFalse());
  return success(VType::getBool());
}

Answer Typechecker::getAttrOn(Answer object, const std::string &objectKey,
                              llvm::function_ref<std::string()> objectText,
                              llvm::StringRef attr, SourceRange range, const Caps &prior) {
  Answer obj = expectOneOf(std::move(object), {VType::getAnyEntity(), VType::getAnyRecord()},
                           range);
  if (!obj.type)
    return failure(nullptr);
  const VType &t = *obj.type;
  VTypeRef shape = t.getKind() == VKind::Record   ? obj.type
                   : t.getKind() == VKind::Entity ? index.getShape(t.getEntityName())
                                                  : nullptr;
  const VAttr *a = shape ? shape->getAttribute(attr) : nullptr;
  if (!a) {
    std::string suggestion = shape ? suggestName(attr, shape->getAttributes()) : "";
    error(DiagCode::ValidateUnknownAttribute, range,
          "attribute `" + escapeForMessage(attr) + "` not found on " + describe(t),
          suggestion.empty() ? "" : "did you mean `" + suggestion + "`?");
    return failure(nullptr);
  }
  if (a->required || prior.count(attrCap(objectKey, attr)))
    return after(obj, success(a->type));
  error(DiagCode::ValidateOptionalAttribute, range,
        "attribute `" + escapeForMessage(attr) + "` of " + describe(t) +
            " is optional and may be missing here",
        "test it first: `" + escapeForMessage(objectText()) + " has " + hasOperand(attr) +
            " && ...`, or read it in the `then` branch of an `if` that tests it");
  return failure(a->type);
}

Answer Typechecker::hasAttrOn(Answer object, const std::string &objectKey,
                              llvm::StringRef attr, SourceRange objectRange,
                              const Caps &prior) {
  Answer obj = expectOneOf(std::move(object), {VType::getAnyEntity(), VType::getAnyRecord()},
                           objectRange);
  if (!obj.type)
    return failure(VType::getBool());
  const VType &t = *obj.type;
  VTypeRef shape = t.getKind() == VKind::Record   ? obj.type
                   : t.getKind() == VKind::Entity ? index.getShape(t.getEntityName())
                                                  : nullptr;
  const VAttr *a = shape ? shape->getAttribute(attr) : nullptr;
  std::string cap = attrCap(objectKey, attr);
  if (a) {
    bool known = (a->required && t.getKind() == VKind::Record) || prior.count(cap);
    return after(obj, success(known ? VType::getTrue() : VType::getBool(), {cap}));
  }
  // An attribute no record or entity of this type has: `has` is false,
  // unless the type is open (any entity, any record).
  bool mayHave = t.getKind() == VKind::AnyEntity || (t.getKind() == VKind::Record && t.isOpen());
  return after(obj, success(mayHave ? VType::getBool() : VType::getFalse()));
}

Answer Typechecker::checkAttrChain(const ast::Expr *object, llvm::ArrayRef<llvm::StringRef> path,
                                   SourceRange range, const Caps &prior) {
  Answer a = check(object, prior);
  std::string key = keyOf(object);
  for (size_t i = 0; i < path.size(); ++i) {
    auto text = [&] {
      std::string out = ast::print(*object);
      for (llvm::StringRef p : path.take_front(i))
        out += ast::isValidIdentifier(p) ? "." + p.str() : "[" + schema::quoteString(p) + "]";
      return out;
    };
    a = getAttrOn(std::move(a), key, text, path[i], range, prior);
    key = getAttrKey(key, path[i]);
  }
  return a;
}

// `e has a.b.c` means `e has a && (e.a has b && e.a.b has c)`.
Answer Typechecker::checkHasPath(const ast::Has *e, size_t step, const Caps &prior) {
  llvm::ArrayRef<llvm::StringRef> path = e->getPath();
  auto testStep = [&](const Caps &c) {
    Answer obj = checkAttrChain(e->getObject(), path.take_front(step), e->getRange(), c);
    std::string key = keyOf(e->getObject());
    for (llvm::StringRef p : path.take_front(step))
      key = getAttrKey(key, p);
    return hasAttrOn(std::move(obj), key, path[step], e->getObject()->getRange(), c);
  };
  if (step + 1 == path.size())
    return testStep(prior);
  return conjoin(
      testStep(prior), [&](const Caps &c) { return checkHasPath(e, step + 1, c); }, prior);
}

Answer Typechecker::checkIs(const ast::Is *e, const Caps &prior) {
  auto isTest = [&](const Caps &c) {
    Answer a = expect(e->getObject(), VType::getAnyEntity(), c,
                      "`is` tests the type of an entity");
    if (!a.type)
      return failure(VType::getBool());
    std::string want = e->getType().str();
    VTypeRef t = a.type->getKind() == VKind::AnyEntity ? VType::getBool()
                 : a.type->getEntityName() == want      ? VType::getTrue()
                                                        : VType::getFalse();
    return after(a, success(t));
  };
  if (!e->getIn())
    return isTest(prior);
  Answer l = isTest(prior);
  if (isKind(l.type, VKind::False))
    return after(l, success(l.type));
  Answer r = checkIn(e->getObject(), e->getIn(), e->getRange(), unite(prior, l.caps));
  if (!l.type || !r.type)
    return failure(VType::getBool());
  Answer out;
  if (isKind(r.type, VKind::False))
    out = success(VType::getFalse());
  else if (isKind(l.type, VKind::True))
    out = success(r.type, r.caps);
  else
    out = success(isKind(r.type, VKind::True) ? l.type : VType::getBool(),
                  unite(l.caps, r.caps));
  return after(l, after(r, std::move(out)));
}

Answer Typechecker::checkSet(const ast::SetLit *e, const Caps &prior) {
  std::vector<VTypeRef> types;
  bool ok = true, allTyped = true;
  for (const ast::Expr *x : e->getElements()) {
    Answer a = check(x, prior);
    ok = ok && a.ok;
    if (a.type)
      types.push_back(a.type);
    else
      allTyped = false;
  }
  VTypeRef elem = allTyped ? lub(types, e->getRange(), "the elements of the set") : nullptr;
  if (e->getElements().empty()) {
    error(DiagCode::ValidateEmptySet, e->getRange(),
          "empty set literals are not allowed in strict validation",
          "the type of `[]` cannot be known; compare with `.isEmpty()` instead");
    return failure(nullptr);
  }
  if (!elem)
    return failure(nullptr);
  Answer out = success(VType::getSet(elem));
  out.ok = ok;
  return out;
}

Answer Typechecker::checkRecord(const ast::RecordLit *e, const Caps &prior) {
  std::vector<VAttr> attrs;
  bool ok = true, allTyped = true;
  for (const ast::RecordEntry &r : e->getEntries()) {
    Answer a = check(r.value, prior);
    ok = ok && a.ok;
    if (!a.type)
      allTyped = false;
    else
      attrs.push_back({r.key.str(), a.type, true});
  }
  if (!allTyped)
    return failure(nullptr);
  Answer out = success(VType::getRecord(std::move(attrs)));
  out.ok = ok;
  return out;
}

} // namespace larch::validate
