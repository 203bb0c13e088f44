// Grammar phase helper: UTF-8 validation and decoding of policy text.
// Entry points: findInvalidUtf8 (checked before lexing), decodeUtf8 (fills
// the lexer's code-point buffer) and CodePointOffsets (maps the lexer's
// code-point indices back to byte offsets). Pure functions over text; depends
// on LLVM ADT only (no AST, no ANTLR).
#ifndef LARCH_GRAMMAR_UTF8_H
#define LARCH_GRAMMAR_UTF8_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace larch {

/// Returns the byte offset of the first invalid UTF-8 sequence (overlong
/// forms, surrogates and code points above 10FFFF included), or npos.
size_t findInvalidUtf8(llvm::StringRef s);

/// Drops a leading UTF-8 byte-order mark, as ANTLR's input streams do.
llvm::StringRef dropByteOrderMark(llvm::StringRef text);

/// Decodes `text`, which must be valid UTF-8 (see findInvalidUtf8), into
/// code points, replacing the contents of `out`. A leading byte-order mark
/// is dropped.
void decodeUtf8(llvm::StringRef text, std::u32string &out);

/// Maps code-point indices into `text` (after its byte-order mark, if any)
/// back to byte offsets into `text`.
class CodePointOffsets {
public:
  explicit CodePointOffsets(llvm::StringRef text);

  uint32_t byteOf(size_t codePoint) const {
    if (starts.empty())
      return base + static_cast<uint32_t>(codePoint);
    if (codePoint >= starts.size())
      return base + starts.back();
    return base + starts[codePoint];
  }

private:
  uint32_t base = 0;
  std::vector<uint32_t> starts; // empty when the text is ASCII
};

} // namespace larch

#endif
