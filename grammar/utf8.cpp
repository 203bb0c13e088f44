// Grammar phase helper: UTF-8 validation and decoding (see utf8.h).
// Depends on LLVM ADT only.
#include "grammar/utf8.h"

#include <algorithm>

namespace larch {

size_t findInvalidUtf8(llvm::StringRef s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    unsigned len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n)
      return i;
    for (unsigned k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return llvm::StringRef::npos;
}

llvm::StringRef dropByteOrderMark(llvm::StringRef text) {
  return text.startswith("\xEF\xBB\xBF") ? text.drop_front(3) : text;
}

void decodeUtf8(llvm::StringRef text, std::u32string &out) {
  text = dropByteOrderMark(text);
  out.resize(text.size());
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    char32_t cp;
    unsigned len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else {
      cp = c & 0x07;
      len = 4;
    }
    for (unsigned k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    out[n++] = cp;
    i += len;
  }
  out.resize(n);
}

CodePointOffsets::CodePointOffsets(llvm::StringRef text) {
  llvm::StringRef body = dropByteOrderMark(text);
  base = static_cast<uint32_t>(text.size() - body.size());
  bool ascii = std::all_of(body.begin(), body.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80;
  });
  if (ascii)
    return;
  starts.reserve(body.size() + 1);
  for (uint32_t i = 0; i < body.size(); ++i)
    if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80)
      starts.push_back(i);
  starts.push_back(static_cast<uint32_t>(body.size()));
}

} // namespace larch
