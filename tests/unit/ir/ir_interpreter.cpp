// Test support: the IR interpreter (see ir_interpreter.h). Each case follows
// the matching case of the reference evaluator (compiler/reference/
// evaluator.cpp); operands are evaluated left to right and the first error
// wins.
#include "ir_interpreter.h"

#include "compiler/reference/evaluator.h"
#include "grammar/ast.h"
#include "runtime/extension_functions.h"

#include "llvm/Support/ErrorHandling.h"

#include <limits>

namespace larch::ir::testing {

using runtime::EntityUid;
using runtime::EvalResult;
using runtime::Value;
using runtime::ValueKind;

namespace {

EvalResult typeError(llvm::StringRef expected, const Value &got) {
  return EvalResult::error(runtime::typeErrorMessage(expected, got));
}

EvalResult inOp(const runtime::EntityView &entities, const Value &x, const Value &y) {
  if (!x.is(ValueKind::Entity))
    return typeError("entity", x);
  if (y.is(ValueKind::Entity))
    return Value::boolean(reference::entityIn(entities, x.getEntity(), y.getEntity()));
  if (!y.is(ValueKind::Set))
    return typeError("set or entity", y);
  for (const Value &el : y.getSet())
    if (!el.is(ValueKind::Entity))
      return typeError("entity", el);
  for (const Value &el : y.getSet())
    if (reference::entityIn(entities, x.getEntity(), el.getEntity()))
      return Value::boolean(true);
  return Value::boolean(false);
}

} // namespace

EvalResult IrInterpreter::evaluate(NodeId n) {
  if (!memo[n])
    memo[n] = eval(n);
  return *memo[n];
}

EvalResult IrInterpreter::evaluatePolicy(const Policy &p) {
  EvalResult r = evaluate(p.condition);
  if (r && !r->is(ValueKind::Bool))
    return typeError("bool", *r);
  return r;
}

EvalResult IrInterpreter::eval(NodeId n) {
  const Node &x = m.getNode(n);
  llvm::ArrayRef<NodeId> ops = m.getOperands(n);
  switch (x.op) {
  case Op::BoolLit:
    return Value::boolean(x.payload != 0);
  case Op::LongLit:
    return Value::integer(x.longValue);
  case Op::StringLit:
    return Value::string(m.getString(x.payload).str());
  case Op::EntityLit: {
    const EntityUidSym &e = m.getEntity(x.payload);
    return Value::entity(m.getType(e.type).str(), e.id);
  }
  case Op::Var:
    switch (static_cast<VarKind>(x.payload)) {
    case VarKind::Principal:
      return Value::entity(request.principal);
    case VarKind::Action:
      return Value::entity(request.action);
    case VarKind::Resource:
      return Value::entity(request.resource);
    case VarKind::Context:
      return request.context;
    }
    llvm_unreachable("unknown variable");
  case Op::Not: {
    EvalResult v = evaluate(ops[0]);
    if (!v)
      return v;
    if (!v->is(ValueKind::Bool))
      return typeError("bool", *v);
    return Value::boolean(!v->getBool());
  }
  case Op::And:
  case Op::Or: {
    EvalResult l = evaluate(ops[0]);
    if (!l)
      return l;
    if (!l->is(ValueKind::Bool))
      return typeError("bool", *l);
    if (l->getBool() == (x.op == Op::Or))
      return l;
    EvalResult r = evaluate(ops[1]);
    if (!r)
      return r;
    if (!r->is(ValueKind::Bool))
      return typeError("bool", *r);
    return r;
  }
  case Op::If: {
    EvalResult c = evaluate(ops[0]);
    if (!c)
      return c;
    if (!c->is(ValueKind::Bool))
      return typeError("bool", *c);
    return evaluate(c->getBool() ? ops[1] : ops[2]);
  }
  case Op::Neg: {
    EvalResult v = evaluate(ops[0]);
    if (!v)
      return v;
    if (!v->is(ValueKind::Long))
      return typeError("long", *v);
    if (v->getLong() == std::numeric_limits<int64_t>::min())
      return EvalResult::error("integer overflow while attempting to negate the value " +
                               v->str());
    return Value::integer(-v->getLong());
  }
  case Op::Eq:
  case Op::Less:
  case Op::LessEq:
  case Op::In:
  case Op::Add:
  case Op::Sub:
  case Op::Mul: {
    EvalResult l = evaluate(ops[0]);
    if (!l)
      return l;
    EvalResult r = evaluate(ops[1]);
    if (!r)
      return r;
    const Value &a = *l, &b = *r;
    if (x.op == Op::Eq)
      return Value::boolean(a == b);
    if (x.op == Op::In)
      return inOp(entities, a, b);
    if (x.op == Op::Less || x.op == Op::LessEq) {
      bool comparable = (a.is(ValueKind::Long) && b.is(ValueKind::Long)) ||
                        (a.is(ValueKind::Datetime) && b.is(ValueKind::Datetime)) ||
                        (a.is(ValueKind::Duration) && b.is(ValueKind::Duration));
      if (!comparable) {
        if (a.is(ValueKind::Long) || a.is(ValueKind::Datetime) ||
            a.is(ValueKind::Duration))
          return typeError(runtime::getValueKindName(a.getKind()), b);
        return typeError("long, datetime or duration", a);
      }
      int c = runtime::compareValues(a, b);
      return Value::boolean(x.op == Op::Less ? c < 0 : c <= 0);
    }
    if (!a.is(ValueKind::Long))
      return typeError("long", a);
    if (!b.is(ValueKind::Long))
      return typeError("long", b);
    int64_t out;
    bool overflowed = x.op == Op::Add   ? __builtin_add_overflow(a.getLong(), b.getLong(), &out)
                      : x.op == Op::Sub ? __builtin_sub_overflow(a.getLong(), b.getLong(), &out)
                                        : __builtin_mul_overflow(a.getLong(), b.getLong(), &out);
    if (overflowed)
      return EvalResult::error("integer overflow");
    return Value::integer(out);
  }
  case Op::Has:
  case Op::GetAttr: {
    EvalResult v = evaluate(ops[0]);
    if (!v)
      return v;
    llvm::StringRef attr = m.getAttr(x.payload);
    const Value *field = nullptr;
    bool exists = false;
    if (v->is(ValueKind::Record)) {
      field = v->findField(attr);
      exists = field != nullptr;
    } else if (v->is(ValueKind::Entity)) {
      const runtime::Entity *e = entities.find(v->getEntity());
      if (!e && x.op == Op::GetAttr)
        return EvalResult::error("entity does not exist");
      if (e) {
        auto it = e->attrs.find(attr.str());
        exists = it != e->attrs.end();
        if (exists)
          field = &it->second;
      }
    } else {
      return typeError("record or entity", *v);
    }
    if (x.op == Op::Has)
      return Value::boolean(exists);
    if (!field)
      return EvalResult::error("missing attribute `" + attr.str() + "`");
    return *field;
  }
  case Op::Like: {
    EvalResult v = evaluate(ops[0]);
    if (!v)
      return v;
    if (!v->is(ValueKind::String))
      return typeError("string", *v);
    std::vector<ast::PatternElem> pattern;
    for (const PatternElem &p : m.getPattern(x.payload))
      pattern.push_back({p.isWildcard, p.literal});
    return Value::boolean(reference::matchesPattern(v->getString(), pattern));
  }
  case Op::Is: {
    EvalResult v = evaluate(ops[0]);
    if (!v)
      return v;
    if (!v->is(ValueKind::Entity))
      return typeError("entity", *v);
    return Value::boolean(v->getEntity().type == m.getType(x.payload));
  }
  case Op::Method:
  case Op::Call:
  case Op::Set:
  case Op::Record: {
    std::vector<Value> args;
    for (NodeId a : ops) {
      EvalResult v = evaluate(a);
      if (!v)
        return v;
      args.push_back(v.get());
    }
    if (x.op == Op::Set)
      return Value::set(std::move(args));
    if (x.op == Op::Record) {
      llvm::ArrayRef<SymbolId> keys = m.getRecordKeys(n);
      std::vector<runtime::RecordEntry> entries;
      for (size_t i = 0; i < args.size(); ++i)
        entries.emplace_back(m.getAttr(keys[i]).str(), std::move(args[i]));
      return Value::recordFromEntries(std::move(entries));
    }
    if (x.op == Op::Method)
      return evalMethod(n, std::move(args));
    llvm::StringRef name = m.getString(x.payload);
    const runtime::ExtensionFunctionInfo *fn = runtime::lookupExtensionFunction(name);
    if (!fn || !fn->isConstructor)
      return EvalResult::error("unknown extension function");
    return runtime::callExtensionFunction(*fn, args);
  }
  }
  llvm_unreachable("unknown op");
}

EvalResult IrInterpreter::evalMethod(NodeId n, std::vector<Value> args) {
  llvm::StringRef name = m.getString(m.getNode(n).payload);
  const Value &self = args[0];
  auto wrongArity = [&](size_t k) { return args.size() != k + 1; };
  if (name == "contains" || name == "containsAll" || name == "containsAny" ||
      name == "isEmpty") {
    if (wrongArity(name == "isEmpty" ? 0 : 1))
      return EvalResult::error("wrong number of arguments");
    if (!self.is(ValueKind::Set))
      return typeError("set", self);
    if (name == "isEmpty")
      return Value::boolean(self.getSet().empty());
    if (name == "contains")
      return Value::boolean(self.setContains(args[1]));
    if (!args[1].is(ValueKind::Set))
      return typeError("set", args[1]);
    bool all = name == "containsAll";
    for (const Value &v : args[1].getSet())
      if (self.setContains(v) != all)
        return Value::boolean(!all);
    return Value::boolean(all);
  }
  if (name == "hasTag" || name == "getTag") {
    if (wrongArity(1))
      return EvalResult::error("wrong number of arguments");
    if (!self.is(ValueKind::Entity))
      return typeError("entity", self);
    if (!args[1].is(ValueKind::String))
      return typeError("string", args[1]);
    const runtime::Entity *e = entities.find(self.getEntity());
    auto it = e ? e->tags.find(args[1].getString()) : decltype(e->tags.end())();
    bool found = e && it != e->tags.end();
    if (name == "hasTag")
      return Value::boolean(found);
    if (!found)
      return EvalResult::error("missing tag");
    return it->second;
  }
  const runtime::ExtensionFunctionInfo *fn = runtime::lookupExtensionFunction(name);
  if (!fn || fn->isConstructor)
    return EvalResult::error("unknown method");
  return runtime::callExtensionFunction(*fn, args);
}

IrDecision authorizeIr(const Module &m, const runtime::Request &request,
                       const runtime::EntityView &entities) {
  IrInterpreter interp(m, request, entities);
  IrDecision d;
  std::vector<std::string> permits, forbids;
  for (const Policy &p : m.getPolicies()) {
    EvalResult r = interp.evaluatePolicy(p);
    if (!r) {
      d.errors.push_back(p.id);
      continue;
    }
    if (r->getBool())
      (p.effect == Effect::Forbid ? forbids : permits).push_back(p.id);
  }
  if (!forbids.empty()) {
    d.reasons = std::move(forbids);
  } else if (!permits.empty()) {
    d.allow = true;
    d.reasons = std::move(permits);
  }
  return d;
}

} // namespace larch::ir::testing
