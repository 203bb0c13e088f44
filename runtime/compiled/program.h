//===- runtime/compiled/program.h - A compiled policy set ----------*- C++ -*-===//
//
// Phase: runtime (the format the compiler emits; owned here, so the runtime
// never includes compiler headers).
// Entry points: Program, PolicyInfo, the scope specs, and the instruction set
// (Opcode, Insn: one semantics line per opcode, in the style of Lua's
// lopcodes.h).
// Producers: compiler/codegen/ (compileProgram). Consumers: vm.cpp,
// decision_index.cpp, authorize.cpp.
//
// A Program is immutable after compilation and shared by any number of
// threads. Names are ids of its SymbolTable; a FlatStore built for it
// extends that table, so the ids stay valid at run time.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_PROGRAM_H
#define LARCH_RUNTIME_COMPILED_PROGRAM_H

#include "runtime/compiled/arena.h"
#include "runtime/compiled/decision_index.h"
#include "runtime/compiled/symbols.h"
#include "runtime/compiled/val.h"

#include "larch/diagnostic.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace larch::rt {

/// principal/resource scope: Any | == entity | in entity | is T | is T in entity.
struct EntityScopeSpec {
  enum class Op : uint8_t { Any, Eq, In, Is, IsIn };
  Op op = Op::Any;
  uint32_t type = 0;   // Is, IsIn: a type id
  uint32_t entity = 0; // Eq, In, IsIn: an entity id
};

/// action scope: Any | == entity | in [entities] (`in e` is `in [e]`).
struct ActionScopeSpec {
  enum class Op : uint8_t { Any, Eq, In };
  Op op = Op::Any;
  /// Program::getActionScopeEntities()[first, first + count).
  uint32_t first = 0;
  uint32_t count = 0;
};

struct PolicyInfo {
  std::string id;
  bool isForbid = false;
  EntityScopeSpec principal;
  ActionScopeSpec action;
  EntityScopeSpec resource;
  /// Code entry that tests the scope first (all-candidates mode), and the
  /// entry of the conditions alone (for candidates the index proved in scope).
  uint32_t scopeEntry = 0;
  uint32_t bodyEntry = 0;
  /// Where its code ends (the instruction after its Return).
  uint32_t codeEnd = 0;
  /// The whole policy in the source.
  SourceRange range;
  /// Its conjuncts: Program::getConjuncts()[firstConjunct, + numConjuncts).
  uint32_t firstConjunct = 0;
  uint32_t numConjuncts = 0;
};

/// One conjunct of a policy, for explanations (docs/explain.md): the scopes
/// that are not `Any`, then the top-level `&&` operands of each `when` and
/// each whole `unless`, in evaluation order. Its code, apart from the
/// policies' code (never run by a plain decision), is
///     entry: <the conjunct> Return       (a scope: Scope*, Const true, Return)
/// sharing the program's memo slots, so run after a decision in the same
/// scratch it reads the values that decision computed.
struct ConjunctInfo {
  enum class Kind : uint8_t { Principal, Action, Resource, When, Unless };
  Kind kind = Kind::When;
  uint32_t entry = 0;
  /// Where it was written (for `unless`, the expression inside the clause).
  SourceRange range;
  bool isScope() const { return kind <= Kind::Resource; }
};

// ----------------------------------------------------------------------------
// Instruction set.
//
// A stack machine: every instruction is one Insn, 12 bytes,
//
//     0        8        16      32                       64                      96
//     +--------+--------+-------+------------------------+-----------------------+
//     |   op   |   c    |  pad  |           a            |           b           |
//     +--------+--------+-------+------------------------+-----------------------+
//
// `a` and `b` are unsigned 32-bit operands whose meaning each opcode states
// (`c`, 8 bits, is used by VarAttr2 only)
// below: K[x] is getConstants()[x], a target is an index into getCode(), an
// attribute/type/entity is an id of getSymbols(). The stack holds Vals;
// `top` is its last element, `x y -> z` pops x and y (y on top) and pushes z.
// Every operand type check fails with a type error worded as Cedar words it.
//
// Each policy's code is
//     scopeEntry: [ScopePrincipal] [ScopeAction] [ScopeResource]
//     bodyEntry:  <code of the conditions> Return
// (a scope instruction is left out when that scope is `Any`). Policies whose
// conditions are one IR node share one copy of its code: after the first,
// each has only its scope instructions and a Jump to that copy's bodyEntry
// (or none, starting there, when all its scopes are `Any`). Code for an
// IR node whose code could run twice in one decision is bracketed by
// MemoGet/MemoPut, so it runs at most once per decision. The stack never
// holds more than getMaxStackDepth() values.
//
// ORDER Opcode: getOpcodeName in program.cpp switches over every opcode; the
// dispatch in vm.cpp has a label per opcode in this order (checked by a
// static_assert) and a switch over every opcode.
enum class Opcode : uint8_t {
  // Scope tests (never error).
  ScopePrincipal, // a=policy   principal scope of policy a fails: not satisfied
  ScopeAction,    // a=policy   action scope of policy a fails: not satisfied
  ScopeResource,  // a=policy   resource scope of policy a fails: not satisfied
  // Values.
  Const, // a=k          -> K[a]
  Var,   // a=VarKind    -> principal | action | resource | context
  // Control.
  Jump,      // a=target                   pc = a
  BrFalse,   // a=target    b -> b | -     b must be Bool; false: keep it, pc = a; true: pop
  BrTrue,    // a=target    b -> b | -     b must be Bool; true: keep it, pc = a; false: pop
  JumpIfNot, // a=target    b ->           b must be Bool; pop; false: pc = a
  CheckBool, //             b -> b         b must be Bool
  MemoGet,   // a=slot b=target  -> v      memo a holds v this decision: push v, pc = b
  MemoPut,   // a=slot      v -> v         memo a = v for this decision
  Fail,      // a=ErrorCode b=k            raise error a about name K[b]
  Return,    //             b ->           b must be Bool; satisfied iff b
  // Operators (operands evaluated left to right before the op).
  Not,    //                b -> !b        b Bool
  Neg,    //                x -> -x        x Long; overflow errors
  Eq,     //              x y -> x == y    never errors
  Less,   //              x y -> x < y     Long, datetime or duration pairs
  LessEq, //              x y -> x <= y    Long, datetime or duration pairs
  In,     //              x y -> x in y    x entity; y entity or set of entities
  Add,    //              x y -> x + y     Longs; overflow errors
  Sub,    //              x y -> x - y     Longs; overflow errors
  Mul,    //              x y -> x * y     Longs; overflow errors
  Has,     // a=attr        x -> x has a   x record or entity (no record: false)
  GetAttr, // a=attr        x -> x.a       x record or entity; missing: error
  // Fused forms of the commonest pairs (the emitter picks them; each behaves
  // as the pair it replaces, errors included).
  VarHas,     // a=attr b=VarKind  -> v has a     Var b; Has a
  VarAttr,    // a=attr b=VarKind  -> v.a         Var b; GetAttr a
  EqK,        // a=k      x -> x == K[a]          Const a; Eq
  NotEqK,     // a=k      x -> !(x == K[a])       Const a; Eq; Not
  LessK,      // a=k      x -> x < K[a]           Const a; Less
  LessEqK,    // a=k      x -> x <= K[a]          Const a; LessEq
  GreaterK,   // a=k      x -> !(x <= K[a])       Const a; LessEq; Not  (x > K)
  GreaterEqK, // a=k      x -> !(x < K[a])        Const a; Less; Not    (x >= K)
  VarAttr2,   // c=VarKind a=attr b=attr2  -> v.a.b     Var c; GetAttr a; GetAttr b
  // A comparison with a constant and the BrFalse of an `&&` after it:
  // false: push false, pc = b; true: go on (nothing pushed).
  EqKBr,        // a=k b=target  x ->       EqK a; BrFalse b
  NotEqKBr,     // a=k b=target  x ->       NotEqK a; BrFalse b
  LessKBr,      // a=k b=target  x ->       LessK a; BrFalse b
  LessEqKBr,    // a=k b=target  x ->       LessEqK a; BrFalse b
  GreaterKBr,   // a=k b=target  x ->       GreaterK a; BrFalse b
  GreaterEqKBr, // a=k b=target  x ->       GreaterEqK a; BrFalse b
  Like,    // a=pattern     s -> s like P  s String; P = getPattern(a)
  Is,      // a=type        x -> x is a    x entity
  MakeSet,    // a=n      x1..xn -> [x1..xn]          built in the scratch arena
  MakeRecord, // a=n b=k  x1..xn -> {K1: x1, ...}     keys getRecordKeys(b, n)
  Call,       // a=Builtin b=n  x1..xn -> f(x1..xn)   methods: receiver first
};

/// An instruction (see the encoding above).
struct Insn {
  Opcode op = Opcode::Return;
  /// A third, small operand (in the padding): the variable of VarAttr2.
  uint8_t c = 0;
  uint32_t a = 0;
  uint32_t b = 0;
};
static_assert(sizeof(Insn) == 12, "an instruction is three words");

/// The variables of Var (the order of ir::VarKind).
enum class VarKind : uint32_t { Principal, Action, Resource, Context };

/// Methods and extension functions the VM implements (the `a` of Call).
// ORDER Builtin: the table in program.cpp describes each.
enum class Builtin : uint8_t {
  // Sets and tags.
  Contains,
  ContainsAll,
  ContainsAny,
  IsEmpty,
  HasTag,
  GetTag,
  // decimal.
  Decimal,
  LessThan,
  LessThanOrEqual,
  GreaterThan,
  GreaterThanOrEqual,
  // ipaddr.
  Ip,
  IsIpv4,
  IsIpv6,
  IsLoopback,
  IsMulticast,
  IsInRange,
  // datetime and duration.
  Datetime,
  Duration,
  Offset,
  DurationSince,
  ToDate,
  ToTime,
  ToMilliseconds,
  ToSeconds,
  ToMinutes,
  ToHours,
  ToDays,
};

/// What Call checks before running a builtin.
struct BuiltinInfo {
  llvm::StringLiteral name;
  /// Argument count, receiver included.
  uint8_t arity;
  /// Called as `f(x)` rather than `x.f()`.
  bool isConstructor;
  /// An extension function: arity messages count the receiver, as Cedar's
  /// extension dispatch does (`contains` and friends do not).
  bool isExtension;
  /// The kind each argument must have; -1 for any.
  int8_t params[2];
};
const BuiltinInfo &getBuiltinInfo(Builtin b);
/// The builtin called `name` as a method (`x.name(...)`) or as a function
/// (`name(...)`); false if there is none.
bool lookupBuiltin(llvm::StringRef name, bool asMethod, Builtin &out);

/// Error codes of EvalError::code (see scratch.h for the fields they use).
// ORDER ErrorCode: formatEvalError in vm.cpp words each.
enum class ErrorCode : uint32_t {
  TypeError,       // detail = Expect; a = the offending value
  Overflow,        // detail = Opcode (Add, Sub, Mul, Neg); a, b = operands
  NoRecordAttr,    // a record lacks the attribute `a` of the GetAttr at pc
  NoSuchEntity,    // a = the entity (no record)
  NoEntityAttr,    // a = the entity; attribute `a` of the GetAttr at pc
  NoEntityTag,     // a = the entity, b = the tag key
  WrongArity,      // the Call at pc has the wrong argument count
  UnknownMethod,   // the Fail at pc: K[b] names the method
  UnknownFunction, // the Fail at pc: K[b] names the function
  ExtensionError,  // detail = Builtin; a, b = its first two arguments
};

/// What a type error expected: a Kind (its numeric value), or one of these.
enum class Expect : uint32_t {
  RecordOrEntity = 16,
  SetOrEntity,
  LongDatetimeOrDuration,
};

/// A `like` pattern: getLikeUnits()[first, first + count), each unit a byte
/// (0..255) or -1 for `*`. Patterns with at most one star, the common
/// ones, also keep their literal bytes so that they match by comparing
/// bytes: `literal` (in the constant arena) is the bytes before the star
/// (`prefixLength` of them) followed by the bytes after it.
struct PatternRef {
  enum class Shape : uint8_t {
    Exact,        // no star: text == literal
    PrefixSuffix, // one star: text starts with the prefix, ends with the rest
    General,      // two stars or more: runtime::matchLikeUnits
  };
  uint32_t first = 0;
  uint32_t count = 0;
  Shape shape = Shape::General;
  uint32_t prefixLength = 0;
  llvm::StringRef literal;
};
inline constexpr int16_t LikeStar = -1;

/// Each policy's code, packed (PolicyInfo is large and cold): the code
/// entries, where its code ends, and its effect. An indexed decision reads
/// the policy's PolicyGuard instead, which repeats what it needs of this.
struct PolicyEntry {
  uint32_t scopeEntry = 0;
  uint32_t bodyEntry = 0;
  uint32_t codeEnd = 0;
  bool isForbid = false;
};
static_assert(sizeof(PolicyEntry) == 16, "an entry is a quarter of a cache line");

/// A policy guard's test (guards.h) of `var.attr` or `var.attr.attr2`: a
/// comparison with a constant (of the attribute or, TimeBelow, of its
/// `toTime()`), `has`, `like`, or `isInRange` of a constant;
/// or `var.attr in var2.attr2` or `var.attr == var2.attr2`, either side
/// possibly the variable itself (`principal in resource.team`,
/// `resource.owner == principal`); or (Paths) `<`, `<=`, `in`, `==` or
/// `.contains()` between two paths of the request (GuardPath: up to three
/// attributes deep, `context.now < context.agent.approval.expires`).
/// It passes when the operation holds (or, negated, when it does not);
/// when it does not pass, the policy's value is false (or, failSatisfies,
/// true: `forbid ... unless { context.agent has approval && ... }`).
/// Sixteen bytes, so that three tests and what a decision needs of the
/// policy fill one cache line.
struct GuardTest {
  /// The operator as written (for the dump). Same: `==` between two values
  /// of the request (never an error, as Cedar's `==`). Contains: a set's
  /// `.contains()` (a Paths test). ORDER: Has to Same as their forms
  /// (setForm in guards.cpp).
  enum class Op : uint8_t {
    Eq, NotEq, Less, LessEq, Greater, GreaterEq, Has, Like, InRange, In, Same, Contains
  };
  /// What a decision computes: the six comparisons fold into two, so a
  /// test is one of few cases (Below: `x < n`; Equal: a Long `x == n`,
  /// n being Program::getGuardNumbers()[operand].value; TimeBelow:
  /// `x.toTime() < n`), and `endsWhen` carries the operator's and the
  /// test's negation. Paths: `op` between the values of the paths
  /// Program::getGuardPaths()[attr] and [attr2]. ORDER: testGuard tests
  /// the forms up to Has and from In on inline, the others out of line.
  enum class Form : uint8_t { Below, Equal, Has, Like, InRange, TimeBelow, Paths, In, Same };
  /// In and Same: a side that is the variable itself, not an attribute.
  static constexpr uint32_t Itself = UINT32_MAX;
  /// Paths: the left side's index in Program::getGuardPaths().
  uint32_t attr = 0;
  /// Nested: the attribute of attr's record. In and Same: var2's attribute.
  /// Paths: the right side's index in Program::getGuardPaths().
  uint32_t attr2 = 0;
  /// Comparisons: Program::getGuardNumbers()[operand]. Like:
  /// Program::getPatterns()[operand]. InRange: Program::getConstants()
  /// [operand], an ipaddr.
  uint32_t operand = 0;
  Kind kind = Kind::Long; // Below and Equal: the constant's kind
  Op op = Op::Eq;
  Form form = Form::Equal;
  uint8_t var : 2 = 0;  // VarKind
  uint8_t var2 : 2 = 0; // In and Same: the right side's VarKind
  /// The test is of attr2 of the record in attr (Has: whether it has attr2).
  uint8_t nested : 1 = 0;
  uint8_t negated : 1 = 0;
  uint8_t failSatisfies : 1 = 0;
  /// The computed form's value that ends the policy (negated, or the
  /// comparison's fold negates it).
  uint8_t endsWhen : 1 = 0;
};
static_assert(sizeof(GuardTest) == 16, "three tests and a resume point fill a cache line");

/// A side of a guard's Paths test: the variable itself (length 0) or its
/// attribute `attrs[0]`, that value's `attrs[1]` and so on (each step
/// after the first of a record).
struct GuardPath {
  static constexpr unsigned MaxLength = 3;
  uint32_t attrs[MaxLength] = {};
  uint8_t var = 0; // VarKind
  uint8_t length = 0;
};

/// A guard comparison's number (GuardTest::operand): the one a decision
/// compares with, and the constant as written (for the dump).
struct GuardNumber {
  int64_t value = 0;
  uint32_t constant = 0;
};

/// What an indexed decision reads of a candidate policy, in one cache line:
/// its guard (its first `numTests` tests, whether they are the whole
/// condition, and where its code goes on when they all hold: the
/// instruction after the last), and, copied from its PolicyEntry, where its
/// condition's code starts and its effect. At N = 10,000 the candidates'
/// lines mostly miss the cache; the entry's own line was one more miss each.
struct alignas(64) PolicyGuard {
  static constexpr unsigned MaxTests = 3;
  GuardTest tests[MaxTests];
  uint32_t resume = 0;
  uint32_t bodyEntry = 0; // PolicyEntry::bodyEntry
  uint8_t numTests = 0;   // 0: no guard
  bool isWhole = false;
  bool isForbid = false; // PolicyEntry::isForbid
};
static_assert(sizeof(PolicyGuard) == 64, "a guard is one cache line");

class Program {
public:
  /// Most instructions a program may have (jump targets are 32-bit).
  static constexpr uint64_t MaxInstructions = uint64_t(1) << 31;

  SymbolTable &getSymbols() { return symbols; }
  const SymbolTable &getSymbols() const { return symbols; }

  std::vector<PolicyInfo> &getPolicies() { return policies; }
  llvm::ArrayRef<PolicyInfo> getPolicies() const { return policies; }
  std::vector<uint32_t> &getActionScopeEntities() { return actionScopeEntities; }
  llvm::ArrayRef<uint32_t> getActionScopeEntities() const { return actionScopeEntities; }
  llvm::ArrayRef<uint32_t> getActionScopeEntities(const ActionScopeSpec &s) const {
    return llvm::ArrayRef<uint32_t>(actionScopeEntities).slice(s.first, s.count);
  }

  DecisionIndex &getIndex() { return index; }
  const DecisionIndex &getIndex() const { return index; }

  /// Packs getPolicies() into getEntries() and finds their guards
  /// (guards.h); call once the code is emitted.
  void buildEntries();
  llvm::ArrayRef<PolicyEntry> getEntries() const { return entries; }
  /// Each policy's guard (guards.h), filled with the entries.
  HugePageVector<PolicyGuard> &getGuards() { return guards; }
  llvm::ArrayRef<PolicyGuard> getGuards() const { return guards; }
  /// The numbers the guards compare with (GuardTest::operand).
  std::vector<GuardNumber> &getGuardNumbers() { return guardNumbers; }
  llvm::ArrayRef<GuardNumber> getGuardNumbers() const { return guardNumbers; }
  /// The sides of the guards' Paths tests (GuardTest::attr and attr2).
  std::vector<GuardPath> &getGuardPaths() { return guardPaths; }
  llvm::ArrayRef<GuardPath> getGuardPaths() const { return guardPaths; }

  /// Every policy's conjuncts (PolicyInfo::firstConjunct).
  std::vector<ConjunctInfo> &getConjuncts() { return conjuncts; }
  llvm::ArrayRef<ConjunctInfo> getConjuncts() const { return conjuncts; }
  llvm::ArrayRef<ConjunctInfo> getConjuncts(const PolicyInfo &p) const {
    return llvm::ArrayRef<ConjunctInfo>(conjuncts).slice(p.firstConjunct, p.numConjuncts);
  }

  /// Arena holding constant payloads (strings, sets, records, ipaddrs).
  Arena &getConstantArena() { return constantArena; }

  // ------------------------------------------------------------------ code
  // Filled by the code generator (compiler/codegen/program_emitter.cpp).
  HugePageVector<Insn> &getCode() { return code; }
  llvm::ArrayRef<Insn> getCode() const { return code; }
  /// Where each instruction comes from; parallel to getCode().
  std::vector<SourceRange> &getInsnRanges() { return insnRanges; }
  llvm::ArrayRef<SourceRange> getInsnRanges() const { return insnRanges; }
  SourceRange getRange(uint32_t pc) const {
    return pc < insnRanges.size() ? insnRanges[pc] : SourceRange();
  }
  /// The constant pool K; payloads live in getConstantArena().
  std::vector<Val> &getConstants() { return constants; }
  llvm::ArrayRef<Val> getConstants() const { return constants; }
  std::vector<int16_t> &getLikeUnits() { return likeUnits; }
  std::vector<PatternRef> &getPatterns() { return patterns; }
  llvm::ArrayRef<PatternRef> getPatterns() const { return patterns; }
  llvm::ArrayRef<int16_t> getPattern(uint32_t p) const {
    return llvm::ArrayRef<int16_t>(likeUnits).slice(patterns[p].first, patterns[p].count);
  }
  /// Keys of MakeRecord (attribute ids), in the order of its values.
  std::vector<uint32_t> &getRecordKeys() { return recordKeys; }
  llvm::ArrayRef<uint32_t> getRecordKeys(uint32_t first, uint32_t n) const {
    return llvm::ArrayRef<uint32_t>(recordKeys).slice(first, n);
  }
  uint32_t getNumMemoSlots() const { return numMemoSlots; }
  void setNumMemoSlots(uint32_t n) { numMemoSlots = n; }
  uint32_t getMaxStackDepth() const { return maxStackDepth; }
  void setMaxStackDepth(uint32_t n) { maxStackDepth = n; }

  /// The code in a readable, stable text form: constants, patterns, policies
  /// with their entries, then one line per instruction (for `larch compile
  /// --dump` and golden tests).
  std::string dump() const;
  /// One constant in Cedar-like syntax, names from getSymbols().
  std::string formatConstant(const Val &v) const;

private:
  SymbolTable symbols;
  std::vector<PolicyInfo> policies;
  HugePageVector<PolicyEntry> entries;
  HugePageVector<PolicyGuard> guards;
  std::vector<GuardNumber> guardNumbers;
  std::vector<GuardPath> guardPaths;
  std::vector<ConjunctInfo> conjuncts;
  std::vector<uint32_t> actionScopeEntities;
  DecisionIndex index;
  Arena constantArena;

  HugePageVector<Insn> code;
  std::vector<SourceRange> insnRanges;
  std::vector<Val> constants;
  std::vector<int16_t> likeUnits;
  std::vector<PatternRef> patterns;
  std::vector<uint32_t> recordKeys;
  uint32_t numMemoSlots = 0;
  uint32_t maxStackDepth = 0;
};

/// The dump name of an opcode (`const`, `brfalse`, ...).
llvm::StringRef getOpcodeName(Opcode op);

/// The form of a comparison with a constant fused with the BrFalse after it
/// (EqK -> EqKBr, ...); BrFalse itself for any other opcode.
inline Opcode getBranchingForm(Opcode op) {
  switch (op) {
  case Opcode::EqK: return Opcode::EqKBr;
  case Opcode::NotEqK: return Opcode::NotEqKBr;
  case Opcode::LessK: return Opcode::LessKBr;
  case Opcode::LessEqK: return Opcode::LessEqKBr;
  case Opcode::GreaterK: return Opcode::GreaterKBr;
  case Opcode::GreaterEqK: return Opcode::GreaterEqKBr;
  default: return Opcode::BrFalse;
  }
}

/// Whether `op` is one of those fused forms (its jump target is `b`).
inline bool isBranchingComparison(Opcode op) {
  switch (op) {
  case Opcode::EqKBr:
  case Opcode::NotEqKBr:
  case Opcode::LessKBr:
  case Opcode::LessEqKBr:
  case Opcode::GreaterKBr:
  case Opcode::GreaterEqKBr:
    return true;
  default:
    return false;
  }
}

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_PROGRAM_H
