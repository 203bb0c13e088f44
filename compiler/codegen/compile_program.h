// Compiler phase IR -> runtime program: the one entry point that turns an
// ir::Module into an immutable rt::Program (code, constants, symbols, policy
// table) with its decision index built.
// Entry point: compileProgram. Depends on compiler/ir and runtime/compiled.
#ifndef LARCH_COMPILER_CODEGEN_COMPILE_PROGRAM_H
#define LARCH_COMPILER_CODEGEN_COMPILE_PROGRAM_H

#include "compiler/ir/ir.h"
#include "runtime/compiled/program.h"
#include "support/diagnostic_engine.h"

#include <memory>

namespace larch::codegen {

/// Emits the program for `m` and builds its decision index. Problems (limits
/// exceeded) are reported to `diags`; returns null when any was an error.
std::unique_ptr<rt::Program> compileProgram(const ir::Module &m, DiagnosticEngine &diags);

} // namespace larch::codegen

#endif // LARCH_COMPILER_CODEGEN_COMPILE_PROGRAM_H
