// Audit: SHA-256 digests (see digest.h).
#include "compiler/audit/digest.h"

#include "compiler/audit/canonical_json.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

namespace larch::audit {

std::string sha256Hex(llvm::StringRef bytes) {
  std::array<uint8_t, 32> hash = llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
  return llvm::toHex(llvm::ArrayRef<uint8_t>(hash), /*LowerCase=*/true);
}

std::string sha256Digest(llvm::StringRef bytes) {
  return (kDigestPrefix + sha256Hex(bytes)).str();
}

llvm::Expected<std::string> canonicalDigest(const nlohmann::json &value) {
  llvm::Expected<std::string> text = toCanonicalJson(value);
  if (!text)
    return text.takeError();
  return sha256Digest(*text);
}

bool isDigest(llvm::StringRef text) {
  if (!text.consume_front(kDigestPrefix) || text.size() != 64)
    return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

} // namespace larch::audit
