//===- runtime/compiled/pattern_match.h - `like` on a compiled pattern ----===//
//
// Phase: runtime (evaluation). Shared by the VM (vm.cpp) and the policy
// guards (guards.h).
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_PATTERN_MATCH_H
#define LARCH_RUNTIME_COMPILED_PATTERN_MATCH_H

#include "runtime/compiled/program.h"
#include "runtime/like_match.h"
#include "support/same_bytes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace larch::rt {

/// Glob match of `like`, as reference::matchesPattern: one unit per byte or
/// star, greedy with backtracking to the last star. With at most one star,
/// comparing the literal bytes before and after it is the same match.
inline bool matchPattern(llvm::StringRef text, const PatternRef &pattern,
                         llvm::ArrayRef<int16_t> units) {
  switch (pattern.shape) {
  case PatternRef::Shape::Exact:
    return sameText(text, pattern.literal);
  case PatternRef::Shape::PrefixSuffix: {
    const size_t prefix = pattern.prefixLength, suffix = pattern.literal.size() - prefix;
    return text.size() >= pattern.literal.size() &&
           sameBytes(text.data(), pattern.literal.data(), prefix) &&
           sameBytes(text.data() + text.size() - suffix, pattern.literal.data() + prefix,
                     suffix);
  }
  case PatternRef::Shape::General:
    break;
  }
  return runtime::matchLikeUnits(
      text, units.size(), [&](size_t u) { return units[u] == LikeStar; },
      [&](size_t u) { return static_cast<unsigned char>(units[u]); });
}

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_PATTERN_MATCH_H
