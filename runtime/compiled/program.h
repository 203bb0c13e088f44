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
  /// The whole policy in the source.
  SourceRange range;
};

// ----------------------------------------------------------------------------
// Instruction set: see the VM section below (filled in by the code generator
// and the VM; documented per opcode there).
// ----------------------------------------------------------------------------

class Program {
public:
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

  /// Arena holding constant payloads (strings, sets, records, ipaddrs).
  Arena &getConstantArena() { return constantArena; }

private:
  SymbolTable symbols;
  std::vector<PolicyInfo> policies;
  std::vector<uint32_t> actionScopeEntities;
  DecisionIndex index;
  Arena constantArena;
};

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_PROGRAM_H
