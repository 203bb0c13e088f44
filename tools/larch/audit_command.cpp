// `larch audit verify FILE` and `larch audit trace FILE [filters]`: check a
// decision log's hash chain, and answer an investigator's question from it.
// The work is in compiler/audit/ (chain_verify.h, audit_trace.h); this file
// parses arguments and prints.
#include "commands.h"

#include "compiler/audit/audit_trace.h"
#include "compiler/audit/chain_verify.h"

#include <iostream>

namespace larch::cli {

static const char *kAuditUsage =
    R"(usage: larch audit verify FILE [--anchor SEQ:HASH] [--json]
       larch audit trace FILE [--instance ID] [--owner ID] [--approval ID]
                              [--originator ID] [--decision ID] [--json]

Reads a decision log: one JSON decision record per line, each chained to the
one before by SHA-256 (see docs/audit.md).

verify   checks every record and the whole chain, and names the first record
         that was changed, removed, reordered or inserted. A last line without
         its newline is a torn write from a crash (never acknowledged): it is
         reported as a warning, not as tampering. Prints the chain's head (seq
         and hash): keep it elsewhere and pass it back as --anchor to detect
         records cut from the end or a re-hashed last record.
trace    prints the records matching every filter given (all records if none),
         with who acted, for whom, under which approval and credential,
         through which delegation chain, and why; and whether each record lies
         in the verified part of the chain.

options:
  --anchor SEQ:HASH    (verify) the record with seq SEQ must have hash HASH
  --instance ID        (trace) the executing agent instance, or any hop of the
                       delegation chain
  --owner ID           (trace) the owner of the agent instance
  --approval ID        (trace) the approval the agent acted under
  --originator ID      (trace) the first hop of the delegation chain
  --decision ID        (trace) one decision id
  --json               print JSON instead of text
  -h, --help           show this help

exit codes: 0 the chain is intact, 1 it is not (the first finding is
printed), 2 bad usage or an unreadable file
)";

namespace {

int usageError(const std::string &message) {
  std::cerr << "larch audit: " << message << " (try `larch audit --help`)\n";
  return ExitUsage;
}

void printVerifyText(const std::string &path, const audit::VerifyReport &report) {
  if (report.isIntact()) {
    std::cout << "audit log `" << path << "`: intact, " << report.verified << " records";
    if (report.verified > 0)
      std::cout << ", head " << report.headSeq << ":" << report.headHash;
    std::cout << "\n";
  } else {
    const audit::ChainFinding &f = *report.finding;
    std::cout << "audit log `" << path
              << "`: NOT intact: " << audit::getFindingKindName(f.kind) << " at line "
              << f.line << ": " << f.message << "\n";
    std::cout << "  the first " << report.verified << " of " << report.lines
              << " records verify";
    if (report.verified > 0)
      std::cout << "; their head is " << report.headSeq << ":" << report.headHash;
    std::cout << "\n";
  }
  if (report.tornTail)
    std::cout << "warning: the last line (line " << report.tornLine << ", "
              << report.tornBytes
              << " bytes) has no newline: a write torn by a crash, never "
                 "acknowledged; the log's next writer saves and removes it\n";
}

int runVerify(const std::string &path, const std::optional<audit::ChainAnchor> &anchor,
              bool json) {
  llvm::Expected<audit::VerifyReport> report = audit::verifyLogFile(path, anchor);
  if (!report) {
    std::cerr << "larch audit: " << llvm::toString(report.takeError()) << "\n";
    return ExitUsage;
  }
  if (json) {
    nlohmann::json out = audit::verifyReportToJson(*report);
    out["log"] = path;
    std::cout << out.dump() << "\n";
  } else {
    printVerifyText(path, *report);
  }
  return report->isIntact() ? ExitOk : ExitFindings;
}

int runTrace(const std::string &path, const audit::TraceQuery &query, bool json) {
  llvm::Expected<audit::TraceResult> result = audit::traceLog(path, query);
  if (!result) {
    std::cerr << "larch audit: " << llvm::toString(result.takeError()) << "\n";
    return ExitUsage;
  }
  if (json)
    std::cout << audit::traceToJson(*result).dump() << "\n";
  else
    std::cout << audit::formatTraceText(*result);
  return result->chain.isIntact() ? ExitOk : ExitFindings;
}

} // namespace

int runAudit(const std::vector<std::string> &args) {
  if (args.empty())
    return usageError("a subcommand is required: `verify` or `trace`");
  const std::string &sub = args.front();
  if (sub == "-h" || sub == "--help") {
    std::cout << kAuditUsage;
    return ExitOk;
  }
  if (sub != "verify" && sub != "trace")
    return usageError("unknown subcommand `" + sub + "`");

  std::string path;
  bool json = false;
  std::optional<audit::ChainAnchor> anchor;
  audit::TraceQuery query;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kAuditUsage;
      return ExitOk;
    }
    if (a == "--json") {
      json = true;
      continue;
    }
    std::string *filter = nullptr;
    if (sub == "trace") {
      if (a == "--instance")
        filter = &query.instance;
      else if (a == "--owner")
        filter = &query.owner;
      else if (a == "--approval")
        filter = &query.approval;
      else if (a == "--originator")
        filter = &query.originator;
      else if (a == "--decision")
        filter = &query.decision;
    }
    if (filter || (sub == "verify" && a == "--anchor")) {
      if (i + 1 >= args.size() || args[i + 1].empty())
        return usageError("`" + a + "` needs a value");
      const std::string &value = args[++i];
      if (filter) {
        *filter = value;
        continue;
      }
      llvm::Expected<audit::ChainAnchor> parsed = audit::parseChainAnchor(value);
      if (!parsed)
        return usageError(llvm::toString(parsed.takeError()));
      anchor = *parsed;
      continue;
    }
    if (!a.empty() && a[0] == '-')
      return usageError("unknown option `" + a + "` for `audit " + sub + "`");
    if (!path.empty())
      return usageError("one log file only (got `" + path + "` and `" + a + "`)");
    path = a;
  }
  if (path.empty())
    return usageError("`audit " + sub + "` needs a log file");
  return sub == "verify" ? runVerify(path, anchor, json) : runTrace(path, query, json);
}

} // namespace larch::cli
