// Validation phase: types one policy condition in one request environment
// (principal type, action, resource type, context type). Entry point:
// `Typechecker::checkCondition`. Depends on the AST, the schema model and
// vtype.h; knows nothing about policy scopes (validate.cpp turns those into
// expressions first, as Cedar does).
//
// The rules are Cedar's strict-mode typing rules (validator/typecheck.rs):
// every expression gets a type or none (after an error); `&&`, `||` and `if`
// use singleton boolean types to skip branches that can never run, and carry
// "capabilities" (`e has a`, `e.hasTag(k)` known true) to the places those
// tests guard. Capabilities name expressions by their shape (`keyOf`), so
// `principal.a` written twice is the same expression.
#ifndef LARCH_COMPILER_VALIDATE_TYPECHECK_H
#define LARCH_COMPILER_VALIDATE_TYPECHECK_H

#include "compiler/validate/schema_index.h"
#include "compiler/validate/vtype.h"
#include "grammar/ast.h"
#include "support/diagnostic_engine.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <set>
#include <string>
#include <vector>

namespace larch::validate {

/// The entity types a template slot is linked to in one environment.
inline constexpr llvm::StringLiteral PrincipalSlotMarker = "?principal";
inline constexpr llvm::StringLiteral ResourceSlotMarker = "?resource";

/// One combination of request types a policy is checked under.
struct RequestEnv {
  const schema::Action *action = nullptr;
  std::string principal; ///< entity type
  std::string resource;  ///< entity type
  VTypeRef context;      ///< a closed record
  /// Types of `?principal` / `?resource` in this environment ("" if unused).
  std::string principalSlot, resourceSlot;
};

/// A problem found while typing; the policy validator reports it (once, even
/// if several environments find it).
struct TypeError {
  DiagCode code;
  SourceRange range;
  std::string message;
  std::string help;
};

/// What typing an expression produced: its type (null after an error that
/// leaves it unknown), whether it typed without error, and the capabilities
/// known to hold when it evaluates to true.
struct Answer {
  VTypeRef type;
  bool ok = true;
  std::set<std::string> caps;
};

class Typechecker {
public:
  Typechecker(const SchemaIndex &index, const RequestEnv &env,
              std::vector<TypeError> &errors)
      : index(index), env(env), errors(errors) {}

  /// Types `condition`, which must be a boolean. Returns its answer; the
  /// policy cannot apply in this environment when the type is `false`.
  Answer checkCondition(const ast::Expr *condition);

  /// The shape key of an expression: equal for expressions Cedar considers
  /// the same (`e.a` and `e["a"]`, `a != b` and `!(a == b)`).
  static std::string keyOf(const ast::Expr *e);

private:
  Answer check(const ast::Expr *e, const std::set<std::string> &prior);
  Answer expectOneOf(Answer actual, llvm::ArrayRef<VTypeRef> expected,
                     SourceRange range, llvm::StringRef help = "");
  Answer expect(const ast::Expr *e, const VTypeRef &expected,
                const std::set<std::string> &prior, llvm::StringRef help = "");

  Answer checkVar(const ast::Var *v);
  Answer checkEntityLit(const ast::EntityLit *lit);
  Answer checkIf(const ast::If *e, const std::set<std::string> &prior);
  template <typename RightFn>
  Answer checkAnd(const ast::Expr *left, RightFn right, const std::set<std::string> &prior);
  /// `l && right(...)`, where `l` is already checked: Cedar's typing of `&&`
  /// (a False left skips the right; True and False operands refine the type).
  template <typename RightFn>
  Answer conjoin(Answer l, RightFn right, const std::set<std::string> &prior);
  Answer checkOr(const ast::Binary *e, const std::set<std::string> &prior);
  Answer checkNot(const ast::Expr *operand, const std::set<std::string> &prior);
  Answer checkEq(const ast::Binary *e, const std::set<std::string> &prior);
  Answer checkCompare(const ast::Binary *e, const std::set<std::string> &prior);
  Answer checkIn(const ast::Expr *lhs, const ast::Expr *rhs, SourceRange range,
                 const std::set<std::string> &prior);
  Answer checkHasPath(const ast::Has *e, size_t step, const std::set<std::string> &prior);
  Answer checkAttrChain(const ast::Expr *object, llvm::ArrayRef<llvm::StringRef> path,
                        SourceRange range, const std::set<std::string> &prior);
  /// `objectText` renders the object for help lines (only on errors).
  Answer getAttrOn(Answer object, const std::string &objectKey,
                   llvm::function_ref<std::string()> objectText, llvm::StringRef attr,
                   SourceRange range, const std::set<std::string> &prior);
  Answer hasAttrOn(Answer object, const std::string &objectKey, llvm::StringRef attr,
                   SourceRange objectRange, const std::set<std::string> &prior);
  Answer checkIs(const ast::Is *e, const std::set<std::string> &prior);
  Answer checkMethod(const ast::MethodCall *e, const std::set<std::string> &prior);
  Answer checkTag(const ast::MethodCall *e, bool isGet, const std::set<std::string> &prior);
  Answer checkExtension(llvm::StringRef name, llvm::ArrayRef<const ast::Expr *> args,
                        SourceRange range, const std::set<std::string> &prior);
  Answer checkSet(const ast::SetLit *e, const std::set<std::string> &prior);
  Answer checkRecord(const ast::RecordLit *e, const std::set<std::string> &prior);

  /// Entity uid written as a literal (or `action`, whose uid the environment
  /// fixes): type and id, or false.
  bool getLiteralUid(const ast::Expr *e, std::string &type, std::string &id) const;
  VTypeRef lub(llvm::ArrayRef<VTypeRef> types, SourceRange range, llvm::StringRef what);
  void error(DiagCode code, SourceRange range, std::string message, std::string help = "");
  std::string describe(const VType &objectType) const;

  const SchemaIndex &index;
  const RequestEnv &env;
  std::vector<TypeError> &errors;
  unsigned depth = 0;
};

} // namespace larch::validate

#endif // LARCH_COMPILER_VALIDATE_TYPECHECK_H
