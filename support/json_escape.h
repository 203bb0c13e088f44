// Support: writing a JSON string literal (RFC 8259): `"` and `\` escaped, the
// control characters as \b \t \n \f \r or \u00xx (lowercase hex), every other
// byte copied as is. Shared by the decision lines of `larch eval` and the
// audit log's canonical JSON. Entry point: appendJsonString.
#ifndef LARCH_SUPPORT_JSON_ESCAPE_H
#define LARCH_SUPPORT_JSON_ESCAPE_H

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace larch {

/// Appends `s` to `out` as a quoted JSON string.
inline void appendJsonString(std::string &out, llvm::StringRef s) {
  out += '"';
  const char *data = s.data();
  size_t size = s.size();
  for (size_t i = 0; i < size;) {
    // Copy the run of bytes that need no escape in one append.
    size_t run = i;
    while (run < size && static_cast<unsigned char>(data[run]) >= 0x20 && data[run] != '"' &&
           data[run] != '\\')
      ++run;
    out.append(data + i, run - i);
    if (run == size)
      break;
    i = run + 1;
    char ch = data[run];
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case 0x08:
      out += "\\b";
      break;
    case 0x09:
      out += "\\t";
      break;
    case 0x0A:
      out += "\\n";
      break;
    case 0x0C:
      out += "\\f";
      break;
    case 0x0D:
      out += "\\r";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += llvm::hexdigit(c >> 4, /*LowerCase=*/true);
        out += llvm::hexdigit(c & 0xF, /*LowerCase=*/true);
      } else {
        out += ch;
      }
    }
  }
  out += '"';
}

} // namespace larch

#endif // LARCH_SUPPORT_JSON_ESCAPE_H
