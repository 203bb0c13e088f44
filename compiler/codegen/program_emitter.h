// Compiler phase IR -> runtime program: code generation. Turns an
// ir::Module into the code, constant pool, symbols and policy table of an
// rt::Program (the decision index is built afterwards by compileProgram).
// Entry point: emitProgram. Depends on compiler/ir and runtime/compiled;
// never on grammar/.
#ifndef LARCH_COMPILER_CODEGEN_PROGRAM_EMITTER_H
#define LARCH_COMPILER_CODEGEN_PROGRAM_EMITTER_H

#include "compiler/ir/ir.h"
#include "runtime/compiled/program.h"
#include "support/diagnostic_engine.h"

namespace larch::codegen {

/// Fills the empty `out` from `m`: every IR symbol interned in
/// out.getSymbols() (string literals become String constants), one
/// PolicyInfo per IR policy in order, and the code of each policy (scope
/// tests, then its conditions). Limits (programs over 2^31 instructions,
/// nesting too deep to generate) are reported to `diags`; returns false when
/// any was an error.
bool emitProgram(const ir::Module &m, rt::Program &out, DiagnosticEngine &diags);

} // namespace larch::codegen

#endif // LARCH_COMPILER_CODEGEN_PROGRAM_EMITTER_H
