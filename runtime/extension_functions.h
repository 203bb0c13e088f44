//===- runtime/extension_functions.h - Calling Cedar extensions ----*- C++ -*-===//
//
// Phase: runtime (evaluation).
// Entry points: lookupExtensionFunction, callExtensionFunction.
// Depends on runtime/value.h and runtime/extensions; never on grammar/ or
// compiler/.
//
// Cedar treats every extension function and method alike: a method call
// `r.f(a)` is the function `f` applied to (r, a). The evaluator and the JSON
// `__extn` escape (which may name any of them, e.g. the canonical datetime
// form `offset(datetime(..), duration(..))`) share this one table.
// ORDER KnownFunctions: grammar/known_functions.cpp lists the same names.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_EXTENSION_FUNCTIONS_H
#define LARCH_RUNTIME_EXTENSION_FUNCTIONS_H

#include "runtime/value.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace larch::runtime {

/// What the table knows about one extension function.
struct ExtensionFunctionInfo {
  llvm::StringRef name;
  /// Argument kinds, the receiver first for methods. A variadic function
  /// repeats its last kind.
  llvm::ArrayRef<ValueKind> params;
  ValueKind result;
  /// Called as `f(x)` (constructors) rather than `x.f()`.
  bool isConstructor;
  bool isVariadic;
};

/// The extension function called `name`, or null.
const ExtensionFunctionInfo *lookupExtensionFunction(llvm::StringRef name);

/// The single-argument constructor producing `kind` (`decimal`, `ip`,
/// `datetime`, `duration`), or null for non-extension kinds.
const ExtensionFunctionInfo *getConstructorFor(ValueKind kind);

/// Applies `fn` to `args` (receiver first). Errors: wrong number of
/// arguments, an argument of the wrong type, and the extension's own errors
/// (bad literal, overflow), worded as Cedar words them.
EvalResult callExtensionFunction(const ExtensionFunctionInfo &fn,
                                 llvm::ArrayRef<Value> args);

/// As above, by name; an unknown name is an error.
EvalResult callExtensionFunction(llvm::StringRef name,
                                 llvm::ArrayRef<Value> args);

} // namespace larch::runtime

#endif // LARCH_RUNTIME_EXTENSION_FUNCTIONS_H
