// Compiler phase AST -> IR: lowers a loaded policy set (and template links)
// into one ir::Module: names interned, scopes normalised, Cedar's
// desugarings applied, literal-only expressions folded where folding cannot
// change a result or an error, identical sub-expressions shared.
// Entry point: lower. Depends on grammar/ast.h, support and compiler/ir/ir.h;
// runtime/value.h only for the uids bound to template slots.
#ifndef LARCH_COMPILER_IR_LOWER_H
#define LARCH_COMPILER_IR_LOWER_H

#include "compiler/ir/ir.h"
#include "grammar/ast.h"
#include "runtime/value.h"
#include "support/diagnostic_engine.h"

#include "llvm/ADT/ArrayRef.h"

#include <optional>
#include <string>

namespace larch::ir {

/// A template linked under a new id: each slot the template uses is bound.
struct TemplateLink {
  std::string id;
  const ast::Policy *tmpl = nullptr;
  std::optional<runtime::EntityUid> principal;
  std::optional<runtime::EntityUid> resource;
};

/// Lowers the static policies of `set` in order, then `links` in order
/// (templates themselves are never evaluated, only their links). Problems
/// (a link with a missing or extra slot value) are reported to `diags`;
/// returns nothing when any was an error.
std::optional<Module> lower(const ast::PolicySet &set, DiagnosticEngine &diags,
                            llvm::ArrayRef<TemplateLink> links = {});

} // namespace larch::ir

#endif // LARCH_COMPILER_IR_LOWER_H
