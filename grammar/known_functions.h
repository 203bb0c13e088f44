// Grammar phase helper: the table of Cedar's built-in methods and extension
// functions, with call style and arity. Entry point: lookupKnownFunction.
// Depends on LLVM ADT only; the evaluator has its own builtin tables, which
// must stay in step with this one (ORDER KnownFunctions).
#ifndef LARCH_GRAMMAR_KNOWN_FUNCTIONS_H
#define LARCH_GRAMMAR_KNOWN_FUNCTIONS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace larch {

/// How a callable is written: `f(x)` or `x.f()`.
enum class CallStyle { Function, Method };

struct KnownFunction {
  llvm::StringRef name;
  CallStyle style;
  /// Arguments between the parentheses (a method's receiver not counted).
  unsigned numArgs;
  /// The extension that provides it (`decimal`, `ipaddr`, `datetime`), or
  /// empty for the built-in set, record and tag methods.
  llvm::StringRef extension;
};

/// Every known function and method, in a stable order.
llvm::ArrayRef<KnownFunction> getKnownFunctions();

/// The function or method called `name` (unqualified), or null.
const KnownFunction *lookupKnownFunction(llvm::StringRef name);

/// The closest known name of the given style, for a "did you mean" help
/// line; empty when nothing is close.
std::string suggestKnownFunction(llvm::StringRef name, CallStyle style);

} // namespace larch

#endif // LARCH_GRAMMAR_KNOWN_FUNCTIONS_H
