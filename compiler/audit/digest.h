// Audit: SHA-256 digests as decision records write them. Entry points:
// sha256Digest, canonicalDigest. The hash itself is LLVM's SHA256
// (llvm/Support/SHA256.h); this file only fixes the text form.
#ifndef LARCH_COMPILER_AUDIT_DIGEST_H
#define LARCH_COMPILER_AUDIT_DIGEST_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <string>

namespace larch::audit {

/// The prefix of every digest in a record: `sha256:` then 64 lowercase hex
/// digits.
constexpr llvm::StringLiteral kDigestPrefix = "sha256:";

/// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256Hex(llvm::StringRef bytes);

/// SHA-256 of `bytes` as `sha256:<64 lowercase hex digits>`.
std::string sha256Digest(llvm::StringRef bytes);

/// The digest of `value`'s canonical JSON form (canonical_json.h); fails as
/// writeCanonicalJson does. Use it for a request context or a policy set
/// held as JSON.
llvm::Expected<std::string> canonicalDigest(const nlohmann::json &value);

/// True if `text` has the form `sha256:` + 64 lowercase hex digits.
bool isDigest(llvm::StringRef text);

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_DIGEST_H
