// Grammar phase helper: the known-function table (see known_functions.h).
// Source of truth: Cedar's `cst_to_ast.rs` (built-in methods) and
// `extensions/{decimal,ipaddr,datetime}.rs` (extension functions).
#include "grammar/known_functions.h"

#include "llvm/ADT/StringExtras.h"

namespace larch {

namespace {
// ORDER KnownFunctions: keep in step with the evaluator's builtin tables.
const KnownFunction kFunctions[] = {
    // Built-in methods on sets, entities and records.
    {"contains", CallStyle::Method, 1, ""},
    {"containsAll", CallStyle::Method, 1, ""},
    {"containsAny", CallStyle::Method, 1, ""},
    {"isEmpty", CallStyle::Method, 0, ""},
    {"getTag", CallStyle::Method, 1, ""},
    {"hasTag", CallStyle::Method, 1, ""},
    // decimal
    {"decimal", CallStyle::Function, 1, "decimal"},
    {"lessThan", CallStyle::Method, 1, "decimal"},
    {"lessThanOrEqual", CallStyle::Method, 1, "decimal"},
    {"greaterThan", CallStyle::Method, 1, "decimal"},
    {"greaterThanOrEqual", CallStyle::Method, 1, "decimal"},
    // ipaddr
    {"ip", CallStyle::Function, 1, "ipaddr"},
    {"isIpv4", CallStyle::Method, 0, "ipaddr"},
    {"isIpv6", CallStyle::Method, 0, "ipaddr"},
    {"isLoopback", CallStyle::Method, 0, "ipaddr"},
    {"isMulticast", CallStyle::Method, 0, "ipaddr"},
    {"isInRange", CallStyle::Method, 1, "ipaddr"},
    // datetime
    {"datetime", CallStyle::Function, 1, "datetime"},
    {"duration", CallStyle::Function, 1, "datetime"},
    {"offset", CallStyle::Method, 1, "datetime"},
    {"durationSince", CallStyle::Method, 1, "datetime"},
    {"toDate", CallStyle::Method, 0, "datetime"},
    {"toTime", CallStyle::Method, 0, "datetime"},
    {"toMilliseconds", CallStyle::Method, 0, "datetime"},
    {"toSeconds", CallStyle::Method, 0, "datetime"},
    {"toMinutes", CallStyle::Method, 0, "datetime"},
    {"toHours", CallStyle::Method, 0, "datetime"},
    {"toDays", CallStyle::Method, 0, "datetime"},
};
} // namespace

llvm::ArrayRef<KnownFunction> getKnownFunctions() { return kFunctions; }

const KnownFunction *lookupKnownFunction(llvm::StringRef name) {
  for (const KnownFunction &f : kFunctions)
    if (f.name == name)
      return &f;
  return nullptr;
}

std::string suggestKnownFunction(llvm::StringRef name, CallStyle style) {
  const KnownFunction *best = nullptr;
  unsigned bestDistance = 0;
  for (const KnownFunction &f : kFunctions) {
    if (f.style != style)
      continue;
    if (f.name.equals_insensitive(name))
      return f.name.str();
    unsigned d = name.edit_distance(f.name, /*AllowReplacements=*/true,
                                    /*MaxEditDistance=*/3);
    if (d <= 2 && (!best || d < bestDistance)) {
      best = &f;
      bestDistance = d;
    }
  }
  return best ? best->name.str() : std::string();
}

} // namespace larch
