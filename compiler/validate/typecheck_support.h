// Validation phase, internal to the typechecker's files (typecheck.cpp,
// typecheck_calls.cpp, expr_key.cpp): answer and capability helpers.
#ifndef LARCH_COMPILER_VALIDATE_TYPECHECK_SUPPORT_H
#define LARCH_COMPILER_VALIDATE_TYPECHECK_SUPPORT_H

#include "compiler/validate/typecheck.h"

#include <algorithm>
#include <iterator>

namespace larch::validate::detail {

using Caps = std::set<std::string>;

inline Caps unite(const Caps &a, const Caps &b) {
  Caps out = a;
  out.insert(b.begin(), b.end());
  return out;
}

inline Caps intersect(const Caps &a, const Caps &b) {
  Caps out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                        std::inserter(out, out.begin()));
  return out;
}

inline Answer success(VTypeRef type, Caps caps = {}) { return Answer{std::move(type), true, std::move(caps)}; }
inline Answer failure(VTypeRef type) { return Answer{std::move(type), false, {}}; }

/// `a` followed by a step that produced `b`: fails if either failed.
inline Answer after(const Answer &a, Answer b) {
  if (!a.ok) {
    b.ok = false;
    b.caps.clear();
  }
  return b;
}

inline std::string quoted(llvm::StringRef s) { return std::to_string(s.size()) + ":" + s.str(); }

inline std::string attrCap(const std::string &objectKey, llvm::StringRef attr) {
  return "a" + quoted(objectKey) + quoted(attr);
}
inline std::string tagCap(const std::string &objectKey, const std::string &tagKey) {
  return "t" + quoted(objectKey) + quoted(tagKey);
}
inline std::string getAttrKey(const std::string &objectKey, llvm::StringRef attr) {
  return ".(" + objectKey + "," + quoted(attr) + ")";
}

inline bool isKind(const VTypeRef &t, VKind k) { return t && t->getKind() == k; }

/// A literal (not a template slot placeholder).
inline bool isLiteral(const ast::Expr *e) {
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

} // namespace larch::validate::detail

#endif // LARCH_COMPILER_VALIDATE_TYPECHECK_SUPPORT_H
