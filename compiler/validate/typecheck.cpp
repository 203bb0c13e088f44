// Validation phase: Cedar's strict-mode typing of one condition in one
// request environment (see typecheck.h for the model).
//
// INVARIANT: an Answer with ok == false carries no capabilities (Cedar drops
// what a failed subexpression would have proved).
#include "compiler/validate/typecheck.h"

#include "runtime/extensions/datetime.h"
#include "runtime/extensions/decimal.h"
#include "runtime/extensions/ipaddr.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

namespace larch::validate {

using Caps = std::set<std::string>;
using schema::ExtensionKind;

namespace {

/// Deeper expressions are not typed (the parser's nesting limit is lower).
constexpr unsigned MaxDepth = 2000;

Caps unite(const Caps &a, const Caps &b) {
  Caps out = a;
  out.insert(b.begin(), b.end());
  return out;
}

Caps intersect(const Caps &a, const Caps &b) {
  Caps out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                        std::inserter(out, out.begin()));
  return out;
}

Answer success(VTypeRef type, Caps caps = {}) { return Answer{std::move(type), true, std::move(caps)}; }
Answer failure(VTypeRef type) { return Answer{std::move(type), false, {}}; }

/// `a` followed by a step that produced `b`: fails if either failed.
Answer after(const Answer &a, Answer b) {
  if (!a.ok) {
    b.ok = false;
    b.caps.clear();
  }
  return b;
}

std::string quoted(llvm::StringRef s) { return std::to_string(s.size()) + ":" + s.str(); }

std::string attrCap(const std::string &objectKey, llvm::StringRef attr) {
  return "a" + quoted(objectKey) + quoted(attr);
}
std::string tagCap(const std::string &objectKey, const std::string &tagKey) {
  return "t" + quoted(objectKey) + quoted(tagKey);
}
std::string getAttrKey(const std::string &objectKey, llvm::StringRef attr) {
  return ".(" + objectKey + "," + quoted(attr) + ")";
}

bool isKind(const VTypeRef &t, VKind k) { return t && t->getKind() == k; }

// Extension functions: argument and result types (Cedar's extension schemas).
struct ExtSignature {
  llvm::StringRef name;
  bool isMethod;
  std::vector<ExtensionKind> args; // a constructor takes one String instead
  bool constructor;
  enum class Result { Ext, Bool, Long } result;
  ExtensionKind resultExt;
};

const std::vector<ExtSignature> &getExtSignatures() {
  using R = ExtSignature::Result;
  using K = ExtensionKind;
  static const std::vector<ExtSignature> sigs = {
      {"decimal", false, {}, true, R::Ext, K::Decimal},
      {"ip", false, {}, true, R::Ext, K::IpAddr},
      {"datetime", false, {}, true, R::Ext, K::Datetime},
      {"duration", false, {}, true, R::Ext, K::Duration},
      {"lessThan", true, {K::Decimal, K::Decimal}, false, R::Bool, K::Decimal},
      {"lessThanOrEqual", true, {K::Decimal, K::Decimal}, false, R::Bool, K::Decimal},
      {"greaterThan", true, {K::Decimal, K::Decimal}, false, R::Bool, K::Decimal},
      {"greaterThanOrEqual", true, {K::Decimal, K::Decimal}, false, R::Bool, K::Decimal},
      {"isIpv4", true, {K::IpAddr}, false, R::Bool, K::IpAddr},
      {"isIpv6", true, {K::IpAddr}, false, R::Bool, K::IpAddr},
      {"isLoopback", true, {K::IpAddr}, false, R::Bool, K::IpAddr},
      {"isMulticast", true, {K::IpAddr}, false, R::Bool, K::IpAddr},
      {"isInRange", true, {K::IpAddr, K::IpAddr}, false, R::Bool, K::IpAddr},
      {"offset", true, {K::Datetime, K::Duration}, false, R::Ext, K::Datetime},
      {"durationSince", true, {K::Datetime, K::Datetime}, false, R::Ext, K::Duration},
      {"toDate", true, {K::Datetime}, false, R::Ext, K::Datetime},
      {"toTime", true, {K::Datetime}, false, R::Ext, K::Duration},
      {"toMilliseconds", true, {K::Duration}, false, R::Long, K::Duration},
      {"toSeconds", true, {K::Duration}, false, R::Long, K::Duration},
      {"toMinutes", true, {K::Duration}, false, R::Long, K::Duration},
      {"toHours", true, {K::Duration}, false, R::Long, K::Duration},
      {"toDays", true, {K::Duration}, false, R::Long, K::Duration},
  };
  return sigs;
}

/// Why the constructor literal `text` does not parse, or "".
std::string checkConstructorLiteral(ExtensionKind kind, llvm::StringRef text) {
  ext::ExtError err;
  switch (kind) {
  case ExtensionKind::Decimal:
    err = ext::Decimal::parse(text).error;
    break;
  case ExtensionKind::IpAddr:
    err = ext::IpAddr::parse(text).error;
    break;
  case ExtensionKind::Datetime:
    err = ext::Datetime::parse(text).error;
    break;
  case ExtensionKind::Duration:
    err = ext::Duration::parse(text).error;
    break;
  }
  return err.isError() ? ext::getExtErrorMessage(err, text) : std::string();
}

bool isLiteral(const ast::Expr *e) {
  switch (e->getKind()) {
  case ast::ExprKind::BoolLit:
  case ast::ExprKind::LongLit:
  case ast::ExprKind::StringLit:
    return true;
  case ast::ExprKind::EntityLit: {
    auto *lit = llvm::cast<ast::EntityLit>(e);
    return !(lit->getUid().type.path.size() == 1 &&
             lit->getUid().type.path[0].startswith("?"));
  }
  default:
    return false;
  }
}

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

} // namespace

// ------------------------------------------------------------------ keys

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
    return getAttrOn(check(g->getObject(), prior), keyOf(g->getObject()), g->getAttr(),
                     e->getRange(), prior);
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
  Answer l = expect(left, VType::getBool(), prior);
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
        "guard the access with a `has` test, e.g. `... has " + escapeForMessage(attr) +
            " && ...`");
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
  for (llvm::StringRef attr : path) {
    a = getAttrOn(std::move(a), key, attr, range, prior);
    key = getAttrKey(key, attr);
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
  // Inline `checkAnd` on two computed answers.
  Answer l = testStep(prior);
  if (isKind(l.type, VKind::False))
    return after(l, success(l.type));
  Answer r = checkHasPath(e, step + 1, unite(prior, l.caps));
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

Answer Typechecker::checkMethod(const ast::MethodCall *e, const Caps &prior) {
  llvm::StringRef m = e->getMethod();
  const ast::Expr *recv = e->getReceiver();
  if (m == "contains" || m == "containsAll" || m == "containsAny") {
    Answer s = expect(recv, VType::getSet(nullptr), prior,
                      "`contains` works on sets; for entities use `in`, for strings `like`");
    Answer x = m == "contains"
                   ? check(e->getArgs()[0], prior)
                   : expect(e->getArgs()[0], VType::getSet(nullptr), prior);
    Answer out = success(VType::getBool());
    VTypeRef a = m == "contains" ? (s.type ? s.type->getElement() : nullptr) : s.type;
    if (a && x.type && !leastUpperBound(a, x.type)) {
      error(DiagCode::ValidateIncompatibleTypes, e->getRange(),
            "`" + m.str() + "` compares `" + a->str() + "` with `" + x.type->str() +
                "`, which have no common type",
            "in strict validation the elements compared must have the same type");
      out.ok = false;
    }
    return after(s, after(x, std::move(out)));
  }
  if (m == "isEmpty") {
    Answer s = expect(recv, VType::getSet(nullptr), prior);
    return after(s, success(VType::getBool()));
  }
  if (m == "getTag" || m == "hasTag")
    return checkTag(e, m == "getTag", prior);
  llvm::SmallVector<const ast::Expr *> args;
  args.push_back(recv);
  args.append(e->getArgs().begin(), e->getArgs().end());
  return checkExtension(m, args, e->getRange(), prior);
}

Answer Typechecker::checkTag(const ast::MethodCall *e, bool isGet, const Caps &prior) {
  Answer obj = expect(e->getReceiver(), VType::getAnyEntity(), prior);
  Answer key = expect(e->getArgs()[0], VType::getString(), prior);
  if (!obj.type || !key.type)
    return failure(isGet ? nullptr : VType::getBool());
  std::vector<VTypeRef> tagTypes;
  if (obj.type->getKind() == VKind::Entity) {
    if (VTypeRef t = index.getTagType(obj.type->getEntityName()))
      tagTypes.push_back(t);
  } else {
    tagTypes = index.getAllTagTypes();
  }
  std::string cap = tagCap(keyOf(e->getReceiver()), keyOf(e->getArgs()[0]));
  bool guarded = prior.count(cap) != 0;
  if (!isGet) {
    VTypeRef t = tagTypes.empty() ? VType::getFalse()
                 : guarded        ? VType::getTrue()
                                  : VType::getBool();
    return after(obj, after(key, success(t, {cap})));
  }
  if (!guarded) {
    error(DiagCode::ValidateUnsafeTagAccess, e->getRange(),
          "a tag of " + describe(*obj.type) + " is read without checking that it exists",
          "guard the read with `.hasTag(...)` on the same entity and key, e.g. "
          "`e.hasTag(k) && e.getTag(k) ...`");
    return failure(nullptr);
  }
  if (tagTypes.empty()) {
    error(DiagCode::ValidateNoTags, e->getRange(),
          describe(*obj.type) + " has no tags");
    return failure(nullptr);
  }
  VTypeRef t = lub(tagTypes, e->getRange(), "the tags of the entity types");
  if (!t)
    return failure(nullptr);
  return after(obj, after(key, success(t)));
}

Answer Typechecker::checkExtension(llvm::StringRef name, llvm::ArrayRef<const ast::Expr *> args,
                                   SourceRange range, const Caps &prior) {
  const auto &sigs = getExtSignatures();
  auto it = std::find_if(sigs.begin(), sigs.end(),
                         [&](const ExtSignature &s) { return s.name == name; });
  if (it == sigs.end()) {
    error(DiagCode::ValidateUnknownFunction, range,
          "`" + escapeForMessage(name) + "` is not an extension function");
    for (const ast::Expr *a : args)
      check(a, prior);
    return failure(nullptr);
  }
  const ExtSignature &sig = *it;
  VTypeRef ret = sig.result == ExtSignature::Result::Bool   ? VType::getBool()
                 : sig.result == ExtSignature::Result::Long ? VType::getLong()
                                                            : VType::getExtension(sig.resultExt);
  size_t wantArgs = sig.constructor ? 1 : sig.args.size();
  bool failed = false;
  if (args.size() != wantArgs) {
    error(DiagCode::ValidateUnexpectedType, range,
          "`" + name.str() + "` takes " + std::to_string(wantArgs) + " argument(s), given " +
              std::to_string(args.size()));
    failed = true;
  }
  if (sig.constructor && !args.empty()) {
    if (auto *s = llvm::dyn_cast<ast::StringLit>(args[0])) {
      std::string why = checkConstructorLiteral(sig.resultExt, s->getValue());
      if (!why.empty()) {
        error(DiagCode::ValidateInvalidExtensionArgument, range, why);
        failed = true;
      }
    }
    if (!std::all_of(args.begin(), args.end(), isLiteral)) {
      error(DiagCode::ValidateNonLiteralExtension, range,
            "`" + name.str() + "` must be called with a literal string",
            "strict validation checks extension values when policies load, so their text "
            "must be written in the policy");
      failed = true;
    }
  }
  if (failed) {
    for (const ast::Expr *a : args)
      check(a, prior);
    return failure(ret);
  }
  bool ok = true;
  for (size_t i = 0; i < args.size(); ++i) {
    VTypeRef want = sig.constructor ? VType::getString() : VType::getExtension(sig.args[i]);
    Answer a = expect(args[i], want, prior);
    ok = ok && a.ok;
  }
  Answer out = success(ret);
  out.ok = ok;
  return out;
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
