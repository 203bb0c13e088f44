//===- runtime/compiled/builtins/builtins.h - The VM's builtins ---*- C++ -*-===//
//
// Phase: runtime (evaluation); private to the VM, the code generator and the
// JSON request decoder (its extension constructors).
// Entry points: callSetOrTag (sets_tags.cpp), callExtension and
// rerunExtension (extensions.cpp).
// Depends on program.h, prepared_request.h (World) and the extension types.
//
// The caller (the VM's Call) has already checked the argument count and each
// argument's kind against getBuiltinInfo, so these only compute. Nothing
// here allocates on the heap: ipaddrs go to the given arena.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_BUILTINS_BUILTINS_H
#define LARCH_RUNTIME_COMPILED_BUILTINS_BUILTINS_H

#include "runtime/compiled/prepared_request.h"
#include "runtime/compiled/program.h"
#include "runtime/compiled/scratch.h"

namespace larch::rt::detail {

/// contains, containsAll, containsAny, isEmpty, hasTag, getTag on `args`
/// (receiver first). On an error fills `err` (code, detail, a, b) and
/// returns false.
bool callSetOrTag(Builtin f, const Val *args, const World &world, Val &out, EvalError &err);

/// An extension constructor or method on `args`. On an error (bad literal,
/// overflow) fills `err` with ExtensionError and returns false.
bool callExtension(Builtin f, const Val *args, Arena &arena, Val &out, EvalError &err);

/// The extension error `f` gives on (a0, a1) again, for its message.
ext::ExtError rerunExtension(Builtin f, const Val &a0, const Val &a1);

} // namespace larch::rt::detail

#endif // LARCH_RUNTIME_COMPILED_BUILTINS_BUILTINS_H
