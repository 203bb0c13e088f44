// Audit: the hash chain (see hash_chain.h).
#include "compiler/audit/hash_chain.h"

#include "compiler/audit/canonical_json.h"
#include "compiler/audit/digest.h"
#include "compiler/audit/record_writer.h"

namespace larch::audit {

using Json = nlohmann::json;

const char *const kGenesisHash =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

void stampRecord(DecisionRecord &record, DecisionIdGenerator &ids,
                 Clock::time_point now) {
  if (record.decisionId.empty())
    record.decisionId = ids.next(now);
  if (record.timestamp.empty())
    record.timestamp = formatTimestamp(now);
}

llvm::Expected<std::string> computeRecordHash(const Json &record) {
  auto integrity = record.find("integrity");
  if (integrity == record.end() || !integrity->is_object() ||
      !integrity->contains("hash"))
    return canonicalDigest(record);
  Json copy = record;
  copy["integrity"].erase("hash");
  return canonicalDigest(copy);
}

HashChain::HashChain() : nextSeq(0), headHash(kGenesisHash) {}

HashChain::HashChain(uint64_t nextSeq, std::string headHash)
    : nextSeq(nextSeq), headHash(std::move(headHash)) {}

void HashChain::rewind(uint64_t seq, std::string hash) {
  nextSeq = seq;
  headHash = std::move(hash);
}

llvm::Expected<std::string> HashChain::seal(DecisionRecord &record) {
  stampRecord(record, ids, Clock::now());
  record.integrity = Integrity{nextSeq, headHash, ""};
  // The direct writer gives the bytes of the canonical JSON tree
  // (record_writer.h) without building it.
  std::string line;
  if (llvm::Error e = appendRecordJson(record, line, /*withHash=*/false)) {
    record.integrity.reset();
    return e;
  }
  std::string hash = sha256Digest(line);
  record.integrity->hash = hash;
  line.clear();
  if (llvm::Error e = appendRecordJson(record, line)) {
    record.integrity.reset();
    return e;
  }
  headHash = std::move(hash);
  ++nextSeq;
  return line;
}

LineCheck checkRecordLine(llvm::StringRef line) {
  LineCheck check;
  auto malformed = [&](std::string message) {
    check.status = LineCheck::Status::Malformed;
    check.message = std::move(message);
    check.record = nullptr;
    return check;
  };
  Json record = Json::parse(line.begin(), line.end(), nullptr,
                            /*allow_exceptions=*/false);
  if (record.is_discarded())
    return malformed("not a JSON value");
  if (!record.is_object())
    return malformed("not a JSON object");
  auto integrity = record.find("integrity");
  if (integrity == record.end() || !integrity->is_object())
    return malformed("no `integrity` object");
  auto seq = integrity->find("seq");
  auto prevHash = integrity->find("prev_hash");
  auto hash = integrity->find("hash");
  if (seq == integrity->end() || !seq->is_number_unsigned())
    return malformed("`integrity.seq` is missing or not a non-negative integer");
  if (prevHash == integrity->end() || !prevHash->is_string() ||
      !isDigest(prevHash->get_ref<const std::string &>()))
    return malformed("`integrity.prev_hash` is missing or not a digest");
  if (hash == integrity->end() || !hash->is_string() ||
      !isDigest(hash->get_ref<const std::string &>()))
    return malformed("`integrity.hash` is missing or not a digest");
  check.seq = seq->get<uint64_t>();
  check.prevHash = prevHash->get<std::string>();
  check.hash = hash->get<std::string>();

  // Byte-for-byte canonical: rules out duplicate keys (which JSON readers
  // resolve differently), added whitespace and alternative escapes, so that
  // every reader sees exactly what was hashed.
  llvm::Expected<std::string> canonical = toCanonicalJson(record);
  if (!canonical) {
    check.status = LineCheck::Status::NotCanonical;
    check.message = llvm::toString(canonical.takeError());
    check.record = std::move(record);
    return check;
  }
  if (*canonical != line) {
    check.status = LineCheck::Status::NotCanonical;
    check.message = "the line is not in canonical form (duplicate keys, "
                    "whitespace or a different escape)";
    check.record = std::move(record);
    return check;
  }
  llvm::Expected<std::string> recomputed = computeRecordHash(record);
  if (!recomputed) {
    check.status = LineCheck::Status::NotCanonical;
    check.message = llvm::toString(recomputed.takeError());
  } else if (*recomputed != check.hash) {
    check.status = LineCheck::Status::HashMismatch;
    check.message = "its content does not match its hash";
  } else {
    check.status = LineCheck::Status::Ok;
  }
  check.record = std::move(record);
  return check;
}

} // namespace larch::audit
