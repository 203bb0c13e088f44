//===- runtime/like_match.h - Cedar's `like` glob match ------------*- C++ -*-===//
//
// Phase: runtime (evaluation).
// Entry point: matchLikeUnits, shared by the reference evaluator and the VM,
// which keep a pattern in different forms.
//
// A pattern is a sequence of units, each one literal byte or a star `*`
// (any sequence). Matching bytes is matching characters: a literal of valid
// UTF-8 can only match at character boundaries. Greedy, backtracking to the
// last star only, so linear in practice and never exponential.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_LIKE_MATCH_H
#define LARCH_RUNTIME_LIKE_MATCH_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>

namespace larch::runtime {

/// `isStar(u)`: unit u is a star; `byteAt(u)`: its literal byte otherwise.
template <typename IsStar, typename ByteAt>
bool matchLikeUnits(llvm::StringRef text, size_t numUnits, IsStar isStar, ByteAt byteAt) {
  size_t t = 0, u = 0;
  size_t starU = SIZE_MAX, starT = 0;
  while (t < text.size()) {
    if (u < numUnits && !isStar(u) &&
        byteAt(u) == static_cast<unsigned char>(text[t])) {
      ++t, ++u;
    } else if (u < numUnits && isStar(u)) {
      starU = u++;
      starT = t;
    } else if (starU != SIZE_MAX) {
      u = starU + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (u < numUnits && isStar(u))
    ++u;
  return u == numUnits;
}

} // namespace larch::runtime

#endif // LARCH_RUNTIME_LIKE_MATCH_H
