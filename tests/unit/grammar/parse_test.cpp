// Unit tests for the policy parser (grammar/parse.h): AST shape for every
// construct (through the location-free ast::dump and LLVM casts), source
// ranges, rejections, error recovery and limits. Malformed inputs with their
// exact messages live in tests/golden/diags as well.
#include "grammar/ast_printer.h"
#include "grammar/parse.h"

#include <gtest/gtest.h>

#include <chrono>

namespace larch {
namespace {

using llvm::cast;
using llvm::isa;

struct Parsed {
  SourceManager sm;
  ast::Context ctx;
  DiagnosticEngine diags;
  std::vector<ast::Policy> policies;
  const ast::Expr *expr = nullptr;
  bool ok = false;

  std::string diagText() const { return formatDiagnostics(diags.getDiagnostics(), sm); }
  std::string messages() const {
    std::string out;
    for (const Diagnostic &d : diags.getDiagnostics())
      out += d.message + " [" + d.code + "]\n";
    return out;
  }
};

std::unique_ptr<Parsed> policies(const std::string &text, const ParseOptions &opts = {}) {
  auto p = std::make_unique<Parsed>();
  uint32_t f = p->sm.addFile("test.cedar", text);
  p->ok = parsePolicies(p->sm, f, p->ctx, p->policies, p->diags, opts);
  return p;
}

std::unique_ptr<Parsed> expr(const std::string &text, const ParseOptions &opts = {}) {
  auto p = std::make_unique<Parsed>();
  uint32_t f = p->sm.addFile("expr.cedar", text);
  p->expr = parseExpression(p->sm, f, p->ctx, p->diags, opts);
  p->ok = p->expr != nullptr;
  return p;
}

/// The dump of an expression that must parse.
std::string dumpExpr(const std::string &text) {
  auto p = expr(text);
  EXPECT_TRUE(p->ok) << text << "\n" << p->diagText();
  return p->ok ? ast::dump(*p->expr) : "<error>";
}

/// The first error message for an expression that must not parse.
std::string exprError(const std::string &text) {
  auto p = expr(text);
  EXPECT_FALSE(p->ok) << text;
  EXPECT_TRUE(p->diags.hasErrors()) << text;
  return p->diags.getDiagnostics().empty() ? "" : p->diags.getDiagnostics()[0].message;
}

std::string policyError(const std::string &text) {
  auto p = policies(text);
  EXPECT_FALSE(p->ok) << text;
  return p->diags.getDiagnostics().empty() ? "" : p->diags.getDiagnostics()[0].message;
}

// ------------------------------------------------------------ expressions

TEST(ParseExpr, Literals) {
  EXPECT_EQ(dumpExpr("true"), "(bool true)");
  EXPECT_EQ(dumpExpr("false"), "(bool false)");
  EXPECT_EQ(dumpExpr("007"), "(long 7)");
  EXPECT_EQ(dumpExpr("9223372036854775807"), "(long 9223372036854775807)");
  EXPECT_EQ(dumpExpr("-9223372036854775808"), "(long -9223372036854775808)");
  EXPECT_EQ(dumpExpr(R"("a\"b")"), R"((string "a\"b"))");
  EXPECT_EQ(dumpExpr("NS :: Act // comment\n :: \"x\\n\""), R"((entity NS::Act "x\n"))");
  EXPECT_EQ(dumpExpr("principal"), "(var principal)");
  EXPECT_EQ(dumpExpr("context"), "(var context)");
}

TEST(ParseExpr, NegativeLiteralFolding) {
  EXPECT_EQ(dumpExpr("-5"), "(long -5)");
  EXPECT_EQ(dumpExpr("--5"), "(unary - (long -5))");
  EXPECT_EQ(dumpExpr("-(5)"), "(unary - (long 5))");
  EXPECT_EQ(dumpExpr("----5"), "(unary - (unary - (unary - (long -5))))");
  EXPECT_EQ(exprError("9223372036854775808"), "integer literal `9223372036854775808` is too large");
  EXPECT_EQ(exprError("-9223372036854775809"), "integer literal `-9223372036854775809` is too large");
  EXPECT_EQ(exprError("99999999999999999999999"),
            "integer literal `99999999999999999999999` is too large");
}

TEST(ParseExpr, Precedence) {
  EXPECT_EQ(dumpExpr("1 + 2 * 3 - 4"),
            "(binary - (binary + (long 1) (binary * (long 2) (long 3))) (long 4))");
  EXPECT_EQ(dumpExpr("principal.a || principal.b && context.c"),
            "(binary || (getattr (var principal) \"a\") (binary && (getattr (var principal) "
            "\"b\") (getattr (var context) \"c\")))");
  EXPECT_EQ(dumpExpr("!!true"), "(unary ! (unary ! (bool true)))");
  EXPECT_EQ(dumpExpr("1 != 2"), "(binary != (long 1) (long 2))");
}

TEST(ParseExpr, Relations) {
  EXPECT_EQ(dumpExpr("3 >= 2 && 1 <= 2 && 2 > 1 && 1 < 2"),
            "(binary && (binary && (binary && (binary >= (long 3) (long 2)) (binary <= (long 1) "
            "(long 2))) (binary > (long 2) (long 1))) (binary < (long 1) (long 2)))");
  EXPECT_EQ(dumpExpr("principal in [Group::\"a\", Group::\"b\",]"),
            "(binary in (var principal) (set (entity Group \"a\") (entity Group \"b\")))");
  EXPECT_EQ(dumpExpr("(1 < 2) == true"),
            "(binary == (binary < (long 1) (long 2)) (bool true))");
}

TEST(ParseExpr, IfThenElse) {
  EXPECT_EQ(dumpExpr("if principal.a then 1 else 2"),
            "(if (getattr (var principal) \"a\") (long 1) (long 2))");
  EXPECT_EQ(dumpExpr("if true then if false then 1 else 2 else 3"),
            "(if (bool true) (if (bool false) (long 1) (long 2)) (long 3))");
  // `if` is only allowed at expression level, not as an operand.
  EXPECT_FALSE(expr("1 + if true then 1 else 2")->ok);
}

TEST(ParseExpr, HasLikeIs) {
  EXPECT_EQ(dumpExpr("principal has a.b.c"), "(has (var principal) a b c)");
  EXPECT_EQ(dumpExpr("principal has \"a b\""), "(has (var principal) \"a b\")");
  EXPECT_EQ(dumpExpr("principal has principal"), "(has (var principal) principal)");
  EXPECT_EQ(dumpExpr("context.s like \"a\\*b*c\""),
            "(like (getattr (var context) \"s\") (lit \"a*b\") * (lit \"c\"))");
  EXPECT_EQ(dumpExpr("principal is NS::User in Group::\"g\""),
            "(is (var principal) NS::User (entity Group \"g\"))");
  EXPECT_EQ(dumpExpr("principal is User"), "(is (var principal) User)");
}

TEST(ParseExpr, LikePatternIsCanonical) {
  auto p = expr(R"(context.s like "a\*b**\u{41}")");
  ASSERT_TRUE(p->ok) << p->diagText();
  auto *like = cast<ast::Like>(p->expr);
  auto pat = like->getPattern();
  ASSERT_EQ(pat.size(), 4u);
  EXPECT_EQ(pat[0].literal, "a*b");
  EXPECT_TRUE(pat[1].isWildcard);
  EXPECT_TRUE(pat[2].isWildcard);
  EXPECT_EQ(pat[3].literal, "A");
}

TEST(ParseExpr, RecordsAndSets) {
  EXPECT_EQ(dumpExpr("{a: 1, \"b c\": 2, principal: 3, permit: 4,}"),
            "(record (\"a\" (long 1)) (\"b c\" (long 2)) (\"principal\" (long 3)) (\"permit\" "
            "(long 4)))");
  EXPECT_EQ(dumpExpr("{}"), "(record)");
  EXPECT_EQ(dumpExpr("[]"), "(set)");
  EXPECT_EQ(exprError("{a: 1, a: 2}"), "duplicate key `a` in record literal");
  EXPECT_EQ(exprError("{if: 1}"), "`if` is a reserved identifier");
  EXPECT_EQ(exprError("{true: 1}"), "`true` is a reserved identifier");
  EXPECT_EQ(exprError("{__cedar: 1}"), "`__cedar` is reserved");
  EXPECT_EQ(dumpExpr("{\"__cedar\": 1}"), "(record (\"__cedar\" (long 1)))");
  EXPECT_EQ(exprError("{1 + 1: 1}"), "invalid attribute name `1 + 1`");
  // Entries keep their written order.
  auto p = expr("{z: 1, a: 2}");
  ASSERT_TRUE(p->ok);
  auto entries = cast<ast::RecordLit>(p->expr)->getEntries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].key, "z");
  EXPECT_EQ(entries[1].key, "a");
}

TEST(ParseExpr, MembersAndCalls) {
  EXPECT_EQ(dumpExpr("principal[\"a\"].b"), "(getattr (index (var principal) \"a\") \"b\")");
  EXPECT_EQ(dumpExpr("context.when.unless.forbid"),
            "(getattr (getattr (getattr (var context) \"when\") \"unless\") \"forbid\")");
  EXPECT_EQ(dumpExpr("ip(\"10.0.0.1\").isInRange(ip(\"10.0.0.0/8\"))"),
            "(method (call ip (string \"10.0.0.1\")) isInRange (call ip (string \"10.0.0.0/8\")))");
  EXPECT_EQ(dumpExpr("[1,2].containsAll([1],)"),
            "(method (set (long 1) (long 2)) containsAll (set (long 1)))");
  EXPECT_EQ(dumpExpr("decimal(\"1.5\").lessThan(decimal(\"2.0\"))"),
            "(method (call decimal (string \"1.5\")) lessThan (call decimal (string \"2.0\")))");
  EXPECT_EQ(dumpExpr("principal.tags.hasTag(\"x\")"),
            "(method (getattr (var principal) \"tags\") hasTag (string \"x\"))");
  EXPECT_EQ(dumpExpr("[].isEmpty()"), "(method (set) isEmpty)");
  EXPECT_EQ(dumpExpr("datetime(\"2024-01-01\").offset(duration(\"1h\")).toDate()"),
            "(method (method (call datetime (string \"2024-01-01\")) offset (call duration "
            "(string \"1h\"))) toDate)");
  // Extension arity is checked when evaluating (as in Cedar), not here.
  EXPECT_TRUE(expr("ip(\"a\", \"b\")")->ok);
  EXPECT_EQ(exprError("[1].contains(1, 2)"),
            "call to `contains` requires exactly 1 argument, but got 2 arguments");
  EXPECT_EQ(exprError("[1].isEmpty(1)"),
            "call to `isEmpty` requires exactly 0 arguments, but got 1 argument");
  EXPECT_EQ(exprError("x.isEmpty()"),
            "attempted to call `x.isEmpty(...)`, but `x` does not have any methods");
  EXPECT_EQ(exprError("foo(1)"), "`foo` is not a valid function");
  EXPECT_EQ(exprError("NS::ip(\"1\")"), "`NS::ip` is not a valid function");
  EXPECT_EQ(exprError("principal.foo()"), "`foo` is not a valid method");
  EXPECT_EQ(exprError("isEmpty([])"), "`isEmpty` is a method, not a function");
  EXPECT_EQ(exprError("\"x\".decimal()"), "`decimal` is a function, not a method");
  EXPECT_EQ(exprError("principal(1)"), "`principal(...)` is not a valid function call");
  EXPECT_EQ(exprError("(1)(2)"), "function calls must be of the form `<name>(arg1, arg2, ...)`");
  EXPECT_EQ(exprError("principal[principal.x]"),
            "the contents of an index expression must be a string literal");
  EXPECT_EQ(exprError("User.name"), "invalid member access `User.name`, `User` has no fields or methods");
  EXPECT_EQ(exprError("User[\"name\"]"), "invalid indexing expression `User[...]`, `User` has no fields");
}

TEST(ParseExpr, PositionalKeywordsAreIdentifiers) {
  EXPECT_EQ(dumpExpr("context.permit && context.action"),
            "(binary && (getattr (var context) \"permit\") (getattr (var context) \"action\"))");
  EXPECT_EQ(dumpExpr("principal has resource"), "(has (var principal) resource)");
  EXPECT_EQ(dumpExpr("when::unless::\"x\""), "(entity when::unless \"x\")");
}

TEST(ParseExpr, Rejections) {
  EXPECT_EQ(exprError("principal.a < principal.b < 3"),
            "multiple relational operators (`>`, `==`, `in`, etc.) must be used with "
            "parentheses to make ordering explicit");
  EXPECT_EQ(exprError("1 == 1 == 1"),
            "multiple relational operators (`>`, `==`, `in`, etc.) must be used with "
            "parentheses to make ordering explicit");
  EXPECT_EQ(exprError("!!!!!true"), "too many occurrences of `!`");
  EXPECT_EQ(exprError("-----1"), "too many occurrences of `-`");
  EXPECT_EQ(dumpExpr("!!!!true"), "(unary ! (unary ! (unary ! (unary ! (bool true)))))");
  EXPECT_EQ(exprError("principal.if"), "`if` is a reserved identifier");
  EXPECT_EQ(exprError("principal has in"), "`in` is a reserved identifier");
  EXPECT_EQ(exprError("principal has if"), "`if` is a reserved identifier");
  EXPECT_EQ(exprError("principal has true"), "`true` is a reserved identifier");
  EXPECT_EQ(exprError("principal.__cedar"), "`__cedar` is reserved");
  EXPECT_EQ(exprError("__cedar::A::\"x\""),
            "the name `__cedar::A` contains `__cedar`, which is reserved");
  EXPECT_EQ(exprError("if::A::\"x\""), "`if` is a reserved identifier");
  EXPECT_EQ(exprError("A::is::\"x\""), "`is` is a reserved identifier");
  EXPECT_EQ(exprError("\"\\q\""), "the input `\\q` is not a valid escape");
  EXPECT_EQ(exprError("1 / 2"), "division is not supported");
  EXPECT_EQ(exprError("1 % 2"), "remainder/modulo is not supported");
  EXPECT_EQ(exprError("principal = 1"), "`=` is not a valid operator");
  EXPECT_EQ(exprError("foo"), "invalid variable `foo`");
  EXPECT_EQ(exprError("User::{id: \"a\"}"), "invalid entity literal `User::{id: \"a\"}`");
  EXPECT_EQ(exprError("\"a\" like context.p"),
            "right hand side of a `like` expression must be a pattern literal, but got `context.p`");
  EXPECT_EQ(exprError("\"a\" like (\"a\")"),
            "right hand side of a `like` expression must be a pattern literal, but got `(\"a\")`");
  EXPECT_EQ(exprError("principal is \"User\""),
            "right hand side of an `is` expression must be an entity type name, but got `\"User\"`");
  EXPECT_EQ(exprError("principal has a.b()"), "invalid RHS of a `has` operation: `a.b()`");
  EXPECT_EQ(exprError("principal has a::b"),
            "`a::b` cannot be used as an attribute as it contains a namespace");
  EXPECT_EQ(exprError("?principal"), "found template slot `?principal` in an expression");
  EXPECT_EQ(exprError("?foo"), "`?foo` is not a valid template slot");
  EXPECT_EQ(exprError("!-1"), "unexpected token `-`, expected an expression");
  EXPECT_EQ(exprError("[1, 2 3]"), "unexpected token `3`, expected `,` or `]`");
  EXPECT_EQ(exprError("(1"), "unexpected end of input, expected `)`");
  EXPECT_EQ(exprError("1 @"), "unexpected token `@`, expected end of input");
  EXPECT_EQ(exprError("#"), "invalid character `#`");
  EXPECT_EQ(exprError("\"abc"), "unterminated string literal");
  EXPECT_EQ(exprError(""), "unexpected end of input, expected an expression");
}

TEST(ParseExpr, SyntaxErrorsNameTokensNotTypes) {
  for (const char *text : {"principal.", "{a 1}", "if true then 1", "[1,,]", "f(", "1 +"}) {
    std::string msg = exprError(text);
    EXPECT_EQ(msg.find("T__"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("mismatched"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("expecting"), std::string::npos) << msg;
  }
}

// ------------------------------------------------------------ policies

TEST(ParsePolicy, Annotations) {
  auto p = policies("@id(\"p1\") @advice @if(\"x\") @permit\npermit(principal, action, resource);");
  ASSERT_TRUE(p->ok) << p->diagText();
  ASSERT_EQ(p->policies.size(), 1u);
  const ast::Policy &pol = p->policies[0];
  ASSERT_EQ(pol.annotations.size(), 4u);
  EXPECT_EQ(pol.annotations[0].key, "id");
  EXPECT_EQ(pol.annotations[0].value, "p1");
  EXPECT_TRUE(pol.annotations[0].hasValue);
  EXPECT_EQ(pol.annotations[1].key, "advice");
  EXPECT_FALSE(pol.annotations[1].hasValue);
  EXPECT_EQ(pol.annotations[2].key, "if");
  EXPECT_EQ(pol.annotations[3].key, "permit");
  ASSERT_NE(pol.findAnnotation("id"), nullptr);
  EXPECT_EQ(policyError("@id(\"a\") @id(\"b\") permit(principal, action, resource);"),
            "duplicate annotation `@id`");
}

TEST(ParsePolicy, ScopeForms) {
  auto p = policies(
      "forbid(principal == User::\"a\", action == Action::\"r\", resource in Folder::\"f\")\n"
      "  when { true } unless { false };\n"
      "permit(principal is User in Group::\"g\", action in [Action::\"a\", NS::Action::\"b\",],\n"
      "       resource is Doc,);\n"
      "permit(principal in ?principal, action in Action::\"x\", resource == ?resource);\n"
      "permit(principal == (User::\"a\"), action, resource is NS::Doc in ?resource);\n");
  ASSERT_TRUE(p->ok) << p->diagText();
  ASSERT_EQ(p->policies.size(), 4u);
  EXPECT_EQ(ast::dump(p->policies[0]), "(policy forbid\n  (principal == (entity User \"a\"))\n"
                                       "  (action == (entity Action \"r\"))\n"
                                       "  (resource in (entity Folder \"f\"))\n"
                                       "  (when (bool true))\n  (unless (bool false)))");
  const ast::Policy &second = p->policies[1];
  EXPECT_EQ(second.effect, ast::Effect::Permit);
  EXPECT_EQ(second.principal.op, ast::EntityScope::Op::IsIn);
  EXPECT_EQ(second.principal.type.str(), "User");
  EXPECT_EQ(second.action.op, ast::ActionScope::Op::InList);
  ASSERT_EQ(second.action.uids.size(), 2u);
  EXPECT_EQ(second.action.uids[1].type.str(), "NS::Action");
  EXPECT_EQ(second.resource.op, ast::EntityScope::Op::Is);
  const ast::Policy &third = p->policies[2];
  EXPECT_TRUE(third.isTemplate());
  EXPECT_TRUE(third.principal.target.isSlot);
  EXPECT_EQ(third.principal.target.slot, ast::SlotKind::Principal);
  EXPECT_EQ(third.action.op, ast::ActionScope::Op::In);
  EXPECT_EQ(third.resource.target.slot, ast::SlotKind::Resource);
  EXPECT_FALSE(p->policies[1].isTemplate());
  EXPECT_EQ(p->policies[3].principal.op, ast::EntityScope::Op::Eq);
  EXPECT_EQ(p->policies[3].resource.op, ast::EntityScope::Op::IsIn);
}

TEST(ParsePolicy, ScopeRejections) {
  EXPECT_EQ(policyError("allow(principal, action, resource);"), "invalid policy effect `allow`");
  EXPECT_EQ(policyError("permit(principal, action, resource) when {};"),
            "`when` condition clause cannot be empty");
  EXPECT_EQ(policyError("permit(principal, action, resource) iff { true };"),
            "invalid policy condition `iff`");
  EXPECT_EQ(policyError("permit(principal, action);"),
            "this policy is missing the `resource` variable in the scope");
  EXPECT_EQ(policyError("permit();"), "this policy is missing the `principal` variable in the scope");
  EXPECT_EQ(policyError("permit(principal, action, resource, context);"),
            "this policy has an extra element in the scope: `context`");
  EXPECT_EQ(policyError("permit(context, action, resource);"),
            "found an invalid variable in the policy scope: `context`");
  EXPECT_EQ(policyError("permit(resource, action, principal);"),
            "found the variable `resource` where the variable `principal` must be used");
  EXPECT_EQ(policyError("permit(principal == ?resource, action, resource);"),
            "expected an entity uid or matching template slot, found `?resource` instead of `?principal`");
  EXPECT_EQ(policyError("permit(principal == ?other, action, resource);"),
            "`?other` is not a valid template slot");
  EXPECT_EQ(policyError("permit(principal, action == ?principal, resource);"),
            "expected single entity uid, found template slot");
  EXPECT_EQ(policyError("permit(principal, action, resource) when { resource == ?resource };"),
            "found template slot `?resource` in a `when` clause");
  EXPECT_EQ(policyError("permit(principal, action == User::\"x\", resource);"),
            "expected an entity uid with type `Action` but got `User::\"x\"`");
  EXPECT_EQ(policyError("permit(principal, action == [Action::\"x\"], resource);"),
            "expected single entity uid, found set of entity uids");
  EXPECT_EQ(policyError("permit(principal == [User::\"x\"], action, resource);"),
            "expected single entity uid or template slot, found set of entity uids");
  EXPECT_EQ(policyError("permit(principal, action is Action, resource);"),
            "`is` cannot appear in the action scope");
  EXPECT_EQ(policyError("permit(principal is User == User::\"a\", action, resource);"),
            "`is` cannot be used together with `==`");
  EXPECT_EQ(policyError("permit(principal in Group::\"g\" is User, action, resource);"),
            "when `is` and `in` are used together, `is` must come first");
  EXPECT_EQ(policyError("permit(principal != User::\"a\", action, resource);"),
            "invalid operator in the policy scope: `!=`");
  EXPECT_EQ(policyError("permit(principal, action > Action::\"a\", resource);"),
            "invalid operator in the action scope: `>`");
  EXPECT_EQ(policyError("permit(principal = User::\"a\", action, resource);"),
            "`=` is not a valid operator");
  EXPECT_EQ(policyError("permit(principal: User, action, resource);"),
            "type constraints using `:` are not supported");
  EXPECT_EQ(policyError("permit(principal == \"alice\", action, resource);"),
            "expected an entity uid or matching template slot, found literal `\"alice\"`");
  EXPECT_EQ(policyError("permit(principal == User::\"a\" + 1, action, resource);"),
            "expected an entity uid or matching template slot, found a `+/-` expression");
  EXPECT_EQ(policyError("permit(principal == principal.x, action, resource);"),
            "expected an entity uid or matching template slot, found a `.` expression");
  EXPECT_EQ(policyError("permit(principal is \"User\", action, resource);"),
            "right hand side of an `is` expression must be an entity type name, but got `\"User\"`");
}

TEST(ParsePolicy, Ranges) {
  std::string text = "// c\n@id(\"x\")\npermit (principal, action, resource)\n"
                     "when { principal.age >= -3 };\n";
  auto p = policies(text);
  ASSERT_TRUE(p->ok) << p->diagText();
  const ast::Policy &pol = p->policies[0];
  auto slice = [&](SourceRange r) { return text.substr(r.begin, r.end - r.begin); };
  EXPECT_EQ(pol.range.file, 1u);
  EXPECT_EQ(slice(pol.range), text.substr(5, text.size() - 6));
  EXPECT_EQ(slice(pol.effectRange), "permit");
  EXPECT_EQ(slice(pol.annotations[0].range), "@id(\"x\")");
  EXPECT_EQ(slice(pol.principal.range), "principal");
  ASSERT_EQ(pol.conditions.size(), 1u);
  EXPECT_EQ(slice(pol.conditions[0].range), "when { principal.age >= -3 }");
  auto *ge = cast<ast::Binary>(pol.conditions[0].body);
  EXPECT_EQ(slice(ge->getRange()), "principal.age >= -3");
  EXPECT_EQ(slice(ge->getLhs()->getRange()), "principal.age");
  EXPECT_EQ(slice(cast<ast::GetAttr>(ge->getLhs())->getObject()->getRange()), "principal");
  EXPECT_EQ(slice(ge->getRhs()->getRange()), "-3");
}

TEST(ParsePolicy, RangesAreByteOffsetsWithUnicode) {
  std::string text = "permit(principal, action, resource) when { \"h\xC3\xA9llo\" == principal.n };";
  auto p = policies(text);
  ASSERT_TRUE(p->ok) << p->diagText();
  auto *eq = cast<ast::Binary>(p->policies[0].conditions[0].body);
  SourceRange r = eq->getRhs()->getRange();
  EXPECT_EQ(text.substr(r.begin, r.end - r.begin), "principal.n");
  EXPECT_EQ(cast<ast::StringLit>(eq->getLhs())->getValue(), "h\xC3\xA9llo");
}

TEST(ParsePolicy, TrailingCommasEverywhere) {
  auto p = policies("permit(principal, action in [Action::\"a\",], resource,)\n"
                    "when { [1,].contains(1,) && {a: 1,} has a && ip(\"1.1.1.1\",).isIpv4() };");
  EXPECT_TRUE(p->ok) << p->diagText();
}

TEST(ParsePolicy, CommentsAndWhitespace) {
  auto p = policies("// leading\npermit ( principal // x\n , action\t, resource\r\n) ; // trailing");
  EXPECT_TRUE(p->ok) << p->diagText();
  EXPECT_EQ(p->policies.size(), 1u);
  auto empty = policies("  // nothing here\n");
  EXPECT_TRUE(empty->ok);
  EXPECT_TRUE(empty->policies.empty());
}

// ------------------------------------------------------------ recovery

TEST(ParseRecovery, SeveralErrorsPerFile) {
  auto p = policies("deny(principal, action, resource);\n"
                    "permit(principal, action, resource);\n"
                    "permit(principal, action, resource) when { (1 + ) };\n"
                    "permit(principal, action, resource) when { true }\n"
                    "forbid(principal, action, resource) unless { x };\n"
                    "@id(\"ok\") permit(principal, action, resource);\n");
  EXPECT_FALSE(p->ok);
  EXPECT_EQ(p->policies.size(), 2u) << p->messages();
  EXPECT_EQ(p->diags.getNumErrors(), 4u) << p->messages();
}

TEST(ParseRecovery, ErrorCap) {
  std::string text;
  for (int i = 0; i < 20; ++i)
    text += "permit(principal, action, resource) when { foo };\n";
  ParseOptions opts;
  opts.maxErrors = 5;
  auto p = policies(text, opts);
  EXPECT_FALSE(p->ok);
  ASSERT_EQ(p->diags.getDiagnostics().size(), 6u) << p->messages();
  EXPECT_EQ(p->diags.getDiagnostics().back().code, "LI003");
}

// ------------------------------------------------------------ limits

TEST(ParseLimits, InputTooLarge) {
  ParseOptions opts;
  opts.maxInputBytes = 10;
  auto p = policies("permit(principal, action, resource);", opts);
  EXPECT_FALSE(p->ok);
  ASSERT_EQ(p->diags.getDiagnostics().size(), 1u);
  EXPECT_EQ(p->diags.getDiagnostics()[0].code, "LI001");
}

TEST(ParseLimits, DeepParenthesesGiveACleanError) {
  std::string text = "permit(principal, action, resource) when { " + std::string(100000, '(') +
                     "true" + std::string(100000, ')') + " };";
  auto p = policies(text);
  EXPECT_FALSE(p->ok);
  ASSERT_EQ(p->diags.getDiagnostics().size(), 1u) << p->messages();
  EXPECT_EQ(p->diags.getDiagnostics()[0].code, "LI002");
  auto e = expr(std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_FALSE(e->ok);
  EXPECT_EQ(e->diags.getDiagnostics()[0].code, "LI002");
}

TEST(ParseLimits, DeepIfsGiveACleanError) {
  std::string text;
  for (int i = 0; i < 5000; ++i)
    text += "if true then 1 else ";
  text += "2";
  auto e = expr(text);
  EXPECT_FALSE(e->ok);
  EXPECT_EQ(e->diags.getDiagnostics()[0].code, "LI002");
  // Many ifs side by side are not nested.
  std::string wide = "[";
  for (int i = 0; i < 1000; ++i)
    wide += "if true then 1 else 2, ";
  wide += "]";
  EXPECT_TRUE(expr(wide)->ok);
}

TEST(ParseLimits, NestingWithinTheLimitParses) {
  EXPECT_TRUE(expr(std::string(150, '(') + "1" + std::string(150, ')'))->ok);
}

TEST(ParseLimits, LongOperatorChains) {
  std::string text = "principal.a";
  for (int i = 0; i < 3000; ++i)
    text += " || principal.a";
  auto e = expr(text);
  EXPECT_FALSE(e->ok);
  ASSERT_FALSE(e->diags.getDiagnostics().empty());
  EXPECT_EQ(e->diags.getDiagnostics()[0].code, "LI002");
  ParseOptions opts;
  opts.maxExpressionDepth = 10000;
  EXPECT_TRUE(expr(text, opts)->ok);
}

TEST(ParseLimits, TenThousandPoliciesParseQuickly) {
  std::string text;
  for (int i = 0; i < 10000; ++i)
    text += "@id(\"p" + std::to_string(i) + "\")\npermit(principal == User::\"u" +
            std::to_string(i) +
            "\", action in [Action::\"read\", Action::\"write\"], resource is Doc)\n"
            "when { resource.owner == principal && context.time < 100 }\n"
            "unless { principal has banned && principal.banned };\n";
  auto start = std::chrono::steady_clock::now();
  auto p = policies(text);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(p->ok) << p->messages();
  EXPECT_EQ(p->policies.size(), 10000u);
  EXPECT_LT(secs, 5.0); // well under a second in release builds
}

TEST(ParseLimits, InvalidUtf8) {
  auto p = policies("permit(principal, action, resource) when { \"\xFF\" };");
  EXPECT_FALSE(p->ok);
  EXPECT_EQ(p->diags.getDiagnostics()[0].message, "the input is not valid UTF-8");
}

} // namespace
} // namespace larch
