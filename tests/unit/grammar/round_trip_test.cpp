// Round trips through the parser and the printer (grammar/ast_printer.cpp):
// for tricky policy and expression texts and every hand-written policy file of
// Cedar's corpus, parse(x) -> print -> parse gives an equal AST, and printing
// again gives the same text. Expression cases also pin the printed form, and
// random ASTs go print -> parse, so the printer's parenthesisation and
// escaping are checked against the real parser.
#include "grammar/ast_printer.h"
#include "grammar/known_functions.h"
#include "grammar/parse.h"
#include "testlib/corpus.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace larch {
namespace {

/// Parses `text` as a policy file; on error returns false and sets `errors`.
bool parseText(const std::string &text, SourceManager &sm, ast::Context &ctx,
               ast::PolicySet &out, std::string &errors) {
  DiagnosticEngine diags;
  uint32_t file = sm.addFile("input.cedar", text);
  bool ok = parsePolicies(sm, file, ctx, out.policies, diags);
  if (!ok || diags.hasErrors())
    errors = formatDiagnostics(diags.getDiagnostics(), sm);
  return ok && !diags.hasErrors();
}

const ast::Expr *parseExpr(const std::string &text, SourceManager &sm,
                           ast::Context &ctx, std::string &errors) {
  DiagnosticEngine diags;
  uint32_t file = sm.addFile("input.cedar", text);
  const ast::Expr *e = parseExpression(sm, file, ctx, diags);
  if (!e || diags.hasErrors())
    errors = formatDiagnostics(diags.getDiagnostics(), sm);
  return diags.hasErrors() ? nullptr : e;
}

/// Checks the round trip of a policy text; returns "" or what went wrong.
std::string roundTripPolicies(const std::string &text) {
  SourceManager sm;
  ast::Context ctx;
  ast::PolicySet first, second;
  std::string errors;
  if (!parseText(text, sm, ctx, first, errors))
    return "input does not parse:\n" + errors;
  std::string printed = ast::print(first);
  if (!parseText(printed, sm, ctx, second, errors))
    return "printed text does not parse:\n" + printed + "\n" + errors;
  if (!ast::equal(first, second)) {
    std::string dumps;
    for (size_t i = 0; i < first.policies.size() && i < second.policies.size(); ++i)
      if (!ast::equal(first.policies[i], second.policies[i]))
        dumps += ast::dump(first.policies[i]) + "\nvs\n" + ast::dump(second.policies[i]) + "\n";
    return "printed text parses to a different AST:\n" + printed + "\n" + dumps;
  }
  std::string again = ast::print(second);
  if (again != printed)
    return "printing is not stable:\n" + printed + "\nthen\n" + again;
  return "";
}

// ------------------------------------------------------------ expressions

struct ExprCase {
  const char *input;
  const char *printed; // the expected canonical text
};

const ExprCase exprCases[] = {
    // Literals and escapes.
    {"true", "true"},
    {"0", "0"},
    {"007", "7"},
    {"9223372036854775807", "9223372036854775807"},
    {"-9223372036854775808", "-9223372036854775808"},
    {R"("a\"b\\c\n\r\t\0\'")", R"("a\"b\\c\n\r\t\0'")"},
    {R"("\x41\u{42}\u{1F600}")", "\"AB\xf0\x9f\x98\x80\""},
    {"\"caf\xc3\xa9\"", "\"caf\xc3\xa9\""},
    {"\"raw\nnewline\"", R"("raw\nnewline")"},
    {R"("\u{7f}\u{1}")", R"("\u{7f}\u{1}")"},
    {R"(User::"al\"ice")", R"(User::"al\"ice")"},
    {R"(NS :: Sub :: User :: "x")", R"(NS::Sub::User::"x")"},
    {R"(A::"\u{0}")", R"(A::"\0")"},
    // Variables, sets, records, calls.
    {"principal", "principal"},
    {"[1, [2, 3], []]", "[1, [2, 3], []]"},
    {"[1, 2,]", "[1, 2]"},
    {"{}", "{}"},
    {R"({a: 1, "b c": 2, "if": 3, principal: 4,})",
     R"({ a: 1, "b c": 2, "if": 3, principal: 4 })"},
    {R"({"a": 1})", "{ a: 1 }"},
    {R"(ip("10.0.0.1"))", R"(ip("10.0.0.1"))"},
    {R"(decimal("1.5").lessThan(decimal("2.0"),))",
     R"(decimal("1.5").lessThan(decimal("2.0")))"},
    {R"(ip("1.2.3.4").isInRange(ip("1.2.3.0/24")))",
     R"(ip("1.2.3.4").isInRange(ip("1.2.3.0/24")))"},
    {R"(datetime("2024-01-01").offset(duration("1h")))",
     R"(datetime("2024-01-01").offset(duration("1h")))"},
    // Attribute access.
    {"context.a.b", "context.a.b"},
    {R"(context["a"])", R"(context["a"])"},
    {R"(context["a b"].c["d"])", R"(context["a b"].c["d"])"},
    {"context.principal", "context.principal"},
    {R"(context["if"])", R"(context["if"])"},
    {R"(User::"a".name)", R"(User::"a".name)"},
    {"{a: 1}.a", "{ a: 1 }.a"},
    {"[1].isEmpty()", "[1].isEmpty()"},
    {"principal.getTag(\"t\").x", "principal.getTag(\"t\").x"},
    // has / like / is.
    {"context has a", "context has a"},
    {R"(context has "a b")", R"(context has "a b")"},
    {R"(context has "a")", "context has a"},
    {R"(context has "if")", R"(context has "if")"},
    {"context has a.b.c", "context has a.b.c"},
    {"context has principal", "context has principal"},
    {"context has a.__cedar_b", "context has a.__cedar_b"},
    {R"({__cedar_a: 1}.__cedar_a)", "{ __cedar_a: 1 }.__cedar_a"},
    {R"(context.s like "a*b\*c")", R"(context.s like "a*b\*c")"},
    // As in Cedar, a star produced by an escape other than `\*` is a wildcard.
    {R"(context.s like "\u{2a}")", R"(context.s like "*")"},
    {R"(context.s like "**\\\"\n")", R"(context.s like "**\\\"\n")"},
    {R"(context.s like "")", R"(context.s like "")"},
    {"principal is User", "principal is User"},
    {R"(principal is NS::User in Group::"g")", R"(principal is NS::User in Group::"g")"},
    {"principal is User in context.a + 1", "principal is User in context.a + 1"},
    {"(principal is User) in context.g", "(principal is User) in context.g"},
    {"(principal is User in context.a) in context.g",
     "(principal is User in context.a) in context.g"},
    {"principal is User in (context.a in context.b)",
     "principal is User in (context.a in context.b)"},
    {"(context has a) == true", "(context has a) == true"},
    {"(context.x like \"a\") like \"b\"", "(context.x like \"a\") like \"b\""},
    {"context.a + 1 has b", "context.a + 1 has b"},
    // Relations are non-associative.
    {"(1 == 2) == false", "(1 == 2) == false"},
    {"1 == (2 == 3)", "1 == (2 == 3)"},
    {"(1 < 2) != (3 >= 4)", "(1 < 2) != (3 >= 4)"},
    {"1 + 2 < 3 * 4", "1 + 2 < 3 * 4"},
    {"principal in Group::\"g\"", "principal in Group::\"g\""},
    {"(1 < 2) + 3", "(1 < 2) + 3"},
    // Left associativity and levels.
    {"1 - 2 - 3", "1 - 2 - 3"},
    {"1 - (2 - 3)", "1 - (2 - 3)"},
    {"(1 - 2) - 3", "1 - 2 - 3"},
    {"1 + (2 + 3)", "1 + (2 + 3)"},
    {"1 * (2 * 3)", "1 * (2 * 3)"},
    {"(1 + 2) * 3", "(1 + 2) * 3"},
    {"1 + 2 * 3", "1 + 2 * 3"},
    {"a || b && c", ""}, // bare names are not variables: must fail (see below)
    {"context.a || context.b && context.c", "context.a || context.b && context.c"},
    {"(context.a || context.b) && context.c", "(context.a || context.b) && context.c"},
    {"context.a || (context.b || context.c)", "context.a || (context.b || context.c)"},
    {"((((true))))", "true"},
    // if-then-else.
    {"if true then 1 else 2", "if true then 1 else 2"},
    {"if true then 1 else 2 + 3", "if true then 1 else 2 + 3"},
    {"(if true then 1 else 2) + 3", "(if true then 1 else 2) + 3"},
    {"context.a && (if true then false else true)",
     "context.a && (if true then false else true)"},
    {"if if true then false else true then 1 else if false then 2 else 3",
     "if if true then false else true then 1 else if false then 2 else 3"},
    {"(if true then context else context).a", "(if true then context else context).a"},
    {"[if true then 1 else 2]", "[if true then 1 else 2]"},
    {"!(if true then false else true)", "!(if true then false else true)"},
    // Unary operators and negative literals.
    {"-5", "-5"},
    {"- 5", "-5"},
    {"-(5)", "-(5)"},
    {"--5", "-(-5)"},
    {"-(-5)", "-(-5)"},
    {"--(5)", "--(5)"},
    {"---5", "--(-5)"},
    {"----5", "---(-5)"},
    {"-(-9223372036854775808)", "-(-9223372036854775808)"},
    {"(-5).foo", "(-5).foo"},
    {"-5.foo", "-5.foo"},
    {"-(5.foo)", "-5.foo"},
    {"(-5).lessThan(1)", "(-5).lessThan(1)"},
    {"-context.x.y", "-context.x.y"},
    {"(-context.x).y", "(-context.x).y"},
    {"!context.a.isEmpty()", "!context.a.isEmpty()"},
    {"!!!!context.a", "!!!!context.a"},
    {"!!!!(!context.a)", "!!!!(!context.a)"},
    {"----context.a", "----context.a"},
    {"----(----(-context.a))", "----(----(-context.a))"},
    {"!(-context.a)", "!(-context.a)"},
    {"-(!context.a)", "-(!context.a)"},
    {"!(-5)", "!(-5)"},
    {"!!(--context.a)", "!!(--context.a)"},
    {"!(context.a == 1)", "!(context.a == 1)"},
    {"-context.a * -context.b", "-context.a * -context.b"},
    {"context.a - -1", "context.a - -1"},
    {"context.a - -context.b", "context.a - -context.b"},
    {"context.a * (-context.b)", "context.a * -context.b"},
    {"-1 - -2", "-1 - -2"},
    {"[-1, -(1)]", "[-1, -(1)]"},
    {"-(1 + 2)", "-(1 + 2)"},
};

TEST(RoundTripTest, Expressions) {
  for (const ExprCase &c : exprCases) {
    SCOPED_TRACE(c.input);
    SourceManager sm;
    ast::Context ctx;
    std::string errors;
    const ast::Expr *first = parseExpr(c.input, sm, ctx, errors);
    if (!*c.printed) {
      EXPECT_EQ(first, nullptr) << "should not parse";
      continue;
    }
    ASSERT_NE(first, nullptr) << errors;
    std::string printed = ast::print(*first);
    EXPECT_EQ(printed, c.printed) << ast::dump(*first);
    const ast::Expr *second = parseExpr(printed, sm, ctx, errors);
    ASSERT_NE(second, nullptr) << "printed: " << printed << "\n" << errors;
    EXPECT_TRUE(ast::equal(*first, *second))
        << ast::dump(*first) << "\nvs\n" << ast::dump(*second);
    EXPECT_EQ(ast::print(*second), printed);
  }
}

// The parser folds `-` into the literal right after it, nothing else.
TEST(RoundTripTest, NegationFolding) {
  SourceManager sm;
  ast::Context ctx;
  std::string errors;
  auto dumpOf = [&](const char *text) {
    const ast::Expr *e = parseExpr(text, sm, ctx, errors);
    return e ? ast::dump(*e) : "error: " + errors;
  };
  EXPECT_EQ(dumpOf("-5"), "(long -5)");
  EXPECT_EQ(dumpOf("-(5)"), "(unary - (long 5))");
  EXPECT_EQ(dumpOf("--5"), "(unary - (long -5))");
  EXPECT_EQ(dumpOf("-5.foo"), "(unary - (getattr (long 5) \"foo\"))");
  EXPECT_EQ(dumpOf("(-5).foo"), "(getattr (long -5) \"foo\")");
  EXPECT_EQ(dumpOf("-9223372036854775808"), "(long -9223372036854775808)");
}

// ------------------------------------------------------------ policies

const char *const policyCases[] = {
    "permit(principal, action, resource);",
    "forbid(principal, action, resource,);",
    R"(permit(principal == User::"alice", action == Action::"view", resource == Photo::"p");)",
    R"(permit(principal in Group::"g", action in Action::"a", resource in Album::"x");)",
    R"(permit(principal is User, action in [], resource is NS::Photo);)",
    R"(permit(principal is User in Group::"g", action in [Action::"a", NS::Action::"b",],
              resource is Photo in Album::"x");)",
    R"(permit(principal == ?principal, action, resource in ?resource);)",
    R"(permit(principal in ?principal, action, resource == ?resource);)",
    R"(permit(principal is User in ?principal, action, resource is Doc in ?resource);)",
    R"(@id("p1") @if("x") @flag @empty("") @unicode("caf\u{e9} \"q\"")
       permit(principal, action, resource);)",
    R"(permit(principal, action, resource) when { true } unless { false } when { 1 < 2 };)",
    R"(// a comment
       permit(principal, action, resource) // trailing comment
       when { context.a // inside
              && context.b };)",
    R"(permit(principal, action == Action::"view", resource)
       when { principal.department == "eng" && resource.owner == principal }
       unless { context has risk && context.risk > 3 };)",
    R"(forbid(principal, action, resource)
       when { if context has a then context.a else false };)",
    R"(permit(principal, action, resource)
       when { context.ip.isInRange(ip("10.0.0.0/8")) || decimal("1.1") > decimal("1.0") };)",
    R"(permit(principal, action, resource)
       when { {a: [1, -2, "x"], "b c": {d: true}}.a.contains(-(2)) };)",
    R"(permit(principal, action, resource) when { principal.tags.hasTag("k") &&
       principal.getTag("k") like "*x\*y*" };)",
    R"(permit(principal, action, resource) when { A :: B :: "x" in principal };)",
    R"(permit(principal, action, resource) when { context has a.b.c && context.a.b.c };)",
    R"(permit(principal, action, resource) when { "a
       raw line break" == "a" };)",
    ("permit(principal, action, resource);\nforbid(principal, action, resource);\n"
     "@id(\"third\")\npermit(principal, action, resource) when { !!!!context.a };"),
};

TEST(RoundTripTest, Policies) {
  for (const char *text : policyCases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(roundTripPolicies(text), "");
  }
}

TEST(RoundTripTest, PrintedPolicyLayout) {
  SourceManager sm;
  ast::Context ctx;
  ast::PolicySet set;
  std::string errors;
  ASSERT_TRUE(parseText(R"(@id("a")
permit(principal == User::"u", action in [Action::"r"], resource)
when { context.ok } unless { (context.a || context.b) && context.c };)",
                        sm, ctx, set, errors))
      << errors;
  EXPECT_EQ(ast::print(set), R"(@id("a")
permit (
  principal == User::"u",
  action in [Action::"r"],
  resource
)
when { context.ok }
unless { (context.a || context.b) && context.c };
)");
}

// ------------------------------------------------------------ random ASTs

/// Builds random expressions of the shapes the parser produces (valid names,
/// known functions with their arity, unique record keys, canonical patterns),
/// with strings full of characters that need escaping.
class RandomExprs {
public:
  RandomExprs(ast::Context &ctx, uint64_t seed) : ctx(ctx), rng(seed) {}

  const ast::Expr *expr(unsigned depth) {
    if (depth == 0 || pick(6) == 0)
      return leaf();
    SourceRange r;
    switch (pick(13)) {
    case 0:
      return ctx.make<ast::Unary>(r, pick(2) ? ast::UnaryOp::Not : ast::UnaryOp::Neg,
                                  expr(depth - 1));
    case 1:
    case 2:
      return ctx.make<ast::Binary>(r, static_cast<ast::BinaryOp>(pick(12)),
                                   expr(depth - 1), expr(depth - 1));
    case 3:
      return ctx.make<ast::If>(r, expr(depth - 1), expr(depth - 1), expr(depth - 1));
    case 4: {
      std::vector<llvm::StringRef> path;
      if (pick(2)) {
        path.push_back(ctx.save(str()));
      } else {
        for (unsigned i = 0, n = 1 + pick(3); i < n; ++i)
          path.push_back(ident());
      }
      return ctx.make<ast::Has>(r, expr(depth - 1),
                                ctx.copy(llvm::ArrayRef<llvm::StringRef>(path)));
    }
    case 5: {
      std::vector<ast::PatternElem> pattern;
      for (unsigned i = 0, n = pick(5); i < n; ++i) {
        if (pick(2))
          pattern.push_back({true, {}});
        else if (pattern.empty() || pattern.back().isWildcard)
          pattern.push_back({false, ctx.save(str(1))});
      }
      return ctx.make<ast::Like>(r, expr(depth - 1),
                                 ctx.copy(llvm::ArrayRef<ast::PatternElem>(pattern)));
    }
    case 6:
      return ctx.make<ast::Is>(r, expr(depth - 1), name(),
                               pick(2) ? expr(depth - 1) : nullptr);
    case 7:
      return ctx.make<ast::GetAttr>(r, expr(depth - 1), ctx.save(pick(2) ? str() : ident()),
                                    pick(2) == 0);
    case 8:
    case 9: {
      llvm::SmallVector<const KnownFunction *> fns;
      CallStyle style = pick(2) ? CallStyle::Method : CallStyle::Function;
      for (const KnownFunction &f : getKnownFunctions())
        if (f.style == style)
          fns.push_back(&f);
      const KnownFunction &f = *fns[pick(fns.size())];
      std::vector<const ast::Expr *> args;
      for (unsigned i = 0; i < f.numArgs; ++i)
        args.push_back(expr(depth - 1));
      auto argRef = ctx.copy(llvm::ArrayRef<const ast::Expr *>(args));
      if (style == CallStyle::Method)
        return ctx.make<ast::MethodCall>(r, expr(depth - 1), f.name, argRef);
      llvm::StringRef seg = f.name;
      return ctx.make<ast::Call>(r, ast::Name{ctx.copy(llvm::ArrayRef(seg)), {}}, argRef);
    }
    case 10: {
      std::vector<const ast::Expr *> elems;
      for (unsigned i = 0, n = pick(4); i < n; ++i)
        elems.push_back(expr(depth - 1));
      return ctx.make<ast::SetLit>(r, ctx.copy(llvm::ArrayRef<const ast::Expr *>(elems)));
    }
    default: {
      std::vector<ast::RecordEntry> entries;
      std::set<std::string> keys;
      for (unsigned i = 0, n = pick(4); i < n; ++i) {
        std::string key = pick(2) ? str() : ident().str();
        if (keys.insert(key).second)
          entries.push_back({ctx.save(key), {}, expr(depth - 1)});
      }
      return ctx.make<ast::RecordLit>(r, ctx.copy(llvm::ArrayRef<ast::RecordEntry>(entries)));
    }
    }
  }

private:
  unsigned pick(size_t n) { return static_cast<unsigned>(rng() % n); }

  const ast::Expr *leaf() {
    SourceRange r;
    switch (pick(5)) {
    case 0:
      return ctx.make<ast::BoolLit>(r, pick(2) == 0);
    case 1: {
      static const int64_t special[] = {0, 1, -1, 5, -5, INT64_MAX, INT64_MIN};
      int64_t v = pick(2) ? special[pick(7)] : static_cast<int64_t>(rng());
      return ctx.make<ast::LongLit>(r, v);
    }
    case 2:
      return ctx.make<ast::StringLit>(r, ctx.save(str()));
    case 3:
      return ctx.make<ast::EntityLit>(r, ast::EntityUid{name(), ctx.save(str()), {}});
    default:
      return ctx.make<ast::Var>(r, static_cast<ast::VarKind>(pick(4)));
    }
  }

  /// A string of 0..5 pieces (at least `minPieces`), each needing care.
  std::string str(unsigned minPieces = 0) {
    static const char *const pieces[] = {
        "a", "Z", " ", "*", "\"", "\\", "\n", "\r", "\t", "'", "if", "_",
        "\x01", "\x7f", "caf\xc3\xa9", "\xf0\x9f\x98\x80", "\xc2\x85",
        "\xe2\x80\xa8", "__cedar", "1"};
    std::string s;
    if (minPieces == 0 && pick(8) == 0)
      s.push_back('\0');
    for (unsigned i = 0, n = minPieces + pick(5); i < n; ++i)
      s += pieces[pick(std::size(pieces))];
    return s;
  }

  llvm::StringRef ident() {
    static const char *const idents[] = {"a",      "b",       "Name",    "_x1",
                                         "principal", "context", "permit", "when",
                                         "__cedar_x", "resource", "action", "unless"};
    return idents[pick(std::size(idents))];
  }

  ast::Name name() {
    static const char *const segs[] = {"User", "NS", "Photo", "a_b", "X1"};
    std::vector<llvm::StringRef> path;
    for (unsigned i = 0, n = 1 + pick(3); i < n; ++i)
      path.push_back(segs[pick(std::size(segs))]);
    return {ctx.copy(llvm::ArrayRef<llvm::StringRef>(path)), {}};
  }

  ast::Context &ctx;
  std::mt19937_64 rng;
};

// print -> parse must give back every random tree (the printer's
// parenthesisation and escaping checked against the real parser).
TEST(RoundTripTest, RandomTrees) {
  unsigned failures = 0;
  for (uint64_t seed = 1; seed <= 3000 && failures < 5; ++seed) {
    SourceManager sm;
    ast::Context ctx;
    RandomExprs gen(ctx, seed);
    const ast::Expr *e = gen.expr(1 + seed % 8);
    std::string printed = ast::print(*e);
    std::string errors;
    const ast::Expr *back = parseExpr(printed, sm, ctx, errors);
    if (!back) {
      ++failures;
      ADD_FAILURE() << "seed " << seed << ": printed text does not parse:\n"
                    << printed << "\n" << errors << ast::dump(*e);
      continue;
    }
    if (!ast::equal(*e, *back)) {
      ++failures;
      ADD_FAILURE() << "seed " << seed << ": printed text parses differently:\n"
                    << printed << "\n" << ast::dump(*e) << "\nvs\n" << ast::dump(*back);
      continue;
    }
    EXPECT_EQ(ast::print(*back), printed) << "seed " << seed;
  }
}

// Every hand-written policy file of the Cedar corpus. (The generated corpus is
// covered by tests/unit/corpus/corpus_parse_test.cpp.)
TEST(RoundTripTest, HandWrittenCorpus) {
  std::string dir = testlib::sharedCorpusDir();
  if (dir.empty())
    GTEST_SKIP() << "Cedar corpus not found beside the project";
  std::vector<std::string> files = testlib::listFiles(dir + "/tests", ".cedar");
  EXPECT_GE(files.size(), 22u);
  for (const std::string &f : files) {
    SCOPED_TRACE(f);
    bool ok = false;
    std::string text = testlib::readFile(f, &ok);
    ASSERT_TRUE(ok);
    EXPECT_EQ(roundTripPolicies(text), "");
  }
}

} // namespace
} // namespace larch
