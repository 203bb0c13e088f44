// Grammar phase utility: AST -> Cedar text (print) and AST -> S-expression
// (dump). Entry points: ast::print and ast::dump, declared in
// grammar/ast_printer.h. Depends on the AST only (never on the parser).
//
// print
// -----
// INVARIANT: equal(parse(print(x)), x) for every parsed x, and printing is a
// fixed point: print(parse(print(x))) == print(x).
// Parentheses are added only where Cedar's grammar needs them. Precedence,
// lowest to highest (ORDER Prec, must follow Cedar's grammar):
//   if-then-else  (only at expression level; as an operand it is parenthesised)
//   ||  &&        (left associative)
//   relations     == != < <= > >= in has like is  (non-associative: a relation
//                 operand that is itself a relation is parenthesised)
//   + -  *        (left associative: `a - (b - c)`)
//   prefix ! -    (at most four of one kind stacked, never mixed: `!(-x)`)
//   member access .a ["a"] .m(...)
//   primary
// Integer literals: the parser folds a `-` written directly before an integer
// literal into the literal, so LongLit(-5) prints `-5` and counts as a prefix
// expression (`(-5).foo`, `!(-5)`), while a Neg applied to a literal prints
// with parentheses so nothing is folded: Neg(5) is `-(5)`, Neg(-5) is `-(-5)`.
// Attribute access keeps the written form (`a.b` or `a["b"]`), falling back
// to the index form when the name cannot be written bare; equal() ignores the
// difference (see ast_equal.cpp). Record keys and `has` names print bare when
// they are valid identifiers, quoted otherwise.
//
// dump
// ----
// A location-free S-expression, one line per expression; a policy dump puts
// each clause on its own line, indented by two spaces. Strings are quoted with
// the same escapes as Cedar text.
//   (bool true)  (long -5)  (string "a\n")  (entity NS::User "alice")
//   (var principal)  (unary ! E)  (unary - E)  (binary && E E)  (if E E E)
//   (has E a "b c")                 path elements bare when valid identifiers
//   (like E (lit "a") * (lit "b"))  literal runs and wildcards in order
//   (is E NS::User)  (is E NS::User E)
//   (getattr E "x")  (index E "x")  written as `.x` / `["x"]`
//   (method E contains E...)  (call decimal E...)  (set E...)
//   (record ("k" E) ...)
//   (policy permit
//     (annotation id "p1")  (annotation key)
//     (principal any) | (principal == T) | (principal in T) | (principal is N)
//       | (principal is N in T)        T is (entity N "id") or ?principal
//     (action any) | (action == U) | (action in U) | (action in [U U])
//     (resource ...)                   as principal
//     (when E)  (unless E))
//
// Both walks recurse on the tree. The parser caps expression depth at
// ParseOptions::maxExpressionDepth (2000), which plain recursion handles;
// hand-built trees deeper than that are not supported.
#include "grammar/ast_printer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"

namespace larch::ast {
namespace {

// ---------------------------------------------------------------- escaping

/// Appends `s` as a Cedar string literal body (no quotes). `"` and `\` are
/// escaped, as are control characters (C0, DEL, C1, U+2028, U+2029) so the
/// text stays on one line; other UTF-8 is copied unchanged. In a `like`
/// pattern `*` must be escaped too, since a bare `*` is the wildcard.
void appendEscaped(std::string &out, llvm::StringRef s, bool inPattern) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    switch (c) {
    case '"':
      out += "\\\"";
      continue;
    case '\\':
      out += "\\\\";
      continue;
    case '\n':
      out += "\\n";
      continue;
    case '\r':
      out += "\\r";
      continue;
    case '\t':
      out += "\\t";
      continue;
    case '\0':
      out += "\\0";
      continue;
    case '*':
      out += inPattern ? "\\*" : "*";
      continue;
    default:
      break;
    }
    unsigned code = 0;
    if (c < 0x20 || c == 0x7f) {
      code = c;
    } else if (c == 0xc2 && i + 1 < s.size() &&
               static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      code = static_cast<unsigned char>(s[i + 1]); // U+0080..U+009F
      ++i;
    } else if (c == 0xe2 && i + 2 < s.size() &&
               static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xa8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
      code = 0x2000 | (static_cast<unsigned char>(s[i + 2]) & 0x3f); // U+2028/9
      i += 2;
    } else {
      out += static_cast<char>(c);
      continue;
    }
    out += "\\u{";
    out += llvm::utohexstr(code, /*LowerCase=*/true);
    out += '}';
  }
}

void appendQuoted(std::string &out, llvm::StringRef s) {
  out += '"';
  appendEscaped(out, s, /*inPattern=*/false);
  out += '"';
}

/// True if `s` can be written bare where Cedar wants an identifier naming an
/// attribute or record key: a valid identifier other than `__cedar`, which is
/// reserved there (RFC 52). `__cedar_x` is an ordinary identifier.
bool isBareAttr(llvm::StringRef s) {
  return isValidIdentifier(s) && s != "__cedar";
}

/// Appends an attribute name or record key: bare if possible, else quoted.
void appendKey(std::string &out, llvm::StringRef s) {
  if (isBareAttr(s))
    out += s.str();
  else
    appendQuoted(out, s);
}

void appendName(std::string &out, const Name &n) {
  for (size_t i = 0; i < n.path.size(); ++i) {
    if (i)
      out += "::";
    out += n.path[i].str();
  }
}

void appendUid(std::string &out, const EntityUid &uid) {
  appendName(out, uid.type);
  out += "::";
  appendQuoted(out, uid.id);
}

// ---------------------------------------------------------------- print

// ORDER Prec: lowest to highest binding, as in Cedar's grammar.
enum class Prec { If, Or, And, Relation, Add, Mul, Prefix, Member, Primary };

Prec getBinaryPrec(BinaryOp op) {
  switch (op) {
  case BinaryOp::Or:
    return Prec::Or;
  case BinaryOp::And:
    return Prec::And;
  case BinaryOp::Eq:
  case BinaryOp::NotEq:
  case BinaryOp::Less:
  case BinaryOp::LessEq:
  case BinaryOp::Greater:
  case BinaryOp::GreaterEq:
  case BinaryOp::In:
    return Prec::Relation;
  case BinaryOp::Add:
  case BinaryOp::Sub:
    return Prec::Add;
  case BinaryOp::Mul:
    return Prec::Mul;
  }
  llvm_unreachable("unknown binary operator");
}

/// The precedence level of the text `e` prints as (without parentheses).
Prec getPrec(const Expr &e) {
  switch (e.getKind()) {
  case ExprKind::If:
    return Prec::If;
  case ExprKind::Binary:
    return getBinaryPrec(llvm::cast<Binary>(e).getOp());
  case ExprKind::Has:
  case ExprKind::Like:
  case ExprKind::Is:
    return Prec::Relation;
  case ExprKind::Unary:
    return Prec::Prefix;
  case ExprKind::LongLit:
    // `-5` is a prefix minus folded into the literal by the parser.
    return llvm::cast<LongLit>(e).getValue() < 0 ? Prec::Prefix : Prec::Primary;
  case ExprKind::GetAttr:
  case ExprKind::MethodCall:
    return Prec::Member;
  case ExprKind::BoolLit:
  case ExprKind::StringLit:
  case ExprKind::EntityLit:
  case ExprKind::Var:
  case ExprKind::Call:
  case ExprKind::SetLit:
  case ExprKind::RecordLit:
    return Prec::Primary;
  }
  llvm_unreachable("unknown expression kind");
}

/// Cedar accepts at most this many stacked `!` or `-` (`!!!!x`).
constexpr unsigned MaxStackedUnary = 4;

class Printer {
public:
  std::string out;

  void printExpr(const Expr &e);
  void printPolicy(const Policy &p);

private:
  /// Prints `e` as an operand that must bind at least as tightly as `min`.
  void printOperand(const Expr &e, Prec min) {
    if (getPrec(e) < min)
      printParenthesized(e);
    else
      printExpr(e);
  }
  void printParenthesized(const Expr &e) {
    out += '(';
    printExpr(e);
    out += ')';
  }
  void printList(llvm::ArrayRef<const Expr *> items) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i)
        out += ", ";
      printExpr(*items[i]);
    }
  }
  void printUnary(const Unary &u);
  void printBinary(const Binary &b);
  void printEntityScope(llvm::StringRef var, const EntityScope &s);
  void printActionScope(const ActionScope &s);
};

void Printer::printUnary(const Unary &u) {
  // Stack up to four operators of the same kind; anything else below them
  // that is not a member expression or tighter gets parentheses. A prefix
  // operand of another kind must be parenthesised because Cedar does not mix
  // `!` and `-` in one run, and a literal under `-` because the parser would
  // fold the minus into it.
  UnaryOp op = u.getOp();
  const Expr *operand = &u;
  unsigned count = 0;
  while (count < MaxStackedUnary) {
    const auto *inner = llvm::dyn_cast<Unary>(operand);
    if (!inner || inner->getOp() != op)
      break;
    out += op == UnaryOp::Not ? '!' : '-';
    operand = inner->getOperand();
    ++count;
  }
  bool parens = llvm::isa<Unary>(operand) ||
                (op == UnaryOp::Neg && llvm::isa<LongLit>(operand)) ||
                getPrec(*operand) < Prec::Member;
  if (parens)
    printParenthesized(*operand);
  else
    printExpr(*operand);
}

void Printer::printBinary(const Binary &b) {
  Prec prec = getBinaryPrec(b.getOp());
  Prec lhsMin = prec, rhsMin = prec;
  switch (prec) {
  case Prec::Or:
    rhsMin = Prec::And;
    break;
  case Prec::And:
    rhsMin = Prec::Relation;
    break;
  case Prec::Relation:
    // Non-associative: both operands are additive expressions.
    lhsMin = rhsMin = Prec::Add;
    break;
  case Prec::Add:
    rhsMin = Prec::Mul;
    break;
  case Prec::Mul:
    rhsMin = Prec::Prefix;
    break;
  case Prec::If:
  case Prec::Prefix:
  case Prec::Member:
  case Prec::Primary:
    llvm_unreachable("not a binary operator precedence");
  }
  printOperand(*b.getLhs(), lhsMin);
  out += ' ';
  out += getBinaryOpSpelling(b.getOp()).str();
  out += ' ';
  printOperand(*b.getRhs(), rhsMin);
}

void Printer::printExpr(const Expr &e) {
  switch (e.getKind()) {
  case ExprKind::BoolLit:
    out += llvm::cast<BoolLit>(e).getValue() ? "true" : "false";
    return;
  case ExprKind::LongLit:
    out += std::to_string(llvm::cast<LongLit>(e).getValue());
    return;
  case ExprKind::StringLit:
    appendQuoted(out, llvm::cast<StringLit>(e).getValue());
    return;
  case ExprKind::EntityLit:
    appendUid(out, llvm::cast<EntityLit>(e).getUid());
    return;
  case ExprKind::Var:
    out += getVarName(llvm::cast<Var>(e).getVar()).str();
    return;
  case ExprKind::Unary:
    printUnary(llvm::cast<Unary>(e));
    return;
  case ExprKind::Binary:
    printBinary(llvm::cast<Binary>(e));
    return;
  case ExprKind::If: {
    // Each part is a full expression: no parentheses needed inside.
    const auto &i = llvm::cast<If>(e);
    out += "if ";
    printExpr(*i.getCond());
    out += " then ";
    printExpr(*i.getThen());
    out += " else ";
    printExpr(*i.getElse());
    return;
  }
  case ExprKind::Has: {
    const auto &h = llvm::cast<Has>(e);
    printOperand(*h.getObject(), Prec::Add);
    out += " has ";
    llvm::ArrayRef<llvm::StringRef> path = h.getPath();
    if (path.size() == 1) {
      appendKey(out, path[0]);
      return;
    }
    // Extended `has` only admits identifiers; the parser never builds a
    // multi-element path with other names, so they have no Cedar text.
    for (size_t i = 0; i < path.size(); ++i) {
      if (i)
        out += '.';
      appendKey(out, path[i]);
    }
    return;
  }
  case ExprKind::Like: {
    const auto &l = llvm::cast<Like>(e);
    printOperand(*l.getObject(), Prec::Add);
    out += " like \"";
    for (const PatternElem &p : l.getPattern()) {
      if (p.isWildcard)
        out += '*';
      else
        appendEscaped(out, p.literal, /*inPattern=*/true);
    }
    out += '"';
    return;
  }
  case ExprKind::Is: {
    const auto &i = llvm::cast<Is>(e);
    printOperand(*i.getObject(), Prec::Add);
    out += " is ";
    appendName(out, i.getType());
    if (const Expr *in = i.getIn()) {
      out += " in ";
      printOperand(*in, Prec::Add);
    }
    return;
  }
  case ExprKind::GetAttr: {
    const auto &g = llvm::cast<GetAttr>(e);
    printOperand(*g.getObject(), Prec::Member);
    if (!g.isIndex() && isBareAttr(g.getAttr())) {
      out += '.';
      out += g.getAttr().str();
    } else {
      out += '[';
      appendQuoted(out, g.getAttr());
      out += ']';
    }
    return;
  }
  case ExprKind::MethodCall: {
    const auto &m = llvm::cast<MethodCall>(e);
    printOperand(*m.getReceiver(), Prec::Member);
    out += '.';
    out += m.getMethod().str();
    out += '(';
    printList(m.getArgs());
    out += ')';
    return;
  }
  case ExprKind::Call: {
    const auto &c = llvm::cast<Call>(e);
    appendName(out, c.getFunction());
    out += '(';
    printList(c.getArgs());
    out += ')';
    return;
  }
  case ExprKind::SetLit:
    out += '[';
    printList(llvm::cast<SetLit>(e).getElements());
    out += ']';
    return;
  case ExprKind::RecordLit: {
    llvm::ArrayRef<RecordEntry> entries = llvm::cast<RecordLit>(e).getEntries();
    if (entries.empty()) {
      out += "{}";
      return;
    }
    out += "{ ";
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i)
        out += ", ";
      appendKey(out, entries[i].key);
      out += ": ";
      printExpr(*entries[i].value);
    }
    out += " }";
    return;
  }
  }
  llvm_unreachable("unknown expression kind");
}

void appendTarget(std::string &out, const ScopeTarget &t) {
  if (t.isSlot)
    out += t.slot == SlotKind::Principal ? "?principal" : "?resource";
  else
    appendUid(out, t.uid);
}

void Printer::printEntityScope(llvm::StringRef var, const EntityScope &s) {
  out += var.str();
  switch (s.op) {
  case EntityScope::Op::Any:
    return;
  case EntityScope::Op::Eq:
    out += " == ";
    appendTarget(out, s.target);
    return;
  case EntityScope::Op::In:
    out += " in ";
    appendTarget(out, s.target);
    return;
  case EntityScope::Op::Is:
    out += " is ";
    appendName(out, s.type);
    return;
  case EntityScope::Op::IsIn:
    out += " is ";
    appendName(out, s.type);
    out += " in ";
    appendTarget(out, s.target);
    return;
  }
  llvm_unreachable("unknown entity scope operator");
}

void Printer::printActionScope(const ActionScope &s) {
  out += "action";
  switch (s.op) {
  case ActionScope::Op::Any:
    return;
  case ActionScope::Op::Eq:
  case ActionScope::Op::In:
    assert(s.uids.size() == 1 && "action == / in takes exactly one entity");
    out += s.op == ActionScope::Op::Eq ? " == " : " in ";
    appendUid(out, s.uids.front());
    return;
  case ActionScope::Op::InList:
    out += " in [";
    for (size_t i = 0; i < s.uids.size(); ++i) {
      if (i)
        out += ", ";
      appendUid(out, s.uids[i]);
    }
    out += ']';
    return;
  }
  llvm_unreachable("unknown action scope operator");
}

void Printer::printPolicy(const Policy &p) {
  // The layout of Cedar's own formatter: one annotation per line, the scope
  // one variable per line, one condition per line.
  for (const Annotation &a : p.annotations) {
    out += '@';
    out += a.key.str();
    if (a.hasValue) {
      out += '(';
      appendQuoted(out, a.value);
      out += ')';
    }
    out += '\n';
  }
  out += p.effect == Effect::Permit ? "permit" : "forbid";
  out += " (\n  ";
  printEntityScope("principal", p.principal);
  out += ",\n  ";
  printActionScope(p.action);
  out += ",\n  ";
  printEntityScope("resource", p.resource);
  out += "\n)";
  for (const Condition &c : p.conditions) {
    out += c.isWhen ? "\nwhen { " : "\nunless { ";
    assert(c.body && "a condition always has a body");
    printExpr(*c.body);
    out += " }";
  }
  out += ';';
}

// ---------------------------------------------------------------- dump

class Dumper {
public:
  std::string out;

  void dumpExpr(const Expr &e);
  void dumpPolicy(const Policy &p);

private:
  void dumpArgs(llvm::ArrayRef<const Expr *> args) {
    for (const Expr *a : args) {
      out += ' ';
      dumpExpr(*a);
    }
  }
  void dumpUid(const EntityUid &uid) {
    out += "(entity ";
    appendName(out, uid.type);
    out += ' ';
    appendQuoted(out, uid.id);
    out += ')';
  }
  void dumpTarget(const ScopeTarget &t) {
    if (t.isSlot)
      out += t.slot == SlotKind::Principal ? "?principal" : "?resource";
    else
      dumpUid(t.uid);
  }
  void dumpEntityScope(llvm::StringRef var, const EntityScope &s);
  void dumpActionScope(const ActionScope &s);
};

void Dumper::dumpExpr(const Expr &e) {
  switch (e.getKind()) {
  case ExprKind::BoolLit:
    out += llvm::cast<BoolLit>(e).getValue() ? "(bool true)" : "(bool false)";
    return;
  case ExprKind::LongLit:
    out += "(long ";
    out += std::to_string(llvm::cast<LongLit>(e).getValue());
    out += ')';
    return;
  case ExprKind::StringLit:
    out += "(string ";
    appendQuoted(out, llvm::cast<StringLit>(e).getValue());
    out += ')';
    return;
  case ExprKind::EntityLit:
    dumpUid(llvm::cast<EntityLit>(e).getUid());
    return;
  case ExprKind::Var:
    out += "(var ";
    out += getVarName(llvm::cast<Var>(e).getVar()).str();
    out += ')';
    return;
  case ExprKind::Unary: {
    const auto &u = llvm::cast<Unary>(e);
    out += u.getOp() == UnaryOp::Not ? "(unary ! " : "(unary - ";
    dumpExpr(*u.getOperand());
    out += ')';
    return;
  }
  case ExprKind::Binary: {
    const auto &b = llvm::cast<Binary>(e);
    out += "(binary ";
    out += getBinaryOpSpelling(b.getOp()).str();
    out += ' ';
    dumpExpr(*b.getLhs());
    out += ' ';
    dumpExpr(*b.getRhs());
    out += ')';
    return;
  }
  case ExprKind::If: {
    const auto &i = llvm::cast<If>(e);
    out += "(if ";
    dumpExpr(*i.getCond());
    out += ' ';
    dumpExpr(*i.getThen());
    out += ' ';
    dumpExpr(*i.getElse());
    out += ')';
    return;
  }
  case ExprKind::Has: {
    const auto &h = llvm::cast<Has>(e);
    out += "(has ";
    dumpExpr(*h.getObject());
    for (llvm::StringRef s : h.getPath()) {
      out += ' ';
      if (isValidIdentifier(s))
        out += s.str();
      else
        appendQuoted(out, s);
    }
    out += ')';
    return;
  }
  case ExprKind::Like: {
    const auto &l = llvm::cast<Like>(e);
    out += "(like ";
    dumpExpr(*l.getObject());
    for (const PatternElem &p : l.getPattern()) {
      if (p.isWildcard) {
        out += " *";
      } else {
        out += " (lit ";
        appendQuoted(out, p.literal);
        out += ')';
      }
    }
    out += ')';
    return;
  }
  case ExprKind::Is: {
    const auto &i = llvm::cast<Is>(e);
    out += "(is ";
    dumpExpr(*i.getObject());
    out += ' ';
    appendName(out, i.getType());
    if (const Expr *in = i.getIn()) {
      out += ' ';
      dumpExpr(*in);
    }
    out += ')';
    return;
  }
  case ExprKind::GetAttr: {
    const auto &g = llvm::cast<GetAttr>(e);
    out += g.isIndex() ? "(index " : "(getattr ";
    dumpExpr(*g.getObject());
    out += ' ';
    appendQuoted(out, g.getAttr());
    out += ')';
    return;
  }
  case ExprKind::MethodCall: {
    const auto &m = llvm::cast<MethodCall>(e);
    out += "(method ";
    dumpExpr(*m.getReceiver());
    out += ' ';
    out += m.getMethod().str();
    dumpArgs(m.getArgs());
    out += ')';
    return;
  }
  case ExprKind::Call: {
    const auto &c = llvm::cast<Call>(e);
    out += "(call ";
    appendName(out, c.getFunction());
    dumpArgs(c.getArgs());
    out += ')';
    return;
  }
  case ExprKind::SetLit:
    out += "(set";
    dumpArgs(llvm::cast<SetLit>(e).getElements());
    out += ')';
    return;
  case ExprKind::RecordLit:
    out += "(record";
    for (const RecordEntry &r : llvm::cast<RecordLit>(e).getEntries()) {
      out += " (";
      appendQuoted(out, r.key);
      out += ' ';
      dumpExpr(*r.value);
      out += ')';
    }
    out += ')';
    return;
  }
  llvm_unreachable("unknown expression kind");
}

void Dumper::dumpEntityScope(llvm::StringRef var, const EntityScope &s) {
  out += "\n  (";
  out += var.str();
  switch (s.op) {
  case EntityScope::Op::Any:
    out += " any";
    break;
  case EntityScope::Op::Eq:
    out += " == ";
    dumpTarget(s.target);
    break;
  case EntityScope::Op::In:
    out += " in ";
    dumpTarget(s.target);
    break;
  case EntityScope::Op::Is:
    out += " is ";
    appendName(out, s.type);
    break;
  case EntityScope::Op::IsIn:
    out += " is ";
    appendName(out, s.type);
    out += " in ";
    dumpTarget(s.target);
    break;
  }
  out += ')';
}

void Dumper::dumpActionScope(const ActionScope &s) {
  out += "\n  (action";
  switch (s.op) {
  case ActionScope::Op::Any:
    out += " any";
    break;
  case ActionScope::Op::Eq:
  case ActionScope::Op::In:
    assert(s.uids.size() == 1 && "action == / in takes exactly one entity");
    out += s.op == ActionScope::Op::Eq ? " == " : " in ";
    dumpUid(s.uids.front());
    break;
  case ActionScope::Op::InList:
    out += " in [";
    for (size_t i = 0; i < s.uids.size(); ++i) {
      if (i)
        out += ' ';
      dumpUid(s.uids[i]);
    }
    out += ']';
    break;
  }
  out += ')';
}

void Dumper::dumpPolicy(const Policy &p) {
  out += p.effect == Effect::Permit ? "(policy permit" : "(policy forbid";
  for (const Annotation &a : p.annotations) {
    out += "\n  (annotation ";
    out += a.key.str();
    if (a.hasValue) {
      out += ' ';
      appendQuoted(out, a.value);
    }
    out += ')';
  }
  dumpEntityScope("principal", p.principal);
  dumpActionScope(p.action);
  dumpEntityScope("resource", p.resource);
  for (const Condition &c : p.conditions) {
    out += c.isWhen ? "\n  (when " : "\n  (unless ";
    assert(c.body && "a condition always has a body");
    dumpExpr(*c.body);
    out += ')';
  }
  out += ')';
}

} // namespace

std::string print(const Expr &e) {
  Printer p;
  p.printExpr(e);
  return std::move(p.out);
}

std::string print(const Policy &p) {
  Printer pr;
  pr.printPolicy(p);
  return std::move(pr.out);
}

std::string print(const PolicySet &s) {
  Printer pr;
  for (size_t i = 0; i < s.policies.size(); ++i) {
    if (i)
      pr.out += '\n';
    pr.printPolicy(s.policies[i]);
    pr.out += '\n';
  }
  return std::move(pr.out);
}

std::string dump(const Expr &e) {
  Dumper d;
  d.dumpExpr(e);
  return std::move(d.out);
}

std::string dump(const Policy &p) {
  Dumper d;
  d.dumpPolicy(p);
  return std::move(d.out);
}

} // namespace larch::ast
