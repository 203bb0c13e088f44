//===- support/same_bytes.h - Equality of short byte strings ------*- C++ -*-===//
//
// Names, keys, ids and the strings policies compare are short (most under
// 32 bytes), and comparing them through the C library's memcmp costs a call
// and its dispatch each time; these compare short strings with overlapping
// word loads inside their bounds and leave longer ones to memcmp.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_SUPPORT_SAME_BYTES_H
#define LARCH_SUPPORT_SAME_BYTES_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace larch {

/// True if the `n` bytes at `a` and at `b` are equal.
inline bool sameBytes(const char *a, const char *b, size_t n) {
  auto load8 = [](const char *p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  auto load4 = [](const char *p) {
    uint32_t w;
    std::memcpy(&w, p, 4);
    return w;
  };
  if (n >= 8) {
    if (n > 32)
      return std::memcmp(a, b, n) == 0;
    uint64_t d = (load8(a) ^ load8(b)) | (load8(a + n - 8) ^ load8(b + n - 8));
    if (n > 16)
      d |= (load8(a + 8) ^ load8(b + 8)) | (load8(a + n - 16) ^ load8(b + n - 16));
    return d == 0;
  }
  if (n >= 4)
    return ((load4(a) ^ load4(b)) | (load4(a + n - 4) ^ load4(b + n - 4))) == 0;
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i])
      return false;
  return true;
}

/// True if `a` and `b` hold the same bytes.
inline bool sameText(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sameBytes(a.data(), b.data(), a.size());
}

} // namespace larch

#endif // LARCH_SUPPORT_SAME_BYTES_H
