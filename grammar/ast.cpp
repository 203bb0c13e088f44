// Grammar phase: small AST helpers (names, reserved words, lookups).
// Structural equality lives in ast_equal.cpp.
#include "grammar/ast.h"

#include "llvm/ADT/StringSwitch.h"

namespace larch::ast {

std::string Name::str() const {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i)
      out += "::";
    out += path[i].str();
  }
  return out;
}

bool Policy::isTemplate() const {
  auto hasSlot = [](const EntityScope &s) {
    return (s.op == EntityScope::Op::Eq || s.op == EntityScope::Op::In ||
            s.op == EntityScope::Op::IsIn) &&
           s.target.isSlot;
  };
  return hasSlot(principal) || hasSlot(resource);
}

const Annotation *Policy::findAnnotation(llvm::StringRef key) const {
  for (const Annotation &a : annotations)
    if (a.key == key)
      return &a;
  return nullptr;
}

bool isReservedIdentifier(llvm::StringRef s) {
  return llvm::StringSwitch<bool>(s)
      .Cases("true", "false", "if", "then", "else", true)
      .Cases("in", "has", "like", "is", true)
      .Default(false);
}

bool isValidIdentifier(llvm::StringRef s) {
  if (s.empty() || isReservedIdentifier(s))
    return false;
  auto isStart = [](char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  if (!isStart(s[0]))
    return false;
  for (char c : s.drop_front())
    if (!isStart(c) && !(c >= '0' && c <= '9'))
      return false;
  return true;
}

llvm::StringRef getVarName(VarKind v) {
  switch (v) {
  case VarKind::Principal:
    return "principal";
  case VarKind::Action:
    return "action";
  case VarKind::Resource:
    return "resource";
  case VarKind::Context:
    return "context";
  }
  return "principal";
}

llvm::StringRef getBinaryOpSpelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Or: return "||";
  case BinaryOp::And: return "&&";
  case BinaryOp::Eq: return "==";
  case BinaryOp::NotEq: return "!=";
  case BinaryOp::Less: return "<";
  case BinaryOp::LessEq: return "<=";
  case BinaryOp::Greater: return ">";
  case BinaryOp::GreaterEq: return ">=";
  case BinaryOp::In: return "in";
  case BinaryOp::Add: return "+";
  case BinaryOp::Sub: return "-";
  case BinaryOp::Mul: return "*";
  }
  return "==";
}

} // namespace larch::ast
