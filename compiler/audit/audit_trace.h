// Audit: answering an investigator's question from a decision log. Entry
// points: traceLog (select records), formatTraceText and traceToJson (the
// report). Depends on chain_verify.h; reads the record JSON (docs/audit.md).
//
// A query names any of: an agent instance, an owner, an approval, an
// originator, a decision id; a record matches when it matches every one
// given. The chain is verified at the same time, and every match says
// whether it lies in the verified part of the log (before the first
// finding), so the report never presents unverified records as trusted.
#ifndef LARCH_COMPILER_AUDIT_AUDIT_TRACE_H
#define LARCH_COMPILER_AUDIT_AUDIT_TRACE_H

#include "compiler/audit/chain_verify.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace larch::audit {

struct TraceQuery {
  /// `agent.instance`, or any hop of `delegation` (the instance executed
  /// or delegated).
  std::string instance;
  std::string owner;      // `agent.owner`, or the id of its `Type::"id"`
  std::string approval;   // `agent.approval.id`
  std::string originator; // the first hop of `delegation`
  std::string decision;   // `decision_id`

  bool isEmpty() const {
    return instance.empty() && owner.empty() && approval.empty() && originator.empty() &&
           decision.empty();
  }
  /// `instance `x` and owner `y``, for report headings.
  std::string describe() const;
};

struct TraceMatch {
  uint64_t line = 0;     // 1-based
  bool verified = false; // in the verified part of the chain
  nlohmann::json record;
};

struct TraceResult {
  std::string path;
  TraceQuery query;
  uint64_t recordsScanned = 0; // complete lines that parse as JSON objects
  VerifyReport chain;
  std::vector<TraceMatch> matches; // in log order
};

/// True if the record JSON matches every field the query gives.
bool matchesQuery(const nlohmann::json &record, const TraceQuery &query);

/// Verifies the log at `path` and selects the records matching `query`.
llvm::Expected<TraceResult> traceLog(const std::string &path, const TraceQuery &query);

/// The same over log text (`path` is only used in the report).
TraceResult traceLogText(llvm::StringRef text, const TraceQuery &query,
                         const std::string &path = "");

/// The readable report: a heading, the chain's state, then one block per
/// matching record (who, what, under which approval and credential, through
/// which chain, why).
std::string formatTraceText(const TraceResult &result);

/// `{"log", "query", "records_scanned", "chain", "matches": [{"line",
/// "verified", "record"}]}`.
nlohmann::json traceToJson(const TraceResult &result);

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_AUDIT_TRACE_H
