// Unit tests for grammar/ast_printer.cpp: ast::print and ast::dump on
// hand-built ASTs (every node kind, every parenthesisation rule, escaping,
// policies). Round trips through the parser live in round_trip_test.cpp.
#include "grammar/ast_printer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace larch::ast {
namespace {

/// Builds expressions in a Context with short calls; every node gets a
/// distinct dummy range so nothing can depend on ranges.
class Builder {
public:
  Context ctx;

  SourceRange r() { return {1, next, ++next}; }

  Name name(llvm::StringRef dotted) {
    std::vector<llvm::StringRef> parts;
    llvm::SmallVector<llvm::StringRef> split;
    dotted.split(split, "::");
    for (llvm::StringRef s : split)
      parts.push_back(ctx.save(s));
    return {ctx.copy(llvm::ArrayRef<llvm::StringRef>(parts)), r()};
  }
  EntityUid uid(llvm::StringRef type, llvm::StringRef id) {
    return {name(type), ctx.save(id), r()};
  }

  const Expr *b(bool v) { return ctx.make<BoolLit>(r(), v); }
  const Expr *n(int64_t v) { return ctx.make<LongLit>(r(), v); }
  const Expr *s(llvm::StringRef v) { return ctx.make<StringLit>(r(), ctx.save(v)); }
  const Expr *ent(llvm::StringRef type, llvm::StringRef id) {
    return ctx.make<EntityLit>(r(), uid(type, id));
  }
  const Expr *var(VarKind v) { return ctx.make<Var>(r(), v); }
  const Expr *principal() { return var(VarKind::Principal); }
  const Expr *context() { return var(VarKind::Context); }
  const Expr *x() { return attr(context(), "x"); }
  const Expr *y() { return attr(context(), "y"); }
  const Expr *z() { return attr(context(), "z"); }
  const Expr *notE(const Expr *e) { return ctx.make<Unary>(r(), UnaryOp::Not, e); }
  const Expr *neg(const Expr *e) { return ctx.make<Unary>(r(), UnaryOp::Neg, e); }
  const Expr *bin(BinaryOp op, const Expr *l, const Expr *rhs) {
    return ctx.make<Binary>(r(), op, l, rhs);
  }
  const Expr *ifE(const Expr *c, const Expr *t, const Expr *e) {
    return ctx.make<If>(r(), c, t, e);
  }
  const Expr *has(const Expr *e, std::initializer_list<llvm::StringRef> path) {
    std::vector<llvm::StringRef> p;
    for (llvm::StringRef s : path)
      p.push_back(ctx.save(s));
    return ctx.make<Has>(r(), e, ctx.copy(llvm::ArrayRef<llvm::StringRef>(p)));
  }
  /// Pattern from a list of pieces; "*" alone is a wildcard.
  const Expr *like(const Expr *e, std::initializer_list<llvm::StringRef> pieces) {
    std::vector<PatternElem> p;
    for (llvm::StringRef s : pieces)
      p.push_back(s == "*" ? PatternElem{true, {}} : PatternElem{false, ctx.save(s)});
    return ctx.make<Like>(r(), e, ctx.copy(llvm::ArrayRef<PatternElem>(p)));
  }
  const Expr *is(const Expr *e, llvm::StringRef type, const Expr *in = nullptr) {
    return ctx.make<Is>(r(), e, name(type), in);
  }
  const Expr *attr(const Expr *e, llvm::StringRef a, bool isIndex = false) {
    return ctx.make<GetAttr>(r(), e, ctx.save(a), isIndex);
  }
  const Expr *method(const Expr *e, llvm::StringRef m,
                     std::initializer_list<const Expr *> args = {}) {
    return ctx.make<MethodCall>(r(), e, ctx.save(m), list(args));
  }
  const Expr *call(llvm::StringRef f, std::initializer_list<const Expr *> args) {
    return ctx.make<Call>(r(), name(f), list(args));
  }
  const Expr *set(std::initializer_list<const Expr *> elems) {
    return ctx.make<SetLit>(r(), list(elems));
  }
  const Expr *rec(std::initializer_list<std::pair<llvm::StringRef, const Expr *>> es) {
    std::vector<RecordEntry> v;
    for (auto &[k, e] : es)
      v.push_back({ctx.save(k), r(), e});
    return ctx.make<RecordLit>(r(), ctx.copy(llvm::ArrayRef<RecordEntry>(v)));
  }

private:
  llvm::ArrayRef<const Expr *> list(std::initializer_list<const Expr *> items) {
    return ctx.copy(llvm::ArrayRef<const Expr *>(items.begin(), items.size()));
  }
  uint32_t next = 0;
};

using BO = BinaryOp;

class PrinterTest : public ::testing::Test {
protected:
  Builder a;
  std::string p(const Expr *e) { return print(*e); }
};

// ------------------------------------------------------------ literals

TEST_F(PrinterTest, Literals) {
  EXPECT_EQ(p(a.b(true)), "true");
  EXPECT_EQ(p(a.b(false)), "false");
  EXPECT_EQ(p(a.n(0)), "0");
  EXPECT_EQ(p(a.n(42)), "42");
  EXPECT_EQ(p(a.n(-5)), "-5");
  EXPECT_EQ(p(a.n(std::numeric_limits<int64_t>::max())), "9223372036854775807");
  EXPECT_EQ(p(a.n(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(p(a.s("hello")), "\"hello\"");
  EXPECT_EQ(p(a.s("")), "\"\"");
  EXPECT_EQ(p(a.ent("User", "alice")), "User::\"alice\"");
  EXPECT_EQ(p(a.ent("NS::Sub::User", "a\"b")), "NS::Sub::User::\"a\\\"b\"");
}

TEST_F(PrinterTest, Variables) {
  EXPECT_EQ(p(a.var(VarKind::Principal)), "principal");
  EXPECT_EQ(p(a.var(VarKind::Action)), "action");
  EXPECT_EQ(p(a.var(VarKind::Resource)), "resource");
  EXPECT_EQ(p(a.var(VarKind::Context)), "context");
}

TEST_F(PrinterTest, StringEscapes) {
  EXPECT_EQ(p(a.s("a\"b\\c")), R"("a\"b\\c")");
  EXPECT_EQ(p(a.s("\n\r\t")), R"("\n\r\t")");
  EXPECT_EQ(p(a.s(llvm::StringRef("a\0b", 3))), R"("a\0b")");
  EXPECT_EQ(p(a.s("\x01\x1f\x7f")), R"("\u{1}\u{1f}\u{7f}")");
  // A star is only special in patterns.
  EXPECT_EQ(p(a.s("a*b")), R"("a*b")");
  // Printable non-ASCII stays as UTF-8; C1 controls and line separators are
  // escaped so the text stays on one line.
  EXPECT_EQ(p(a.s("caf\xc3\xa9 \xe2\x9c\x93")), "\"caf\xc3\xa9 \xe2\x9c\x93\"");
  EXPECT_EQ(p(a.s("\xc2\x85|\xe2\x80\xa8|\xe2\x80\xa9")),
            R"("\u{85}|\u{2028}|\u{2029}")");
  EXPECT_EQ(p(a.s("'")), R"("'")");
}

TEST_F(PrinterTest, EntityIdEscapes) {
  EXPECT_EQ(p(a.ent("A", "x\ny\\")), R"(A::"x\ny\\")");
  EXPECT_EQ(p(a.ent("A", "")), R"(A::"")");
}

// ------------------------------------------------------------ compound nodes

TEST_F(PrinterTest, SetsRecordsCalls) {
  EXPECT_EQ(p(a.set({})), "[]");
  EXPECT_EQ(p(a.set({a.n(1), a.s("a"), a.set({a.b(true)})})), R"([1, "a", [true]])");
  EXPECT_EQ(p(a.rec({})), "{}");
  EXPECT_EQ(p(a.rec({{"a", a.n(1)}, {"b c", a.n(2)}})), R"({ a: 1, "b c": 2 })");
  EXPECT_EQ(p(a.call("ip", {a.s("10.0.0.1")})), R"(ip("10.0.0.1"))");
  EXPECT_EQ(p(a.call("NS::f", {})), "NS::f()");
  EXPECT_EQ(p(a.call("f", {a.n(1), a.n(2)})), "f(1, 2)");
  // Elements, values and arguments are full expressions: no parentheses.
  const Expr *cond = a.ifE(a.b(true), a.n(1), a.n(2));
  EXPECT_EQ(p(a.set({cond, a.bin(BO::Or, a.x(), a.y())})),
            "[if true then 1 else 2, context.x || context.y]");
  EXPECT_EQ(p(a.rec({{"k", cond}})), "{ k: if true then 1 else 2 }");
  EXPECT_EQ(p(a.call("f", {cond})), "f(if true then 1 else 2)");
  EXPECT_EQ(p(a.method(a.x(), "contains", {cond})),
            "context.x.contains(if true then 1 else 2)");
}

TEST_F(PrinterTest, RecordKeys) {
  // Reserved words, non-identifiers and __cedar names are quoted; positional
  // keywords are ordinary identifiers.
  EXPECT_EQ(p(a.rec({{"if", a.n(1)},
                     {"principal", a.n(2)},
                     {"", a.n(3)},
                     {"1a", a.n(4)},
                     {"__cedar", a.n(5)},
                     {"_x9", a.n(6)},
                     {"a\"b", a.n(7)}})),
            R"({ "if": 1, principal: 2, "": 3, "1a": 4, "__cedar": 5, _x9: 6, "a\"b": 7 })");
}

TEST_F(PrinterTest, AttributeAccess) {
  EXPECT_EQ(p(a.attr(a.principal(), "name")), "principal.name");
  EXPECT_EQ(p(a.attr(a.principal(), "name", /*isIndex=*/true)),
            R"(principal["name"])");
  // Names that cannot be written bare fall back to the index form.
  EXPECT_EQ(p(a.attr(a.principal(), "two words")), R"(principal["two words"])");
  EXPECT_EQ(p(a.attr(a.principal(), "in")), R"(principal["in"])");
  EXPECT_EQ(p(a.attr(a.principal(), "")), R"(principal[""])");
  EXPECT_EQ(p(a.attr(a.principal(), "__cedar")), R"(principal["__cedar"])");
  EXPECT_EQ(p(a.attr(a.principal(), "__cedar_x")), "principal.__cedar_x");
  EXPECT_EQ(p(a.attr(a.context(), "principal")), "context.principal");
  EXPECT_EQ(p(a.attr(a.attr(a.context(), "a"), "b", true)), R"(context.a["b"])");
  EXPECT_EQ(p(a.attr(a.ent("User", "a"), "x")), R"(User::"a".x)");
  EXPECT_EQ(p(a.attr(a.rec({{"a", a.n(1)}}), "a")), "{ a: 1 }.a");
  EXPECT_EQ(p(a.attr(a.set({}), "a")), "[].a");
  EXPECT_EQ(p(a.attr(a.n(5), "a")), "5.a");
  EXPECT_EQ(p(a.attr(a.s("s"), "a")), R"("s".a)");
}

TEST_F(PrinterTest, MethodCalls) {
  EXPECT_EQ(p(a.method(a.x(), "contains", {a.n(1)})), "context.x.contains(1)");
  EXPECT_EQ(p(a.method(a.x(), "isEmpty")), "context.x.isEmpty()");
  EXPECT_EQ(p(a.method(a.call("ip", {a.s("1.2.3.4")}), "isInRange",
                       {a.call("ip", {a.s("1.2.3.0/24")})})),
            R"(ip("1.2.3.4").isInRange(ip("1.2.3.0/24")))");
  EXPECT_EQ(p(a.attr(a.method(a.principal(), "getTag", {a.s("t")}), "f")),
            R"(principal.getTag("t").f)");
}

TEST_F(PrinterTest, HasLikeIs) {
  EXPECT_EQ(p(a.has(a.context(), {"a"})), "context has a");
  EXPECT_EQ(p(a.has(a.context(), {"a b"})), R"(context has "a b")");
  EXPECT_EQ(p(a.has(a.context(), {"if"})), R"(context has "if")");
  EXPECT_EQ(p(a.has(a.context(), {"principal"})), "context has principal");
  EXPECT_EQ(p(a.has(a.context(), {"a", "b", "c"})), "context has a.b.c");
  EXPECT_EQ(p(a.has(a.context(), {"a", "__cedar_b"})), "context has a.__cedar_b");
  EXPECT_EQ(p(a.has(a.context(), {"__cedar"})), R"(context has "__cedar")");

  EXPECT_EQ(p(a.like(a.x(), {"a", "*", "b"})), R"(context.x like "a*b")");
  EXPECT_EQ(p(a.like(a.x(), {"*"})), R"(context.x like "*")");
  EXPECT_EQ(p(a.like(a.x(), {})), R"(context.x like "")");
  EXPECT_EQ(p(a.like(a.x(), {"*", "*"})), R"(context.x like "**")");
  EXPECT_EQ(p(a.like(a.x(), {"a*b", "*", "\"\\\n"})),
            R"(context.x like "a\*b*\"\\\n")");

  EXPECT_EQ(p(a.is(a.principal(), "User")), "principal is User");
  EXPECT_EQ(p(a.is(a.principal(), "NS::User", a.ent("Group", "g"))),
            R"(principal is NS::User in Group::"g")");
}

// ------------------------------------------------------------ precedence

TEST_F(PrinterTest, LeftAssociativeChains) {
  EXPECT_EQ(p(a.bin(BO::Or, a.bin(BO::Or, a.x(), a.y()), a.z())),
            "context.x || context.y || context.z");
  EXPECT_EQ(p(a.bin(BO::Or, a.x(), a.bin(BO::Or, a.y(), a.z()))),
            "context.x || (context.y || context.z)");
  EXPECT_EQ(p(a.bin(BO::And, a.x(), a.bin(BO::And, a.y(), a.z()))),
            "context.x && (context.y && context.z)");
  EXPECT_EQ(p(a.bin(BO::Sub, a.bin(BO::Sub, a.n(1), a.n(2)), a.n(3))), "1 - 2 - 3");
  EXPECT_EQ(p(a.bin(BO::Sub, a.n(1), a.bin(BO::Sub, a.n(2), a.n(3)))), "1 - (2 - 3)");
  EXPECT_EQ(p(a.bin(BO::Sub, a.n(1), a.bin(BO::Add, a.n(2), a.n(3)))), "1 - (2 + 3)");
  EXPECT_EQ(p(a.bin(BO::Add, a.n(1), a.bin(BO::Sub, a.n(2), a.n(3)))), "1 + (2 - 3)");
  EXPECT_EQ(p(a.bin(BO::Mul, a.n(1), a.bin(BO::Mul, a.n(2), a.n(3)))), "1 * (2 * 3)");
  EXPECT_EQ(p(a.bin(BO::Mul, a.bin(BO::Mul, a.n(1), a.n(2)), a.n(3))), "1 * 2 * 3");
}

TEST_F(PrinterTest, MixedLevels) {
  // Tighter operands need nothing; looser ones need parentheses.
  EXPECT_EQ(p(a.bin(BO::Or, a.bin(BO::And, a.x(), a.y()), a.z())),
            "context.x && context.y || context.z");
  EXPECT_EQ(p(a.bin(BO::And, a.bin(BO::Or, a.x(), a.y()), a.z())),
            "(context.x || context.y) && context.z");
  EXPECT_EQ(p(a.bin(BO::And, a.x(), a.bin(BO::Or, a.y(), a.z()))),
            "context.x && (context.y || context.z)");
  EXPECT_EQ(p(a.bin(BO::Add, a.n(1), a.bin(BO::Mul, a.n(2), a.n(3)))), "1 + 2 * 3");
  EXPECT_EQ(p(a.bin(BO::Mul, a.bin(BO::Add, a.n(1), a.n(2)), a.n(3))), "(1 + 2) * 3");
  EXPECT_EQ(p(a.bin(BO::Mul, a.n(3), a.bin(BO::Add, a.n(1), a.n(2)))), "3 * (1 + 2)");
  EXPECT_EQ(p(a.bin(BO::Less, a.bin(BO::Add, a.n(1), a.n(2)), a.n(3))), "1 + 2 < 3");
  EXPECT_EQ(p(a.bin(BO::Add, a.bin(BO::Less, a.n(1), a.n(2)), a.n(3))), "(1 < 2) + 3");
  EXPECT_EQ(p(a.bin(BO::And, a.bin(BO::Eq, a.x(), a.n(1)), a.bin(BO::NotEq, a.y(), a.n(2)))),
            "context.x == 1 && context.y != 2");
}

TEST_F(PrinterTest, RelationsAreNonAssociative) {
  const BO rels[] = {BO::Eq,      BO::NotEq,   BO::Less, BO::LessEq,
                     BO::Greater, BO::GreaterEq, BO::In};
  for (BO op : rels) {
    std::string s = getBinaryOpSpelling(op).str();
    EXPECT_EQ(p(a.bin(op, a.x(), a.y())), "context.x " + s + " context.y");
    EXPECT_EQ(p(a.bin(op, a.bin(op, a.x(), a.y()), a.z())),
              "(context.x " + s + " context.y) " + s + " context.z");
    EXPECT_EQ(p(a.bin(op, a.x(), a.bin(op, a.y(), a.z()))),
              "context.x " + s + " (context.y " + s + " context.z)");
    EXPECT_EQ(p(a.bin(op, a.has(a.context(), {"a"}), a.b(true))),
              "(context has a) " + s + " true");
    EXPECT_EQ(p(a.bin(op, a.b(true), a.like(a.x(), {"a"}))),
              "true " + s + " (context.x like \"a\")");
  }
  // Relations as operands of has/like/is, and the other way round.
  EXPECT_EQ(p(a.has(a.bin(BO::Eq, a.x(), a.y()), {"a"})),
            "(context.x == context.y) has a");
  EXPECT_EQ(p(a.like(a.has(a.x(), {"a"}), {"b"})), R"((context.x has a) like "b")");
  EXPECT_EQ(p(a.is(a.is(a.principal(), "A"), "B")), "(principal is A) is B");
  EXPECT_EQ(p(a.is(a.principal(), "A", a.bin(BO::In, a.x(), a.y()))),
            "principal is A in (context.x in context.y)");
  EXPECT_EQ(p(a.bin(BO::In, a.is(a.principal(), "A"), a.x())),
            "(principal is A) in context.x");
  EXPECT_EQ(p(a.bin(BO::In, a.is(a.principal(), "A", a.y()), a.x())),
            "(principal is A in context.y) in context.x");
  // Additive operands need nothing.
  EXPECT_EQ(p(a.is(a.bin(BO::Add, a.x(), a.n(1)), "A", a.bin(BO::Sub, a.y(), a.n(1)))),
            "context.x + 1 is A in context.y - 1");
  EXPECT_EQ(p(a.has(a.bin(BO::Add, a.x(), a.n(1)), {"a"})), "context.x + 1 has a");
  EXPECT_EQ(p(a.like(a.bin(BO::Mul, a.x(), a.n(1)), {"*"})),
            R"(context.x * 1 like "*")");
  // Relations in && and || need nothing.
  EXPECT_EQ(p(a.bin(BO::And, a.has(a.context(), {"a"}), a.bin(BO::Eq, a.x(), a.n(1)))),
            "context has a && context.x == 1");
}

TEST_F(PrinterTest, IfThenElse) {
  const Expr *cond = a.ifE(a.x(), a.y(), a.z());
  EXPECT_EQ(p(cond), "if context.x then context.y else context.z");
  // Nested in any operand position of a binary operator: parentheses.
  EXPECT_EQ(p(a.bin(BO::And, cond, a.b(true))),
            "(if context.x then context.y else context.z) && true");
  EXPECT_EQ(p(a.bin(BO::Or, a.b(true), cond)),
            "true || (if context.x then context.y else context.z)");
  EXPECT_EQ(p(a.bin(BO::Add, a.n(1), cond)),
            "1 + (if context.x then context.y else context.z)");
  EXPECT_EQ(p(a.notE(cond)), "!(if context.x then context.y else context.z)");
  EXPECT_EQ(p(a.attr(cond, "a")), "(if context.x then context.y else context.z).a");
  EXPECT_EQ(p(a.has(cond, {"a"})), "(if context.x then context.y else context.z) has a");
  // In its own parts: nothing.
  EXPECT_EQ(p(a.ifE(cond, cond, cond)),
            "if if context.x then context.y else context.z then if context.x then "
            "context.y else context.z else if context.x then context.y else context.z");
  EXPECT_EQ(p(a.ifE(a.bin(BO::Or, a.x(), a.y()), a.n(1), a.bin(BO::Add, a.n(1), a.n(2)))),
            "if context.x || context.y then 1 else 1 + 2");
}

TEST_F(PrinterTest, Unary) {
  EXPECT_EQ(p(a.notE(a.x())), "!context.x");
  EXPECT_EQ(p(a.neg(a.x())), "-context.x");
  EXPECT_EQ(p(a.notE(a.method(a.x(), "isEmpty"))), "!context.x.isEmpty()");
  EXPECT_EQ(p(a.notE(a.bin(BO::And, a.x(), a.y()))), "!(context.x && context.y)");
  EXPECT_EQ(p(a.notE(a.bin(BO::Eq, a.x(), a.y()))), "!(context.x == context.y)");
  EXPECT_EQ(p(a.neg(a.bin(BO::Mul, a.x(), a.y()))), "-(context.x * context.y)");
  EXPECT_EQ(p(a.attr(a.notE(a.x()), "a")), "(!context.x).a");
  EXPECT_EQ(p(a.bin(BO::Mul, a.neg(a.x()), a.neg(a.y()))), "-context.x * -context.y");
  EXPECT_EQ(p(a.bin(BO::Sub, a.x(), a.neg(a.y()))), "context.x - -context.y");
  EXPECT_EQ(p(a.notE(a.b(true))), "!true");
  EXPECT_EQ(p(a.notE(a.n(5))), "!5");
}

TEST_F(PrinterTest, StackedUnary) {
  EXPECT_EQ(p(a.notE(a.notE(a.x()))), "!!context.x");
  EXPECT_EQ(p(a.neg(a.neg(a.neg(a.neg(a.x()))))), "----context.x");
  EXPECT_EQ(p(a.notE(a.notE(a.notE(a.notE(a.notE(a.x())))))), "!!!!(!context.x)");
  const Expr *e = a.x();
  for (int i = 0; i < 9; ++i)
    e = a.neg(e);
  EXPECT_EQ(p(e), "----(----(-context.x))");
  // `!` and `-` never share a run.
  EXPECT_EQ(p(a.notE(a.neg(a.x()))), "!(-context.x)");
  EXPECT_EQ(p(a.neg(a.notE(a.x()))), "-(!context.x)");
  EXPECT_EQ(p(a.notE(a.notE(a.neg(a.neg(a.x()))))), "!!(--context.x)");
}

TEST_F(PrinterTest, NegativeLiterals) {
  // The parser folds `-` before a literal: a Neg node over a literal keeps
  // parentheses so it stays a Neg node.
  EXPECT_EQ(p(a.neg(a.n(5))), "-(5)");
  EXPECT_EQ(p(a.neg(a.n(0))), "-(0)");
  EXPECT_EQ(p(a.neg(a.n(-5))), "-(-5)");
  EXPECT_EQ(p(a.neg(a.neg(a.n(5)))), "--(5)");
  EXPECT_EQ(p(a.neg(a.neg(a.n(-5)))), "--(-5)");
  EXPECT_EQ(p(a.notE(a.n(-5))), "!(-5)");
  EXPECT_EQ(p(a.neg(a.n(std::numeric_limits<int64_t>::min()))),
            "-(-9223372036854775808)");
  // A negative literal is a prefix expression as a receiver.
  EXPECT_EQ(p(a.attr(a.n(-5), "foo")), "(-5).foo");
  EXPECT_EQ(p(a.method(a.n(-5), "lessThan", {a.n(1)})), "(-5).lessThan(1)");
  // `-x.y` is `-(x.y)`.
  EXPECT_EQ(p(a.neg(a.attr(a.n(5), "foo"))), "-5.foo");
  EXPECT_EQ(p(a.neg(a.attr(a.x(), "y"))), "-context.x.y");
  // Operands of binary operators need nothing.
  EXPECT_EQ(p(a.bin(BO::Sub, a.n(-1), a.n(-2))), "-1 - -2");
  EXPECT_EQ(p(a.bin(BO::Mul, a.n(-1), a.n(-2))), "-1 * -2");
  EXPECT_EQ(p(a.bin(BO::Less, a.n(-1), a.n(-2))), "-1 < -2");
  EXPECT_EQ(p(a.set({a.n(-1)})), "[-1]");
}

TEST_F(PrinterTest, MemberReceivers) {
  EXPECT_EQ(p(a.attr(a.bin(BO::Add, a.x(), a.y()), "a")), "(context.x + context.y).a");
  EXPECT_EQ(p(a.method(a.has(a.context(), {"a"}), "m")), "(context has a).m()");
  EXPECT_EQ(p(a.attr(a.attr(a.attr(a.context(), "a"), "b"), "c")), "context.a.b.c");
  EXPECT_EQ(p(a.attr(a.call("ip", {a.s("1.1.1.1")}), "a")), R"(ip("1.1.1.1").a)");
}

// ------------------------------------------------------------ policies

Policy basePolicy() {
  Policy p;
  p.principal.op = EntityScope::Op::Any;
  p.action.op = ActionScope::Op::Any;
  p.resource.op = EntityScope::Op::Any;
  return p;
}

TEST_F(PrinterTest, MinimalPolicy) {
  Policy pol = basePolicy();
  EXPECT_EQ(print(pol), "permit (\n  principal,\n  action,\n  resource\n);");
  pol.effect = Effect::Forbid;
  EXPECT_EQ(print(pol), "forbid (\n  principal,\n  action,\n  resource\n);");
}

TEST_F(PrinterTest, PolicyScopesAndConditions) {
  Policy pol = basePolicy();
  std::vector<Annotation> anns = {
      {"id", "p\"1", true, {}}, {"if", "", false, {}}, {"empty", "", true, {}}};
  pol.annotations = anns;
  pol.principal.op = EntityScope::Op::Eq;
  pol.principal.target.uid = a.uid("User", "alice");
  std::vector<EntityUid> acts = {a.uid("Action", "view"), a.uid("NS::Action", "edit")};
  pol.action.op = ActionScope::Op::InList;
  pol.action.uids = acts;
  pol.resource.op = EntityScope::Op::IsIn;
  pol.resource.type = a.name("Photo");
  pol.resource.target.uid = a.uid("Album", "a");
  std::vector<Condition> conds = {
      {true, a.bin(BO::And, a.x(), a.y()), {}},
      {false, a.ifE(a.x(), a.y(), a.z()), {}}};
  pol.conditions = conds;
  EXPECT_EQ(print(pol), "@id(\"p\\\"1\")\n"
                        "@if\n"
                        "@empty(\"\")\n"
                        "permit (\n"
                        "  principal == User::\"alice\",\n"
                        "  action in [Action::\"view\", NS::Action::\"edit\"],\n"
                        "  resource is Photo in Album::\"a\"\n"
                        ")\n"
                        "when { context.x && context.y }\n"
                        "unless { if context.x then context.y else context.z };");
  EXPECT_EQ(dump(pol), "(policy permit\n"
                       "  (annotation id \"p\\\"1\")\n"
                       "  (annotation if)\n"
                       "  (annotation empty \"\")\n"
                       "  (principal == (entity User \"alice\"))\n"
                       "  (action in [(entity Action \"view\") (entity NS::Action \"edit\")])\n"
                       "  (resource is Photo in (entity Album \"a\"))\n"
                       "  (when (binary && (getattr (var context) \"x\") "
                       "(getattr (var context) \"y\")))\n"
                       "  (unless (if (getattr (var context) \"x\") "
                       "(getattr (var context) \"y\") (getattr (var context) \"z\"))))");
}

TEST_F(PrinterTest, ScopeForms) {
  Policy pol = basePolicy();
  pol.principal.op = EntityScope::Op::In;
  pol.principal.target.isSlot = true;
  pol.principal.target.slot = SlotKind::Principal;
  std::vector<EntityUid> act = {a.uid("Action", "a")};
  pol.action.op = ActionScope::Op::Eq;
  pol.action.uids = act;
  pol.resource.op = EntityScope::Op::Eq;
  pol.resource.target.isSlot = true;
  pol.resource.target.slot = SlotKind::Resource;
  EXPECT_EQ(print(pol), "permit (\n  principal in ?principal,\n  action == Action::\"a\",\n"
                        "  resource == ?resource\n);");
  EXPECT_EQ(dump(pol), "(policy permit\n  (principal in ?principal)\n"
                       "  (action == (entity Action \"a\"))\n  (resource == ?resource))");

  pol.principal.op = EntityScope::Op::Is;
  pol.principal.type = a.name("NS::User");
  pol.action.op = ActionScope::Op::In;
  pol.resource.op = EntityScope::Op::IsIn;
  pol.resource.type = a.name("Doc");
  EXPECT_EQ(print(pol), "permit (\n  principal is NS::User,\n  action in Action::\"a\",\n"
                        "  resource is Doc in ?resource\n);");
  EXPECT_EQ(dump(pol), "(policy permit\n  (principal is NS::User)\n"
                       "  (action in (entity Action \"a\"))\n"
                       "  (resource is Doc in ?resource))");

  pol.principal.op = EntityScope::Op::IsIn;
  pol.principal.target.isSlot = false;
  pol.principal.target.uid = a.uid("Group", "g");
  pol.action.op = ActionScope::Op::InList;
  pol.action.uids = {};
  pol.resource.op = EntityScope::Op::Is;
  EXPECT_EQ(print(pol), "permit (\n  principal is NS::User in Group::\"g\",\n"
                        "  action in [],\n  resource is Doc\n);");
  EXPECT_EQ(dump(pol), "(policy permit\n  (principal is NS::User in (entity Group \"g\"))\n"
                       "  (action in [])\n  (resource is Doc))");
}

TEST_F(PrinterTest, PolicySet) {
  PolicySet set;
  EXPECT_EQ(print(set), "");
  set.policies.push_back(basePolicy());
  set.policies.push_back(basePolicy());
  set.policies.back().effect = Effect::Forbid;
  EXPECT_EQ(print(set), "permit (\n  principal,\n  action,\n  resource\n);\n"
                        "\n"
                        "forbid (\n  principal,\n  action,\n  resource\n);\n");
}

// ------------------------------------------------------------ dump

TEST_F(PrinterTest, DumpEveryKind) {
  EXPECT_EQ(dump(*a.b(true)), "(bool true)");
  EXPECT_EQ(dump(*a.b(false)), "(bool false)");
  EXPECT_EQ(dump(*a.n(-5)), "(long -5)");
  EXPECT_EQ(dump(*a.s("a\nb")), R"((string "a\nb"))");
  EXPECT_EQ(dump(*a.ent("NS::User", "alice")), R"((entity NS::User "alice"))");
  EXPECT_EQ(dump(*a.var(VarKind::Action)), "(var action)");
  EXPECT_EQ(dump(*a.notE(a.b(true))), "(unary ! (bool true))");
  EXPECT_EQ(dump(*a.neg(a.n(5))), "(unary - (long 5))");
  EXPECT_EQ(dump(*a.bin(BO::And, a.principal(), a.b(true))),
            "(binary && (var principal) (bool true))");
  EXPECT_EQ(dump(*a.bin(BO::In, a.principal(), a.ent("G", "g"))),
            R"((binary in (var principal) (entity G "g")))");
  EXPECT_EQ(dump(*a.ifE(a.b(true), a.n(1), a.n(2))),
            "(if (bool true) (long 1) (long 2))");
  EXPECT_EQ(dump(*a.has(a.context(), {"a", "b"})), "(has (var context) a b)");
  EXPECT_EQ(dump(*a.has(a.context(), {"a b"})), R"((has (var context) "a b"))");
  EXPECT_EQ(dump(*a.like(a.context(), {"a", "*", "b*"})),
            R"((like (var context) (lit "a") * (lit "b*")))");
  EXPECT_EQ(dump(*a.is(a.principal(), "User")), "(is (var principal) User)");
  EXPECT_EQ(dump(*a.is(a.principal(), "User", a.ent("Group", "g"))),
            R"((is (var principal) User (entity Group "g")))");
  EXPECT_EQ(dump(*a.attr(a.context(), "x")), R"((getattr (var context) "x"))");
  EXPECT_EQ(dump(*a.attr(a.context(), "x", true)), R"((index (var context) "x"))");
  EXPECT_EQ(dump(*a.method(a.context(), "contains", {a.n(1), a.n(2)})),
            "(method (var context) contains (long 1) (long 2))");
  EXPECT_EQ(dump(*a.method(a.context(), "isEmpty")), "(method (var context) isEmpty)");
  EXPECT_EQ(dump(*a.call("decimal", {a.s("1.5")})), R"((call decimal (string "1.5")))");
  EXPECT_EQ(dump(*a.set({})), "(set)");
  EXPECT_EQ(dump(*a.set({a.n(1), a.n(2)})), "(set (long 1) (long 2))");
  EXPECT_EQ(dump(*a.rec({})), "(record)");
  EXPECT_EQ(dump(*a.rec({{"a", a.n(1)}, {"b c", a.n(2)}})),
            R"((record ("a" (long 1)) ("b c" (long 2))))");
}

TEST_F(PrinterTest, DeepTreesPrint) {
  // The parser caps expression depth at 2000; printing must handle that.
  const Expr *e = a.x();
  for (int i = 0; i < 2000; ++i)
    e = a.bin(BO::Or, e, a.b(true));
  std::string s = p(e);
  EXPECT_EQ(s.find('('), std::string::npos);
  const Expr *r = a.x();
  for (int i = 0; i < 2000; ++i)
    r = a.bin(BO::Sub, a.n(i), r);
  s = p(r);
  EXPECT_EQ(std::count(s.begin(), s.end(), '('), 1999); // all but the innermost
  EXPECT_FALSE(dump(*r).empty());
}

} // namespace
} // namespace larch::ast
