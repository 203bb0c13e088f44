// Grammar phase output: the AST, i.e. what the user wrote, with a half-open
// source range on every node. Nodes live in an arena owned by ast::Context and
// hold their children as ArrayRefs into it, so nodes are trivially destructible.
// Depends on support only; never on ANTLR (see grammar/ast_builder.cpp).
//
// AST = what was written: `a != b` stays `!=`, `a["b"]` stays an index, `has a.b`
// keeps its path. Desugaring happens in later phases. Locations never take part
// in equality (see ast_equal.cpp).
#ifndef LARCH_GRAMMAR_AST_H
#define LARCH_GRAMMAR_AST_H

#include "larch/diagnostic.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/StringSaver.h"

#include <cstdint>
#include <string>
#include <vector>

namespace larch::ast {

/// A possibly namespaced name such as `NS::User` (path ["NS", "User"]).
struct Name {
  llvm::ArrayRef<llvm::StringRef> path;
  SourceRange range;

  /// `NS::User`, segments joined by `::`.
  std::string str() const;
};

/// An entity reference literal `Type::"id"`; `id` is already unescaped.
struct EntityUid {
  Name type;
  llvm::StringRef id;
  SourceRange range;
};

enum class ExprKind {
  BoolLit,
  LongLit,
  StringLit,
  EntityLit,
  Var,
  Unary,
  Binary,
  If,
  Has,
  Like,
  Is,
  GetAttr,
  MethodCall,
  Call,
  SetLit,
  RecordLit,
};

class Expr {
public:
  ExprKind getKind() const { return kind; }
  SourceRange getRange() const { return range; }

protected:
  Expr(ExprKind kind, SourceRange range) : kind(kind), range(range) {}

private:
  ExprKind kind;
  SourceRange range;
};

class BoolLit : public Expr {
public:
  BoolLit(SourceRange r, bool value) : Expr(ExprKind::BoolLit, r), value(value) {}
  bool getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::BoolLit; }

private:
  bool value;
};

/// An integer literal. A unary `-` written directly before a literal is folded
/// into it (as Cedar does), so `-9223372036854775808` is one LongLit.
class LongLit : public Expr {
public:
  LongLit(SourceRange r, int64_t value) : Expr(ExprKind::LongLit, r), value(value) {}
  int64_t getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::LongLit; }

private:
  int64_t value;
};

/// A string literal, escapes already processed.
class StringLit : public Expr {
public:
  StringLit(SourceRange r, llvm::StringRef value)
      : Expr(ExprKind::StringLit, r), value(value) {}
  llvm::StringRef getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::StringLit; }

private:
  llvm::StringRef value;
};

class EntityLit : public Expr {
public:
  EntityLit(SourceRange r, EntityUid uid) : Expr(ExprKind::EntityLit, r), uid(uid) {}
  const EntityUid &getUid() const { return uid; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::EntityLit; }

private:
  EntityUid uid;
};

enum class VarKind { Principal, Action, Resource, Context };

class Var : public Expr {
public:
  Var(SourceRange r, VarKind var) : Expr(ExprKind::Var, r), var(var) {}
  VarKind getVar() const { return var; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::Var; }

private:
  VarKind var;
};

enum class UnaryOp { Not, Neg };

class Unary : public Expr {
public:
  Unary(SourceRange r, UnaryOp op, const Expr *operand)
      : Expr(ExprKind::Unary, r), op(op), operand(operand) {}
  UnaryOp getOp() const { return op; }
  const Expr *getOperand() const { return operand; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::Unary; }

private:
  UnaryOp op;
  const Expr *operand;
};

// ORDER BinaryOp: printer precedence table in ast_printer.cpp.
enum class BinaryOp {
  Or,
  And,
  Eq,
  NotEq,
  Less,
  LessEq,
  Greater,
  GreaterEq,
  In,
  Add,
  Sub,
  Mul,
};

class Binary : public Expr {
public:
  Binary(SourceRange r, BinaryOp op, const Expr *lhs, const Expr *rhs)
      : Expr(ExprKind::Binary, r), op(op), lhs(lhs), rhs(rhs) {}
  BinaryOp getOp() const { return op; }
  const Expr *getLhs() const { return lhs; }
  const Expr *getRhs() const { return rhs; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::Binary; }

private:
  BinaryOp op;
  const Expr *lhs;
  const Expr *rhs;
};

class If : public Expr {
public:
  If(SourceRange r, const Expr *cond, const Expr *thenExpr, const Expr *elseExpr)
      : Expr(ExprKind::If, r), cond(cond), thenExpr(thenExpr), elseExpr(elseExpr) {}
  const Expr *getCond() const { return cond; }
  const Expr *getThen() const { return thenExpr; }
  const Expr *getElse() const { return elseExpr; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::If; }

private:
  const Expr *cond;
  const Expr *thenExpr;
  const Expr *elseExpr;
};

/// `e has a` (path ["a"]), `e has "a b"` (path ["a b"]) or the extended
/// `e has a.b.c` (path ["a","b","c"]).
class Has : public Expr {
public:
  Has(SourceRange r, const Expr *object, llvm::ArrayRef<llvm::StringRef> path)
      : Expr(ExprKind::Has, r), object(object), path(path) {}
  const Expr *getObject() const { return object; }
  llvm::ArrayRef<llvm::StringRef> getPath() const { return path; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::Has; }

private:
  const Expr *object;
  llvm::ArrayRef<llvm::StringRef> path;
};

/// One element of a `like` pattern: a wildcard `*` or a run of literal text
/// (where `\*` has become `*`). Adjacent literals are merged, so a pattern has
/// one canonical element list.
struct PatternElem {
  bool isWildcard = false;
  llvm::StringRef literal; // empty for a wildcard
};

class Like : public Expr {
public:
  Like(SourceRange r, const Expr *object, llvm::ArrayRef<PatternElem> pattern)
      : Expr(ExprKind::Like, r), object(object), pattern(pattern) {}
  const Expr *getObject() const { return object; }
  llvm::ArrayRef<PatternElem> getPattern() const { return pattern; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::Like; }

private:
  const Expr *object;
  llvm::ArrayRef<PatternElem> pattern;
};

/// `e is T` or `e is T in x` (`in` may be null).
class Is : public Expr {
public:
  Is(SourceRange r, const Expr *object, Name type, const Expr *in)
      : Expr(ExprKind::Is, r), object(object), type(type), in(in) {}
  const Expr *getObject() const { return object; }
  const Name &getType() const { return type; }
  const Expr *getIn() const { return in; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::Is; }

private:
  const Expr *object;
  Name type;
  const Expr *in;
};

/// `e.attr` or `e["attr"]` (isIndex); both read an attribute.
class GetAttr : public Expr {
public:
  GetAttr(SourceRange r, const Expr *object, llvm::StringRef attr, bool isIndex)
      : Expr(ExprKind::GetAttr, r), object(object), attr(attr), index(isIndex) {}
  const Expr *getObject() const { return object; }
  llvm::StringRef getAttr() const { return attr; }
  bool isIndex() const { return index; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::GetAttr; }

private:
  const Expr *object;
  llvm::StringRef attr;
  bool index;
};

/// `receiver.method(args)`: built-in methods (`contains`, `getTag`, ...) and
/// extension methods (`lessThan`, `isInRange`, ...). The name is known-valid.
class MethodCall : public Expr {
public:
  MethodCall(SourceRange r, const Expr *receiver, llvm::StringRef method,
             llvm::ArrayRef<const Expr *> args)
      : Expr(ExprKind::MethodCall, r), receiver(receiver), method(method), args(args) {}
  const Expr *getReceiver() const { return receiver; }
  llvm::StringRef getMethod() const { return method; }
  llvm::ArrayRef<const Expr *> getArgs() const { return args; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::MethodCall; }

private:
  const Expr *receiver;
  llvm::StringRef method;
  llvm::ArrayRef<const Expr *> args;
};

/// An extension function call such as `ip("10.0.0.1")` or `decimal("1.5")`.
class Call : public Expr {
public:
  Call(SourceRange r, Name function, llvm::ArrayRef<const Expr *> args)
      : Expr(ExprKind::Call, r), function(function), args(args) {}
  const Name &getFunction() const { return function; }
  llvm::ArrayRef<const Expr *> getArgs() const { return args; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::Call; }

private:
  Name function;
  llvm::ArrayRef<const Expr *> args;
};

class SetLit : public Expr {
public:
  SetLit(SourceRange r, llvm::ArrayRef<const Expr *> elements)
      : Expr(ExprKind::SetLit, r), elements(elements) {}
  llvm::ArrayRef<const Expr *> getElements() const { return elements; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::SetLit; }

private:
  llvm::ArrayRef<const Expr *> elements;
};

struct RecordEntry {
  llvm::StringRef key; // unescaped when written as a string
  SourceRange keyRange;
  const Expr *value;
};

/// A record literal, entries in written order (keys are unique).
class RecordLit : public Expr {
public:
  RecordLit(SourceRange r, llvm::ArrayRef<RecordEntry> entries)
      : Expr(ExprKind::RecordLit, r), entries(entries) {}
  llvm::ArrayRef<RecordEntry> getEntries() const { return entries; }
  static bool classof(const Expr *e) { return e->getKind() == ExprKind::RecordLit; }

private:
  llvm::ArrayRef<RecordEntry> entries;
};

// ---------------------------------------------------------------- policies

enum class Effect { Permit, Forbid };
enum class SlotKind { Principal, Resource };

/// `@key("value")` or `@key` (hasValue false; Cedar treats the value as "").
struct Annotation {
  llvm::StringRef key;
  llvm::StringRef value;
  bool hasValue = false;
  SourceRange range;
};

/// The right-hand side of a principal/resource scope: an entity or a slot.
struct ScopeTarget {
  bool isSlot = false;
  SlotKind slot = SlotKind::Principal; // when isSlot
  EntityUid uid;                       // when !isSlot
  SourceRange range;
};

/// `principal`/`resource` scope: Any | `== t` | `in t` | `is T` | `is T in t`.
struct EntityScope {
  enum class Op { Any, Eq, In, Is, IsIn };
  Op op = Op::Any;
  Name type;          // for Is / IsIn
  ScopeTarget target; // for Eq / In / IsIn
  SourceRange range;
};

/// `action` scope: Any | `== uid` | `in uid` | `in [uid, ...]`.
struct ActionScope {
  enum class Op { Any, Eq, In, InList };
  Op op = Op::Any;
  llvm::ArrayRef<EntityUid> uids; // one for Eq / In, any number for InList
  SourceRange range;
};

struct Condition {
  bool isWhen = true; // false: `unless`
  const Expr *body = nullptr;
  SourceRange range;
};

struct Policy {
  llvm::ArrayRef<Annotation> annotations;
  Effect effect = Effect::Permit;
  SourceRange effectRange;
  EntityScope principal;
  ActionScope action;
  EntityScope resource;
  llvm::ArrayRef<Condition> conditions;
  SourceRange range;

  /// The id assigned at load time (see compiler/policy_loader.h); empty before.
  std::string id;

  /// True when a scope uses `?principal` or `?resource`.
  bool isTemplate() const;
  /// The annotation with this key, or null.
  const Annotation *findAnnotation(llvm::StringRef key) const;
};

/// Owns the arena every node of a parse lives in. Not copyable; nodes and
/// StringRefs obtained from it live exactly as long as it does.
class Context {
public:
  Context() : saver(arena) {}
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;

  template <typename T, typename... Args> T *make(Args &&...args) {
    static_assert(std::is_trivially_destructible_v<T>,
                  "arena nodes are never destroyed");
    return new (arena.Allocate<T>()) T(std::forward<Args>(args)...);
  }
  /// Copies `items` into the arena.
  template <typename T> llvm::ArrayRef<T> copy(llvm::ArrayRef<T> items) {
    if (items.empty())
      return {};
    T *mem = arena.Allocate<T>(items.size());
    std::uninitialized_copy(items.begin(), items.end(), mem);
    return {mem, items.size()};
  }
  /// Copies a string into the arena.
  llvm::StringRef save(llvm::StringRef s) { return saver.save(s); }

  size_t getBytesAllocated() const { return arena.getBytesAllocated(); }

private:
  llvm::BumpPtrAllocator arena;
  llvm::StringSaver saver;
};

/// The policies of one or more sources, in load order. Policies are owned by
/// the context (they hold std::string ids, so they are kept in a vector here).
struct PolicySet {
  std::vector<Policy> policies;
};

// ------------------------------------------------------------- utilities

/// Structural equality ignoring source ranges and policy ids: the round-trip
/// property is `equal(parse(print(parse(x))), parse(x))`.
bool equal(const Expr &a, const Expr &b);
bool equal(const Policy &a, const Policy &b);
bool equal(const PolicySet &a, const PolicySet &b);

/// Cedar's reserved identifiers, which cannot be attribute names, record keys
/// written bare, or name segments: true false if then else in has like is.
bool isReservedIdentifier(llvm::StringRef s);
/// True if `s` can be written bare as an identifier (`[_a-zA-Z][_a-zA-Z0-9]*`,
/// not reserved).
bool isValidIdentifier(llvm::StringRef s);

llvm::StringRef getVarName(VarKind v);
llvm::StringRef getBinaryOpSpelling(BinaryOp op);

} // namespace larch::ast

#endif // LARCH_GRAMMAR_AST_H
