// Grammar phase: Cedar policy text -> ast::Policy, implementing parse.h.
// This is the ONLY file that includes ANTLR headers; no ANTLR type and no
// std::any leaves it. Checks that need neither ANTLR nor the parse tree live
// in syntax_checks.cpp, message wording in syntax_messages.cpp and UTF-8
// handling in utf8.cpp.
//
// Pipeline for one file:
//   1. limits: input size, UTF-8 validity;
//   2. lex the whole file with our lexer (lexer.cpp; errors are tokens of
//      their own);
//   3. pre-scan the tokens (policy_splitter.cpp): split them into policies,
//      report lexer errors, and measure bracket/`if` nesting so no deeper
//      input ever reaches the recursive-descent parser;
//   4. parse each policy with the `policy` rule, SLL first and LL only if
//      SLL fails, stopping at the first syntax error of that policy;
//   5. build the AST, applying Cedar's post-parse checks (cst_to_ast.rs).
// The builder's own recursion follows the parse tree, whose depth step 3
// bounds; expression-tree depth (long operator chains) is checked as nodes
// are built.
//
// Speed: the builder reads parse trees through the grammar's labels (plain
// fields filled while parsing) and tells labelled alternatives apart by their
// first token or child (the `*Kind` functions), never through ANTLR's typed
// accessors, which walk every child with a dynamic_cast on each call.
#include "grammar/known_functions.h"
#include "grammar/lexer.h"
#include "grammar/parse.h"
#include "grammar/policy_splitter.h"
#include "grammar/syntax_checks.h"
#include "grammar/syntax_messages.h"
#include "grammar/unescape.h"
#include "grammar/utf8.h"

#include "LarchLexer.h"
#include "LarchParser.h"
#include "antlr4-runtime.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <optional>

namespace larch {

namespace {

using gen = larch_grammar_gen::LarchParser;
using Lexer = larch_grammar_gen::LarchLexer;
using antlr4::Token;

// ------------------------------------------------------------- utilities

/// An input stream filled by our own UTF-8 decoder: the runtime's converter
/// grows its output one character at a time. The text must be valid UTF-8
/// (checked before) and, like the runtime's, drops a leading byte-order mark.
class Utf8InputStream : public antlr4::ANTLRInputStream {
public:
  explicit Utf8InputStream(llvm::StringRef text) {
    decodeUtf8(text, _data);
    p = 0;
  }
  const std::u32string &codePoints() const { return _data; }
};

// Our lexer's token types are the generated lexer's.
#define LARCH_TOKEN(Name, Value, _)                                                    \
  static_assert(static_cast<size_t>(TokenKind::Name) == Lexer::Name,                    \
                "grammar/tokens.def is out of step with Larch.g4");
#include "grammar/tokens.def"
#undef LARCH_TOKEN

/// Our lexer's tokens (lexer.h) of `input` as ANTLR tokens, ending with the
/// end-of-input token the generated lexer would make.
std::vector<std::unique_ptr<Token>> toAntlrTokens(Utf8InputStream &input,
                                                  const std::vector<LexedToken> &lexed,
                                                  uint32_t endLine, uint32_t endColumn) {
  const std::u32string &text = input.codePoints();
  std::vector<std::unique_ptr<Token>> out;
  out.reserve(lexed.size() + 1);
  std::pair<antlr4::TokenSource *, antlr4::CharStream *> source{nullptr, &input};
  auto add = [&](size_t type, size_t start, size_t stop, size_t line, size_t column) {
    auto t = std::make_unique<antlr4::CommonToken>(source, type, Token::DEFAULT_CHANNEL,
                                                   start, stop);
    t->setLine(line);
    t->setCharPositionInLine(column);
    out.push_back(std::move(t));
  };
  for (const LexedToken &t : lexed)
    add(static_cast<size_t>(t.kind), t.start, t.stop, t.line, t.column);
  add(Token::EOF, text.size(), text.size() - 1, endLine, endColumn);
#ifndef NDEBUG
  // The generated lexer is the specification of ours: check every token.
  Lexer reference(&input);
  reference.removeErrorListeners();
  for (const std::unique_ptr<Token> &mine : out) {
    std::unique_ptr<Token> ref = reference.nextToken();
    assert(ref->getType() == mine->getType() && ref->getStartIndex() == mine->getStartIndex() &&
           ref->getStopIndex() == mine->getStopIndex() && ref->getLine() == mine->getLine() &&
           ref->getCharPositionInLine() == mine->getCharPositionInLine() &&
           "our lexer disagrees with the grammar's");
  }
  input.seek(0);
#endif
  return out;
}

/// A token stream that ends early: tokens at or after `limit` read as a
/// synthetic end-of-input, so each policy is parsed on its own tokens.
class SegmentTokenStream : public antlr4::CommonTokenStream {
public:
  using antlr4::CommonTokenStream::CommonTokenStream;

  void setLimit(size_t newLimit) {
    limit = newLimit;
    Token *real = get(std::min(newLimit, size() - 1));
    end = std::make_unique<antlr4::CommonToken>(Token::EOF);
    end->setTokenIndex(newLimit);
    end->setStartIndex(real->getStartIndex());
    end->setStopIndex(real->getStartIndex() - 1);
    end->setLine(real->getLine());
    end->setCharPositionInLine(real->getCharPositionInLine());
  }
  // INVARIANT: every token is on the default channel (our lexer emits no
  // others) and the stream is filled before parsing, so LT indexes the
  // buffer directly instead of searching it for on-channel tokens.
  Token *LT(ssize_t k) override {
    if (k < 0)
      return static_cast<ssize_t>(_p) + k < 0 ? nullptr : _tokens[_p + k].get();
    if (k == 0)
      return nullptr;
    size_t i = std::min(_p + static_cast<size_t>(k) - 1, _tokens.size() - 1);
    if (end && i >= limit)
      return end.get();
    return _tokens[i].get();
  }
  size_t getLimit() const { return limit; }

private:
  size_t limit = std::numeric_limits<size_t>::max();
  std::unique_ptr<antlr4::CommonToken> end;
};

/// The generated parser, minus a dynamic_cast per rule invocation (a rule
/// context's parent is always a rule context, so the base class's checked
/// downcast when linking a new context into the tree is not needed) and
/// with room for a few children up front.
class Parser final : public gen {
public:
  using gen::gen;

  void enterRule(antlr4::ParserRuleContext *localctx, size_t state,
                 size_t ruleIndex) override {
    // Most contexts with more than one child have a few: one allocation
    // instead of growing 1, 2, 4.
    localctx->children.reserve(4);
    gen::enterRule(localctx, state, ruleIndex);
  }

protected:
  void addContextToParseTree() override {
    if (_ctx->parent)
      static_cast<antlr4::ParserRuleContext *>(_ctx->parent)->addChild(_ctx);
  }
};

/// The first syntax error of a parse.
struct SyntaxError {
  Token *token = nullptr;
  antlr4::misc::IntervalSet expected;
};

/// Records the first error and abandons the parse: the caller resumes at the
/// next policy, which gives far better messages than ANTLR's token-level
/// repair. `sync` is kept so errors in loops name every valid continuation.
class StopAtFirstError : public antlr4::ANTLRErrorStrategy {
public:
  std::optional<SyntaxError> error;

  void reset(antlr4::Parser *) override { error.reset(); }
  Token *recoverInline(antlr4::Parser *p) override {
    record(p->getCurrentToken(), p->getExpectedTokens());
    throw antlr4::ParseCancellationException();
  }
  void recover(antlr4::Parser *, std::exception_ptr) override {
    throw antlr4::ParseCancellationException();
  }
  void sync(antlr4::Parser *p) override {
    const antlr4::atn::ATN &atn = p->getATN();
    antlr4::atn::ATNState *s = atn.states[p->getState()];
    size_t la = p->getTokenStream()->LA(1);
    const antlr4::misc::IntervalSet &next = atn.nextTokens(s);
    if (next.contains(Token::EPSILON) || next.contains(la))
      return;
    switch (s->getStateType()) {
    case antlr4::atn::ATNState::BLOCK_START:
    case antlr4::atn::ATNState::STAR_BLOCK_START:
    case antlr4::atn::ATNState::PLUS_BLOCK_START:
    case antlr4::atn::ATNState::STAR_LOOP_ENTRY:
    case antlr4::atn::ATNState::PLUS_LOOP_BACK:
    case antlr4::atn::ATNState::STAR_LOOP_BACK:
      record(p->getCurrentToken(), p->getExpectedTokens());
      throw antlr4::ParseCancellationException();
    default:
      break;
    }
  }
  bool inErrorRecoveryMode(antlr4::Parser *) override { return false; }
  void reportMatch(antlr4::Parser *) override {}
  void reportError(antlr4::Parser *, const antlr4::RecognitionException &e) override {
    antlr4::misc::IntervalSet expected;
    // For a failed prediction the expected set belongs to the decision's
    // start, so it only helps when the offending token is that start.
    auto *nva = dynamic_cast<const antlr4::NoViableAltException *>(&e);
    if (!nva || nva->getStartToken() == e.getOffendingToken())
      expected = e.getExpectedTokens();
    record(e.getOffendingToken(), expected);
  }

private:
  void record(Token *t, antlr4::misc::IntervalSet expected) {
    if (!error)
      error = SyntaxError{t, std::move(expected)};
  }
};

/// "`,` or `)`", "`,`, `]`, or an expression" (syntax_messages.h).
std::string describeExpected(const antlr4::misc::IntervalSet &set) {
  llvm::SmallVector<TokenKind, 16> kinds;
  bool endOfInput = false;
  for (ssize_t t : set.toList()) {
    if (t == static_cast<ssize_t>(Token::EOF))
      endOfInput = true;
    else if (t > 0 && t <= static_cast<ssize_t>(Lexer::INVALID_CHAR))
      kinds.push_back(static_cast<TokenKind>(t));
  }
  return describeExpectedTokens(kinds, endOfInput);
}

// ----------------------------------------------------------- the builder

/// An expression under construction: the node (null after an error) and its
/// depth, which later phases' recursion must be able to handle.
struct Ex {
  const ast::Expr *e = nullptr;
  uint32_t depth = 0;
  explicit operator bool() const { return e != nullptr; }
};

/// A bare primary reached through single-child layers, if any.
enum class RefKind { Single, SingleOrSlot, SingleOrSet };

// The alternatives of labelled rules, told apart without a dynamic_cast.
// INVARIANT: these follow the alternatives of `expr`, `memAccess` and
// `primary` in Larch.g4 (ORDER ALTERNATIVES), and only see trees of
// successful parses (the error strategy never inserts error nodes).

enum class PrimaryKind { Literal, Entity, EntityInits, Name, Slot, Paren, Set, Record };
enum class AccessKind { Field, Call, Index };

bool isIfExpr(gen::ExprContext *e) {
  // `IF expr THEN expr ELSE expr` has six children, `orExpr` one.
  bool isIf = e->children.size() != 1;
  assert(isIf == (dynamic_cast<gen::IfExprContext *>(e) != nullptr));
  return isIf;
}

AccessKind accessKind(gen::MemAccessContext *a) {
  AccessKind k;
  switch (a->getStart()->getType()) {
  case Lexer::DOT: k = AccessKind::Field; break;
  case Lexer::LPAREN: k = AccessKind::Call; break;
  default: k = AccessKind::Index; break;
  }
  assert((k == AccessKind::Field) == (dynamic_cast<gen::FieldAccessContext *>(a) != nullptr));
  assert((k == AccessKind::Call) == (dynamic_cast<gen::CallAccessContext *>(a) != nullptr));
  return k;
}

PrimaryKind primaryKindOf(gen::PrimaryContext *p) {
  switch (p->getStart()->getType()) {
  case Lexer::LPAREN: return PrimaryKind::Paren;
  case Lexer::LBRACKET: return PrimaryKind::Set;
  case Lexer::LBRACE: return PrimaryKind::Record;
  default: break;
  }
  // Every other alternative starts with a rule: literal, slot or path.
  auto *first = static_cast<antlr4::ParserRuleContext *>(p->children[0]);
  switch (first->getRuleIndex()) {
  case gen::RuleLiteral: return PrimaryKind::Literal;
  case gen::RuleSlot: return PrimaryKind::Slot;
  default: break;
  }
  // path | path '::' STRING | path '::' '{' ... '}'
  if (p->children.size() == 1)
    return PrimaryKind::Name;
  return p->children.size() == 3 ? PrimaryKind::Entity : PrimaryKind::EntityInits;
}

PrimaryKind primaryKind(gen::PrimaryContext *p) {
  PrimaryKind k = primaryKindOf(p);
#ifndef NDEBUG
  bool same = false;
  switch (k) {
  case PrimaryKind::Literal: same = dynamic_cast<gen::LiteralPrimaryContext *>(p); break;
  case PrimaryKind::Entity: same = dynamic_cast<gen::EntityPrimaryContext *>(p); break;
  case PrimaryKind::EntityInits: same = dynamic_cast<gen::EntityInitsPrimaryContext *>(p); break;
  case PrimaryKind::Name: same = dynamic_cast<gen::NamePrimaryContext *>(p); break;
  case PrimaryKind::Slot: same = dynamic_cast<gen::SlotPrimaryContext *>(p); break;
  case PrimaryKind::Paren: same = dynamic_cast<gen::ParenPrimaryContext *>(p); break;
  case PrimaryKind::Set: same = dynamic_cast<gen::SetPrimaryContext *>(p); break;
  case PrimaryKind::Record: same = dynamic_cast<gen::RecordPrimaryContext *>(p); break;
  }
  assert(same && "primaryKind out of step with the grammar");
#endif
  return k;
}

template <typename T> T *as(gen::PrimaryContext *p) { return static_cast<T *>(p); }

/// The token of a `literal` primary, or null for any other primary.
Token *literalToken(gen::PrimaryContext *p) {
  if (!p || primaryKind(p) != PrimaryKind::Literal)
    return nullptr;
  return as<gen::LiteralPrimaryContext>(p)->lit->tok;
}

class Builder {
public:
  Builder(ast::Context &ctx, DiagnosticEngine &diags, uint32_t file,
          llvm::StringRef text, const CodePointOffsets &offsets,
          const ParseOptions &options, unsigned &errorBudget)
      : ctx(ctx), diags(diags), file(file), text(text), offsets(offsets),
        options(options), errorBudget(errorBudget) {}

  /// Reports an error unless the budget is spent (then one LI003 note).
  Diagnostic *error(DiagCode code, SourceRange r, std::string msg,
                    std::string help = {}) {
    failed = true;
    if (errorBudget == 0)
      return nullptr;
    if (--errorBudget == 0) {
      diags.error(DiagCode::TooManyErrors, r,
                  "too many errors, stopped after " +
                      std::to_string(options.maxErrors));
      return nullptr;
    }
    Diagnostic &d = diags.error(code, r, std::move(msg));
    d.help = std::move(help);
    return &d;
  }
  Diagnostic *error(SyntaxProblem problem, SourceRange r) {
    return error(problem.code, r, std::move(problem.message), std::move(problem.help));
  }
  bool budgetSpent() const { return errorBudget == 0; }

  SourceRange tokRange(Token *t) const {
    if (!t || t->getType() == Token::EOF) {
      uint32_t at = t ? offsets.byteOf(t->getStartIndex()) : (uint32_t)text.size();
      return {file, at, at};
    }
    return {file, offsets.byteOf(t->getStartIndex()),
            offsets.byteOf(t->getStopIndex() + 1)};
  }
  SourceRange range(Token *start, Token *stop) const {
    SourceRange a = tokRange(start), b = tokRange(stop);
    return {file, a.begin, std::max(a.begin, b.end)};
  }
  SourceRange range(antlr4::ParserRuleContext *c) const {
    return range(c->getStart(), c->getStop());
  }
  static SourceRange join(SourceRange a, SourceRange b) {
    return {a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
  }
  llvm::StringRef textOf(SourceRange r) const {
    return text.slice(r.begin, r.end);
  }
  /// The text of a rule that is a single token (the identifier rules).
  llvm::StringRef tokenText(antlr4::ParserRuleContext *c) const {
    return textOf(tokRange(c->getStart()));
  }
  std::string quoteText(SourceRange r) const { return quoteSnippet(textOf(r)); }

  void reportSyntaxError(const SyntaxError &e, antlr4::TokenStream &tokens) {
    Token *t = e.token;
    // The synthetic end of a policy stands for the real token there.
    if (t && t->getType() == Token::EOF && t->getTokenIndex() < tokens.size() &&
        tokens.get(t->getTokenIndex())->getType() != Token::EOF)
      t = tokens.get(t->getTokenIndex());
    std::string msg;
    if (!t || t->getType() == Token::EOF)
      msg = "unexpected end of input";
    else
      msg = "unexpected token `" + snippet(textOf(tokRange(t))) + "`";
    std::string expected = describeExpected(e.expected);
    if (!expected.empty())
      msg += ", expected " + expected;
    std::string help;
    if (t && t->getType() == Lexer::SLASH)
      help = "division is not supported";
    else if (t && t->getType() == Lexer::PERCENT)
      help = "remainder/modulo is not supported";
    error(DiagCode::SyntaxError, tokRange(t), msg, help);
  }

  // ---------------------------------------------------------- policies

  /// Builds one policy; returns false (after reporting) on any error.
  bool buildPolicy(gen::PolicyContext *c, ast::Policy &out) {
    failed = false;
    exprDepthReported = false;
    out.range = range(c);

    // Annotations, duplicates rejected.
    llvm::SmallVector<ast::Annotation, 4> annotations;
    llvm::StringSet<> seen;
    for (gen::AnnotationContext *a : c->annotations) {
      ast::Annotation ann;
      ann.key = save(tokenText(a->key));
      ann.range = range(a);
      if (a->value) {
        ann.hasValue = true;
        if (auto v = unescapeToken(a->value))
          ann.value = *v;
      }
      if (!seen.insert(ann.key).second)
        error(DiagCode::DuplicateAnnotation, ann.range,
              "duplicate annotation `@" + ann.key.str() + "`",
              "each annotation key may appear once per policy");
      annotations.push_back(ann);
    }
    out.annotations = ctx.copy(llvm::ArrayRef<ast::Annotation>(annotations));

    // Effect.
    out.effectRange = range(c->effect);
    llvm::StringRef effectText = textOf(out.effectRange);
    if (effectText == "permit")
      out.effect = ast::Effect::Permit;
    else if (effectText == "forbid")
      out.effect = ast::Effect::Forbid;
    else
      error(DiagCode::InvalidEffect, out.effectRange,
            "invalid policy effect `" + effectText.str() + "`",
            "effect must be either `permit` or `forbid`");

    buildScope(c, out);

    // Conditions.
    llvm::SmallVector<ast::Condition, 2> conds;
    for (gen::ConditionContext *cc : c->conditions) {
      ast::Condition cond;
      cond.range = range(cc);
      llvm::StringRef kw = tokenText(cc->keyword);
      if (kw == "when" || kw == "unless") {
        cond.isWhen = kw == "when";
      } else {
        error(DiagCode::InvalidCondition, range(cc->keyword),
              "invalid policy condition `" + kw.str() + "`",
              "condition must be either `when` or `unless`");
        continue;
      }
      if (!cc->body) {
        error(DiagCode::EmptyCondition, cond.range,
              "`" + kw.str() + "` condition clause cannot be empty");
        continue;
      }
      clause = kw;
      Ex body = buildExpr(cc->body);
      clause = {};
      cond.body = body.e;
      if (body)
        conds.push_back(cond);
    }
    out.conditions = ctx.copy(llvm::ArrayRef<ast::Condition>(conds));
    return !failed;
  }

  Ex buildTopExpr(gen::ExprContext *c) {
    failed = false;
    exprDepthReported = false;
    Ex e = buildExpr(c);
    return failed ? Ex{} : e;
  }

private:
  ast::Context &ctx;
  DiagnosticEngine &diags;
  uint32_t file;
  llvm::StringRef text;
  const CodePointOffsets &offsets;
  const ParseOptions &options;
  unsigned &errorBudget;
  llvm::StringMap<llvm::StringRef> strings; // identifier interning
  bool failed = false;
  bool exprDepthReported = false;
  llvm::StringRef clause; // `when` / `unless` while building a condition

  llvm::StringRef save(llvm::StringRef s) {
    auto it = strings.find(s);
    if (it != strings.end())
      return it->second;
    llvm::StringRef saved = ctx.save(s);
    strings.try_emplace(s, saved);
    return saved;
  }

  /// The unescaped contents of a STRING token, or nothing after reporting.
  std::optional<llvm::StringRef> unescapeToken(Token *t) {
    SourceRange r = tokRange(t);
    llvm::StringRef body = textOf(r).drop_front().drop_back();
    // Most strings have no escapes: keep them without a copy through
    // std::string (the saved bytes are the same either way).
    if (body.find('\\') == llvm::StringRef::npos && body.find('\r') == llvm::StringRef::npos)
      return ctx.save(body);
    std::string out;
    llvm::SmallVector<UnescapeError, 2> errs;
    if (unescapeString(body, out, errs))
      return ctx.save(out);
    reportEscapes(r, errs);
    return std::nullopt;
  }
  void reportEscapes(SourceRange lit, llvm::ArrayRef<UnescapeError> errs) {
    for (const UnescapeError &e : errs)
      error(DiagCode::InvalidEscape,
            {file, lit.begin + 1 + e.begin, lit.begin + 1 + e.end},
            escapeForMessage(e.message), e.help);
  }

  /// Checks one identifier used as a name segment or attribute.
  bool checkIdent(llvm::StringRef id, SourceRange r) {
    if (auto problem = checkIdentifier(id)) {
      error(std::move(*problem), r);
      return false;
    }
    return true;
  }

  // A path's children alternate segment, `::`, segment...; every segment is
  // an identifier rule of one token.
  static size_t segmentCount(gen::PathContext *p) { return (p->children.size() + 1) / 2; }
  static antlr4::ParserRuleContext *segment(gen::PathContext *p, size_t i) {
    return static_cast<antlr4::ParserRuleContext *>(p->children[2 * i]);
  }

  /// `A::B` as written, without the whitespace or comments around `::`.
  std::string pathText(gen::PathContext *p) const {
    if (p->rest.empty())
      return textOf(range(p)).str();
    std::string out;
    for (size_t i = 0, n = segmentCount(p); i < n; ++i) {
      if (i)
        out += "::";
      out += tokenText(segment(p, i)).str();
    }
    return out;
  }

  std::optional<ast::Name> buildName(gen::PathContext *p) {
    llvm::SmallVector<llvm::StringRef, 4> segs;
    bool ok = true;
    for (size_t i = 0, n = segmentCount(p); i < n; ++i) {
      antlr4::ParserRuleContext *seg = segment(p, i);
      llvm::StringRef id = save(tokenText(seg));
      if (ast::isReservedIdentifier(id)) {
        ok = checkIdent(id, range(seg)) && ok;
      } else if (id == "__cedar") {
        ok = false;
        error(DiagCode::ReservedIdentifier, range(p),
              "the name `" + pathText(p) + "` contains `__cedar`, which is reserved");
      }
      segs.push_back(id);
    }
    if (!ok)
      return std::nullopt;
    ast::Name n;
    n.path = ctx.copy(llvm::ArrayRef<llvm::StringRef>(segs));
    n.range = range(p);
    return n;
  }

  /// Creates a node with the given children's depth, checking the limit.
  template <typename T, typename... Args>
  Ex make(uint32_t childDepth, SourceRange r, Args &&...args) {
    uint32_t depth = childDepth + 1;
    if (depth > options.maxExpressionDepth) {
      if (!exprDepthReported) {
        exprDepthReported = true;
        error(DiagCode::NestingTooDeep, r,
              "expression is nested too deeply (more than " +
                  std::to_string(options.maxExpressionDepth) + " levels)",
              "split long chains of operators into several conditions");
      }
      failed = true;
      return {};
    }
    return {ctx.make<T>(r, std::forward<Args>(args)...), depth};
  }

  // --------------------------------------------------------------- scope

  void buildScope(gen::PolicyContext *c, ast::Policy &out) {
    const std::vector<gen::ScopeVarContext *> &vars = c->vars;
    SourceRange lastEnd = out.effectRange;
    auto missing = [&](const char *name) {
      error(DiagCode::InvalidScope, join(out.effectRange, lastEnd),
            std::string("this policy is missing the `") + name +
                "` variable in the scope",
            kScopeHelp);
    };
    if (vars.size() > 0) {
      lastEnd = range(vars[0]);
      buildEntityScope(vars[0], ast::VarKind::Principal, out.principal);
    } else {
      missing("principal");
    }
    if (vars.size() > 1) {
      lastEnd = range(vars[1]);
      buildActionScope(vars[1], out.action);
    } else {
      missing("action");
    }
    if (vars.size() > 2)
      buildEntityScope(vars[2], ast::VarKind::Resource, out.resource);
    else
      missing("resource");
    for (size_t i = 3; i < vars.size(); ++i)
      error(DiagCode::InvalidScope, range(vars[i]),
            "this policy has an extra element in the scope: " +
                quoteText(range(vars[i])),
            kScopeHelp);
  }

  /// Checks the scope variable's name; false after reporting.
  bool checkScopeVar(gen::ScopeVarContext *v, ast::VarKind expected) {
    llvm::StringRef name = tokenText(v->var);
    auto var = parseVarName(name);
    if (!var || *var == ast::VarKind::Context) {
      error(DiagCode::InvalidScope, range(v->var),
            "found an invalid variable in the policy scope: `" + name.str() + "`",
            kScopeHelp);
      return false;
    }
    if (*var != expected) {
      error(DiagCode::InvalidScope, range(v->var),
            "found the variable `" + name.str() + "` where the variable `" +
                ast::getVarName(expected).str() + "` must be used",
            kScopeHelp);
      return false;
    }
    if (v->colon) {
      error(DiagCode::InvalidScopeOperator, range(v->colon, v->typeAnnotation->getStop()),
            "type constraints using `:` are not supported", "try using `is` instead");
      return false;
    }
    return true;
  }

  /// True when `e` is, syntactically, an `is` relation (for `in _ is _`).
  static bool isIsExpr(gen::ExprContext *e) {
    if (isIfExpr(e))
      return false;
    gen::OrExprContext *o = static_cast<gen::PlainExprContext *>(e)->inner;
    if (o->operands.size() != 1 || o->operands[0]->operands.size() != 1)
      return false;
    return o->operands[0]->operands[0]->isKw != nullptr;
  }

  /// The relational operator's token type.
  static size_t opType(gen::RelOpContext *op) { return op->op->getType(); }

  /// The token type of a scope's `==` or `in`; any other operator (`=`
  /// included) is reported and gives nothing. `scope` names the scope in
  /// the message (`policy`, `action`).
  std::optional<size_t> scopeOperator(gen::RelOpContext *op, llvm::StringRef scope,
                                      llvm::StringRef help) {
    size_t t = opType(op);
    if (t == Lexer::ASSIGN) {
      error(DiagCode::UnsupportedOperator, range(op), "`=` is not a valid operator",
            "try using `==` instead");
      return std::nullopt;
    }
    if (t != Lexer::EQ && t != Lexer::IN) {
      error(DiagCode::InvalidScopeOperator, range(op),
            "invalid operator in the " + scope.str() + " scope: `" +
                textOf(range(op)).str() + "`",
            help.str());
      return std::nullopt;
    }
    return t;
  }

  void buildEntityScope(gen::ScopeVarContext *v, ast::VarKind var, ast::EntityScope &out) {
    out.range = range(v);
    if (!checkScopeVar(v, var))
      return;
    std::optional<ast::Name> type;
    if (v->isKw) {
      type = buildTypeName(v->isType, ast::getVarName(var));
      if (!type)
        return;
      out.type = *type;
    }
    if (!v->op) {
      out.op = type ? ast::EntityScope::Op::Is : ast::EntityScope::Op::Any;
      return;
    }
    std::optional<size_t> op = scopeOperator(
        v->op, "policy", "policy scope clauses can only use `==`, `in`, `is`, or `_ is _ in _`");
    if (!op)
      return;
    size_t t = *op;
    if (t == Lexer::IN && isIsExpr(v->rhs)) {
      error(DiagCode::InvalidScopeOperator, range(v),
            "when `is` and `in` are used together, `is` must come first",
            "try `_ is _ in _`");
      return;
    }
    if (t == Lexer::EQ && type) {
      error(DiagCode::InvalidScopeOperator, range(v),
            "`is` cannot be used together with `==`", "try using `_ is _ in _`");
      return;
    }
    llvm::SmallVector<ast::EntityUid, 1> uids;
    std::optional<ast::ScopeTarget> target;
    if (!buildScopeRef(v->rhs, var, RefKind::SingleOrSlot, uids, target))
      return;
    out.target = *target;
    if (t == Lexer::EQ)
      out.op = ast::EntityScope::Op::Eq;
    else
      out.op = type ? ast::EntityScope::Op::IsIn : ast::EntityScope::Op::In;
  }

  void buildActionScope(gen::ScopeVarContext *v, ast::ActionScope &out) {
    out.range = range(v);
    if (!checkScopeVar(v, ast::VarKind::Action))
      return;
    if (v->isKw) {
      error(DiagCode::InvalidScopeOperator, range(v),
            "`is` cannot appear in the action scope",
            "try moving `action is ..` into a `when` condition");
      return;
    }
    if (!v->op)
      return;
    std::optional<size_t> op =
        scopeOperator(v->op, "action", "action scope clauses can only use `==` or `in`");
    if (!op)
      return;
    size_t t = *op;
    if (t == Lexer::IN && isIsExpr(v->rhs)) {
      error(DiagCode::InvalidScopeOperator, range(v),
            "`is` cannot appear in the action scope",
            "try moving `action is ..` into a `when` condition");
      return;
    }
    llvm::SmallVector<ast::EntityUid, 4> uids;
    std::optional<ast::ScopeTarget> target;
    bool isList = false;
    if (!buildScopeRef(v->rhs, ast::VarKind::Action,
                       t == Lexer::EQ ? RefKind::Single : RefKind::SingleOrSet, uids,
                       target, &isList))
      return;
    if (auto problem = checkActionUids(uids, text)) {
      error(std::move(*problem), range(v->rhs));
      return;
    }
    out.uids = ctx.copy(llvm::ArrayRef<ast::EntityUid>(uids));
    if (t == Lexer::EQ)
      out.op = ast::ActionScope::Op::Eq;
    else
      out.op = isList ? ast::ActionScope::Op::InList : ast::ActionScope::Op::In;
  }

  /// Extracts an entity uid, a slot or a list of uids from a scope's
  /// right-hand side, the way Cedar's `to_ref_or_refs` does.
  bool buildScopeRef(gen::ExprContext *e, ast::VarKind var, RefKind kind,
                     llvm::SmallVectorImpl<ast::EntityUid> &uids,
                     std::optional<ast::ScopeTarget> &target, bool *isList = nullptr) {
    const char *what = kind == RefKind::Single         ? "an entity uid"
                       : kind == RefKind::SingleOrSlot ? "an entity uid or matching template slot"
                                                       : "an entity uid or set of entity uids";
    auto wrong = [&](SourceRange r, const std::string &found, std::string help = {}) {
      error(DiagCode::InvalidExpression, r,
            std::string("expected ") + what + ", found " + found, std::move(help));
      return false;
    };
    gen::PrimaryContext *prim = nullptr;
    // Peel the single-child layers; anything else is the wrong node.
    while (!prim) {
      if (isIfExpr(e))
        return wrong(range(e), "an `if` expression");
      gen::OrExprContext *o = static_cast<gen::PlainExprContext *>(e)->inner;
      if (o->operands.size() > 1)
        return wrong(range(e), "a `||` expression");
      gen::AndExprContext *a = o->operands[0];
      if (a->operands.size() > 1)
        return wrong(range(e), "a `&&` expression");
      gen::RelationContext *rel = a->operands[0];
      if (rel->hasKw)
        return wrong(range(rel), "a `has` expression");
      if (rel->likeKw)
        return wrong(range(rel), "a `like` expression");
      if (rel->isKw)
        return wrong(range(rel), "an `is` expression");
      if (!rel->ops.empty())
        return wrong(range(rel), "a binary operator");
      gen::AddContext *add = rel->lhs;
      if (add->operands.size() > 1)
        return wrong(range(add), "a `+/-` expression",
                     "entity types and namespaces cannot use `+` or `-` characters -- "
                     "perhaps try `_` or `::` instead?");
      gen::MultContext *mult = add->operands[0];
      if (mult->operands.size() > 1)
        return wrong(range(mult), "a `*` expression");
      gen::UnaryContext *un = mult->operands[0];
      if (!un->bangs.empty())
        return wrong(range(un), "a `!` expression");
      if (!un->dashes.empty())
        return wrong(range(un), "a `-` expression");
      gen::MemberContext *m = un->operand;
      if (!m->accesses.empty())
        return wrong(range(m), "a `.` expression",
                     "entity types and namespaces cannot use `.` characters -- "
                     "perhaps try `_` or `::` instead?");
      if (primaryKind(m->head) == PrimaryKind::Paren) {
        e = as<gen::ParenPrimaryContext>(m->head)->inner;
        continue;
      }
      prim = m->head;
    }
    SourceRange r = range(prim);
    switch (primaryKind(prim)) {
    case PrimaryKind::Entity: {
      auto uid = buildUid(as<gen::EntityPrimaryContext>(prim));
      if (!uid)
        return false;
      uids.push_back(*uid);
      ast::ScopeTarget t;
      t.uid = *uid;
      t.range = r;
      target = t;
      return true;
    }
    case PrimaryKind::Slot: {
      if (kind != RefKind::SingleOrSlot) {
        error(DiagCode::InvalidSlot, r,
              std::string("expected ") +
                  (kind == RefKind::Single ? "single entity uid"
                                           : "single entity uid or set of entity uids") +
                  ", found template slot");
        return false;
      }
      Token *s = as<gen::SlotPrimaryContext>(prim)->slotRef->tok;
      std::string slotText = textOf(tokRange(s)).str();
      if (s->getType() == Lexer::OTHER_SLOT) {
        error(DiagCode::InvalidSlot, r, "`" + slotText + "` is not a valid template slot",
              "a template slot may only be `?principal` or `?resource`");
        return false;
      }
      bool isPrincipal = s->getType() == Lexer::PRINCIPAL_SLOT;
      if (isPrincipal != (var == ast::VarKind::Principal)) {
        error(DiagCode::InvalidSlot, r,
              std::string("expected ") + what + ", found `" + slotText +
                  "` instead of `?" + ast::getVarName(var).str() + "`");
        return false;
      }
      ast::ScopeTarget t;
      t.isSlot = true;
      t.slot = isPrincipal ? ast::SlotKind::Principal : ast::SlotKind::Resource;
      t.range = r;
      target = t;
      return true;
    }
    case PrimaryKind::Set: {
      if (kind != RefKind::SingleOrSet) {
        error(DiagCode::InvalidExpression, r,
              std::string("expected ") +
                  (kind == RefKind::Single ? "single entity uid"
                                           : "single entity uid or template slot") +
                  ", found set of entity uids");
        return false;
      }
      bool ok = true;
      for (gen::ExprContext *elem : as<gen::SetPrimaryContext>(prim)->elems) {
        std::optional<ast::ScopeTarget> ignored;
        ok = buildScopeRef(elem, var, RefKind::Single, uids, ignored) && ok;
      }
      if (isList)
        *isList = true;
      return ok;
    }
    case PrimaryKind::Literal:
      return wrong(r, "literal " + quoteText(r),
                   literalToken(prim)->getType() == Lexer::STRING
                       ? "try including the entity type if you intended this string "
                         "to be an entity uid"
                       : "");
    case PrimaryKind::Name:
      return wrong(r, "name " + quoteText(r),
                   var != ast::VarKind::Action
                       ? "try using `is` to test for an entity type or including an "
                         "identifier string if you intended this name to be an entity uid"
                       : "try including an identifier string if you intended this "
                         "name to be an entity uid");
    case PrimaryKind::EntityInits:
      invalidEntityLiteral(r);
      return false;
    case PrimaryKind::Record:
    case PrimaryKind::Paren: // peeled above
      return wrong(r, "record initializer");
    }
    return false;
  }

  void invalidEntityLiteral(SourceRange r) {
    error(DiagCode::InvalidExpression, r, "invalid entity literal " + quoteText(r),
          "entity literals should have a form like `Namespace::User::\"alice\"`");
  }

  std::optional<ast::EntityUid> buildUid(gen::EntityPrimaryContext *ent) {
    auto name = buildName(ent->type);
    auto id = unescapeToken(ent->id);
    if (!name || !id)
      return std::nullopt;
    ast::EntityUid uid;
    uid.type = *name;
    uid.id = *id;
    uid.range = range(ent);
    return uid;
  }

  /// The entity type after `is`, which must be a bare name.
  std::optional<ast::Name> buildTypeName(gen::AddContext *add, llvm::StringRef lhs) {
    gen::PrimaryContext *p = barePrimary(add);
    if (p && primaryKind(p) == PrimaryKind::Name)
      return buildName(as<gen::NamePrimaryContext>(p)->name);
    SourceRange r = range(add);
    std::string rhs = snippet(textOf(r));
    std::string help = "try using `==` to test for equality: `" + lhs.str() + " == " + rhs + "`";
    llvm::StringRef raw = textOf(r);
    if (raw.size() > 2 && raw.startswith("\"") && raw.endswith("\"")) {
      llvm::StringRef inner = raw.drop_front().drop_back();
      if (ast::isValidIdentifier(inner) || ast::isReservedIdentifier(inner))
        help = "try removing the quotes: `" + lhs.str() + " is " + inner.str() + "`";
    }
    error(DiagCode::InvalidExpression, r,
          "right hand side of an `is` expression must be an entity type name, but got `" +
              rhs + "`",
          help);
    return std::nullopt;
  }

  /// The member of an `add` with no operators around it, or null.
  static gen::MemberContext *bareMember(gen::AddContext *add) {
    if (add->operands.size() != 1 || add->operands[0]->operands.size() != 1)
      return nullptr;
    gen::UnaryContext *u = add->operands[0]->operands[0];
    if (!u->bangs.empty() || !u->dashes.empty())
      return nullptr;
    return u->operand;
  }
  static gen::PrimaryContext *barePrimary(gen::AddContext *add) {
    gen::MemberContext *m = bareMember(add);
    return m && m->accesses.empty() ? m->head : nullptr;
  }
  static gen::PrimaryContext *barePrimary(gen::ExprContext *e) {
    if (isIfExpr(e))
      return nullptr;
    gen::OrExprContext *o = static_cast<gen::PlainExprContext *>(e)->inner;
    if (o->operands.size() != 1 || o->operands[0]->operands.size() != 1)
      return nullptr;
    gen::RelationContext *rel = o->operands[0]->operands[0];
    if (rel->hasKw || rel->likeKw || rel->isKw || !rel->ops.empty())
      return nullptr;
    return barePrimary(rel->lhs);
  }
  /// A STRING token that is the whole of `p`, or null.
  static Token *stringLiteral(gen::PrimaryContext *p) {
    Token *t = literalToken(p);
    return t && t->getType() == Lexer::STRING ? t : nullptr;
  }
  static bool isBoolLiteral(gen::PrimaryContext *p) {
    Token *t = literalToken(p);
    return t && (t->getType() == Lexer::TRUE || t->getType() == Lexer::FALSE);
  }

  // ---------------------------------------------------------- expressions

  Ex buildExpr(gen::ExprContext *c) {
    if (isIfExpr(c)) {
      auto *ife = static_cast<gen::IfExprContext *>(c);
      Ex cond = buildExpr(ife->cond);
      Ex thenE = buildExpr(ife->thenExpr);
      Ex elseE = buildExpr(ife->elseExpr);
      if (!cond || !thenE || !elseE)
        return {};
      return make<ast::If>(std::max({cond.depth, thenE.depth, elseE.depth}), range(c),
                           cond.e, thenE.e, elseE.e);
    }
    return buildOr(static_cast<gen::PlainExprContext *>(c)->inner);
  }

  Ex buildOr(gen::OrExprContext *c) {
    const std::vector<gen::AndExprContext *> &kids = c->operands;
    Ex acc = buildAnd(kids[0]);
    for (size_t i = 1; i < kids.size(); ++i) {
      Ex rhs = buildAnd(kids[i]);
      if (!acc || !rhs) {
        acc = {};
        continue;
      }
      acc = make<ast::Binary>(std::max(acc.depth, rhs.depth),
                              join(acc.e->getRange(), rhs.e->getRange()),
                              ast::BinaryOp::Or, acc.e, rhs.e);
    }
    return acc;
  }

  Ex buildAnd(gen::AndExprContext *c) {
    const std::vector<gen::RelationContext *> &kids = c->operands;
    Ex acc = buildRelation(kids[0]);
    for (size_t i = 1; i < kids.size(); ++i) {
      Ex rhs = buildRelation(kids[i]);
      if (!acc || !rhs) {
        acc = {};
        continue;
      }
      acc = make<ast::Binary>(std::max(acc.depth, rhs.depth),
                              join(acc.e->getRange(), rhs.e->getRange()),
                              ast::BinaryOp::And, acc.e, rhs.e);
    }
    return acc;
  }

  Ex buildRelation(gen::RelationContext *c) {
    if (!c->hasKw && !c->likeKw && !c->isKw && c->ops.empty())
      return buildAdd(c->lhs);
    SourceRange r = range(c);
    if (c->hasKw)
      return buildHas(c, r);
    if (c->ops.size() > 1) {
      error(DiagCode::ChainedRelation, r,
            "multiple relational operators (`>`, `==`, `in`, etc.) must be used with "
            "parentheses to make ordering explicit",
            "use parentheses, as in `(a < b) == c`");
      return {};
    }
    Ex lhs = buildAdd(c->lhs);
    if (c->likeKw) {
      auto pattern = buildPattern(c->pattern);
      if (!lhs || !pattern)
        return {};
      return make<ast::Like>(lhs.depth, r, lhs.e, *pattern);
    }
    if (c->isKw) {
      auto type = buildTypeName(c->isType, lhs ? snippet(textOf(lhs.e->getRange())) : "..");
      Ex in;
      if (c->inKw) {
        in = buildAdd(c->inRhs);
        if (!in)
          return {};
      }
      if (!lhs || !type)
        return {};
      return make<ast::Is>(std::max(lhs.depth, in.depth), r, lhs.e, *type, in.e);
    }
    Ex rhs = buildAdd(c->rhs[0]);
    gen::RelOpContext *op = c->ops[0];
    ast::BinaryOp bop;
    switch (opType(op)) {
    case Lexer::ASSIGN:
      error(DiagCode::UnsupportedOperator, range(op), "`=` is not a valid operator",
            "try using `==` instead");
      return {};
    case Lexer::LT: bop = ast::BinaryOp::Less; break;
    case Lexer::LE: bop = ast::BinaryOp::LessEq; break;
    case Lexer::GT: bop = ast::BinaryOp::Greater; break;
    case Lexer::GE: bop = ast::BinaryOp::GreaterEq; break;
    case Lexer::EQ: bop = ast::BinaryOp::Eq; break;
    case Lexer::NE: bop = ast::BinaryOp::NotEq; break;
    default: bop = ast::BinaryOp::In; break;
    }
    if (!lhs || !rhs)
      return {};
    return make<ast::Binary>(std::max(lhs.depth, rhs.depth), r, bop, lhs.e, rhs.e);
  }

  /// `e has a`, `e has "a b"`, `e has a.b.c` (Cedar's `to_has_rhs`).
  Ex buildHas(gen::RelationContext *c, SourceRange r) {
    Ex lhs = buildAdd(c->lhs);
    llvm::SmallVector<llvm::StringRef, 4> path;
    bool ok = true;
    auto invalid = [&](SourceRange at) {
      SourceRange rhsRange = c->hasIf ? range(c->hasIf, c->getStop()) : range(c->hasRhs);
      error(DiagCode::InvalidExpression, at,
            "invalid RHS of a `has` operation: " + quoteText(rhsRange),
            "valid RHS of a `has` operation is either a sequence of identifiers "
            "separated by `.` or a string literal");
      ok = false;
    };
    const std::vector<gen::MemAccessContext *> *accesses = nullptr;
    if (c->hasIf) {
      checkIdent("if", tokRange(c->hasIf));
      ok = false;
    } else if (gen::MemberContext *m = bareMember(c->hasRhs)) {
      accesses = &m->accesses;
      gen::PrimaryContext *p = m->head;
      if (Token *s = stringLiteral(p)) {
        if (!accesses->empty()) {
          invalid(range(c->hasRhs));
        } else if (auto v = unescapeToken(s)) {
          path.push_back(*v);
        } else {
          ok = false;
        }
      } else if (primaryKind(p) == PrimaryKind::Name) {
        gen::PathContext *pc = as<gen::NamePrimaryContext>(p)->name;
        if (!pc->rest.empty()) {
          error(DiagCode::InvalidExpression, range(pc),
                "`" + pathText(pc) + "` cannot be used as an attribute as it contains a namespace");
          ok = false;
        } else {
          llvm::StringRef id = save(textOf(range(pc)));
          ok = checkIdent(id, range(pc)) && ok;
          path.push_back(id);
        }
      } else if (isBoolLiteral(p)) {
        checkIdent(textOf(range(p)), range(p));
        ok = false;
      } else {
        invalid(range(p));
      }
    } else {
      invalid(range(c->hasRhs));
    }
    if (ok && accesses) {
      for (gen::MemAccessContext *a : *accesses) {
        if (accessKind(a) != AccessKind::Field) {
          invalid(range(a));
          break;
        }
        gen::AnyIdentContext *field = static_cast<gen::FieldAccessContext *>(a)->field;
        llvm::StringRef id = save(tokenText(field));
        ok = checkIdent(id, range(field)) && ok;
        path.push_back(id);
      }
    }
    if (!lhs || !ok)
      return {};
    return make<ast::Has>(lhs.depth, r, lhs.e,
                          ctx.copy(llvm::ArrayRef<llvm::StringRef>(path)));
  }

  std::optional<llvm::ArrayRef<ast::PatternElem>> buildPattern(gen::AddContext *add) {
    Token *s = stringLiteral(barePrimary(add));
    SourceRange r = range(add);
    if (!s) {
      error(DiagCode::InvalidPattern, r,
            "right hand side of a `like` expression must be a pattern literal, but got " +
                quoteText(r));
      return std::nullopt;
    }
    SourceRange lit = tokRange(s);
    std::vector<PatternPiece> pieces;
    llvm::SmallVector<UnescapeError, 2> errs;
    if (!unescapePattern(textOf(lit).drop_front().drop_back(), pieces, errs)) {
      reportEscapes(lit, errs);
      return std::nullopt;
    }
    llvm::SmallVector<ast::PatternElem, 8> elems;
    for (const PatternPiece &p : pieces) {
      ast::PatternElem e;
      e.isWildcard = p.isWildcard;
      if (!p.isWildcard)
        e.literal = ctx.save(p.literal);
      elems.push_back(e);
    }
    return ctx.copy(llvm::ArrayRef<ast::PatternElem>(elems));
  }

  Ex buildAdd(gen::AddContext *c) {
    const std::vector<gen::MultContext *> &kids = c->operands;
    Ex acc = buildMult(kids[0]);
    for (size_t i = 1; i < kids.size(); ++i) {
      Ex rhs = buildMult(kids[i]);
      if (!acc || !rhs) {
        acc = {};
        continue;
      }
      bool plus = c->ops[i - 1]->op->getType() == Lexer::PLUS;
      acc = make<ast::Binary>(std::max(acc.depth, rhs.depth),
                              join(acc.e->getRange(), rhs.e->getRange()),
                              plus ? ast::BinaryOp::Add : ast::BinaryOp::Sub, acc.e, rhs.e);
    }
    return acc;
  }

  Ex buildMult(gen::MultContext *c) {
    const std::vector<gen::UnaryContext *> &kids = c->operands;
    Ex acc = buildUnary(kids[0]);
    for (size_t i = 1; i < kids.size(); ++i) {
      Ex rhs = buildUnary(kids[i]);
      gen::MultOpContext *op = c->ops[i - 1];
      if (op->op->getType() != Lexer::STAR) {
        error(DiagCode::UnsupportedOperator, range(op),
              op->op->getType() == Lexer::SLASH ? "division is not supported"
                                                : "remainder/modulo is not supported",
              "Cedar has `+`, `-` and `*` on integers only");
        acc = {};
        continue;
      }
      if (!acc || !rhs) {
        acc = {};
        continue;
      }
      acc = make<ast::Binary>(std::max(acc.depth, rhs.depth),
                              join(acc.e->getRange(), rhs.e->getRange()),
                              ast::BinaryOp::Mul, acc.e, rhs.e);
    }
    return acc;
  }

  /// Parses the digits of an INT token; nothing after reporting overflow.
  std::optional<uint64_t> parseInt(Token *t, bool negated, SourceRange r) {
    SyntaxProblem problem;
    auto v = parseIntegerLiteral(textOf(tokRange(t)), negated, problem);
    if (!v)
      error(std::move(problem), r);
    return v;
  }

  Ex buildUnary(gen::UnaryContext *c) {
    gen::MemberContext *m = c->operand;
    if (c->bangs.empty() && c->dashes.empty())
      return buildMember(m);
    const std::vector<Token *> &ops = c->bangs.empty() ? c->dashes : c->bangs;
    if (ops.size() > 4) {
      error(DiagCode::TooManyUnaryOperators, range(c),
            std::string("too many occurrences of `") + (c->bangs.empty() ? "-" : "!") + "`",
            "cannot chain more than 4 applications of a unary operator");
      return {};
    }
    SourceRange end = range(m);
    Ex inner;
    size_t remaining = ops.size();
    // `-` written directly before an integer literal folds into it.
    if (!c->dashes.empty() && m->accesses.empty()) {
      if (Token *lit = literalToken(m->head); lit && lit->getType() == Lexer::INT) {
        SourceRange r = join(tokRange(c->dashes.back()), end);
        auto v = parseInt(lit, true, r);
        if (!v)
          return {};
        int64_t value = *v == (uint64_t(1) << 63) ? std::numeric_limits<int64_t>::min()
                                                  : -static_cast<int64_t>(*v);
        inner = make<ast::LongLit>(0, r, value);
        --remaining;
      }
    }
    if (!inner) {
      if (remaining != ops.size())
        return {};
      inner = buildMember(m);
    }
    for (size_t i = remaining; i-- > 0;) {
      if (!inner)
        return {};
      inner = make<ast::Unary>(inner.depth, join(tokRange(ops[i]), end),
                               c->bangs.empty() ? ast::UnaryOp::Neg : ast::UnaryOp::Not,
                               inner.e);
    }
    return inner;
  }

  Ex buildMember(gen::MemberContext *c) {
    const std::vector<gen::MemAccessContext *> &accesses = c->accesses;
    gen::PrimaryContext *p = c->head;
    size_t i = 0;
    Ex head;
    if (primaryKind(p) == PrimaryKind::Name) {
      gen::PathContext *path = as<gen::NamePrimaryContext>(p)->name;
      auto var = path->rest.empty() ? parseVarName(textOf(range(path))) : std::nullopt;
      if (var) {
        if (!accesses.empty() && accessKind(accesses[0]) == AccessKind::Call) {
          error(DiagCode::InvalidCall, range(c),
                "`" + pathText(path) + "(...)` is not a valid function call",
                "variables cannot be called as functions");
          return {};
        }
        head = make<ast::Var>(0, range(p), *var);
      } else if (accesses.empty()) {
        if (buildName(path)) {
          std::string n = pathText(path);
          error(DiagCode::UnknownVariable, range(p), "invalid variable `" + n + "`",
                "the valid Cedar variables are `principal`, `action`, `resource`, and "
                "`context`; did you mean to enclose `" + n + "` in quotes to make a string?");
        }
        return {};
      } else if (accessKind(accesses[0]) == AccessKind::Call) {
        auto *call = static_cast<gen::CallAccessContext *>(accesses[0]);
        head = buildCall(path, call, range(p->getStart(), call->getStop()));
        i = 1;
      } else {
        if (!buildName(path))
          return {};
        std::string n = pathText(path);
        if (accessKind(accesses[0]) == AccessKind::Field) {
          auto *f = static_cast<gen::FieldAccessContext *>(accesses[0]);
          std::string field = tokenText(f->field).str();
          if (accesses.size() > 1 && accessKind(accesses[1]) == AccessKind::Call)
            error(DiagCode::InvalidCall, range(c),
                  "attempted to call `" + n + "." + field + "(...)`, but `" + n +
                      "` does not have any methods");
          else
            error(DiagCode::InvalidExpression, range(c),
                  "invalid member access `" + n + "." + field + "`, `" + n +
                      "` has no fields or methods");
        } else {
          error(DiagCode::InvalidExpression, range(c),
                "invalid indexing expression `" + n + "[...]`, `" + n + "` has no fields");
        }
        return {};
      }
    } else {
      head = buildPrimary(p);
    }
    for (; i < accesses.size(); ++i) {
      gen::MemAccessContext *a = accesses[i];
      SourceRange r = range(p->getStart(), a->getStop());
      AccessKind kind = accessKind(a);
      if (kind == AccessKind::Call) {
        error(DiagCode::InvalidCall, range(a),
              "function calls must be of the form `<name>(arg1, arg2, ...)`");
        return {};
      }
      if (kind == AccessKind::Index) {
        gen::ExprContext *index = static_cast<gen::IndexAccessContext *>(a)->index;
        Token *s = stringLiteral(barePrimary(index));
        if (!s) {
          error(DiagCode::InvalidIndex, range(index),
                "the contents of an index expression must be a string literal");
          head = {};
          continue;
        }
        auto key = unescapeToken(s);
        if (!head || !key) {
          head = {};
          continue;
        }
        head = make<ast::GetAttr>(head.depth, r, head.e, *key, true);
        continue;
      }
      gen::AnyIdentContext *field = static_cast<gen::FieldAccessContext *>(a)->field;
      llvm::StringRef id = save(tokenText(field));
      bool idOk = checkIdent(id, range(field));
      if (i + 1 < accesses.size() && accessKind(accesses[i + 1]) == AccessKind::Call) {
        auto *call = static_cast<gen::CallAccessContext *>(accesses[++i]);
        head = buildMethodCall(head, id, idOk, call, range(p->getStart(), call->getStop()),
                               range(field));
        continue;
      }
      if (!head || !idOk) {
        head = {};
        continue;
      }
      head = make<ast::GetAttr>(head.depth, r, head.e, id, false);
    }
    return head;
  }

  /// Builds call arguments; false if any failed.
  bool buildArgs(gen::CallAccessContext *call, llvm::SmallVectorImpl<const ast::Expr *> &args,
                 uint32_t &depth) {
    bool ok = true;
    for (gen::ExprContext *e : call->args) {
      Ex arg = buildExpr(e);
      if (!arg) {
        ok = false;
        continue;
      }
      depth = std::max(depth, arg.depth);
      args.push_back(arg.e);
    }
    return ok;
  }

  bool checkCallArity(const KnownFunction &f, size_t got, SourceRange r) {
    if (auto problem = checkArity(f, got)) {
      error(std::move(*problem), r);
      return false;
    }
    return true;
  }

  Ex buildCall(gen::PathContext *path, gen::CallAccessContext *call, SourceRange r) {
    llvm::SmallVector<const ast::Expr *, 2> args;
    uint32_t depth = 0;
    bool ok = buildArgs(call, args, depth);
    auto name = buildName(path);
    if (!name)
      return {};
    SyntaxProblem problem;
    const KnownFunction *f =
        resolveCall(pathText(path), !path->rest.empty(), CallStyle::Function, problem);
    if (!f) {
      error(std::move(problem), r);
      return {};
    }
    if (!checkCallArity(*f, call->args.size(), r) || !ok)
      return {};
    return make<ast::Call>(depth, r, *name,
                           ctx.copy(llvm::ArrayRef<const ast::Expr *>(args)));
  }

  Ex buildMethodCall(Ex receiver, llvm::StringRef id, bool idOk,
                     gen::CallAccessContext *call, SourceRange r, SourceRange idRange) {
    llvm::SmallVector<const ast::Expr *, 2> args;
    uint32_t depth = receiver.depth;
    bool ok = buildArgs(call, args, depth);
    if (!idOk)
      return {};
    SyntaxProblem problem;
    const KnownFunction *f = resolveCall(id, false, CallStyle::Method, problem);
    if (!f) {
      // An unknown method is reported at its name, a misused function at the call.
      SourceRange at = problem.code == DiagCode::UnknownFunction ? idRange : r;
      error(std::move(problem), at);
      return {};
    }
    if (!checkCallArity(*f, call->args.size(), r) || !ok || !receiver)
      return {};
    return make<ast::MethodCall>(depth, r, receiver.e, f->name,
                                 ctx.copy(llvm::ArrayRef<const ast::Expr *>(args)));
  }

  Ex buildPrimary(gen::PrimaryContext *p) {
    SourceRange r = range(p);
    switch (primaryKind(p)) {
    case PrimaryKind::Literal: {
      Token *t = literalToken(p);
      switch (t->getType()) {
      case Lexer::TRUE:
      case Lexer::FALSE:
        return make<ast::BoolLit>(0, r, t->getType() == Lexer::TRUE);
      case Lexer::INT: {
        auto v = parseInt(t, false, r);
        if (!v)
          return {};
        return make<ast::LongLit>(0, r, static_cast<int64_t>(*v));
      }
      default: {
        auto s = unescapeToken(t);
        if (!s)
          return {};
        return make<ast::StringLit>(0, r, *s);
      }
      }
    }
    case PrimaryKind::Entity: {
      auto uid = buildUid(as<gen::EntityPrimaryContext>(p));
      if (!uid)
        return {};
      return make<ast::EntityLit>(0, r, *uid);
    }
    case PrimaryKind::EntityInits:
      invalidEntityLiteral(r);
      return {};
    case PrimaryKind::Slot: {
      std::string s = textOf(r).str();
      if (as<gen::SlotPrimaryContext>(p)->slotRef->tok->getType() == Lexer::OTHER_SLOT)
        error(DiagCode::InvalidSlot, r, "`" + s + "` is not a valid template slot",
              "a template slot may only be `?principal` or `?resource`");
      else if (!clause.empty())
        error(DiagCode::InvalidSlot, r,
              "found template slot `" + s + "` in a `" + clause.str() + "` clause",
              "slots are currently unsupported in `" + clause.str() + "` clauses");
      else
        error(DiagCode::InvalidSlot, r,
              "found template slot `" + s + "` in an expression",
              "template slots may only appear in the policy scope");
      return {};
    }
    case PrimaryKind::Paren:
      return buildExpr(as<gen::ParenPrimaryContext>(p)->inner);
    case PrimaryKind::Set: {
      llvm::SmallVector<const ast::Expr *, 8> elems;
      uint32_t depth = 0;
      bool ok = true;
      for (gen::ExprContext *e : as<gen::SetPrimaryContext>(p)->elems) {
        Ex x = buildExpr(e);
        if (!x) {
          ok = false;
          continue;
        }
        depth = std::max(depth, x.depth);
        elems.push_back(x.e);
      }
      if (!ok)
        return {};
      return make<ast::SetLit>(depth, r, ctx.copy(llvm::ArrayRef<const ast::Expr *>(elems)));
    }
    case PrimaryKind::Record:
      return buildRecord(as<gen::RecordPrimaryContext>(p), r);
    case PrimaryKind::Name: // normally handled by buildMember
      error(DiagCode::UnknownVariable, r,
            "invalid variable `" + pathText(as<gen::NamePrimaryContext>(p)->name) + "`");
      return {};
    }
    return {};
  }

  /// A record key: an identifier, a variable name or a string literal.
  std::optional<llvm::StringRef> buildRecordKey(gen::RecInitContext *init) {
    if (init->ifKey) {
      checkIdent("if", tokRange(init->ifKey));
      return std::nullopt;
    }
    gen::ExprContext *keyExpr = init->key;
    SourceRange r = range(keyExpr);
    gen::PrimaryContext *p = barePrimary(keyExpr);
    if (Token *s = stringLiteral(p))
      return unescapeToken(s);
    if (p && primaryKind(p) == PrimaryKind::Name) {
      gen::PathContext *path = as<gen::NamePrimaryContext>(p)->name;
      if (!path->rest.empty()) {
        if (buildName(path))
          error(DiagCode::InvalidExpression, r,
                "`" + pathText(path) + "` cannot be used as an attribute as it contains a namespace");
        return std::nullopt;
      }
      llvm::StringRef id = save(textOf(range(path)));
      if (!checkIdent(id, r))
        return std::nullopt;
      return id;
    }
    if (isBoolLiteral(p)) {
      checkIdent(textOf(range(p)), r);
      return std::nullopt;
    }
    error(DiagCode::InvalidExpression, r, "invalid attribute name " + quoteText(r),
          "attribute names can either be identifiers or string literals");
    return std::nullopt;
  }

  Ex buildRecord(gen::RecordPrimaryContext *rec, SourceRange r) {
    llvm::SmallVector<ast::RecordEntry, 8> entries;
    llvm::StringSet<> keys;
    uint32_t depth = 0;
    bool ok = true;
    for (gen::RecInitContext *init : rec->entries) {
      auto key = buildRecordKey(init);
      Ex value = buildExpr(init->value);
      if (!key || !value) {
        ok = false;
        continue;
      }
      SourceRange keyRange = init->ifKey ? tokRange(init->ifKey) : range(init->key);
      if (!keys.insert(*key).second) {
        error(DiagCode::DuplicateRecordKey, keyRange,
              "duplicate key `" + escapeForMessage(*key) + "` in record literal");
        ok = false;
        continue;
      }
      depth = std::max(depth, value.depth);
      entries.push_back({*key, keyRange, value.e});
    }
    if (!ok)
      return {};
    return make<ast::RecordLit>(depth, r, ctx.copy(llvm::ArrayRef<ast::RecordEntry>(entries)));
  }
};

// ------------------------------------------------------------- driver

/// Lexes, pre-scans and parses one source.
class FileParser {
public:
  FileParser(const SourceManager &sm, uint32_t file, ast::Context &ctx,
             DiagnosticEngine &diags, const ParseOptions &options)
      : text(sm.getText(file)), file(file), options(options),
        errorBudget(std::max<uint32_t>(options.maxErrors, 1) + 1), offsets(text),
        builder(ctx, diags, file, text, offsets, options, errorBudget),
        diags(diags) {}

  /// False (after reporting) if the input is unusable as a whole.
  bool start() {
    if (text.size() > options.maxInputBytes) {
      diags.error(DiagCode::InputTooLarge, {file, 0, 0},
                  "input is " + std::to_string(text.size()) +
                      " bytes, more than the limit of " +
                      std::to_string(options.maxInputBytes));
      return false;
    }
    size_t bad = findInvalidUtf8(text);
    if (bad != llvm::StringRef::npos) {
      uint32_t at = static_cast<uint32_t>(bad);
      diags.error(DiagCode::InvalidToken, {file, at, at + 1},
                  "the input is not valid UTF-8");
      return false;
    }
    input = std::make_unique<Utf8InputStream>(text);
    uint32_t endLine = 1, endColumn = 0;
    lexPolicyText(input->codePoints(), lexed, endLine, endColumn);
    tokenSource = std::make_unique<antlr4::ListTokenSource>(
        toAntlrTokens(*input, lexed, endLine, endColumn));
    tokens = std::make_unique<SegmentTokenStream>(tokenSource.get());
    tokens->fill();
    parser = std::make_unique<Parser>(tokens.get());
    parser->removeErrorListeners();
    parser->setErrorHandler(strategy);
    return true;
  }

  /// Splits the tokens into policies and checks nesting (policy_splitter.h).
  std::vector<PolicySegment> scan(bool split) {
    return splitPolicies(lexed, offsets, file, text, options.maxNestingDepth, split);
  }

  /// Runs `rule` on one segment, SLL first, LL on failure. Returns the
  /// context, or null after reporting the syntax error.
  template <typename Ctx>
  Ctx *parseSegment(const PolicySegment &seg, Ctx *(gen::*rule)()) {
    auto *sim = parser->getInterpreter<antlr4::atn::ParserATNSimulator>();
    for (int attempt = 0; attempt < 2; ++attempt) {
      sim->setPredictionMode(attempt == 0 ? antlr4::atn::PredictionMode::SLL
                                          : antlr4::atn::PredictionMode::LL);
      tokens->setLimit(seg.end);
      tokens->seek(seg.begin);
      strategy->reset(parser.get());
      Ctx *result = nullptr;
      try {
        result = (parser.get()->*rule)();
      } catch (antlr4::ParseCancellationException &) {
        result = nullptr;
      } catch (antlr4::RecognitionException &) {
        result = nullptr;
      }
      if (result && !strategy->error)
        return result;
      if (attempt == 1 && strategy->error)
        builder.reportSyntaxError(*strategy->error, *tokens);
    }
    return nullptr;
  }

  bool parsePolicies(std::vector<ast::Policy> &out) {
    bool ok = true;
    for (const PolicySegment &seg : scan(/*split=*/true)) {
      if (builder.budgetSpent())
        return false;
      if (seg.failed) {
        builder.error(seg.problem, seg.errorRange);
        ok = false;
        continue;
      }
      gen::PolicyContext *pc = parseSegment(seg, &gen::policy);
      if (!pc) {
        ok = false;
        continue;
      }
      ast::Policy p;
      if (builder.buildPolicy(pc, p))
        out.push_back(std::move(p));
      else
        ok = false;
      // Free this policy's parse tree: ANTLR keeps every context until a
      // reset, and a large file's trees would otherwise all stay in memory.
      parser->reset();
    }
    return ok && !builder.budgetSpent();
  }

  const ast::Expr *parseExpression() {
    std::vector<PolicySegment> segs = scan(/*split=*/false);
    if (segs.empty()) {
      builder.error(DiagCode::SyntaxError, {file, 0, 0},
                    "unexpected end of input, expected an expression");
      return nullptr;
    }
    if (segs[0].failed) {
      builder.error(segs[0].problem, segs[0].errorRange);
      return nullptr;
    }
    PolicySegment whole = segs[0];
    whole.end = tokens->size() - 1;
    gen::ExprEOFContext *c = parseSegment(whole, &gen::exprEOF);
    if (!c)
      return nullptr;
    return builder.buildTopExpr(c->expr()).e;
  }

private:
  llvm::StringRef text;
  uint32_t file;
  const ParseOptions &options;
  unsigned errorBudget;
  CodePointOffsets offsets;
  Builder builder;
  DiagnosticEngine &diags;
  std::unique_ptr<Utf8InputStream> input;
  std::vector<LexedToken> lexed; // without the end of input
  std::unique_ptr<antlr4::ListTokenSource> tokenSource;
  std::unique_ptr<SegmentTokenStream> tokens;
  std::unique_ptr<Parser> parser;
  std::shared_ptr<StopAtFirstError> strategy = std::make_shared<StopAtFirstError>();
};

} // namespace

bool parsePolicies(const SourceManager &sm, uint32_t file, ast::Context &ctx,
                   std::vector<ast::Policy> &out, DiagnosticEngine &diags,
                   const ParseOptions &options) {
  try {
    FileParser fp(sm, file, ctx, diags, options);
    if (!fp.start())
      return false;
    return fp.parsePolicies(out);
  } catch (std::exception &e) {
    diags.error(DiagCode::SyntaxError, {file, 0, 0},
                std::string("internal parser failure: ") + e.what());
    return false;
  }
}

const ast::Expr *parseExpression(const SourceManager &sm, uint32_t file,
                                 ast::Context &ctx, DiagnosticEngine &diags,
                                 const ParseOptions &options) {
  try {
    FileParser fp(sm, file, ctx, diags, options);
    if (!fp.start())
      return nullptr;
    return fp.parseExpression();
  } catch (std::exception &e) {
    diags.error(DiagCode::SyntaxError, {file, 0, 0},
                std::string("internal parser failure: ") + e.what());
    return nullptr;
  }
}

} // namespace larch
