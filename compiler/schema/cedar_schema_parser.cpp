// Schema: lexer and recursive-descent parser for the Cedar schema syntax.
// Entry point: parseCedarSchema. The grammar mirrors Cedar's grammar.lalrpop;
// schema keywords are ordinary identifiers that the parser recognises by
// text, because Cedar accepts most of them as names too (`entity entity;`).
#include "compiler/schema/cedar_schema_parser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"

#include <set>

namespace larch::schema {

// ---- string unescaping (Rust string-literal rules, as Cedar uses) ----

static void appendUtf8(std::string &out, uint32_t cp) {
  char buf[4];
  char *p = buf;
  llvm::ConvertCodePointToUTF8(cp, p);
  out.append(buf, p);
}

std::optional<std::string> unescapeCedarString(llvm::StringRef body,
                                               size_t &errorOffset,
                                               std::string &errorMessage) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\r') {
      errorOffset = i;
      errorMessage = "bare carriage return in a string";
      return std::nullopt;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    size_t start = i;
    auto fail = [&](const char *msg) {
      errorOffset = start;
      errorMessage = msg;
      return std::nullopt;
    };
    if (++i >= body.size())
      return fail("lone backslash at the end of a string");
    switch (body[i]) {
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case '\\': out += '\\'; break;
    case '0': out += '\0'; break;
    case '\'': out += '\''; break;
    case '"': out += '"'; break;
    case 'x': {
      unsigned v = 0;
      for (int k = 1; k <= 2; ++k) {
        if (i + k >= body.size())
          return fail("numeric character escape is too short");
        int d = llvm::hexDigitValue(body[i + k]);
        if (d < 0)
          return fail("invalid character in numeric character escape");
        v = v * 16 + d;
      }
      if (v > 0x7f)
        return fail("out of range hex escape: must be at most `\\x7f`");
      out += static_cast<char>(v);
      i += 2;
      break;
    }
    case 'u': {
      if (i + 1 >= body.size() || body[i + 1] != '{')
        return fail("incorrect unicode escape sequence: missing `{`");
      size_t j = i + 2;
      uint32_t v = 0;
      unsigned digits = 0;
      bool closed = false;
      for (; j < body.size(); ++j) {
        char h = body[j];
        if (h == '}') {
          closed = true;
          break;
        }
        if (h == '_') {
          if (digits == 0)
            return fail("invalid start of unicode escape: `_`");
          continue;
        }
        int d = llvm::hexDigitValue(h);
        if (d < 0)
          return fail("invalid character in unicode escape");
        if (++digits > 6)
          return fail("overlong unicode escape: must have at most 6 hex digits");
        v = v * 16 + d;
      }
      if (!closed)
        return fail("unterminated unicode escape");
      if (digits == 0)
        return fail("empty unicode escape");
      if (v >= 0xD800 && v <= 0xDFFF)
        return fail("invalid unicode character escape: a surrogate");
      if (v > 0x10FFFF)
        return fail("invalid unicode character escape: out of range");
      appendUtf8(out, v);
      i = j;
      break;
    }
    default:
      return fail("unknown character escape");
    }
  }
  return out;
}

namespace {

// ---- lexer ----

enum class Tok {
  Ident, String, Number, Comma, Semi, Colon, ColonColon, LBrace, RBrace,
  LBracket, RBracket, Less, Greater, Equal, Question, At, LParen, RParen,
  End, Invalid
};

struct Token {
  Tok kind = Tok::End;
  uint32_t begin = 0;
  uint32_t end = 0;
  llvm::StringRef text;
};

/// Length of a Unicode White_Space character (other than ASCII) at `s`, or 0.
size_t unicodeSpaceLength(llvm::StringRef s) {
  auto is = [&](const char *bytes) { return s.startswith(bytes); };
  if (is("\xC2\x85") || is("\xC2\xA0"))
    return 2;
  if (is("\xE1\x9A\x80") || is("\xE2\x80\xA8") || is("\xE2\x80\xA9") ||
      is("\xE2\x80\xAF") || is("\xE2\x81\x9F") || is("\xE3\x80\x80"))
    return 3;
  if (s.size() >= 3 && (unsigned char)s[0] == 0xE2 &&
      (unsigned char)s[1] == 0x80 && (unsigned char)s[2] >= 0x80 &&
      (unsigned char)s[2] <= 0x8A)
    return 3; // U+2000..U+200A
  return 0;
}

class Lexer {
public:
  explicit Lexer(llvm::StringRef text) : text(text) {}

  Token next() {
    skipTrivia();
    Token t;
    t.begin = static_cast<uint32_t>(pos);
    if (pos >= text.size()) {
      t.kind = Tok::End;
      t.end = t.begin;
      return t;
    }
    char c = text[pos];
    if (llvm::isAlpha(c) || c == '_') {
      size_t e = pos + 1;
      while (e < text.size() && (llvm::isAlnum(text[e]) || text[e] == '_'))
        ++e;
      return make(Tok::Ident, e);
    }
    if (llvm::isDigit(c)) {
      size_t e = pos + 1;
      while (e < text.size() && llvm::isDigit(text[e]))
        ++e;
      return make(Tok::Number, e);
    }
    if (c == '"') {
      size_t e = pos + 1;
      while (e < text.size() && text[e] != '"') {
        if (text[e] == '\\') {
          // `\\.`: an escape never swallows a newline.
          if (e + 1 >= text.size() || text[e + 1] == '\n')
            return make(Tok::Invalid, e + 1);
          e += 2;
          continue;
        }
        ++e;
      }
      if (e >= text.size())
        return make(Tok::Invalid, text.size()); // unterminated
      return make(Tok::String, e + 1);
    }
    if (c == ':' && pos + 1 < text.size() && text[pos + 1] == ':')
      return make(Tok::ColonColon, pos + 2);
    switch (c) {
    case ',': return make(Tok::Comma, pos + 1);
    case ';': return make(Tok::Semi, pos + 1);
    case ':': return make(Tok::Colon, pos + 1);
    case '{': return make(Tok::LBrace, pos + 1);
    case '}': return make(Tok::RBrace, pos + 1);
    case '[': return make(Tok::LBracket, pos + 1);
    case ']': return make(Tok::RBracket, pos + 1);
    case '<': return make(Tok::Less, pos + 1);
    case '>': return make(Tok::Greater, pos + 1);
    case '=': return make(Tok::Equal, pos + 1);
    case '?': return make(Tok::Question, pos + 1);
    case '@': return make(Tok::At, pos + 1);
    case '(': return make(Tok::LParen, pos + 1);
    case ')': return make(Tok::RParen, pos + 1);
    default: break;
    }
    // One whole UTF-8 sequence as the invalid token, so the span is sensible.
    size_t e = pos + 1;
    while (e < text.size() && ((unsigned char)text[e] & 0xC0) == 0x80)
      ++e;
    return make(Tok::Invalid, e);
  }

private:
  Token make(Tok kind, size_t end) {
    Token t;
    t.kind = kind;
    t.begin = static_cast<uint32_t>(pos);
    t.end = static_cast<uint32_t>(end);
    t.text = text.slice(pos, end);
    pos = end;
    return t;
  }

  void skipTrivia() {
    while (pos < text.size()) {
      char c = text[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
          c == '\f') {
        ++pos;
      } else if (c == '/' && pos + 1 < text.size() && text[pos + 1] == '/') {
        while (pos < text.size() && text[pos] != '\n' && text[pos] != '\r')
          ++pos;
      } else if (size_t n = unicodeSpaceLength(text.substr(pos))) {
        pos += n;
      } else {
        break;
      }
    }
  }

  llvm::StringRef text;
  size_t pos = 0;
};

// ---- parser ----

/// Thrown-free error propagation: a syntax error sets `failed`, after which
/// every parse function returns quickly and the caller stops.
class Parser {
public:
  Parser(llvm::StringRef text, uint32_t fileId, DiagnosticEngine &diags,
         const SchemaParseOptions &opts)
      : text(text), fileId(fileId), diags(diags), opts(opts), lexer(text) {
    cur = lexer.next();
    peekTok = lexer.next();
  }

  std::optional<RawSchema> parseSchema();

private:
  // Token helpers.
  void advance() {
    prevEnd = cur.end;
    cur = peekTok;
    peekTok = lexer.next();
  }
  bool is(Tok k) const { return cur.kind == k; }
  bool isKw(llvm::StringRef kw) const {
    return cur.kind == Tok::Ident && cur.text == kw;
  }
  SourceRange range(uint32_t b, uint32_t e) const { return {fileId, b, e}; }
  SourceRange curRange() const { return range(cur.begin, cur.end); }
  bool expect(Tok k, const char *what) {
    if (is(k)) {
      advance();
      return true;
    }
    syntaxError(what);
    return false;
  }
  bool expectKw(llvm::StringRef kw) {
    if (isKw(kw)) {
      advance();
      return true;
    }
    syntaxError(("`" + kw + "`").str().c_str());
    return false;
  }
  void syntaxError(const char *expected, const char *help = nullptr);

  // Grammar.
  bool parseAnnotations(Annotations &out);
  bool parseDecl(RawNamespace &ns, Annotations annotations,
                 std::set<std::string> &entityNames,
                 std::set<std::string> &actionNames,
                 std::set<std::string> &typeNames);
  bool parseEntity(RawNamespace &ns, Annotations annotations,
                   std::set<std::string> &names);
  bool parseAction(RawNamespace &ns, Annotations annotations,
                   std::set<std::string> &names);
  bool parseTypeDecl(RawNamespace &ns, Annotations annotations,
                     std::set<std::string> &names);
  bool parseAppliesTo(RawActionDecl &decl, const RawName &firstName);
  bool parseType(RawType &out, unsigned depth);
  bool parseRecordBody(RawType &out, unsigned depth);
  bool parseIdent(RawName &out);
  bool parsePath(RawName &out);
  bool parseName(RawName &out);
  bool parseString(std::string &out);
  bool parseEntTypes(std::vector<RawName> &out, bool &wasEmptyList);
  bool parseActionRef(RawActionRef &out);

  llvm::StringRef text;
  uint32_t fileId;
  DiagnosticEngine &diags;
  const SchemaParseOptions &opts;
  Lexer lexer;
  Token cur, peekTok;
  uint32_t prevEnd = 0;
  bool failed = false;
};

std::string describe(const Token &t) {
  switch (t.kind) {
  case Tok::End:
    return "end of input";
  case Tok::Invalid:
    return "invalid token `" + escapeForMessage(t.text) + "`";
  default:
    return "token `" + escapeForMessage(t.text) + "`";
  }
}

void Parser::syntaxError(const char *expected, const char *help) {
  if (failed)
    return;
  failed = true;
  DiagCode code = DiagCode::SchemaSyntaxError;
  std::string msg;
  if (cur.kind == Tok::Invalid) {
    code = DiagCode::SchemaInvalidToken;
    msg = cur.text.startswith("\"") ? "unterminated or invalid string literal"
                                    : "invalid token `" +
                                          escapeForMessage(cur.text) + "`";
  } else if (cur.kind == Tok::End) {
    msg = "unexpected end of input";
  } else {
    msg = "unexpected " + describe(cur);
  }
  Diagnostic &d = diags.error(code, curRange(), msg);
  d.notes.push_back(std::string("expected ") + expected);
  if (help)
    d.help = help;
}

bool Parser::parseString(std::string &out) {
  if (!is(Tok::String)) {
    syntaxError("a string literal");
    return false;
  }
  size_t off = 0;
  std::string err;
  llvm::StringRef body = cur.text.drop_front().drop_back();
  if (auto s = unescapeCedarString(body, off, err)) {
    out = std::move(*s);
  } else {
    uint32_t b = cur.begin + 1 + static_cast<uint32_t>(off);
    diags.error(DiagCode::SchemaInvalidEscape, range(b, std::min(b + 2, cur.end)),
                err);
    out = body.str();
  }
  advance();
  return true;
}

bool Parser::parseIdent(RawName &out) {
  if (!is(Tok::Ident)) {
    syntaxError("an identifier");
    return false;
  }
  if (isReservedIdentifier(cur.text))
    diags.error(DiagCode::SchemaReservedIdentifier, curRange(),
                "`" + cur.text.str() + "` is a reserved identifier");
  out.text = cur.text.str();
  out.loc = curRange();
  advance();
  return true;
}

bool Parser::parsePath(RawName &out) {
  uint32_t begin = cur.begin;
  if (!parseIdent(out))
    return false;
  while (is(Tok::ColonColon)) {
    advance();
    RawName next;
    if (!parseIdent(next))
      return false;
    out.text += "::" + next.text;
  }
  out.loc = range(begin, prevEnd);
  return true;
}

bool Parser::parseName(RawName &out) {
  if (is(Tok::String)) {
    SourceRange loc = curRange();
    if (!parseString(out.text))
      return false;
    out.loc = loc;
    return true;
  }
  return parseIdent(out);
}

bool Parser::parseAnnotations(Annotations &out) {
  std::map<std::string, SourceRange> seen;
  while (is(Tok::At)) {
    uint32_t begin = cur.begin;
    advance();
    if (!is(Tok::Ident)) {
      syntaxError("an annotation name");
      return false;
    }
    std::string key = cur.text.str();
    SourceRange keyLoc = curRange();
    advance();
    std::string value;
    if (is(Tok::LParen)) {
      advance();
      if (!parseString(value) || !expect(Tok::RParen, "`)`"))
        return false;
    }
    if (!seen.emplace(key, keyLoc).second) {
      diags.error(DiagCode::SchemaDuplicateAnnotation, range(begin, prevEnd),
                  "duplicate annotations: `" + key + "`");
      continue;
    }
    out[key] = value;
  }
  return true;
}

bool Parser::parseType(RawType &out, unsigned depth) {
  if (depth > opts.maxNestingDepth) {
    if (!failed)
      diags.error(DiagCode::NestingTooDeep, curRange(),
                  "schema type nesting is deeper than " +
                      std::to_string(opts.maxNestingDepth) + " levels");
    failed = true;
    return false;
  }
  uint32_t begin = cur.begin;
  if (is(Tok::LBrace))
    return parseRecordBody(out, depth);
  if (isKw("Set") && peekTok.kind == Tok::Less) {
    advance();
    advance();
    auto elem = std::make_shared<RawType>();
    if (!parseType(*elem, depth + 1) || !expect(Tok::Greater, "`>`"))
      return false;
    out.kind = RawType::Kind::Set;
    out.element = std::move(elem);
    out.loc = range(begin, prevEnd);
    return true;
  }
  if (!is(Tok::Ident)) {
    syntaxError("a type");
    return false;
  }
  out.kind = RawType::Kind::Ref;
  out.refKind = RefKind::CommonOrEntity;
  if (!parsePath(out.name))
    return false;
  out.loc = out.name.loc;
  return true;
}

bool Parser::parseRecordBody(RawType &out, unsigned depth) {
  uint32_t begin = cur.begin;
  if (!expect(Tok::LBrace, "`{`"))
    return false;
  out.kind = RawType::Kind::Record;
  while (!is(Tok::RBrace)) {
    RawAttribute attr;
    uint32_t attrBegin = cur.begin;
    if (!parseAnnotations(attr.annotations))
      return false;
    RawName name;
    if (!is(Tok::Ident) && !is(Tok::String)) {
      syntaxError("an attribute name or `}`");
      return false;
    }
    if (!parseName(name))
      return false;
    attr.name = name.text;
    if (is(Tok::Question)) {
      attr.required = false;
      advance();
    }
    if (!expect(Tok::Colon, "`:`") || !parseType(attr.type, depth + 1))
      return false;
    attr.loc = range(attrBegin, prevEnd);
    out.attrs.push_back(std::move(attr));
    if (is(Tok::Comma)) {
      advance();
      continue;
    }
    if (!is(Tok::RBrace)) {
      syntaxError("`,` or `}`");
      return false;
    }
  }
  advance();
  out.loc = range(begin, prevEnd);
  return true;
}

bool Parser::parseEntTypes(std::vector<RawName> &out, bool &wasEmptyList) {
  wasEmptyList = false;
  if (!is(Tok::LBracket)) {
    RawName n;
    if (!parsePath(n))
      return false;
    out.push_back(std::move(n));
    return true;
  }
  advance();
  if (is(Tok::RBracket)) {
    advance();
    wasEmptyList = true;
    return true;
  }
  while (true) {
    RawName n;
    if (!parsePath(n))
      return false;
    out.push_back(std::move(n));
    if (is(Tok::Comma)) {
      advance();
      continue;
    }
    return expect(Tok::RBracket, "`,` or `]`");
  }
}

bool Parser::parseActionRef(RawActionRef &out) {
  uint32_t begin = cur.begin;
  if (is(Tok::String)) {
    if (!parseString(out.id))
      return false;
    out.loc = range(begin, prevEnd);
    return true;
  }
  // Path '::' STR | IDENT
  RawName first;
  if (!parseIdent(first))
    return false;
  std::string path = first.text;
  while (is(Tok::ColonColon)) {
    advance();
    if (is(Tok::String)) {
      out.type = RawName{path, range(begin, prevEnd - 2)};
      if (!parseString(out.id))
        return false;
      out.loc = range(begin, prevEnd);
      return true;
    }
    RawName next;
    if (!parseIdent(next))
      return false;
    path += "::" + next.text;
  }
  if (path != first.text) {
    syntaxError("`::` followed by a string literal");
    return false;
  }
  out.id = first.text;
  out.loc = range(begin, prevEnd);
  return true;
}

bool Parser::parseAppliesTo(RawActionDecl &decl, const RawName &firstName) {
  std::optional<SourceRange> principalLoc, resourceLoc, contextLoc;
  auto duplicate = [&](const char *what, SourceRange loc) {
    diags.error(DiagCode::SchemaInvalidAppliesTo, loc,
                std::string("duplicate ") +
                    (std::string(what) == "context"
                         ? "context declaration in action "
                         : "`" + std::string(what) + "` declaration in action ") +
                    "`" + escapeForMessage(firstName.text) + "`")
        .help = "an action may have only one declaration of each kind";
  };
  do {
    uint32_t begin = cur.begin;
    if (isKw("principal") || isKw("resource")) {
      bool isPrincipal = isKw("principal");
      const char *what = isPrincipal ? "principal" : "resource";
      advance();
      if (!expect(Tok::Colon, "`:`"))
        return false;
      std::vector<RawName> types;
      bool emptyList = false;
      if (!parseEntTypes(types, emptyList))
        return false;
      SourceRange loc = range(begin, prevEnd);
      auto &seenLoc = isPrincipal ? principalLoc : resourceLoc;
      if (seenLoc) {
        duplicate(what, loc);
      } else {
        seenLoc = loc;
        if (emptyList)
          diags.error(DiagCode::SchemaInvalidAppliesTo, loc,
                      "for action `" + escapeForMessage(firstName.text) +
                          "`, `" + what + "` is `[]`, which is invalid")
              .help = "every action must define both `principal` and "
                      "`resource` targets, and the lists must not be `[]`";
        (isPrincipal ? decl.principalTypes : decl.resourceTypes) =
            std::move(types);
      }
    } else if (isKw("context")) {
      advance();
      if (!expect(Tok::Colon, "`:`"))
        return false;
      RawType ctx;
      if (is(Tok::LBrace)) {
        if (!parseRecordBody(ctx, 1))
          return false;
      } else {
        ctx.kind = RawType::Kind::Ref;
        ctx.refKind = RefKind::Common;
        if (!parsePath(ctx.name))
          return false;
        ctx.loc = ctx.name.loc;
      }
      SourceRange loc = range(begin, prevEnd);
      if (contextLoc)
        duplicate("context", loc);
      else {
        contextLoc = loc;
        decl.context = std::move(ctx);
      }
    } else {
      syntaxError("`principal`, `resource` or `context`");
      return false;
    }
    if (!is(Tok::Comma))
      break;
    advance();
  } while (!is(Tok::RBrace));
  if (!expect(Tok::RBrace, "`,` or `}`"))
    return false;
  for (auto [seen, what] : {std::pair{principalLoc.has_value(), "principal"},
                            std::pair{resourceLoc.has_value(), "resource"}})
    if (!seen)
      diags.error(DiagCode::SchemaInvalidAppliesTo, firstName.loc,
                  std::string("missing `") + what + "` declaration for `" +
                      escapeForMessage(firstName.text) + "`")
          .help = "every action must define both `principal` and `resource` "
                  "targets, and the lists must not be `[]`";
  return true;
}

bool Parser::parseEntity(RawNamespace &ns, Annotations annotations,
                         std::set<std::string> &names) {
  advance(); // entity
  std::vector<RawName> declNames;
  do {
    RawName n;
    if (!parseIdent(n))
      return false;
    declNames.push_back(std::move(n));
    if (!is(Tok::Comma))
      break;
    advance();
  } while (true);
  RawEntityDecl decl;
  decl.annotations = std::move(annotations);
  if (isKw("enum")) {
    advance();
    if (!expect(Tok::LBracket, "`[`"))
      return false;
    std::vector<std::string> ids;
    do {
      std::string id;
      if (!parseString(id))
        return false;
      ids.push_back(std::move(id));
      if (!is(Tok::Comma))
        break;
      advance();
    } while (true);
    if (!expect(Tok::RBracket, "`,` or `]`") || !expect(Tok::Semi, "`;`"))
      return false;
    decl.enumIds = std::move(ids);
  } else {
    if (isKw("in")) {
      advance();
      bool emptyList = false;
      if (!parseEntTypes(decl.memberOfTypes, emptyList))
        return false;
    }
    if (is(Tok::Equal) || is(Tok::LBrace)) {
      if (is(Tok::Equal))
        advance();
      RawType shape;
      if (!parseRecordBody(shape, 1))
        return false;
      decl.shape = std::move(shape);
    }
    if (isKw("tags")) {
      advance();
      RawType tags;
      if (!parseType(tags, 1))
        return false;
      decl.tags = std::move(tags);
    }
    if (!expect(Tok::Semi, "`;`"))
      return false;
  }
  for (RawName &n : declNames) {
    if (!names.insert(n.text).second) {
      diags.error(DiagCode::SchemaDuplicateDeclaration, n.loc,
                  "`" + n.text + "` is declared twice");
      continue;
    }
    RawEntityDecl copy = decl;
    copy.name = std::move(n);
    ns.entityTypes.push_back(std::move(copy));
  }
  return true;
}

bool Parser::parseAction(RawNamespace &ns, Annotations annotations,
                         std::set<std::string> &names) {
  advance(); // action
  std::vector<RawName> declNames;
  do {
    RawName n;
    if (!is(Tok::Ident) && !is(Tok::String)) {
      syntaxError("an action name");
      return false;
    }
    if (!parseName(n))
      return false;
    declNames.push_back(std::move(n));
    if (!is(Tok::Comma))
      break;
    advance();
  } while (true);
  RawActionDecl decl;
  decl.annotations = std::move(annotations);
  if (isKw("in")) {
    advance();
    bool list = is(Tok::LBracket);
    if (list)
      advance();
    do {
      RawActionRef ref;
      if (!parseActionRef(ref))
        return false;
      decl.memberOf.push_back(std::move(ref));
      if (!list || !is(Tok::Comma))
        break;
      advance();
    } while (true);
    if (list && !expect(Tok::RBracket, "`,` or `]`"))
      return false;
  }
  if (isKw("appliesTo")) {
    advance();
    if (!expect(Tok::LBrace, "`{`"))
      return false;
    if (!parseAppliesTo(decl, declNames.front()))
      return false;
  }
  if (isKw("attributes")) {
    // Cedar accepts and ignores an empty `attributes {}`.
    advance();
    if (!expect(Tok::LBrace, "`{`") || !expect(Tok::RBrace, "`}`"))
      return false;
  }
  if (!is(Tok::Semi)) {
    syntaxError("`;`", is(Tok::LBrace)
                           ? "`appliesTo` must come before the `{` that lists "
                             "principal, resource and context types"
                           : nullptr);
    return false;
  }
  advance();
  for (RawName &n : declNames) {
    if (!names.insert(n.text).second) {
      diags.error(DiagCode::SchemaDuplicateDeclaration, n.loc,
                  "`" + escapeForMessage(n.text) + "` is declared twice");
      continue;
    }
    RawActionDecl copy = decl;
    copy.name = std::move(n);
    ns.actions.push_back(std::move(copy));
  }
  return true;
}

bool Parser::parseTypeDecl(RawNamespace &ns, Annotations annotations,
                           std::set<std::string> &names) {
  advance(); // type
  RawCommonTypeDecl decl;
  decl.annotations = std::move(annotations);
  if (!parseIdent(decl.name) || !expect(Tok::Equal, "`=`") ||
      !parseType(decl.type, 1) || !expect(Tok::Semi, "`;`"))
    return false;
  if (!names.insert(decl.name.text).second) {
    diags.error(DiagCode::SchemaDuplicateDeclaration, decl.name.loc,
                "`" + decl.name.text + "` is declared twice");
    return true;
  }
  ns.commonTypes.push_back(std::move(decl));
  return true;
}

bool Parser::parseDecl(RawNamespace &ns, Annotations annotations,
                       std::set<std::string> &entityNames,
                       std::set<std::string> &actionNames,
                       std::set<std::string> &typeNames) {
  if (isKw("entity"))
    return parseEntity(ns, std::move(annotations), entityNames);
  if (isKw("action"))
    return parseAction(ns, std::move(annotations), actionNames);
  if (isKw("type"))
    return parseTypeDecl(ns, std::move(annotations), typeNames);
  syntaxError("`entity`, `action` or `type`");
  return false;
}

std::optional<RawSchema> Parser::parseSchema() {
  unsigned errorsBefore = diags.getNumErrors();
  RawSchema schema;
  RawNamespace top; // every top-level declaration, merged as Cedar does
  std::set<std::string> topEntities, topActions, topTypes;
  std::map<std::string, SourceRange> namespaceLocs;
  while (!failed && !is(Tok::End)) {
    Annotations annotations;
    if (!parseAnnotations(annotations))
      break;
    if (!isKw("namespace")) {
      if (!top.loc.isValid())
        top.loc = curRange();
      if (!parseDecl(top, std::move(annotations), topEntities, topActions,
                     topTypes))
        break;
      continue;
    }
    advance(); // namespace
    RawNamespace ns;
    ns.annotations = std::move(annotations);
    RawName name;
    if (!parsePath(name) || !expect(Tok::LBrace, "`{`"))
      break;
    ns.name = name.text;
    ns.loc = name.loc;
    std::set<std::string> entities, actions, types;
    while (!failed && !is(Tok::RBrace)) {
      Annotations declAnnotations;
      if (!parseAnnotations(declAnnotations))
        break;
      if (is(Tok::End) && declAnnotations.empty()) {
        syntaxError("a declaration or `}`");
        break;
      }
      if (!parseDecl(ns, std::move(declAnnotations), entities, actions, types))
        break;
    }
    if (failed)
      break;
    advance(); // }
    if (is(Tok::Semi)) {
      syntaxError("`namespace`, `entity`, `action`, `type` or end of input",
                  "remove the `;` after the namespace's closing `}`");
      break;
    }
    auto [it, inserted] = namespaceLocs.emplace(ns.name, ns.loc);
    if (!inserted) {
      diags.error(DiagCode::SchemaDuplicateNamespace, ns.loc,
                  "duplicate namespace id: `" + ns.name + "`");
      continue;
    }
    schema.namespaces.push_back(std::move(ns));
  }
  if (!top.entityTypes.empty() || !top.actions.empty() ||
      !top.commonTypes.empty())
    schema.namespaces.push_back(std::move(top));
  if (failed || diags.getNumErrors() != errorsBefore)
    return std::nullopt;
  return schema;
}

} // namespace

std::optional<RawSchema> parseCedarSchema(llvm::StringRef text, uint32_t fileId,
                                          DiagnosticEngine &diags,
                                          const SchemaParseOptions &opts) {
  Parser parser(text, fileId, diags, opts);
  return parser.parseSchema();
}

std::optional<Schema> loadCedarSchema(SourceManager &sm, std::string name,
                                      std::string text, DiagnosticEngine &diags,
                                      const SchemaParseOptions &opts) {
  uint32_t file = sm.addFile(std::move(name), std::move(text));
  auto raw = parseCedarSchema(sm.getText(file), file, diags, opts);
  if (!raw)
    return std::nullopt;
  return resolveSchema(*raw, diags);
}

} // namespace larch::schema
