// Audit (decision records): the canonical JSON form that record hashes are
// computed over. Entry point: writeCanonicalJson. Depends on nlohmann::json
// and LLVM Support only; the engine never includes this file.
//
// The canonical form of a JSON value (see docs/audit.md, "Canonicalisation"):
// - no whitespace anywhere (no spaces, no newlines) outside strings;
// - object members sorted by key, comparing the keys' UTF-8 bytes as
//   unsigned numbers (the same order as comparing code points); a key occurs
//   at most once;
// - strings are UTF-8 (invalid UTF-8 is an error); inside them `"` and `\`
//   are written `\"` and `\\`, U+0008/9/A/C/D as `\b` `\t` `\n` `\f` `\r`,
//   the other characters below U+0020 as `\u00xx` (lowercase hex), and every
//   other character as its UTF-8 bytes, unescaped (`/` and U+007F included);
// - numbers are integers only, in [-2^63, 2^64), written in decimal with a
//   leading `-` when negative, no `+`, no leading zeros, no fraction and no
//   exponent; a floating-point number is an error;
// - `true`, `false`, `null` as themselves.
// This is RFC 8785 (JCS) for every document whose integers lie within
// +-(2^53 - 1) and whose keys have no character above U+FFFF (JCS orders keys
// by UTF-16 code units, which differs from code point order only there).
#ifndef LARCH_COMPILER_AUDIT_CANONICAL_JSON_H
#define LARCH_COMPILER_AUDIT_CANONICAL_JSON_H

#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <string>

namespace larch::audit {

/// Nesting deeper than this is rejected (records are a few levels deep;
/// logged context and obligation properties are caller data).
constexpr unsigned kMaxCanonicalDepth = 64;

/// Appends the canonical form of `value` to `out`. On error (a float, invalid
/// UTF-8, a binary value, nesting over kMaxCanonicalDepth) `out` may hold a
/// partial result and the error names the offending member's path.
llvm::Error writeCanonicalJson(const nlohmann::json &value, std::string &out);

/// The same for a value nested `depth` levels deep in a larger document (the
/// nesting limit counts from that document's top), for writers that produce
/// the enclosing members themselves.
llvm::Error writeCanonicalJson(const nlohmann::json &value, std::string &out,
                               unsigned depth);

/// The canonical form of `value` as a string.
llvm::Expected<std::string> toCanonicalJson(const nlohmann::json &value);

/// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates,
/// nothing above U+10FFFF).
bool isValidUtf8(llvm::StringRef text);

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_CANONICAL_JSON_H
