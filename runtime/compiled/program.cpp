//===- runtime/compiled/program.cpp - Instruction set tables and dump ---------===//
//
// Phase: runtime (the compiled program's format).
// Entry points: getBuiltinInfo, lookupBuiltin, getOpcodeName, Program::dump,
// Program::formatConstant (see program.h).
// Depends on program.h and runtime/value.h (Cedar's quoting) only.
//
//===----------------------------------------------------------------------===//

#include "runtime/compiled/program.h"
#include "runtime/compiled/guards.h"

#include "runtime/value.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace larch::rt {

namespace {

constexpr int8_t AnyKind = -1;
constexpr int8_t k(Kind x) { return static_cast<int8_t>(x); }

// ORDER Builtin: one row per enumerator, in order.
const BuiltinInfo Builtins[] = {
    {"contains", 2, false, false, {k(Kind::Set), AnyKind}},
    {"containsAll", 2, false, false, {k(Kind::Set), k(Kind::Set)}},
    {"containsAny", 2, false, false, {k(Kind::Set), k(Kind::Set)}},
    {"isEmpty", 1, false, false, {k(Kind::Set), AnyKind}},
    {"hasTag", 2, false, false, {k(Kind::Entity), k(Kind::String)}},
    {"getTag", 2, false, false, {k(Kind::Entity), k(Kind::String)}},
    {"decimal", 1, true, true, {k(Kind::String), AnyKind}},
    {"lessThan", 2, false, true, {k(Kind::Decimal), k(Kind::Decimal)}},
    {"lessThanOrEqual", 2, false, true, {k(Kind::Decimal), k(Kind::Decimal)}},
    {"greaterThan", 2, false, true, {k(Kind::Decimal), k(Kind::Decimal)}},
    {"greaterThanOrEqual", 2, false, true, {k(Kind::Decimal), k(Kind::Decimal)}},
    {"ip", 1, true, true, {k(Kind::String), AnyKind}},
    {"isIpv4", 1, false, true, {k(Kind::IpAddr), AnyKind}},
    {"isIpv6", 1, false, true, {k(Kind::IpAddr), AnyKind}},
    {"isLoopback", 1, false, true, {k(Kind::IpAddr), AnyKind}},
    {"isMulticast", 1, false, true, {k(Kind::IpAddr), AnyKind}},
    {"isInRange", 2, false, true, {k(Kind::IpAddr), k(Kind::IpAddr)}},
    {"datetime", 1, true, true, {k(Kind::String), AnyKind}},
    {"duration", 1, true, true, {k(Kind::String), AnyKind}},
    {"offset", 2, false, true, {k(Kind::Datetime), k(Kind::Duration)}},
    {"durationSince", 2, false, true, {k(Kind::Datetime), k(Kind::Datetime)}},
    {"toDate", 1, false, true, {k(Kind::Datetime), AnyKind}},
    {"toTime", 1, false, true, {k(Kind::Datetime), AnyKind}},
    {"toMilliseconds", 1, false, true, {k(Kind::Duration), AnyKind}},
    {"toSeconds", 1, false, true, {k(Kind::Duration), AnyKind}},
    {"toMinutes", 1, false, true, {k(Kind::Duration), AnyKind}},
    {"toHours", 1, false, true, {k(Kind::Duration), AnyKind}},
    {"toDays", 1, false, true, {k(Kind::Duration), AnyKind}},
};
static_assert(std::size(Builtins) == static_cast<size_t>(Builtin::ToDays) + 1,
              "one table row per builtin");

void printVal(llvm::raw_ostream &os, const Val &v, const SymbolTable &syms) {
  switch (v.kind) {
  case Kind::Bool:
    os << (v.b ? "true" : "false");
    return;
  case Kind::Long:
    os << v.i;
    return;
  case Kind::String:
    os << runtime::quoteCedarString(v.getString());
    return;
  case Kind::Entity:
    if (v.entity < syms.getNumEntities())
      os << syms.getEntityText(v.entity);
    else
      os << "entity#" << v.entity;
    return;
  case Kind::Set: {
    os << '[';
    bool first = true;
    for (const Val &x : v.getSet()) {
      os << (first ? "" : ", ");
      first = false;
      printVal(os, x, syms);
    }
    os << ']';
    return;
  }
  case Kind::Record: {
    os << '{';
    bool first = true;
    for (const Field &f : v.getRecord()) {
      os << (first ? "" : ", ");
      first = false;
      if (f.key < syms.getNumAttrs())
        os << runtime::quoteCedarString(syms.getAttr(f.key));
      else
        os << "attr#" << f.key;
      os << ": ";
      printVal(os, f.value, syms);
    }
    os << '}';
    return;
  }
  case Kind::Decimal:
    os << "decimal(\"" << v.getDecimal().toString() << "\")";
    return;
  case Kind::IpAddr:
    os << "ip(\"" << v.ip->toString() << "\")";
    return;
  case Kind::Datetime:
    os << v.getDatetime().toCedarExpr();
    return;
  case Kind::Duration:
    os << "duration(\"" << v.getDuration().toString() << "\")";
    return;
  }
}

void printEntityScope(llvm::raw_ostream &os, llvm::StringRef var, const EntityScopeSpec &s,
                      const SymbolTable &syms) {
  os << var;
  switch (s.op) {
  case EntityScopeSpec::Op::Any:
    return;
  case EntityScopeSpec::Op::Eq:
    os << " == " << syms.getEntityText(s.entity);
    return;
  case EntityScopeSpec::Op::In:
    os << " in " << syms.getEntityText(s.entity);
    return;
  case EntityScopeSpec::Op::Is:
    os << " is " << syms.getType(s.type);
    return;
  case EntityScopeSpec::Op::IsIn:
    os << " is " << syms.getType(s.type) << " in " << syms.getEntityText(s.entity);
    return;
  }
}

void printPattern(llvm::raw_ostream &os, llvm::ArrayRef<int16_t> units) {
  // Quoted like a string; a wildcard is a bare `*`, a literal star `\*`.
  os << '"';
  for (int16_t u : units) {
    if (u == LikeStar) {
      os << '*';
      continue;
    }
    char c = static_cast<char>(u);
    if (c == '*')
      os << "\\*";
    else if (c == '"' || c == '\\')
      os << '\\' << c;
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      os << "\\x" << llvm::format_hex_no_prefix(static_cast<unsigned char>(c), 2);
    else
      os << c;
  }
  os << '"';
}

} // namespace

const BuiltinInfo &getBuiltinInfo(Builtin b) { return Builtins[static_cast<size_t>(b)]; }

bool lookupBuiltin(llvm::StringRef name, bool asMethod, Builtin &out) {
  for (size_t i = 0; i < std::size(Builtins); ++i)
    if (name == Builtins[i].name && Builtins[i].isConstructor != asMethod) {
      out = static_cast<Builtin>(i);
      return true;
    }
  return false;
}

llvm::StringRef getOpcodeName(Opcode op) {
  switch (op) {
  case Opcode::ScopePrincipal: return "scope.principal";
  case Opcode::ScopeAction: return "scope.action";
  case Opcode::ScopeResource: return "scope.resource";
  case Opcode::Const: return "const";
  case Opcode::Var: return "var";
  case Opcode::Jump: return "jump";
  case Opcode::BrFalse: return "brfalse";
  case Opcode::BrTrue: return "brtrue";
  case Opcode::JumpIfNot: return "jumpifnot";
  case Opcode::CheckBool: return "checkbool";
  case Opcode::MemoGet: return "memo.get";
  case Opcode::MemoPut: return "memo.put";
  case Opcode::Fail: return "fail";
  case Opcode::Return: return "return";
  case Opcode::Not: return "not";
  case Opcode::Neg: return "neg";
  case Opcode::Eq: return "eq";
  case Opcode::Less: return "less";
  case Opcode::LessEq: return "lesseq";
  case Opcode::In: return "in";
  case Opcode::Add: return "add";
  case Opcode::Sub: return "sub";
  case Opcode::Mul: return "mul";
  case Opcode::Has: return "has";
  case Opcode::GetAttr: return "getattr";
  case Opcode::VarHas: return "var.has";
  case Opcode::VarAttr: return "var.getattr";
  case Opcode::EqK: return "eq.k";
  case Opcode::NotEqK: return "noteq.k";
  case Opcode::LessK: return "less.k";
  case Opcode::LessEqK: return "lesseq.k";
  case Opcode::GreaterK: return "greater.k";
  case Opcode::GreaterEqK: return "greatereq.k";
  case Opcode::VarAttr2: return "var.getattr2";
  case Opcode::EqKBr: return "eq.k.brfalse";
  case Opcode::NotEqKBr: return "noteq.k.brfalse";
  case Opcode::LessKBr: return "less.k.brfalse";
  case Opcode::LessEqKBr: return "lesseq.k.brfalse";
  case Opcode::GreaterKBr: return "greater.k.brfalse";
  case Opcode::GreaterEqKBr: return "greatereq.k.brfalse";
  case Opcode::Like: return "like";
  case Opcode::Is: return "is";
  case Opcode::MakeSet: return "set";
  case Opcode::MakeRecord: return "record";
  case Opcode::Call: return "call";
  }
  llvm_unreachable("unknown opcode");
}

std::string Program::formatConstant(const Val &v) const {
  std::string out;
  llvm::raw_string_ostream os(out);
  printVal(os, v, symbols);
  return out;
}

namespace {

/// The variables' names, ORDER VarKind.
const char *const VarNames[] = {"principal", "action", "resource", "context"};

/// A side of a guard's Paths test: `context.agent.approval.expires`.
void printPath(llvm::raw_ostream &os, const GuardPath &path, const SymbolTable &symbols) {
  os << VarNames[path.var];
  for (unsigned k = 0; k < path.length; ++k)
    os << '.' << symbols.getAttr(path.attrs[k]);
}

/// One guard test as the dump writes it, without its negation and marks:
/// `resource.level >= 3`, `context.now < context.agent.approval.expires`.
void printTest(llvm::raw_ostream &os, const GuardTest &t, const llvm::ArrayRef<Val> constants,
               llvm::ArrayRef<GuardNumber> numbers, llvm::ArrayRef<GuardPath> paths,
               const SymbolTable &symbols) {
  static const char *const GuardOps[] = {"==",  "!=",   "<",         "<=", ">",  ">=",
                                         "has", "like", "isInRange", "in", "==", "contains"};
  if (t.form == GuardTest::Form::Paths) {
    printPath(os, paths[t.attr], symbols);
    if (t.op == GuardTest::Op::Contains)
      os << ".contains(";
    else
      os << ' ' << GuardOps[static_cast<int>(t.op)] << ' ';
    printPath(os, paths[t.attr2], symbols);
    os << (t.op == GuardTest::Op::Contains ? ")" : "");
    return;
  }
  const bool has = t.op == GuardTest::Op::Has;
  const bool twoSides = t.op == GuardTest::Op::In || t.op == GuardTest::Op::Same;
  os << VarNames[t.var];
  // The attribute tested (`has`: the record that should have one).
  if (twoSides ? t.attr != GuardTest::Itself : !has || t.nested)
    os << '.' << symbols.getAttr(t.attr);
  if (t.nested && !has)
    os << '.' << symbols.getAttr(t.attr2);
  if (t.form == GuardTest::Form::TimeBelow)
    os << ".toTime()";
  if (t.op == GuardTest::Op::InRange) {
    os << ".isInRange(";
    printVal(os, constants[t.operand], symbols);
    os << ')';
    return;
  }
  os << ' ' << GuardOps[static_cast<int>(t.op)] << ' ';
  if (twoSides) {
    os << VarNames[t.var2];
    if (t.attr2 != GuardTest::Itself)
      os << '.' << symbols.getAttr(t.attr2);
  } else if (has) {
    os << symbols.getAttr(t.nested ? t.attr2 : t.attr);
  } else if (t.op == GuardTest::Op::Like) {
    os << 'p' << t.operand;
  } else {
    printVal(os, constants[numbers[t.operand].constant], symbols);
  }
}

/// A policy's guard as a line of the dump: `guard resource.level >= 3 &&
/// context has x, then @12`.
void printGuard(llvm::raw_ostream &os, const PolicyGuard &guard,
                const llvm::ArrayRef<Val> constants, llvm::ArrayRef<GuardNumber> numbers,
                llvm::ArrayRef<GuardPath> paths, const SymbolTable &symbols) {
  os << "    guard";
  for (unsigned k = 0; k < guard.numTests; ++k) {
    const GuardTest &t = guard.tests[k];
    os << (k ? " &&" : "") << ' ' << (t.negated ? "!(" : "");
    printTest(os, t, constants, numbers, paths, symbols);
    os << (t.negated ? ")" : "") << (t.failSatisfies ? " (failing: satisfied)" : "");
  }
  if (guard.isWhole)
    os << " (whole condition)\n";
  else
    os << ", then @" << guard.resume << '\n';
}

} // namespace

std::string Program::dump() const {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "constants:\n";
  for (size_t i = 0; i < constants.size(); ++i) {
    os << "  k" << i << " = ";
    printVal(os, constants[i], symbols);
    os << '\n';
  }
  if (!patterns.empty()) {
    os << "patterns:\n";
    for (size_t i = 0; i < patterns.size(); ++i) {
      os << "  p" << i << " = ";
      printPattern(os, getPattern(static_cast<uint32_t>(i)));
      os << '\n';
    }
  }
  os << "memo slots: " << numMemoSlots << ", max stack: " << maxStackDepth << '\n';
  os << "policies:\n";
  for (size_t i = 0; i < policies.size(); ++i) {
    const PolicyInfo &p = policies[i];
    os << "  " << i << ": " << (p.isForbid ? "forbid" : "permit") << " `" << p.id << "` (";
    printEntityScope(os, "principal", p.principal, symbols);
    os << ", action";
    switch (p.action.op) {
    case ActionScopeSpec::Op::Any:
      break;
    case ActionScopeSpec::Op::Eq:
    case ActionScopeSpec::Op::In: {
      os << (p.action.op == ActionScopeSpec::Op::Eq ? " == " : " in ");
      llvm::ArrayRef<uint32_t> es = getActionScopeEntities(p.action);
      if (p.action.op == ActionScopeSpec::Op::In)
        os << '[';
      for (size_t j = 0; j < es.size(); ++j)
        os << (j ? ", " : "") << symbols.getEntityText(es[j]);
      if (p.action.op == ActionScopeSpec::Op::In)
        os << ']';
      break;
    }
    }
    os << ", ";
    printEntityScope(os, "resource", p.resource, symbols);
    os << ") scope @" << p.scopeEntry << " body @" << p.bodyEntry << '\n';
    if (i < guards.size() && guards[i].numTests)
      printGuard(os, guards[i], constants, guardNumbers, guardPaths, symbols);
    static const char *const ConjunctKinds[] = {"principal", "action", "resource", "when",
                                                "unless"};
    for (const ConjunctInfo &c : getConjuncts(p))
      os << "    conjunct " << ConjunctKinds[static_cast<int>(c.kind)] << " @" << c.entry
         << " bytes " << c.range.begin << ".." << c.range.end << '\n';
  }
  os << "code:\n";
  for (size_t pc = 0; pc < code.size(); ++pc) {
    const Insn &in = code[pc];
    os << "  " << llvm::right_justify(std::to_string(pc), 4) << "  "
       << llvm::left_justify(getOpcodeName(in.op), 20);
    switch (in.op) {
    case Opcode::ScopePrincipal:
    case Opcode::ScopeAction:
    case Opcode::ScopeResource:
      os << "policy " << in.a;
      break;
    case Opcode::Const:
      os << 'k' << in.a << "  ; ";
      printVal(os, constants[in.a], symbols);
      break;
    case Opcode::Var:
      os << (in.a < 4 ? VarNames[in.a] : "?");
      break;
    case Opcode::Jump:
    case Opcode::BrFalse:
    case Opcode::BrTrue:
    case Opcode::JumpIfNot:
      os << '@' << in.a;
      break;
    case Opcode::MemoGet:
      os << 'm' << in.a << " @" << in.b;
      break;
    case Opcode::MemoPut:
      os << 'm' << in.a;
      break;
    case Opcode::Fail:
      os << (static_cast<ErrorCode>(in.a) == ErrorCode::UnknownMethod ? "unknown method "
                                                                      : "unknown function ");
      printVal(os, constants[in.b], symbols);
      break;
    case Opcode::Has:
    case Opcode::GetAttr:
      os << runtime::quoteCedarString(symbols.getAttr(in.a));
      break;
    case Opcode::VarHas:
    case Opcode::VarAttr:
      os << (in.b < 4 ? VarNames[in.b] : "?") << ' '
         << runtime::quoteCedarString(symbols.getAttr(in.a));
      break;
    case Opcode::VarAttr2:
      os << (in.c < 4 ? VarNames[in.c] : "?") << ' '
         << runtime::quoteCedarString(symbols.getAttr(in.a)) << ' '
         << runtime::quoteCedarString(symbols.getAttr(in.b));
      break;
    case Opcode::EqK:
    case Opcode::NotEqK:
    case Opcode::LessK:
    case Opcode::LessEqK:
    case Opcode::GreaterK:
    case Opcode::GreaterEqK:
    case Opcode::EqKBr:
    case Opcode::NotEqKBr:
    case Opcode::LessKBr:
    case Opcode::LessEqKBr:
    case Opcode::GreaterKBr:
    case Opcode::GreaterEqKBr:
      os << 'k' << in.a;
      if (isBranchingComparison(in.op))
        os << " @" << in.b;
      os << "  ; ";
      printVal(os, constants[in.a], symbols);
      break;
    case Opcode::Like:
      os << 'p' << in.a << "  ; ";
      printPattern(os, getPattern(in.a));
      break;
    case Opcode::Is:
      os << symbols.getType(in.a);
      break;
    case Opcode::MakeSet:
      os << in.a;
      break;
    case Opcode::MakeRecord: {
      os << in.a << "  ; keys";
      for (uint32_t key : getRecordKeys(in.b, in.a))
        os << ' ' << runtime::quoteCedarString(symbols.getAttr(key));
      break;
    }
    case Opcode::Call:
      os << getBuiltinInfo(static_cast<Builtin>(in.a)).name << '/' << in.b;
      break;
    case Opcode::CheckBool:
    case Opcode::Return:
    case Opcode::Not:
    case Opcode::Neg:
    case Opcode::Eq:
    case Opcode::Less:
    case Opcode::LessEq:
    case Opcode::In:
    case Opcode::Add:
    case Opcode::Sub:
    case Opcode::Mul:
      break;
    }
    // No trailing spaces on operand-less lines.
    os.flush();
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    os << '\n';
  }
  return out;
}

} // namespace larch::rt

namespace larch::rt {

void Program::buildEntries() {
  entries.resize(policies.size());
  for (size_t i = 0; i < policies.size(); ++i) {
    PolicyEntry &e = entries[i];
    e.scopeEntry = policies[i].scopeEntry;
    e.bodyEntry = policies[i].bodyEntry;
    e.codeEnd = policies[i].codeEnd;
    e.isForbid = policies[i].isForbid;
  }
  findGuards(*this);
}

} // namespace larch::rt
