// Unit tests for grammar/ast_equal.cpp: ast::equal ignores every source range,
// policy ids and GetAttr's isIndex flag, and compares every other field.
#include "grammar/ast.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace larch::ast {
namespace {

/// Builds nodes in its own Context. Ranges start at `rangeBase` and grow, so
/// two builders with different bases never agree on a range.
class Builder {
public:
  explicit Builder(uint32_t rangeBase) : next(rangeBase) {}
  Context ctx;

  SourceRange r() { return {next % 7 + 1, next, ++next + 3}; }

  Name name(std::initializer_list<llvm::StringRef> path) {
    std::vector<llvm::StringRef> p;
    for (llvm::StringRef s : path)
      p.push_back(ctx.save(s));
    return {ctx.copy(llvm::ArrayRef<llvm::StringRef>(p)), r()};
  }
  EntityUid uid(std::initializer_list<llvm::StringRef> type, llvm::StringRef id) {
    return {name(type), ctx.save(id), r()};
  }
  llvm::ArrayRef<const Expr *> list(std::initializer_list<const Expr *> items) {
    return ctx.copy(llvm::ArrayRef<const Expr *>(items.begin(), items.size()));
  }
  llvm::ArrayRef<llvm::StringRef> strs(std::initializer_list<llvm::StringRef> items) {
    std::vector<llvm::StringRef> v;
    for (llvm::StringRef s : items)
      v.push_back(ctx.save(s));
    return ctx.copy(llvm::ArrayRef<llvm::StringRef>(v));
  }
  llvm::ArrayRef<PatternElem> pattern(std::initializer_list<llvm::StringRef> pieces) {
    std::vector<PatternElem> v;
    for (llvm::StringRef s : pieces)
      v.push_back(s == "*" ? PatternElem{true, {}} : PatternElem{false, ctx.save(s)});
    return ctx.copy(llvm::ArrayRef<PatternElem>(v));
  }

  const Expr *b(bool v) { return ctx.make<BoolLit>(r(), v); }
  const Expr *n(int64_t v) { return ctx.make<LongLit>(r(), v); }
  const Expr *s(llvm::StringRef v) { return ctx.make<StringLit>(r(), ctx.save(v)); }
  const Expr *var(VarKind v) { return ctx.make<Var>(r(), v); }
  const Expr *attr(const Expr *e, llvm::StringRef a, bool isIndex = false) {
    return ctx.make<GetAttr>(r(), e, ctx.save(a), isIndex);
  }

private:
  uint32_t next;
};

/// One expression using every node kind and field. Mutation `m` (1..N)
/// changes exactly one field; 0 changes nothing.
const Expr *buildExpr(Builder &b, int m) {
  auto pick = [m](int k, auto same, auto other) { return m == k ? other : same; };
  const Expr *ctxVar = b.var(pick(1, VarKind::Context, VarKind::Resource));
  const Expr *ent = b.ctx.make<EntityLit>(
      b.r(), b.uid({"NS", pick(2, "User", "Group")}, pick(3, "alice", "bob")));
  const Expr *unary =
      b.ctx.make<Unary>(b.r(), pick(4, UnaryOp::Not, UnaryOp::Neg), b.b(pick(5, true, false)));
  const Expr *bin = b.ctx.make<Binary>(b.r(), pick(6, BinaryOp::Add, BinaryOp::Sub),
                                       b.n(pick(7, 1, 2)), b.n(pick(8, 3, -3)));
  const Expr *ifE = b.ctx.make<If>(b.r(), b.b(true), b.s(pick(9, "t", "u")),
                                   b.s(pick(10, "e", "f")));
  const Expr *has = b.ctx.make<Has>(
      b.r(), ctxVar, m == 11 ? b.strs({"a", "b"}) : m == 12 ? b.strs({"a"}) : b.strs({"a", "c"}));
  const Expr *like = b.ctx.make<Like>(
      b.r(), b.s("x"), m == 13 ? b.pattern({"a", "*"}) : b.pattern({"a", "*", "b"}));
  const Expr *is = b.ctx.make<Is>(b.r(), b.var(VarKind::Principal),
                                  b.name({pick(14, "User", "Admin")}),
                                  m == 15 ? nullptr : ent);
  const Expr *getAttr = b.attr(b.var(VarKind::Principal), pick(16, "name", "nick"));
  const Expr *method = b.ctx.make<MethodCall>(
      b.r(), getAttr, b.ctx.save(pick(17, "contains", "containsAll")),
      m == 18 ? b.list({b.n(1)}) : b.list({b.n(1), b.n(2)}));
  const Expr *call = b.ctx.make<Call>(b.r(), b.name({pick(19, "ip", "decimal")}),
                                      b.list({b.s(pick(20, "1.1.1.1", "1.1.1.2"))}));
  const Expr *set = b.ctx.make<SetLit>(
      b.r(), m == 21 ? b.list({unary, bin, ifE, has, like, is, method})
                     : b.list({unary, bin, ifE, has, like, is, method, call}));
  std::vector<RecordEntry> entries = {{b.ctx.save(pick(22, "k", "j")), b.r(), set},
                                      {b.ctx.save("l"), b.r(), b.n(pick(23, 0, 9))}};
  if (m == 24)
    std::swap(entries[0], entries[1]);
  return b.ctx.make<RecordLit>(b.r(), b.ctx.copy(llvm::ArrayRef<RecordEntry>(entries)));
}
constexpr int NumExprMutations = 24;

TEST(AstEqualTest, IgnoresRangesAndComparesEveryField) {
  Builder one(0), two(1000);
  const Expr *base = buildExpr(one, 0);
  EXPECT_TRUE(equal(*base, *base));
  EXPECT_TRUE(equal(*base, *buildExpr(two, 0)));
  for (int m = 1; m <= NumExprMutations; ++m) {
    const Expr *changed = buildExpr(two, m);
    EXPECT_FALSE(equal(*base, *changed)) << "mutation " << m;
    EXPECT_FALSE(equal(*changed, *base)) << "mutation " << m;
    EXPECT_TRUE(equal(*changed, *buildExpr(one, m))) << "mutation " << m;
  }
}

TEST(AstEqualTest, DifferentKindsDiffer) {
  Builder b(0);
  EXPECT_FALSE(equal(*b.b(true), *b.n(1)));
  EXPECT_FALSE(equal(*b.s("1"), *b.n(1)));
  EXPECT_FALSE(equal(*b.attr(b.var(VarKind::Context), "a"),
                     *b.ctx.make<Has>(b.r(), b.var(VarKind::Context), b.strs({"a"}))));
  // The written operator counts: `a != b` is not `!(a == b)`.
  const Expr *ne = b.ctx.make<Binary>(b.r(), BinaryOp::NotEq, b.n(1), b.n(2));
  const Expr *notEq = b.ctx.make<Unary>(
      b.r(), UnaryOp::Not, b.ctx.make<Binary>(b.r(), BinaryOp::Eq, b.n(1), b.n(2)));
  EXPECT_FALSE(equal(*ne, *notEq));
  // A folded literal is not a negation.
  EXPECT_FALSE(equal(*b.n(-5), *b.ctx.make<Unary>(b.r(), UnaryOp::Neg, b.n(5))));
}

TEST(AstEqualTest, IndexAndDotAccessAreEqual) {
  Builder b(0);
  const Expr *dot = b.attr(b.var(VarKind::Context), "a", /*isIndex=*/false);
  const Expr *index = b.attr(b.var(VarKind::Context), "a", /*isIndex=*/true);
  EXPECT_TRUE(equal(*dot, *index));
  EXPECT_FALSE(equal(*dot, *b.attr(b.var(VarKind::Context), "b", true)));
}

TEST(AstEqualTest, LikePatternsCompareCanonically) {
  Builder b(0);
  auto like = [&](std::initializer_list<llvm::StringRef> p) {
    return b.ctx.make<Like>(b.r(), b.var(VarKind::Context), b.pattern(p));
  };
  EXPECT_TRUE(equal(*like({"ab", "*"}), *like({"a", "b", "*"})));
  EXPECT_TRUE(equal(*like({"a", "", "*"}), *like({"a", "*"})));
  EXPECT_TRUE(equal(*like({}), *like({""})));
  EXPECT_FALSE(equal(*like({"*"}), *like({"*", "*"})));
  EXPECT_FALSE(equal(*like({"*", "a"}), *like({"a", "*"})));
  EXPECT_FALSE(equal(*like({"a*"}), *like({"a", "*"})));
}

TEST(AstEqualTest, IsWithAndWithoutIn) {
  Builder b(0);
  auto is = [&](const Expr *in) {
    return b.ctx.make<Is>(b.r(), b.var(VarKind::Principal), b.name({"User"}), in);
  };
  EXPECT_TRUE(equal(*is(nullptr), *is(nullptr)));
  EXPECT_TRUE(equal(*is(b.n(1)), *is(b.n(1))));
  EXPECT_FALSE(equal(*is(nullptr), *is(b.n(1))));
  EXPECT_FALSE(equal(*is(b.n(1)), *is(nullptr)));
  EXPECT_FALSE(equal(*is(b.n(1)), *is(b.n(2))));
  EXPECT_FALSE(equal(*b.ctx.make<Is>(b.r(), b.var(VarKind::Principal), b.name({"NS", "User"}),
                                     nullptr),
                     *is(nullptr)));
}

// ------------------------------------------------------------ policies

/// A policy using every field. Mutation `m` changes exactly one field.
Policy buildPolicy(Builder &b, int m, std::vector<Annotation> &anns,
                   std::vector<EntityUid> &acts, std::vector<Condition> &conds) {
  auto pick = [m](int k, auto same, auto other) { return m == k ? other : same; };
  Policy p;
  p.id = m == 0 ? "policy0" : "other";
  p.range = b.r();
  p.effectRange = b.r();
  p.effect = pick(1, Effect::Permit, Effect::Forbid);
  anns = {{b.ctx.save(pick(2, "id", "key")), b.ctx.save(pick(3, "x", "y")), true, b.r()},
          {b.ctx.save("flag"), "", pick(4, false, true), b.r()}};
  if (m == 5)
    anns.pop_back();
  p.annotations = anns;
  p.principal.op = pick(6, EntityScope::Op::IsIn, EntityScope::Op::In);
  p.principal.type = b.name({pick(7, "User", "Admin")});
  p.principal.target.uid = b.uid({"Group"}, pick(8, "g", "h"));
  p.principal.range = b.r();
  acts = {b.uid({"Action"}, "a"), b.uid({pick(9, "Action", "Act")}, pick(10, "b", "c"))};
  if (m == 11)
    acts.pop_back();
  p.action.op = pick(12, ActionScope::Op::InList, ActionScope::Op::Any);
  p.action.uids = acts;
  p.resource.op = EntityScope::Op::Eq;
  p.resource.target.isSlot = pick(13, true, false);
  p.resource.target.slot = pick(14, SlotKind::Resource, SlotKind::Principal);
  p.resource.target.uid = b.uid({"Doc"}, "d");
  conds = {{pick(15, true, false), b.b(pick(16, true, false)), b.r()},
           {false, b.n(1), b.r()}};
  if (m == 17)
    conds.pop_back();
  p.conditions = conds;
  return p;
}
constexpr int NumPolicyMutations = 17;

TEST(AstEqualTest, PoliciesIgnoreRangesAndIds) {
  Builder one(0), two(500);
  std::vector<Annotation> a1, a2;
  std::vector<EntityUid> u1, u2;
  std::vector<Condition> c1, c2;
  Policy base = buildPolicy(one, 0, a1, u1, c1);
  Policy same = buildPolicy(two, 0, a2, u2, c2);
  same.id = "renamed";
  EXPECT_TRUE(equal(base, same));
  for (int m = 1; m <= NumPolicyMutations; ++m) {
    std::vector<Annotation> a3;
    std::vector<EntityUid> u3;
    std::vector<Condition> c3;
    Policy changed = buildPolicy(two, m, a3, u3, c3);
    EXPECT_FALSE(equal(base, changed)) << "mutation " << m;
    EXPECT_FALSE(equal(changed, base)) << "mutation " << m;
  }
}

TEST(AstEqualTest, UnusedScopeFieldsAreIgnored) {
  Builder b(0);
  Policy x, y;
  x.principal.op = y.principal.op = EntityScope::Op::Any;
  y.principal.type = b.name({"Leftover"});
  y.principal.target.uid = b.uid({"Leftover"}, "x");
  x.resource.op = y.resource.op = EntityScope::Op::Is;
  x.resource.type = b.name({"Doc"});
  y.resource.type = b.name({"Doc"});
  y.resource.target.isSlot = true;
  std::vector<EntityUid> leftovers = {b.uid({"Action"}, "a")};
  x.action.op = y.action.op = ActionScope::Op::Any;
  y.action.uids = leftovers;
  EXPECT_TRUE(equal(x, y));
  // ...but a slot target differs from an entity target where it is used.
  x.principal.op = y.principal.op = EntityScope::Op::Eq;
  x.principal.target.uid = b.uid({"Leftover"}, "x");
  y.principal.target.isSlot = true;
  EXPECT_FALSE(equal(x, y));
}

TEST(AstEqualTest, AnnotationWithoutValueIgnoresValueField) {
  Builder b(0);
  std::vector<Annotation> a1 = {{"k", "", false, {}}};
  std::vector<Annotation> a2 = {{"k", "junk", false, {}}};
  std::vector<Annotation> a3 = {{"k", "", true, {}}};
  Policy x, y, z;
  x.annotations = a1;
  y.annotations = a2;
  z.annotations = a3;
  EXPECT_TRUE(equal(x, y));
  EXPECT_FALSE(equal(x, z)); // `@k` vs `@k("")`: what was written differs
}

TEST(AstEqualTest, PolicySets) {
  PolicySet x, y;
  EXPECT_TRUE(equal(x, y));
  x.policies.emplace_back();
  EXPECT_FALSE(equal(x, y));
  y.policies.emplace_back();
  y.policies.back().id = "different id";
  EXPECT_TRUE(equal(x, y));
  y.policies.back().effect = Effect::Forbid;
  EXPECT_FALSE(equal(x, y));
}

} // namespace
} // namespace larch::ast
