// compileProgram (see compile_program.h): code generation, then the index.
#include "compiler/codegen/compile_program.h"

#include "compiler/codegen/program_emitter.h"

namespace larch::codegen {

std::unique_ptr<rt::Program> compileProgram(const ir::Module &m, DiagnosticEngine &diags) {
  auto program = std::make_unique<rt::Program>();
  if (!emitProgram(m, *program, diags))
    return nullptr;
  program->getIndex().build(program->getPolicies(), program->getActionScopeEntities());
  return program;
}

} // namespace larch::codegen
