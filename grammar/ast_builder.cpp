// Grammar phase: Cedar policy text -> ast::Policy, implementing parse.h.
// This is the ONLY file that includes ANTLR headers; no ANTLR type and no
// std::any leaves it (the generated visitor is not used: contexts are walked
// through their typed accessors).
//
// Pipeline for one file:
//   1. limits: input size, UTF-8 validity;
//   2. lex the whole file (lexer errors are tokens of their own);
//   3. pre-scan the tokens: split them into policies (at `;`, and before an
//      `@` or `permit(`/`forbid(` that cannot continue the current policy),
//      report lexer errors, and measure bracket/`if` nesting so no deeper
//      input ever reaches the recursive-descent parser;
//   4. parse each policy with the `policy` rule, SLL first and LL only if
//      SLL fails, stopping at the first syntax error of that policy;
//   5. build the AST, applying Cedar's post-parse checks (cst_to_ast.rs).
// The builder's own recursion follows the parse tree, whose depth step 3
// bounds; expression-tree depth (long operator chains) is checked as nodes
// are built.
#include "grammar/known_functions.h"
#include "grammar/parse.h"
#include "grammar/unescape.h"

#include "LarchLexer.h"
#include "LarchParser.h"
#include "antlr4-runtime.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace larch {

namespace {

using gen = larch_grammar_gen::LarchParser;
using Lexer = larch_grammar_gen::LarchLexer;
using antlr4::Token;

// ------------------------------------------------------------- utilities

/// Returns the byte offset of the first invalid UTF-8 sequence, or npos.
size_t findInvalidUtf8(llvm::StringRef s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    unsigned len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n)
      return i;
    for (unsigned k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return llvm::StringRef::npos;
}

/// Maps ANTLR's code-point indices back to byte offsets in the source.
class OffsetMap {
public:
  explicit OffsetMap(llvm::StringRef text) {
    // ANTLR's input stream drops a leading UTF-8 byte-order mark.
    if (text.startswith("\xEF\xBB\xBF")) {
      base = 3;
      text = text.drop_front(3);
    }
    bool ascii = std::all_of(text.begin(), text.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x80;
    });
    if (ascii)
      return;
    starts.reserve(text.size() + 1);
    for (uint32_t i = 0; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
        starts.push_back(i);
    starts.push_back(static_cast<uint32_t>(text.size()));
  }
  uint32_t byteOf(size_t cp) const {
    if (starts.empty())
      return base + static_cast<uint32_t>(cp);
    if (cp >= starts.size())
      return base + starts.back();
    return base + starts[cp];
  }

private:
  uint32_t base = 0;
  std::vector<uint32_t> starts; // empty when the text is ASCII
};

/// An input stream filled by our own UTF-8 decoder: the runtime's converter
/// grows its output one character at a time. The text must be valid UTF-8
/// (checked before) and, like the runtime's, drops a leading byte-order mark.
class Utf8InputStream : public antlr4::ANTLRInputStream {
public:
  explicit Utf8InputStream(llvm::StringRef text) {
    if (text.startswith("\xEF\xBB\xBF"))
      text = text.drop_front(3);
    _data.resize(text.size());
    size_t n = 0;
    for (size_t i = 0; i < text.size();) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      char32_t cp;
      unsigned len;
      if (c < 0x80) {
        cp = c;
        len = 1;
      } else if ((c & 0xE0) == 0xC0) {
        cp = c & 0x1F;
        len = 2;
      } else if ((c & 0xF0) == 0xE0) {
        cp = c & 0x0F;
        len = 3;
      } else {
        cp = c & 0x07;
        len = 4;
      }
      for (unsigned k = 1; k < len; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
      _data[n++] = cp;
      i += len;
    }
    _data.resize(n);
    p = 0;
  }
};

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
  Token *LT(ssize_t k) override {
    Token *t = antlr4::CommonTokenStream::LT(k);
    if (k > 0 && t && end && t->getTokenIndex() >= limit)
      return end.get();
    return t;
  }
  size_t getLimit() const { return limit; }

private:
  size_t limit = std::numeric_limits<size_t>::max();
  std::unique_ptr<antlr4::CommonToken> end;
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

/// One policy's tokens, [begin, end) in the token stream.
struct Segment {
  size_t begin = 0;
  size_t end = 0;
  bool failed = false; // the pre-scan found an error (reported in order)
  DiagCode code = DiagCode::SyntaxError;
  SourceRange errorRange;
  std::string message;
  std::string help;
};

/// Identifier-like tokens that may stand for an identifier in `expected`
/// lists; shown once as "identifier".
bool isKeywordToken(size_t t) {
  switch (t) {
  case Lexer::TRUE: case Lexer::FALSE: case Lexer::IF: case Lexer::THEN:
  case Lexer::ELSE: case Lexer::IN: case Lexer::HAS: case Lexer::LIKE:
  case Lexer::IS: case Lexer::PERMIT: case Lexer::FORBID: case Lexer::WHEN:
  case Lexer::UNLESS: case Lexer::PRINCIPAL: case Lexer::ACTION:
  case Lexer::RESOURCE: case Lexer::CONTEXT:
    return true;
  default:
    return false;
  }
}

/// Tokens that can start an expression (besides identifiers).
bool isExprStartToken(size_t t) {
  switch (t) {
  case Lexer::INT: case Lexer::STRING: case Lexer::PRINCIPAL_SLOT:
  case Lexer::RESOURCE_SLOT: case Lexer::OTHER_SLOT: case Lexer::LPAREN:
  case Lexer::LBRACKET: case Lexer::LBRACE: case Lexer::BANG: case Lexer::MINUS:
    return true;
  default:
    return false;
  }
}

std::string tokenSpelling(const antlr4::dfa::Vocabulary &vocab, size_t type) {
  switch (type) {
  case Token::EOF: return "end of input";
  case Lexer::IDENT: return "identifier";
  case Lexer::INT: return "integer literal";
  case Lexer::STRING: return "string literal";
  case Lexer::OTHER_SLOT: return "template slot";
  default: break;
  }
  std::string lit = vocab.getLiteralName(type);
  if (lit.size() >= 2 && lit.front() == '\'' && lit.back() == '\'')
    lit = lit.substr(1, lit.size() - 2);
  return "`" + lit + "`";
}

/// "`,` or `)`", "`,`, `]`, or an expression".
std::string describeExpected(const antlr4::dfa::Vocabulary &vocab,
                             const antlr4::misc::IntervalSet &set) {
  std::vector<size_t> types;
  for (ssize_t t : set.toList())
    if (t != static_cast<ssize_t>(Token::EPSILON) &&
        t != static_cast<ssize_t>(Lexer::UNTERMINATED_STRING) &&
        t != static_cast<ssize_t>(Lexer::INVALID_CHAR))
      types.push_back(static_cast<size_t>(t));
  bool hasIdent = std::count(types.begin(), types.end(), Lexer::IDENT) != 0;
  bool exprLike = hasIdent &&
                  std::count(types.begin(), types.end(), Lexer::INT) != 0 &&
                  std::count(types.begin(), types.end(), Lexer::LBRACKET) != 0;
  std::vector<std::string> words;
  for (size_t t : types) {
    if (hasIdent && isKeywordToken(t))
      continue;
    if (exprLike && (isExprStartToken(t) || t == Lexer::IDENT))
      continue;
    words.push_back(tokenSpelling(vocab, t));
  }
  if (exprLike)
    words.push_back("an expression");
  if (words.empty() || words.size() > 8)
    return {};
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i)
      out += words.size() == 2 ? " or " : (i + 1 == words.size() ? ", or " : ", ");
    out += words[i];
  }
  return out;
}

/// Shortens user text for a message, keeping it on one line.
std::string snippet(llvm::StringRef text) {
  std::string s = escapeForMessage(text);
  if (s.size() > 60)
    s = s.substr(0, 57) + "...";
  return s;
}

const char *kScopeHelp = "policy scopes must contain a `principal`, `action`, and "
                         "`resource` element in that order";
const char *kReservedHelp = "reserved identifiers are `true`, `false`, `if`, `then`, "
                            "`else`, `in`, `has`, `like`, and `is`";

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

class Builder {
public:
  Builder(ast::Context &ctx, DiagnosticEngine &diags, uint32_t file,
          llvm::StringRef text, const OffsetMap &offsets,
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
  SourceRange range(antlr4::tree::TerminalNode *n) const {
    return tokRange(n->getSymbol());
  }
  static SourceRange join(SourceRange a, SourceRange b) {
    return {a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
  }
  llvm::StringRef textOf(SourceRange r) const {
    return text.slice(r.begin, r.end);
  }
  std::string quoteText(SourceRange r) const {
    std::string out = "`";
    out += snippet(textOf(r));
    out += '`';
    return out;
  }

  void reportSyntaxError(const SyntaxError &e, const antlr4::dfa::Vocabulary &vocab,
                         antlr4::TokenStream &tokens) {
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
    std::string expected = describeExpected(vocab, e.expected);
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
    for (gen::AnnotationContext *a : c->annotation()) {
      ast::Annotation ann;
      ann.key = save(textOf(range(a->anyIdent())));
      ann.range = range(a);
      if (a->STRING()) {
        ann.hasValue = true;
        if (auto v = unescapeToken(a->STRING()->getSymbol()))
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
    gen::AnyIdentContext *effect = c->effect;
    out.effectRange = range(effect);
    std::string effectText = textOf(out.effectRange).str();
    if (effectText == "permit")
      out.effect = ast::Effect::Permit;
    else if (effectText == "forbid")
      out.effect = ast::Effect::Forbid;
    else
      error(DiagCode::InvalidEffect, out.effectRange,
            "invalid policy effect `" + effectText + "`",
            "effect must be either `permit` or `forbid`");

    buildScope(c, out);

    // Conditions.
    llvm::SmallVector<ast::Condition, 2> conds;
    for (gen::ConditionContext *cc : c->condition()) {
      ast::Condition cond;
      cond.range = range(cc);
      std::string kw = textOf(range(cc->anyIdent())).str();
      if (kw == "when" || kw == "unless") {
        cond.isWhen = kw == "when";
      } else {
        error(DiagCode::InvalidCondition, range(cc->anyIdent()),
              "invalid policy condition `" + kw + "`",
              "condition must be either `when` or `unless`");
        continue;
      }
      if (!cc->expr()) {
        error(DiagCode::EmptyCondition, cond.range,
              "`" + kw + "` condition clause cannot be empty");
        continue;
      }
      clause = kw;
      Ex body = buildExpr(cc->expr());
      clause.clear();
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
  const OffsetMap &offsets;
  const ParseOptions &options;
  unsigned &errorBudget;
  llvm::StringMap<llvm::StringRef> strings; // identifier interning
  bool failed = false;
  bool exprDepthReported = false;
  std::string clause; // `when` / `unless` while building a condition

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
    if (ast::isReservedIdentifier(id)) {
      error(DiagCode::ReservedIdentifier, r,
            "`" + id.str() + "` is a reserved identifier", kReservedHelp);
      return false;
    }
    if (id == "__cedar") {
      error(DiagCode::ReservedIdentifier, r, "`__cedar` is reserved",
            "`__cedar` is reserved for Cedar's built-in names");
      return false;
    }
    return true;
  }

  /// `A::B` as written, without the whitespace or comments around `::`.
  std::string pathText(gen::PathContext *p) const {
    if (p->anyIdent().empty())
      return textOf(range(p)).str();
    std::string out;
    for (antlr4::tree::ParseTree *child : p->children)
      if (auto *seg = dynamic_cast<antlr4::ParserRuleContext *>(child)) {
        if (!out.empty())
          out += "::";
        out += textOf(range(seg)).str();
      }
    return out;
  }

  std::optional<ast::Name> buildName(gen::PathContext *p) {
    llvm::SmallVector<llvm::StringRef, 4> segs;
    bool ok = true;
    auto add = [&](antlr4::ParserRuleContext *seg) {
      llvm::StringRef id = save(textOf(range(seg)));
      if (ast::isReservedIdentifier(id)) {
        ok = checkIdent(id, range(seg)) && ok;
      } else if (id == "__cedar") {
        ok = false;
        error(DiagCode::ReservedIdentifier, range(p),
              "the name `" + pathText(p) + "` contains `__cedar`, which is reserved");
      }
      segs.push_back(id);
    };
    if (p->commonIdent())
      add(p->commonIdent());
    if (p->specialIdent())
      add(p->specialIdent());
    for (gen::AnyIdentContext *a : p->anyIdent())
      add(a);
    if (!ok)
      return std::nullopt;
    ast::Name n;
    n.path = ctx.copy(llvm::ArrayRef<llvm::StringRef>(segs));
    n.range = range(p);
    return n;
  }

  static std::optional<ast::VarKind> varOf(llvm::StringRef s) {
    if (s == "principal") return ast::VarKind::Principal;
    if (s == "action") return ast::VarKind::Action;
    if (s == "resource") return ast::VarKind::Resource;
    if (s == "context") return ast::VarKind::Context;
    return std::nullopt;
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
    std::vector<gen::ScopeVarContext *> vars = c->scopeVar();
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
    std::string name = textOf(range(v->anyIdent())).str();
    auto var = varOf(name);
    if (!var || *var == ast::VarKind::Context) {
      error(DiagCode::InvalidScope, range(v->anyIdent()),
            "found an invalid variable in the policy scope: `" + name + "`",
            kScopeHelp);
      return false;
    }
    if (*var != expected) {
      error(DiagCode::InvalidScope, range(v->anyIdent()),
            "found the variable `" + name + "` where the variable `" +
                ast::getVarName(expected).str() + "` must be used",
            kScopeHelp);
      return false;
    }
    if (v->COLON()) {
      error(DiagCode::InvalidScopeOperator, range(v->COLON()->getSymbol(), v->path()->getStop()),
            "type constraints using `:` are not supported", "try using `is` instead");
      return false;
    }
    return true;
  }

  /// True when `e` is, syntactically, an `is` relation (for `in _ is _`).
  static bool isIsExpr(gen::ExprContext *e) {
    auto *plain = dynamic_cast<gen::PlainExprContext *>(e);
    if (!plain)
      return false;
    gen::OrExprContext *o = plain->orExpr();
    if (o->andExpr().size() != 1 || o->andExpr(0)->relation().size() != 1)
      return false;
    return o->andExpr(0)->relation(0)->IS() != nullptr;
  }

  void buildEntityScope(gen::ScopeVarContext *v, ast::VarKind var, ast::EntityScope &out) {
    out.range = range(v);
    if (!checkScopeVar(v, var))
      return;
    std::optional<ast::Name> type;
    if (v->IS()) {
      type = buildTypeName(v->add(), ast::getVarName(var));
      if (!type)
        return;
      out.type = *type;
    }
    if (!v->relOp()) {
      out.op = type ? ast::EntityScope::Op::Is : ast::EntityScope::Op::Any;
      return;
    }
    gen::RelOpContext *op = v->relOp();
    if (op->ASSIGN()) {
      error(DiagCode::UnsupportedOperator, range(op), "`=` is not a valid operator",
            "try using `==` instead");
      return;
    }
    if (!op->EQ() && !op->IN()) {
      error(DiagCode::InvalidScopeOperator, range(op),
            "invalid operator in the policy scope: `" + op->getText() + "`",
            "policy scope clauses can only use `==`, `in`, `is`, or `_ is _ in _`");
      return;
    }
    if (op->IN() && isIsExpr(v->expr())) {
      error(DiagCode::InvalidScopeOperator, range(v),
            "when `is` and `in` are used together, `is` must come first",
            "try `_ is _ in _`");
      return;
    }
    if (op->EQ() && type) {
      error(DiagCode::InvalidScopeOperator, range(v),
            "`is` cannot be used together with `==`", "try using `_ is _ in _`");
      return;
    }
    llvm::SmallVector<ast::EntityUid, 1> uids;
    std::optional<ast::ScopeTarget> target;
    if (!buildScopeRef(v->expr(), var, RefKind::SingleOrSlot, uids, target))
      return;
    out.target = *target;
    if (op->EQ())
      out.op = ast::EntityScope::Op::Eq;
    else
      out.op = type ? ast::EntityScope::Op::IsIn : ast::EntityScope::Op::In;
  }

  void buildActionScope(gen::ScopeVarContext *v, ast::ActionScope &out) {
    out.range = range(v);
    if (!checkScopeVar(v, ast::VarKind::Action))
      return;
    if (v->IS()) {
      error(DiagCode::InvalidScopeOperator, range(v),
            "`is` cannot appear in the action scope",
            "try moving `action is ..` into a `when` condition");
      return;
    }
    if (!v->relOp())
      return;
    gen::RelOpContext *op = v->relOp();
    if (op->ASSIGN()) {
      error(DiagCode::UnsupportedOperator, range(op), "`=` is not a valid operator",
            "try using `==` instead");
      return;
    }
    if (!op->EQ() && !op->IN()) {
      error(DiagCode::InvalidScopeOperator, range(op),
            "invalid operator in the action scope: `" + op->getText() + "`",
            "action scope clauses can only use `==` or `in`");
      return;
    }
    if (op->IN() && isIsExpr(v->expr())) {
      error(DiagCode::InvalidScopeOperator, range(v),
            "`is` cannot appear in the action scope",
            "try moving `action is ..` into a `when` condition");
      return;
    }
    llvm::SmallVector<ast::EntityUid, 4> uids;
    std::optional<ast::ScopeTarget> target;
    bool isList = false;
    if (!buildScopeRef(v->expr(), ast::VarKind::Action,
                       op->EQ() ? RefKind::Single : RefKind::SingleOrSet, uids,
                       target, &isList))
      return;
    // Action entities must have type `Action`, optionally namespaced.
    std::vector<std::string> bad;
    for (const ast::EntityUid &u : uids)
      if (u.type.path.empty() || u.type.path.back() != "Action")
        bad.push_back("`" + snippet(textOf(u.range)) + "`");
    if (!bad.empty()) {
      std::string list;
      for (size_t i = 0; i < bad.size(); ++i) {
        if (i)
          list += i + 1 == bad.size() ? " and " : ", ";
        list += bad[i];
      }
      error(DiagCode::InvalidActionScope, range(v->expr()),
            std::string("expected ") +
                (bad.size() > 1 ? "entity uids" : "an entity uid") +
                " with type `Action` but got " + list,
            "action entities must have type `Action`, optionally in a namespace");
      return;
    }
    out.uids = ctx.copy(llvm::ArrayRef<ast::EntityUid>(uids));
    if (op->EQ())
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
      if (dynamic_cast<gen::IfExprContext *>(e))
        return wrong(range(e), "an `if` expression");
      gen::OrExprContext *o = static_cast<gen::PlainExprContext *>(e)->orExpr();
      if (o->andExpr().size() > 1)
        return wrong(range(e), "a `||` expression");
      gen::AndExprContext *a = o->andExpr(0);
      if (a->relation().size() > 1)
        return wrong(range(e), "a `&&` expression");
      gen::RelationContext *rel = a->relation(0);
      if (rel->HAS())
        return wrong(range(rel), "a `has` expression");
      if (rel->LIKE())
        return wrong(range(rel), "a `like` expression");
      if (rel->IS())
        return wrong(range(rel), "an `is` expression");
      if (!rel->relOp().empty())
        return wrong(range(rel), "a binary operator");
      gen::AddContext *add = rel->add(0);
      if (add->mult().size() > 1)
        return wrong(range(add), "a `+/-` expression",
                     "entity types and namespaces cannot use `+` or `-` characters -- "
                     "perhaps try `_` or `::` instead?");
      gen::MultContext *mult = add->mult(0);
      if (mult->unary().size() > 1)
        return wrong(range(mult), "a `*` expression");
      gen::UnaryContext *un = mult->unary(0);
      if (!un->BANG().empty())
        return wrong(range(un), "a `!` expression");
      if (!un->MINUS().empty())
        return wrong(range(un), "a `-` expression");
      gen::MemberContext *m = un->member();
      if (!m->memAccess().empty())
        return wrong(range(m), "a `.` expression",
                     "entity types and namespaces cannot use `.` characters -- "
                     "perhaps try `_` or `::` instead?");
      if (auto *paren = dynamic_cast<gen::ParenPrimaryContext *>(m->primary())) {
        e = paren->expr();
        continue;
      }
      prim = m->primary();
    }
    SourceRange r = range(prim);
    if (auto *ent = dynamic_cast<gen::EntityPrimaryContext *>(prim)) {
      auto uid = buildUid(ent);
      if (!uid)
        return false;
      uids.push_back(*uid);
      ast::ScopeTarget t;
      t.uid = *uid;
      t.range = r;
      target = t;
      return true;
    }
    if (auto *slotP = dynamic_cast<gen::SlotPrimaryContext *>(prim)) {
      if (kind != RefKind::SingleOrSlot) {
        error(DiagCode::InvalidSlot, r,
              std::string("expected ") +
                  (kind == RefKind::Single ? "single entity uid"
                                           : "single entity uid or set of entity uids") +
                  ", found template slot");
        return false;
      }
      gen::SlotContext *s = slotP->slot();
      if (s->OTHER_SLOT()) {
        error(DiagCode::InvalidSlot, r, "`" + s->getText() + "` is not a valid template slot",
              "a template slot may only be `?principal` or `?resource`");
        return false;
      }
      bool isPrincipal = s->PRINCIPAL_SLOT() != nullptr;
      if (isPrincipal != (var == ast::VarKind::Principal)) {
        error(DiagCode::InvalidSlot, r,
              std::string("expected ") + what + ", found `" + s->getText() +
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
    if (auto *set = dynamic_cast<gen::SetPrimaryContext *>(prim)) {
      if (kind != RefKind::SingleOrSet) {
        error(DiagCode::InvalidExpression, r,
              std::string("expected ") +
                  (kind == RefKind::Single ? "single entity uid"
                                           : "single entity uid or template slot") +
                  ", found set of entity uids");
        return false;
      }
      bool ok = true;
      for (gen::ExprContext *elem : set->expr()) {
        std::optional<ast::ScopeTarget> ignored;
        ok = buildScopeRef(elem, var, RefKind::Single, uids, ignored) && ok;
      }
      if (isList)
        *isList = true;
      return ok;
    }
    if (auto *lit = dynamic_cast<gen::LiteralPrimaryContext *>(prim))
      return wrong(r, "literal " + quoteText(r),
                   lit->literal()->STRING()
                       ? "try including the entity type if you intended this string "
                         "to be an entity uid"
                       : "");
    if (dynamic_cast<gen::NamePrimaryContext *>(prim))
      return wrong(r, "name " + quoteText(r),
                   var != ast::VarKind::Action
                       ? "try using `is` to test for an entity type or including an "
                         "identifier string if you intended this name to be an entity uid"
                       : "try including an identifier string if you intended this "
                         "name to be an entity uid");
    if (dynamic_cast<gen::EntityInitsPrimaryContext *>(prim)) {
      invalidEntityLiteral(r);
      return false;
    }
    return wrong(r, "record initializer");
  }

  void invalidEntityLiteral(SourceRange r) {
    error(DiagCode::InvalidExpression, r, "invalid entity literal " + quoteText(r),
          "entity literals should have a form like `Namespace::User::\"alice\"`");
  }

  std::optional<ast::EntityUid> buildUid(gen::EntityPrimaryContext *ent) {
    auto name = buildName(ent->path());
    auto id = unescapeToken(ent->STRING()->getSymbol());
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
    if (auto *np = dynamic_cast<gen::NamePrimaryContext *>(p))
      return buildName(np->path());
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
    if (add->mult().size() != 1 || add->mult(0)->unary().size() != 1)
      return nullptr;
    gen::UnaryContext *u = add->mult(0)->unary(0);
    if (!u->BANG().empty() || !u->MINUS().empty())
      return nullptr;
    return u->member();
  }
  static gen::PrimaryContext *barePrimary(gen::AddContext *add) {
    gen::MemberContext *m = bareMember(add);
    return m && m->memAccess().empty() ? m->primary() : nullptr;
  }
  static gen::PrimaryContext *barePrimary(gen::ExprContext *e) {
    auto *plain = dynamic_cast<gen::PlainExprContext *>(e);
    if (!plain)
      return nullptr;
    gen::OrExprContext *o = plain->orExpr();
    if (o->andExpr().size() != 1 || o->andExpr(0)->relation().size() != 1)
      return nullptr;
    gen::RelationContext *rel = o->andExpr(0)->relation(0);
    if (rel->add().size() != 1 || rel->HAS() || rel->IF())
      return nullptr;
    return barePrimary(rel->add(0));
  }
  /// A STRING token that is the whole of `p`, or null.
  static Token *stringLiteral(gen::PrimaryContext *p) {
    auto *lp = dynamic_cast<gen::LiteralPrimaryContext *>(p);
    if (!lp || !lp->literal()->STRING())
      return nullptr;
    return lp->literal()->STRING()->getSymbol();
  }

  // ---------------------------------------------------------- expressions

  Ex buildExpr(gen::ExprContext *c) {
    if (auto *ife = dynamic_cast<gen::IfExprContext *>(c)) {
      Ex cond = buildExpr(ife->expr(0));
      Ex thenE = buildExpr(ife->expr(1));
      Ex elseE = buildExpr(ife->expr(2));
      if (!cond || !thenE || !elseE)
        return {};
      return make<ast::If>(std::max({cond.depth, thenE.depth, elseE.depth}), range(c),
                           cond.e, thenE.e, elseE.e);
    }
    return buildOr(static_cast<gen::PlainExprContext *>(c)->orExpr());
  }

  Ex buildOr(gen::OrExprContext *c) {
    std::vector<gen::AndExprContext *> kids = c->andExpr();
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
    std::vector<gen::RelationContext *> kids = c->relation();
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
    std::vector<gen::AddContext *> adds = c->add();
    SourceRange r = range(c);
    if (c->HAS())
      return buildHas(c, r);
    if (c->relOp().size() > 1) {
      error(DiagCode::ChainedRelation, r,
            "multiple relational operators (`>`, `==`, `in`, etc.) must be used with "
            "parentheses to make ordering explicit",
            "use parentheses, as in `(a < b) == c`");
      return {};
    }
    Ex lhs = buildAdd(adds[0]);
    if (c->LIKE()) {
      auto pattern = buildPattern(adds[1]);
      if (!lhs || !pattern)
        return {};
      return make<ast::Like>(lhs.depth, r, lhs.e, *pattern);
    }
    if (c->IS()) {
      auto type = buildTypeName(adds[1], lhs ? snippet(textOf(lhs.e->getRange())) : "..");
      Ex in;
      if (c->IN()) {
        in = buildAdd(adds[2]);
        if (!in)
          return {};
      }
      if (!lhs || !type)
        return {};
      return make<ast::Is>(std::max(lhs.depth, in.depth), r, lhs.e, *type, in.e);
    }
    std::vector<gen::RelOpContext *> ops = c->relOp();
    if (ops.empty())
      return lhs;
    Ex rhs = buildAdd(adds[1]);
    gen::RelOpContext *op = ops[0];
    ast::BinaryOp bop;
    if (op->ASSIGN()) {
      error(DiagCode::UnsupportedOperator, range(op), "`=` is not a valid operator",
            "try using `==` instead");
      return {};
    }
    if (op->LT()) bop = ast::BinaryOp::Less;
    else if (op->LE()) bop = ast::BinaryOp::LessEq;
    else if (op->GT()) bop = ast::BinaryOp::Greater;
    else if (op->GE()) bop = ast::BinaryOp::GreaterEq;
    else if (op->EQ()) bop = ast::BinaryOp::Eq;
    else if (op->NE()) bop = ast::BinaryOp::NotEq;
    else bop = ast::BinaryOp::In;
    if (!lhs || !rhs)
      return {};
    return make<ast::Binary>(std::max(lhs.depth, rhs.depth), r, bop, lhs.e, rhs.e);
  }

  /// `e has a`, `e has "a b"`, `e has a.b.c` (Cedar's `to_has_rhs`).
  Ex buildHas(gen::RelationContext *c, SourceRange r) {
    Ex lhs = buildAdd(c->add(0));
    llvm::SmallVector<llvm::StringRef, 4> path;
    bool ok = true;
    auto invalid = [&](SourceRange at) {
      SourceRange rhsRange = c->IF() ? range(c->IF()->getSymbol(), c->getStop())
                                     : range(c->add(1));
      error(DiagCode::InvalidExpression, at,
            "invalid RHS of a `has` operation: " + quoteText(rhsRange),
            "valid RHS of a `has` operation is either a sequence of identifiers "
            "separated by `.` or a string literal");
      ok = false;
    };
    std::vector<gen::MemAccessContext *> accesses;
    if (c->IF()) {
      checkIdent("if", range(c->IF()));
      ok = false;
    } else if (gen::MemberContext *m = bareMember(c->add(1))) {
      accesses = m->memAccess();
      gen::PrimaryContext *p = m->primary();
      if (Token *s = stringLiteral(p)) {
        if (!accesses.empty()) {
          invalid(range(c->add(1)));
        } else if (auto v = unescapeToken(s)) {
          path.push_back(*v);
        } else {
          ok = false;
        }
      } else if (auto *np = dynamic_cast<gen::NamePrimaryContext *>(p)) {
        gen::PathContext *pc = np->path();
        if (!pc->anyIdent().empty()) {
          error(DiagCode::InvalidExpression, range(pc),
                "`" + pathText(pc) + "` cannot be used as an attribute as it contains a namespace");
          ok = false;
        } else {
          llvm::StringRef id = save(textOf(range(pc)));
          ok = checkIdent(id, range(pc)) && ok;
          path.push_back(id);
        }
      } else if (auto *lp = dynamic_cast<gen::LiteralPrimaryContext *>(p);
                 lp && (lp->literal()->TRUE() || lp->literal()->FALSE())) {
        checkIdent(lp->getText(), range(lp));
        ok = false;
      } else {
        invalid(range(p));
      }
    } else {
      invalid(range(c->add(1)));
    }
    if (ok) {
      for (gen::MemAccessContext *a : accesses) {
        auto *f = dynamic_cast<gen::FieldAccessContext *>(a);
        if (!f) {
          invalid(range(a));
          break;
        }
        llvm::StringRef id = save(textOf(range(f->anyIdent())));
        ok = checkIdent(id, range(f->anyIdent())) && ok;
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
    std::vector<gen::MultContext *> kids = c->mult();
    std::vector<gen::AddOpContext *> ops = c->addOp();
    Ex acc = buildMult(kids[0]);
    for (size_t i = 1; i < kids.size(); ++i) {
      Ex rhs = buildMult(kids[i]);
      if (!acc || !rhs) {
        acc = {};
        continue;
      }
      acc = make<ast::Binary>(std::max(acc.depth, rhs.depth),
                              join(acc.e->getRange(), rhs.e->getRange()),
                              ops[i - 1]->PLUS() ? ast::BinaryOp::Add : ast::BinaryOp::Sub,
                              acc.e, rhs.e);
    }
    return acc;
  }

  Ex buildMult(gen::MultContext *c) {
    std::vector<gen::UnaryContext *> kids = c->unary();
    std::vector<gen::MultOpContext *> ops = c->multOp();
    Ex acc = buildUnary(kids[0]);
    for (size_t i = 1; i < kids.size(); ++i) {
      Ex rhs = buildUnary(kids[i]);
      gen::MultOpContext *op = ops[i - 1];
      if (!op->STAR()) {
        error(DiagCode::UnsupportedOperator, range(op),
              op->SLASH() ? "division is not supported" : "remainder/modulo is not supported",
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
    llvm::StringRef digits = textOf(tokRange(t));
    uint64_t v = 0;
    bool overflow = false;
    for (char d : digits) {
      if (v > (std::numeric_limits<uint64_t>::max() - 9) / 10) {
        overflow = true;
        break;
      }
      v = v * 10 + static_cast<uint64_t>(d - '0');
    }
    uint64_t max = negated ? (uint64_t(1) << 63) : (uint64_t(1) << 63) - 1;
    if (overflow || v > max) {
      error(DiagCode::IntegerOverflow, r,
            "integer literal `" + std::string(negated ? "-" : "") + snippet(digits) +
                "` is too large",
            negated ? "minimum allowed integer literal is `-9223372036854775808`"
                    : "maximum allowed integer literal is `9223372036854775807`");
      return std::nullopt;
    }
    return v;
  }

  Ex buildUnary(gen::UnaryContext *c) {
    std::vector<antlr4::tree::TerminalNode *> bangs = c->BANG();
    std::vector<antlr4::tree::TerminalNode *> dashes = c->MINUS();
    std::vector<antlr4::tree::TerminalNode *> &ops = bangs.empty() ? dashes : bangs;
    if (ops.size() > 4) {
      error(DiagCode::TooManyUnaryOperators, range(c),
            std::string("too many occurrences of `") + (bangs.empty() ? "-" : "!") + "`",
            "cannot chain more than 4 applications of a unary operator");
      return {};
    }
    gen::MemberContext *m = c->member();
    SourceRange end = range(m);
    Ex inner;
    size_t remaining = ops.size();
    // `-` written directly before an integer literal folds into it.
    if (!dashes.empty() && m->memAccess().empty()) {
      if (auto *lp = dynamic_cast<gen::LiteralPrimaryContext *>(m->primary());
          lp && lp->literal()->INT()) {
        SourceRange r = join(range(dashes.back()), end);
        auto v = parseInt(lp->literal()->INT()->getSymbol(), true, r);
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
      inner = make<ast::Unary>(inner.depth, join(range(ops[i]), end),
                               bangs.empty() ? ast::UnaryOp::Neg : ast::UnaryOp::Not, inner.e);
    }
    return inner;
  }

  /// A primary before its accesses: an expression, or a bare name (which is
  /// only valid when called as a function).
  struct Head {
    Ex expr;
    gen::PathContext *name = nullptr; // a non-variable name
    std::optional<ast::VarKind> var;  // set when the head is a variable
  };

  Ex buildMember(gen::MemberContext *c) {
    std::vector<gen::MemAccessContext *> accesses = c->memAccess();
    gen::PrimaryContext *p = c->primary();
    size_t i = 0;
    Ex head;
    if (auto *np = dynamic_cast<gen::NamePrimaryContext *>(p)) {
      gen::PathContext *path = np->path();
      auto var = path->anyIdent().empty() ? varOf(textOf(range(path))) : std::nullopt;
      if (var) {
        if (!accesses.empty() && dynamic_cast<gen::CallAccessContext *>(accesses[0])) {
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
      } else if (auto *call = dynamic_cast<gen::CallAccessContext *>(accesses[0])) {
        head = buildCall(path, call, range(p->getStart(), call->getStop()));
        i = 1;
      } else {
        if (!buildName(path))
          return {};
        std::string n = pathText(path);
        if (auto *f = dynamic_cast<gen::FieldAccessContext *>(accesses[0])) {
          std::string field = textOf(range(f->anyIdent())).str();
          if (accesses.size() > 1 && dynamic_cast<gen::CallAccessContext *>(accesses[1]))
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
      if (dynamic_cast<gen::CallAccessContext *>(a)) {
        error(DiagCode::InvalidCall, range(a),
              "function calls must be of the form `<name>(arg1, arg2, ...)`");
        return {};
      }
      if (auto *idx = dynamic_cast<gen::IndexAccessContext *>(a)) {
        Token *s = stringLiteral(barePrimary(idx->expr()));
        if (!s) {
          error(DiagCode::InvalidIndex, range(idx->expr()),
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
      auto *f = static_cast<gen::FieldAccessContext *>(a);
      llvm::StringRef id = save(textOf(range(f->anyIdent())));
      bool idOk = checkIdent(id, range(f->anyIdent()));
      if (i + 1 < accesses.size()) {
        if (auto *call = dynamic_cast<gen::CallAccessContext *>(accesses[i + 1])) {
          ++i;
          head = buildMethodCall(head, id, idOk, call, range(p->getStart(), call->getStop()),
                                 range(f->anyIdent()));
          continue;
        }
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
    for (gen::ExprContext *e : call->expr()) {
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

  /// Cedar checks arity while parsing only for the built-in methods; an
  /// extension function called with the wrong arity is an evaluation error
  /// (the corpus has such policies), so it is accepted here.
  bool checkArity(const KnownFunction &f, size_t got, SourceRange r) {
    if (got == f.numArgs || !f.extension.empty())
      return true;
    auto plural = [](size_t n) { return n == 1 ? "" : "s"; };
    error(DiagCode::WrongArity, r,
          "call to `" + f.name.str() + "` requires exactly " + std::to_string(f.numArgs) +
              " argument" + plural(f.numArgs) + ", but got " + std::to_string(got) +
              " argument" + plural(got));
    return false;
  }

  Ex buildCall(gen::PathContext *path, gen::CallAccessContext *call, SourceRange r) {
    llvm::SmallVector<const ast::Expr *, 2> args;
    uint32_t depth = 0;
    bool ok = buildArgs(call, args, depth);
    auto name = buildName(path);
    if (!name)
      return {};
    std::string n = pathText(path);
    const KnownFunction *f = path->anyIdent().empty() ? lookupKnownFunction(n) : nullptr;
    if (f && f->style == CallStyle::Method) {
      error(DiagCode::InvalidCall, r, "`" + n + "` is a method, not a function",
            "use a method-style call `e." + n + "(..)`");
      return {};
    }
    if (!f) {
      std::string hint = suggestKnownFunction(n, CallStyle::Function);
      error(DiagCode::UnknownFunction, r, "`" + n + "` is not a valid function",
            hint.empty() ? "" : "did you mean `" + hint + "`?");
      return {};
    }
    if (!checkArity(*f, call->expr().size(), r) || !ok)
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
    const KnownFunction *f = lookupKnownFunction(id);
    if (f && f->style == CallStyle::Function) {
      error(DiagCode::InvalidCall, r, "`" + id.str() + "` is a function, not a method",
            "use a function-style call `" + id.str() + "(..)`");
      return {};
    }
    if (!f) {
      std::string hint = suggestKnownFunction(id, CallStyle::Method);
      error(DiagCode::UnknownFunction, idRange, "`" + id.str() + "` is not a valid method",
            hint.empty() ? "" : "did you mean `" + hint + "`?");
      return {};
    }
    if (!checkArity(*f, call->expr().size(), r) || !ok || !receiver)
      return {};
    return make<ast::MethodCall>(depth, r, receiver.e, f->name,
                                 ctx.copy(llvm::ArrayRef<const ast::Expr *>(args)));
  }

  Ex buildPrimary(gen::PrimaryContext *p) {
    SourceRange r = range(p);
    if (auto *lp = dynamic_cast<gen::LiteralPrimaryContext *>(p)) {
      gen::LiteralContext *lit = lp->literal();
      if (lit->TRUE() || lit->FALSE())
        return make<ast::BoolLit>(0, r, lit->TRUE() != nullptr);
      if (lit->INT()) {
        auto v = parseInt(lit->INT()->getSymbol(), false, r);
        if (!v)
          return {};
        return make<ast::LongLit>(0, r, static_cast<int64_t>(*v));
      }
      auto s = unescapeToken(lit->STRING()->getSymbol());
      if (!s)
        return {};
      return make<ast::StringLit>(0, r, *s);
    }
    if (auto *ent = dynamic_cast<gen::EntityPrimaryContext *>(p)) {
      auto uid = buildUid(ent);
      if (!uid)
        return {};
      return make<ast::EntityLit>(0, r, *uid);
    }
    if (dynamic_cast<gen::EntityInitsPrimaryContext *>(p)) {
      invalidEntityLiteral(r);
      return {};
    }
    if (auto *sp = dynamic_cast<gen::SlotPrimaryContext *>(p)) {
      gen::SlotContext *s = sp->slot();
      if (s->OTHER_SLOT())
        error(DiagCode::InvalidSlot, r, "`" + s->getText() + "` is not a valid template slot",
              "a template slot may only be `?principal` or `?resource`");
      else if (!clause.empty())
        error(DiagCode::InvalidSlot, r,
              "found template slot `" + s->getText() + "` in a `" + clause + "` clause",
              "slots are currently unsupported in `" + clause + "` clauses");
      else
        error(DiagCode::InvalidSlot, r,
              "found template slot `" + s->getText() + "` in an expression",
              "template slots may only appear in the policy scope");
      return {};
    }
    if (auto *paren = dynamic_cast<gen::ParenPrimaryContext *>(p))
      return buildExpr(paren->expr());
    if (auto *set = dynamic_cast<gen::SetPrimaryContext *>(p)) {
      llvm::SmallVector<const ast::Expr *, 8> elems;
      uint32_t depth = 0;
      bool ok = true;
      for (gen::ExprContext *e : set->expr()) {
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
    if (auto *rec = dynamic_cast<gen::RecordPrimaryContext *>(p))
      return buildRecord(rec, r);
    // NamePrimary is handled by buildMember.
    auto *np = static_cast<gen::NamePrimaryContext *>(p);
    error(DiagCode::UnknownVariable, r, "invalid variable `" + pathText(np->path()) + "`");
    return {};
  }

  /// A record key: an identifier, a variable name or a string literal.
  std::optional<llvm::StringRef> buildRecordKey(gen::RecInitContext *init) {
    if (init->IF()) {
      checkIdent("if", range(init->IF()));
      return std::nullopt;
    }
    gen::ExprContext *keyExpr = init->expr(0);
    SourceRange r = range(keyExpr);
    gen::PrimaryContext *p = barePrimary(keyExpr);
    if (Token *s = stringLiteral(p))
      return unescapeToken(s);
    if (auto *np = dynamic_cast<gen::NamePrimaryContext *>(p)) {
      gen::PathContext *path = np->path();
      if (!path->anyIdent().empty()) {
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
    if (auto *lp = dynamic_cast<gen::LiteralPrimaryContext *>(p);
        lp && (lp->literal()->TRUE() || lp->literal()->FALSE())) {
      checkIdent(lp->getText(), r);
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
    for (gen::RecInitContext *init : rec->recInit()) {
      auto key = buildRecordKey(init);
      Ex value = buildExpr(init->expr(init->IF() ? 0 : 1));
      if (!key || !value) {
        ok = false;
        continue;
      }
      SourceRange keyRange = init->IF() ? range(init->IF()) : range(init->expr(0));
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
    lexer = std::make_unique<Lexer>(input.get());
    lexer->removeErrorListeners();
    tokens = std::make_unique<SegmentTokenStream>(lexer.get());
    tokens->fill();
    parser = std::make_unique<gen>(tokens.get());
    parser->removeErrorListeners();
    parser->setErrorHandler(strategy);
    return true;
  }

  /// Splits the tokens into policies and checks nesting (see file comment).
  /// With `split` false the whole input is one segment.
  std::vector<Segment> scan(bool split) {
    std::vector<Segment> segs;
    size_t n = tokens->size() - 1; // the last token is EOF
    Segment cur;
    std::vector<char> stack; // '(' '[' '{' or 'i' for `if`
    bool hasBody = false;
    auto type = [&](size_t i) { return tokens->get(i)->getType(); };
    auto close = [&](size_t end) {
      cur.end = end;
      if (cur.end > cur.begin)
        segs.push_back(cur);
      cur = Segment();
      cur.begin = cur.end = end;
      stack.clear();
      hasBody = false;
    };
    auto fail = [&](DiagCode code, SourceRange r, std::string msg, std::string help) {
      cur.failed = true;
      cur.code = code;
      cur.errorRange = r;
      cur.message = std::move(msg);
      cur.help = std::move(help);
    };
    auto push = [&](size_t i, char kind) {
      stack.push_back(kind);
      if (stack.size() > options.maxNestingDepth && !cur.failed)
        fail(DiagCode::NestingTooDeep, builder.tokRange(tokens->get(i)),
             "nesting is too deep (more than " + std::to_string(options.maxNestingDepth) +
                 " levels)",
             "brackets and `if` expressions count as one level each");
    };
    auto popIfs = [&] {
      while (!stack.empty() && stack.back() == 'i')
        stack.pop_back();
    };
    for (size_t i = 0; i < n; ++i) {
      size_t t = type(i);
      // `@` never appears inside a policy body, nor does `permit(` or
      // `forbid(` (except as a method name after `.`), so they start the
      // next policy even when the current one lacks its `;` or a bracket.
      if (split && hasBody &&
          (t == Lexer::AT ||
           ((t == Lexer::PERMIT || t == Lexer::FORBID) && i + 1 < n &&
            type(i + 1) == Lexer::LPAREN && type(i - 1) != Lexer::DOT &&
            type(i - 1) != Lexer::COLONCOLON)))
        close(i);
      switch (t) {
      case Lexer::LPAREN:
        if (stack.empty() && !(i >= 2 && type(i - 2) == Lexer::AT))
          hasBody = true;
        push(i, '(');
        break;
      case Lexer::LBRACKET: push(i, '['); break;
      case Lexer::LBRACE: push(i, '{'); break;
      case Lexer::IF: push(i, 'i'); break;
      case Lexer::RPAREN: case Lexer::RBRACKET: case Lexer::RBRACE:
        popIfs();
        if (!stack.empty())
          stack.pop_back();
        break;
      case Lexer::COMMA: case Lexer::COLON:
        popIfs();
        break;
      case Lexer::SEMI:
        if (split)
          close(i + 1);
        break;
      case Lexer::INVALID_CHAR:
      case Lexer::UNTERMINATED_STRING:
        if (!cur.failed)
          lexError(tokens->get(i), fail);
        break;
      default:
        break;
      }
    }
    close(n);
    return segs;
  }

  template <typename Fail> void lexError(Token *t, Fail &fail) {
    SourceRange r = builder.tokRange(t);
    if (t->getType() == Lexer::UNTERMINATED_STRING) {
      fail(DiagCode::UnterminatedString, {file, r.begin, r.begin + 1},
           "unterminated string literal",
           "try checking that all strings are closed properly");
      return;
    }
    std::string ch = text.slice(r.begin, r.end).str();
    std::string help;
    if (ch == "'")
      help = "strings must use double quotes, not single quotes";
    else if (ch == "?")
      help = "template slots are written `?principal` or `?resource`";
    fail(DiagCode::InvalidToken, r, "invalid character `" + escapeForMessage(ch) + "`",
         help);
  }

  /// Runs `rule` on one segment, SLL first, LL on failure. Returns the
  /// context, or null after reporting the syntax error.
  template <typename Ctx> Ctx *parseSegment(const Segment &seg, Ctx *(gen::*rule)()) {
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
        builder.reportSyntaxError(*strategy->error, parser->getVocabulary(), *tokens);
    }
    return nullptr;
  }

  bool parsePolicies(std::vector<ast::Policy> &out) {
    bool ok = true;
    for (const Segment &seg : scan(/*split=*/true)) {
      if (builder.budgetSpent())
        return false;
      if (seg.failed) {
        builder.error(seg.code, seg.errorRange, seg.message, seg.help);
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
    std::vector<Segment> segs = scan(/*split=*/false);
    if (segs.empty()) {
      builder.error(DiagCode::SyntaxError, {file, 0, 0},
                    "unexpected end of input, expected an expression");
      return nullptr;
    }
    if (segs[0].failed) {
      builder.error(segs[0].code, segs[0].errorRange, segs[0].message, segs[0].help);
      return nullptr;
    }
    Segment whole = segs[0];
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
  OffsetMap offsets;
  Builder builder;
  DiagnosticEngine &diags;
  std::unique_ptr<Utf8InputStream> input;
  std::unique_ptr<Lexer> lexer;
  std::unique_ptr<SegmentTokenStream> tokens;
  std::unique_ptr<gen> parser;
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
