// Audit: verifying a decision log's hash chain (see chain_verify.h).
#include "compiler/audit/chain_verify.h"

#include "compiler/audit/digest.h"
#include "compiler/audit/hash_chain.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include <vector>

namespace larch::audit {

const char *getFindingKindName(FindingKind kind) {
  switch (kind) {
  case FindingKind::Changed:
    return "changed";
  case FindingKind::Removed:
    return "removed";
  case FindingKind::Reordered:
    return "reordered";
  case FindingKind::Inserted:
    return "inserted";
  case FindingKind::Malformed:
    return "malformed";
  }
  return "unknown";
}

llvm::Expected<ChainAnchor> parseChainAnchor(llvm::StringRef text) {
  auto [seqText, hash] = text.split(':');
  ChainAnchor anchor;
  if (seqText.getAsInteger(10, anchor.seq) || !isDigest(hash))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "an anchor is `SEQ:sha256:HEX` (64 lowercase hex digits), not `%s`",
        text.str().c_str());
  anchor.hash = hash.str();
  return anchor;
}

namespace {

/// One complete line, as checked on its own.
struct Entry {
  LineCheck::Status status;
  std::string message;
  uint64_t seq;
  std::string prevHash;
  std::string hash;
};

std::string lineName(size_t index) { return "line " + std::to_string(index + 1); }

std::string seqName(uint64_t seq) { return "seq " + std::to_string(seq); }

std::string seqRange(uint64_t first, uint64_t last) {
  return first == last ? seqName(first)
                       : "seq " + std::to_string(first) + " to " + std::to_string(last);
}

/// Walks the chain over checked entries and returns its first break.
class ChainWalker {
public:
  explicit ChainWalker(const std::vector<Entry> &entries) : entries(entries) {
    for (size_t i = 0; i < entries.size(); ++i)
      if (entries[i].status == LineCheck::Status::Ok) {
        firstIndexOfHash.try_emplace(entries[i].hash, static_cast<int64_t>(i));
        indicesOfPrev[entries[i].prevHash].push_back(i);
      }
  }

  /// The first finding; `verified` counts the entries before it.
  std::optional<ChainFinding> walk(uint64_t &verified) {
    for (size_t i = 0; i < entries.size(); ++i) {
      if (std::optional<ChainFinding> f = check(i))
        return f;
      verified = i + 1;
    }
    return std::nullopt;
  }

private:
  ChainFinding finding(FindingKind kind, size_t index, std::string message) {
    ChainFinding f{kind, index + 1, std::nullopt, std::move(message)};
    if (entries[index].status != LineCheck::Status::Malformed)
      f.seq = entries[index].seq;
    return f;
  }

  /// Index of the first Ok entry with `hash`; -1 for the genesis hash;
  /// nullopt if no entry has it.
  std::optional<int64_t> indexOfHash(const std::string &hash) const {
    if (hash == kGenesisHash)
      return -1;
    auto it = firstIndexOfHash.find(hash);
    if (it == firstIndexOfHash.end())
      return std::nullopt;
    return it->second;
  }

  std::optional<ChainFinding> check(size_t i) {
    const Entry &e = entries[i];
    switch (e.status) {
    case LineCheck::Status::Ok:
      break;
    case LineCheck::Status::Malformed:
      return finding(FindingKind::Malformed, i,
                     lineName(i) + " is not a decision record: " + e.message);
    case LineCheck::Status::NotCanonical:
    case LineCheck::Status::HashMismatch:
      return finding(FindingKind::Changed, i,
                     lineName(i) + " (" + seqName(e.seq) + ") was changed: " + e.message);
    }

    uint64_t expectSeq = i == 0 ? 0 : entries[i - 1].seq + 1;
    const std::string &expectPrev =
        i == 0 ? std::string(kGenesisHash) : entries[i - 1].hash;
    if (e.seq == expectSeq && e.prevHash == expectPrev)
      return std::nullopt;

    // A repeated record: the same hash on an earlier line.
    if (std::optional<int64_t> first = indexOfHash(e.hash);
        first && *first >= 0 && static_cast<size_t>(*first) < i)
      return finding(FindingKind::Inserted, i,
                     lineName(i) + " (" + seqName(e.seq) + ") was inserted: it repeats " +
                         lineName(static_cast<size_t>(*first)));

    std::optional<int64_t> target = indexOfHash(e.prevHash);
    if (target && *target > static_cast<int64_t>(i))
      return finding(FindingKind::Reordered, i,
                     lineName(i) + " (" + seqName(e.seq) +
                         ") is out of order: it follows " +
                         lineName(static_cast<size_t>(*target)) + " (" +
                         seqName(entries[*target].seq) + ")");

    // Lines the chain skips: a later line continues from where this one
    // should have (lines i .. j-1 inserted), or this line continues from an
    // earlier record than the line before it (lines target+1 .. i-1).
    auto inserted = [&](size_t first, size_t end, size_t resumer) {
      std::string lines = first + 1 == end ? lineName(first) + " was"
                                           : "lines " + std::to_string(first + 1) +
                                                 " to " + std::to_string(end) + " were";
      std::string chainedTo = first == 0 ? "the start of the chain" : lineName(first - 1);
      return finding(FindingKind::Inserted, first,
                     lines + " inserted: " + lineName(resumer) + " (" +
                         seqName(entries[resumer].seq) + ") chains to " + chainedTo);
    };
    if (std::optional<size_t> j = findResumption(i, expectPrev, expectSeq))
      return inserted(i, *j, *j);
    if (target && *target < static_cast<int64_t>(i) - 1 &&
        e.seq == (*target < 0 ? 0 : entries[*target].seq + 1))
      return inserted(static_cast<size_t>(*target + 1), i, i);
    if (!target && e.seq > expectSeq) {
      std::string where = i == 0 ? "before the first line"
                                 : "between " + lineName(i - 1) + " and " + lineName(i);
      return finding(FindingKind::Removed, i,
                     "records " + seqRange(expectSeq, e.seq - 1) + " were removed " +
                         where);
    }
    if (!target && e.seq == expectSeq && i > 0)
      return finding(FindingKind::Changed, i - 1,
                     lineName(i - 1) + " (" + seqName(entries[i - 1].seq) +
                         ") was changed and re-hashed: " + lineName(i) +
                         " chains to a different hash");
    return finding(FindingKind::Changed, i,
                   lineName(i) + " (" + seqName(e.seq) +
                       ") does not continue the chain: expected " + seqName(expectSeq) +
                       " after " + (i == 0 ? std::string("the start") : lineName(i - 1)));
  }

  /// The first entry after `i` that continues the chain where entry `i`
  /// should have: prev_hash `prev` and seq `seq`.
  std::optional<size_t> findResumption(size_t i, const std::string &prev,
                                       uint64_t seq) const {
    auto it = indicesOfPrev.find(prev);
    if (it == indicesOfPrev.end())
      return std::nullopt;
    for (size_t j : it->second)
      if (j > i && entries[j].seq == seq)
        return j;
    return std::nullopt;
  }

  const std::vector<Entry> &entries;
  llvm::StringMap<int64_t> firstIndexOfHash;
  llvm::StringMap<llvm::SmallVector<size_t, 1>> indicesOfPrev;
};

} // namespace

VerifyReport verifyLogText(llvm::StringRef text,
                           const std::optional<ChainAnchor> &anchor) {
  VerifyReport report;
  std::vector<Entry> entries;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    if (newline == llvm::StringRef::npos) {
      report.tornTail = true;
      report.tornLine = entries.size() + 1;
      report.tornBytes = text.size();
      break;
    }
    LineCheck check = checkRecordLine(text.substr(0, newline));
    entries.push_back({check.status, std::move(check.message), check.seq,
                       std::move(check.prevHash), std::move(check.hash)});
    text = text.substr(newline + 1);
  }
  report.lines = entries.size();
  report.finding = ChainWalker(entries).walk(report.verified);
  if (report.verified > 0) {
    report.headSeq = entries[report.verified - 1].seq;
    report.headHash = entries[report.verified - 1].hash;
  }
  if (report.finding || !anchor)
    return report;

  // The anchor: the record with its seq must be here, with its hash.
  uint64_t firstSeq = entries.empty() ? 0 : entries.front().seq;
  if (entries.empty() || anchor->seq > report.headSeq) {
    std::string have = entries.empty() ? "the log has no records"
                                       : "the log ends at " + seqName(report.headSeq);
    report.finding = ChainFinding{FindingKind::Removed, entries.size() + 1, anchor->seq,
                                  "records up to the anchor's " + seqName(anchor->seq) +
                                      " were removed from the end: " + have};
    return report;
  }
  size_t index = static_cast<size_t>(anchor->seq - firstSeq);
  if (entries[index].hash != anchor->hash)
    report.finding = ChainFinding{FindingKind::Changed, index + 1, anchor->seq,
                                  lineName(index) + " (" + seqName(anchor->seq) +
                                      ") was changed: its hash is not the anchor's"};
  return report;
}

nlohmann::json verifyReportToJson(const VerifyReport &report) {
  using Json = nlohmann::json;
  Json out = Json::object();
  out["intact"] = report.isIntact();
  out["lines"] = report.lines;
  out["verified"] = report.verified;
  out["head"] = report.verified > 0
                    ? Json{{"seq", report.headSeq}, {"hash", report.headHash}}
                    : Json(nullptr);
  if (const auto &f = report.finding) {
    Json finding{{"kind", getFindingKindName(f->kind)},
                 {"line", f->line},
                 {"message", f->message}};
    finding["seq"] = f->seq ? Json(*f->seq) : Json(nullptr);
    out["finding"] = std::move(finding);
  } else {
    out["finding"] = nullptr;
  }
  out["torn_tail"] = report.tornTail
                         ? Json{{"line", report.tornLine}, {"bytes", report.tornBytes}}
                         : Json(nullptr);
  return out;
}

llvm::Expected<VerifyReport> verifyLogFile(const std::string &path,
                                           const std::optional<ChainAnchor> &anchor) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot read `%s`: %s",
                                   path.c_str(), buffer.getError().message().c_str());
  return verifyLogText((*buffer)->getBuffer(), anchor);
}

} // namespace larch::audit
