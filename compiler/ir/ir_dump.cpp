// Compiler phase AST -> IR: the readable text form of an ir::Module, for
// golden tests and `larch compile --dump`. Entry point: dump (see ir.h).
// Depends on compiler/ir/ir.h and runtime/value.h (Cedar string quoting).
//
// The output depends only on the module's contents (ids are dense and
// assigned in lowering order), never on hash order:
//   symbols:
//     attr #0 `name`
//     type #0 `User`
//     entity #0 User::"alice"
//     string #0 "text"
//     pattern #0 "a*b" *
//   nodes:
//     %0 = var principal
//     %2 = eq %0, %1
//   policies:
//     policy0 permit principal == #0 action any resource any when %5
#include "compiler/ir/ir.h"

#include "runtime/value.h"

#include "llvm/Support/ErrorHandling.h"

namespace larch::ir {

// ORDER Op
llvm::StringRef getOpName(Op op) {
  switch (op) {
  case Op::BoolLit: return "bool";
  case Op::LongLit: return "long";
  case Op::StringLit: return "string";
  case Op::EntityLit: return "entity";
  case Op::Var: return "var";
  case Op::Not: return "not";
  case Op::And: return "and";
  case Op::Or: return "or";
  case Op::If: return "if";
  case Op::Neg: return "neg";
  case Op::Eq: return "eq";
  case Op::Less: return "lt";
  case Op::LessEq: return "le";
  case Op::In: return "in";
  case Op::Add: return "add";
  case Op::Sub: return "sub";
  case Op::Mul: return "mul";
  case Op::Has: return "has";
  case Op::GetAttr: return "getattr";
  case Op::Like: return "like";
  case Op::Is: return "is";
  case Op::Method: return "method";
  case Op::Call: return "call";
  case Op::Set: return "set";
  case Op::Record: return "record";
  }
  llvm_unreachable("unknown op");
}

namespace {

std::string patternText(llvm::ArrayRef<PatternElem> pattern) {
  // Literal runs quoted, wildcards as `*`: `"a*b" *` matches `a*b` then anything.
  std::string out;
  for (const PatternElem &e : pattern) {
    if (!out.empty())
      out += ' ';
    out += e.isWildcard ? std::string("*") : runtime::quoteCedarString(e.literal);
  }
  return out.empty() ? "\"\"" : out;
}

std::string varName(uint32_t v) {
  switch (static_cast<VarKind>(v)) {
  case VarKind::Principal: return "principal";
  case VarKind::Action: return "action";
  case VarKind::Resource: return "resource";
  case VarKind::Context: return "context";
  }
  llvm_unreachable("unknown variable");
}

std::string entityScopeText(const Module &m, const EntityScope &s, llvm::StringRef var) {
  std::string out = var.str();
  switch (s.op) {
  case EntityScope::Op::Any:
    return out + " any";
  case EntityScope::Op::Eq:
    return out + " == " + m.getEntityText(s.uid);
  case EntityScope::Op::In:
    return out + " in " + m.getEntityText(s.uid);
  case EntityScope::Op::Is:
    return out + " is " + m.getType(s.type).str();
  case EntityScope::Op::IsIn:
    return out + " is " + m.getType(s.type).str() + " in " + m.getEntityText(s.uid);
  }
  llvm_unreachable("unknown scope");
}

} // namespace

std::string dump(const Module &m) {
  std::string out = "symbols:\n";
  for (size_t i = 0; i < m.getNumAttrs(); ++i)
    out += "  attr #" + std::to_string(i) + " " +
           runtime::quoteCedarString(m.getAttr(static_cast<SymbolId>(i))) + "\n";
  for (size_t i = 0; i < m.getNumTypes(); ++i)
    out += "  type #" + std::to_string(i) + " " + m.getType(static_cast<SymbolId>(i)).str() +
           "\n";
  for (size_t i = 0; i < m.getNumEntities(); ++i)
    out += "  entity #" + std::to_string(i) + " " +
           m.getEntityText(static_cast<SymbolId>(i)) + "\n";
  for (size_t i = 0; i < m.getNumStrings(); ++i)
    out += "  string #" + std::to_string(i) + " " +
           runtime::quoteCedarString(m.getString(static_cast<SymbolId>(i))) + "\n";
  for (size_t i = 0; i < m.getNumPatterns(); ++i)
    out += "  pattern #" + std::to_string(i) + " " +
           patternText(m.getPattern(static_cast<uint32_t>(i))) + "\n";

  out += "nodes:\n";
  for (NodeId n = 0; n < m.getNodes().size(); ++n) {
    const Node &x = m.getNode(n);
    out += "  %" + std::to_string(n) + " = " + getOpName(x.op).str();
    switch (x.op) {
    case Op::BoolLit:
      out += x.payload ? " true" : " false";
      break;
    case Op::LongLit:
      out += " " + std::to_string(x.longValue);
      break;
    case Op::StringLit:
      out += " " + runtime::quoteCedarString(m.getString(x.payload));
      break;
    case Op::EntityLit:
      out += " " + m.getEntityText(x.payload);
      break;
    case Op::Var:
      out += " " + varName(x.payload);
      break;
    case Op::Has:
    case Op::GetAttr:
      out += " " + runtime::quoteCedarString(m.getAttr(x.payload));
      break;
    case Op::Like:
      out += " " + patternText(m.getPattern(x.payload));
      break;
    case Op::Is:
      out += " " + m.getType(x.payload).str();
      break;
    case Op::Method:
    case Op::Call:
      out += " " + m.getString(x.payload).str();
      break;
    case Op::Not:
    case Op::And:
    case Op::Or:
    case Op::If:
    case Op::Neg:
    case Op::Eq:
    case Op::Less:
    case Op::LessEq:
    case Op::In:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Set:
    case Op::Record:
      break;
    }
    llvm::ArrayRef<NodeId> ops = m.getOperands(n);
    llvm::ArrayRef<SymbolId> keys =
        x.op == Op::Record ? m.getRecordKeys(n) : llvm::ArrayRef<SymbolId>();
    for (size_t i = 0; i < ops.size(); ++i) {
      out += i == 0 ? " " : ", ";
      if (!keys.empty())
        out += runtime::quoteCedarString(m.getAttr(keys[i])) + ": ";
      out += "%" + std::to_string(ops[i]);
    }
    out += "\n";
  }

  out += "policies:\n";
  for (const Policy &p : m.getPolicies()) {
    out += "  " + p.id + (p.effect == Effect::Permit ? " permit " : " forbid ");
    out += entityScopeText(m, p.principal, "principal") + "; action";
    switch (p.action.op) {
    case ActionScope::Op::Any:
      out += " any";
      break;
    case ActionScope::Op::Eq:
      out += " == " + m.getEntityText(p.action.uids[0]);
      break;
    case ActionScope::Op::In: {
      out += " in [";
      for (size_t i = 0; i < p.action.uids.size(); ++i)
        out += (i ? ", " : "") + m.getEntityText(p.action.uids[i]);
      out += "]";
      break;
    }
    }
    out += "; " + entityScopeText(m, p.resource, "resource") + "; condition %" +
           std::to_string(p.condition) + "; body %" + std::to_string(p.body) + "\n";
  }
  return out;
}

} // namespace larch::ir
