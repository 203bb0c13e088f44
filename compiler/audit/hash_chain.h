// Audit: the hash chain that makes a log of decision records tamper-evident.
// Entry points: HashChain (seals records in order), checkRecordLine (the
// check a verifier applies to one stored line). Depends on
// decision_record.h, canonical_json.h and digest.h.
//
// A record's hash is SHA-256 over the canonical JSON form (canonical_json.h)
// of its JSON object (recordToJson) without the member `integrity.hash`, and
// with `integrity.seq` and `integrity.prev_hash` in it. So each hash commits
// to the record's content, its position and, through `prev_hash`, to every
// record before it. The first record (seq 0) has `prev_hash` kGenesisHash.
// A stored line is the canonical form of the whole object, hash included.
#ifndef LARCH_COMPILER_AUDIT_HASH_CHAIN_H
#define LARCH_COMPILER_AUDIT_HASH_CHAIN_H

#include "compiler/audit/decision_id.h"
#include "compiler/audit/decision_record.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace larch::audit {

/// `prev_hash` of the first record: `sha256:` and 64 zeros.
extern const char *const kGenesisHash;

/// Fills `decisionId` and `timestamp` when empty, both from `now`.
void stampRecord(DecisionRecord &record, DecisionIdGenerator &ids, Clock::time_point now);

/// The hash of a record's JSON object: SHA-256 over its canonical form with
/// `integrity.hash` removed (if present).
llvm::Expected<std::string> computeRecordHash(const nlohmann::json &record);

/// The head of a chain and the sealing of the next record. Not thread-safe
/// (the log serialises appends).
class HashChain {
public:
  /// A new chain: the next record is seq 0 after kGenesisHash.
  HashChain();
  /// Continues a chain whose last record had seq `nextSeq - 1` and hash
  /// `headHash`.
  HashChain(uint64_t nextSeq, std::string headHash);

  /// Stamps the record if needed (stampRecord with the current time), sets
  /// its `integrity` as the next link, and returns its line: the canonical
  /// JSON form, without a newline. Advances the chain only on success; on
  /// failure (a value that cannot be canonicalised) the record's
  /// `integrity` is reset and the chain is unchanged.
  llvm::Expected<std::string> seal(DecisionRecord &record);

  /// Moves the head back to an earlier state, for a caller whose write of
  /// a sealed line failed.
  void rewind(uint64_t nextSeq, std::string headHash);

  uint64_t getNextSeq() const { return nextSeq; }
  /// The last record's hash (kGenesisHash for a new chain).
  const std::string &getHeadHash() const { return headHash; }

private:
  DecisionIdGenerator ids;
  uint64_t nextSeq;
  std::string headHash;
};

/// The result of checking one stored line on its own.
struct LineCheck {
  enum class Status {
    Ok,           // parses, is canonical, and its hash matches its content
    Malformed,    // not JSON, or missing/ill-typed `integrity` members
    NotCanonical, // parses, but is not the canonical form of what it holds
    HashMismatch, // its content does not hash to its `integrity.hash`
  };
  Status status = Status::Malformed;
  std::string message; // what is wrong, for Status != Ok
  uint64_t seq = 0;
  std::string prevHash;
  std::string hash;      // as stored
  nlohmann::json record; // the parsed object (null when Malformed)
};

/// Parses `line` (without its newline) and checks it; never throws.
LineCheck checkRecordLine(llvm::StringRef line);

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_HASH_CHAIN_H
