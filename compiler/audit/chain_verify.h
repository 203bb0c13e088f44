// Audit: verifying a decision log's hash chain. Entry points: verifyLogFile,
// verifyLogText. Depends on hash_chain.h.
//
// Every line is checked on its own (checkRecordLine: JSON, canonical form,
// hash), then the chain is walked: line k+1 must have seq = seq(k) + 1 and
// prev_hash = hash(k), the first line seq 0 and kGenesisHash. The first line
// where this fails is classified and named:
//   changed    a line's content does not match its hash, is not canonical,
//              or (re-hashed) is not the record its successor chained to;
//   removed    seqs are missing (the successor chains to a hash not in the
//              file, past a gap in seq);
//   reordered  a line chains to a record that comes after it in the file;
//   inserted   lines the chain skips (a later line chains to the record
//              before them), or a line repeating an earlier one;
//   malformed  a complete line that is not a record at all.
// A last line without a newline is a torn write (a crash mid-append), not a
// finding: it is reported separately. A hash chain cannot show that records
// were cut from the end, or that the last record was re-hashed; an anchor
// (seq and hash of a record kept elsewhere, e.g. printed by an earlier
// verify) closes that gap.
#ifndef LARCH_COMPILER_AUDIT_CHAIN_VERIFY_H
#define LARCH_COMPILER_AUDIT_CHAIN_VERIFY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace larch::audit {

enum class FindingKind { Changed, Removed, Reordered, Inserted, Malformed };

/// `changed`, `removed`, `reordered`, `inserted`, `malformed`.
const char *getFindingKindName(FindingKind kind);

/// The first place where the chain breaks.
struct ChainFinding {
  FindingKind kind;
  uint64_t line = 0;           // 1-based line of the first record concerned
  std::optional<uint64_t> seq; // that record's seq, if it has one
  std::string message;         // one sentence, naming lines and seqs
};

/// A record known to be in the log, kept outside it.
struct ChainAnchor {
  uint64_t seq = 0;
  std::string hash;
};

/// Parses `SEQ:sha256:HEX`.
llvm::Expected<ChainAnchor> parseChainAnchor(llvm::StringRef text);

struct VerifyReport {
  uint64_t lines = 0;    // complete lines in the file
  uint64_t verified = 0; // leading lines that verified before any finding
  std::optional<ChainFinding> finding;
  /// The last verified record (when verified > 0).
  uint64_t headSeq = 0;
  std::string headHash;
  /// A last line without a newline.
  bool tornTail = false;
  uint64_t tornLine = 0;
  uint64_t tornBytes = 0;

  bool isIntact() const { return !finding; }
};

/// `{"intact": bool, "lines": N, "verified": N, "head": {"seq", "hash"} or
/// null, "finding": {"kind", "line", "seq", "message"} or null,
/// "torn_tail": {"line", "bytes"} or null}`.
nlohmann::json verifyReportToJson(const VerifyReport &report);

/// Verifies log text (the whole file's bytes).
VerifyReport verifyLogText(llvm::StringRef text,
                           const std::optional<ChainAnchor> &anchor = {});

/// Verifies the log file at `path`; fails only if it cannot be read.
llvm::Expected<VerifyReport> verifyLogFile(const std::string &path,
                                           const std::optional<ChainAnchor> &anchor = {});

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_CHAIN_VERIFY_H
