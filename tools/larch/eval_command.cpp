// `larch eval --policies PATH [...]`: decides requests read from stdin, one
// line per request on stdout, in order: a decision record (docs/audit.md) or,
// with `--format decision`, the compact decision line. With `--audit FILE`
// the records are also appended to a hash-chained audit log, and a line is
// printed only once its record is acknowledged. Uses the public engine API
// (larch/engine.h) and the audit library (compiler/audit). Input is read in
// blocks and output written once per block (not per line): a pipe full of
// requests costs one write (and, with `--fsync always`, one sync) per block,
// and an interactive caller still gets each answer as soon as its line
// arrives, because a block ends wherever the available input ends.
#include "commands.h"
#include "engine_inputs.h"
#include "explain_output.h"
#include "policy_watcher.h"

#include "compiler/audit/audit_log.h"
#include "compiler/audit/record_builder.h"
#include "compiler/audit/record_writer.h"
#include "larch/engine.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace larch::cli {

static const char *kEvalUsage = R"(usage: larch eval --policies PATH [options] < requests.jsonl

Decides authorization requests with Cedar's semantics. Reads requests from
stdin, one JSON object per line (an object may also span several lines), and
writes one line per request, in the same order: its decision record
(docs/audit.md: decision id, time, policy-set digest, request, context digest
and logged fields, agent envelope, delegation chain, outcome, determining
policies, errors, obligations, evaluation time), in canonical JSON:

  {"action":{...},"context":{"digest":"sha256:..."},"decision":"allow",...}

With --format decision, the compact decision line instead:

  {"decision":"allow","reasons":["policy0"],"errors":[]}
  {"decision":"deny","reasons":[],"errors":[{"policy":"p1","message":"..."}]}

A request is {"principal": E, "action": E, "resource": E, "context": {...},
"entities": [...], "agent": {...}, "time": "..."} where E is {"type": "T",
"id": "i"} or the text "T::\"i\""; "context" is optional, "entities"
(optional) adds entities for that request only, "agent" is the agent envelope
and "time" the decision time (docs/agents.md). A request that cannot be read
gives a deny (outcome invalid_request) whose error has an empty "policy" and
names the line and the field, and the stream goes on.

options:
  --policies PATH      a .cedar file or a directory of them (repeatable)
  --entities FILE      the entities, in Cedar's entities JSON format
  --revocations FILE   a revocation list (docs/agents.md): requests from a
                       revoked instance, credential, approval or entity are
                       denied before any policy runs; reloaded with --watch
  --schema FILE        a schema (.json: JSON format; else Cedar syntax); entities
                       and contexts are then parsed and checked with it
  --no-validate        run policies that fail validation against the schema
                       (without it, `--schema` refuses such a set)
  --positional-ids     ignore `@id` annotations: every policy is `policyN`
  --engine NAME        compiled (default: the compiled program and its decision
                       index), all-candidates (compiled, every policy a
                       candidate) or reference (the reference evaluator)
  --watch              reload the policies when a file under --policies
                       changes (polled every 200 ms); a set that fails to load
                       is reported on stderr and the previous one keeps deciding
  --format FORMAT      record (default: one decision record per line) or
                       decision (the compact line above)
  --explain[=FORMAT]   also explain each decision (docs/explain.md): json
                       (default) adds an "explanation" member to each output
                       line; text writes a readable explanation to stderr
  --audit FILE         append every decision record to the audit log FILE
                       (created if needed; an existing log's chain is
                       continued); a line is printed only after its record
                       was appended (and synced, under `always`)
  --fsync POLICY       with --audit: always (default; one fdatasync per input
                       block, before its lines are printed), interval:MS
                       (synced in the background at most MS ms later) or
                       never (left to the operating system)
  -h, --help           show this help

exit codes: 0 every request was read, 1 some request could not be read,
2 bad usage, policies/schema/entities that do not load (nothing decided),
or an audit log that cannot be opened or written (deciding stops)
)";

namespace {

/// Tracks whether the text read so far closes every `{` and `[` it opens,
/// ignoring brackets inside strings.
class JsonBalance {
public:
  void feed(std::string_view text) {
    for (char c : text) {
      if (inString) {
        if (escaped)
          escaped = false;
        else if (c == '\\')
          escaped = true;
        else if (c == '"')
          inString = false;
        continue;
      }
      if (c == '"')
        inString = true;
      else if (c == '{' || c == '[')
        ++depth;
      else if (c == '}' || c == ']')
        --depth;
    }
  }
  /// True when the text so far is one complete value (or broken beyond
  /// repair, which the parser then reports).
  bool isComplete() const { return depth <= 0 && !inString; }
  void reset() { *this = JsonBalance(); }

private:
  long depth = 0;
  bool inString = false;
  bool escaped = false;
};

bool isBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// True if `line` alone is a whole request object (it has a top-level
/// `principal`). Seen while an earlier object is still open, it means that
/// object was truncated: the line starts a new request instead of being
/// swallowed by the broken one.
bool startsNewRequest(std::string_view line) {
  size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] != '{')
    return false;
  JsonBalance own;
  own.feed(line);
  if (!own.isComplete())
    return false;
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.contains("principal");
}

enum class OutputFormat { Record, Decision };

/// The answer to each request: deciding it, building its record, appending
/// that to the audit log, and the line printed. Lines are collected per input
/// block and released by endBlock once acknowledged. Everything said about
/// one request is written by respond(), the place to extend.
class EvalOutput {
public:
  EvalOutput(const Engine &engine, OutputFormat format, audit::AuditLog *log,
             bool syncPerBlock)
      : engine(engine), format(format), log(log), syncPerBlock(syncPerBlock),
        records(engine) {}

  /// With --explain: decide through Engine::explain and add its explanation
  /// to each line (JSON) or write it to stderr (text); explain_output.h.
  void setExplain(cli::ExplainMode mode) { explainMode = mode; }

  /// Decides the request `text` (which began on input line `startLine`) and
  /// queues its line. Returns false if the audit log failed (stop).
  bool respond(std::string_view text, size_t startLine) {
    return respond(text, startLine, /*isPrepared=*/false);
  }

  /// Decides `text` as respond() does if it is, alone, a request that reads
  /// (then `more` is respond()'s result); otherwise writes nothing and
  /// returns false, leaving `text` to be read as the start of a longer
  /// object. One request a line, the common case, is then never scanned
  /// for brackets.
  bool respondIfWhole(std::string_view text, size_t startLine, bool &more) {
    if (failed || !engine.prepareJson(text, prepared))
      return false;
    more = respond(text, startLine, /*isPrepared=*/true);
    return true;
  }

private:
  bool respond(std::string_view text, size_t startLine, bool isPrepared) {
    if (explainMode == cli::ExplainMode::Off)
      return respondOne(text, startLine, isPrepared);
    size_t mark = out.size();
    why = Explanation();
    why.note = "the request was not read";
    bool more = respondOne(text, startLine, isPrepared);
    ++requestIndex;
    if (out.size() > mark && explainMode == cli::ExplainMode::Json) {
      std::string added = out.substr(mark);
      out.erase(mark);
      cli::addExplanationMember(added, why);
      out += added;
    } else if (explainMode == cli::ExplainMode::Text) {
      std::cerr << cli::formatExplanationText(
          why, requestIndex, startLine,
          getOutcomeName(lastRead ? scratch.getOutcome() : Outcome::InvalidRequest));
    }
    return more;
  }

  bool respondOne(std::string_view text, size_t startLine, bool isPrepared) {
    if (failed)
      return false;
    bool read = isPrepared || engine.prepareJson(text, prepared);
    lastRead = read;
    uint64_t evalNanos = 0;
    if (read) {
      // Only a record says how long the evaluation took.
      bool timed = format == OutputFormat::Record || log;
      std::chrono::steady_clock::time_point begin;
      if (timed)
        begin = std::chrono::steady_clock::now();
      if (explainMode != cli::ExplainMode::Off)
        engine.explain(prepared, scratch, why);
      else
        engine.decide(prepared, scratch);
      if (timed)
        evalNanos = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now() - begin)
                                              .count());
    } else {
      allRead = false;
    }
    std::string error;
    if (!read)
      error = "line " + std::to_string(startLine) + ": " + prepared.getError();

    if (format == OutputFormat::Decision && !log) {
      appendDecisionLine(read, error);
      return true;
    }
    if (read)
      records.build(text, prepared, scratch, evalNanos, record);
    else
      records.buildInvalid(text, error, record);
    if (log) {
      line.clear();
      if (llvm::Error e = log->append(record, &line)) {
        fail(llvm::toString(std::move(e)));
        return false;
      }
    } else {
      line.clear();
      if (llvm::Error e = audit::appendRecordJson(record, line)) {
        // A record that cannot be canonicalised (invalid UTF-8 in the
        // request): the decision is still given, in the compact form.
        std::cerr << "larch eval: line " << startLine
                  << ": no decision record: " << llvm::toString(std::move(e)) << "\n";
        line.clear();
        appendDecisionLine(read, error);
        return true;
      }
    }
    if (format == OutputFormat::Decision)
      appendDecisionLine(read, error);
    else {
      out += line;
      out += '\n';
    }
    return true;
  }

public:
  /// Makes the block's records durable as the fsync policy asks, then
  /// prints its lines. Returns false if the audit log failed.
  bool endBlock() {
    if (log && syncPerBlock && !out.empty()) {
      if (llvm::Error e = log->sync()) {
        // Nothing of this block is acknowledged: print none of it.
        out.clear();
        if (failed)
          llvm::consumeError(std::move(e));
        else
          fail(llvm::toString(std::move(e)));
      }
    }
    std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
    std::cout.flush();
    out.clear();
    return !failed;
  }

  bool allRequestsRead() const { return allRead; }
  bool hasFailed() const { return failed; }

private:
  void appendDecisionLine(bool read, const std::string &error) {
    if (read) {
      scratch.appendJson(out);
    } else {
      Decision bad;
      bad.outcome = Outcome::InvalidRequest;
      bad.errors.push_back({"", error});
      out += bad.toJson();
    }
    out += '\n';
  }

  void fail(const std::string &message) {
    failed = true;
    std::cerr << "larch eval: " << message
              << "\nlarch eval: stopped: the audit log cannot take more records; the "
                 "decisions printed before this were recorded\n";
  }

  const Engine &engine;
  OutputFormat format;
  audit::AuditLog *log;
  bool syncPerBlock;
  audit::RecordBuilder records;
  PreparedRequest prepared;
  DecisionScratch scratch;
  audit::DecisionRecord record;
  std::string line, out;
  bool allRead = true;
  bool failed = false;
  cli::ExplainMode explainMode = cli::ExplainMode::Off;
  Explanation why;
  size_t requestIndex = 0;
  bool lastRead = false;
};

} // namespace

int runEval(const std::vector<std::string> &args) {
  EngineInputs inputs;
  bool watch = false;
  cli::ExplainMode explain = cli::ExplainMode::Off;
  OutputFormat format = OutputFormat::Record;
  std::string auditPath, fsyncText;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kEvalUsage;
      return ExitOk;
    }
    if (a == "--watch") {
      watch = true;
      continue;
    }
    if (a == "--explain" || a == "--explain=json" || a == "--explain=text") {
      explain = a == "--explain=text" ? cli::ExplainMode::Text : cli::ExplainMode::Json;
      continue;
    }
    if (a == "--format" || a == "--audit" || a == "--fsync") {
      if (i + 1 >= args.size()) {
        std::cerr << "larch eval: `" << a << "` needs a value\n";
        return ExitUsage;
      }
      const std::string &value = args[++i];
      if (a == "--format") {
        if (value == "record")
          format = OutputFormat::Record;
        else if (value == "decision")
          format = OutputFormat::Decision;
        else {
          std::cerr << "larch eval: unknown format `" << value
                    << "` (expected `record` or `decision`)\n";
          return ExitUsage;
        }
      } else if (a == "--audit") {
        auditPath = value;
      } else {
        fsyncText = value;
      }
      continue;
    }
    switch (parseEngineArg("eval", args, i, inputs)) {
    case ArgResult::Consumed:
      continue;
    case ArgResult::BadUsage:
      return ExitUsage;
    case ArgResult::NotMine:
      break;
    }
    std::cerr << "larch eval: unexpected argument `" << a
              << "` (try `larch eval --help`)\n";
    return ExitUsage;
  }
  if (inputs.policyPaths.empty()) {
    std::cerr << "larch eval: `--policies PATH` is required\n" << kEvalUsage;
    return ExitUsage;
  }
  audit::AuditLogOptions auditOptions;
  if (!fsyncText.empty()) {
    if (auditPath.empty()) {
      std::cerr << "larch eval: `--fsync` needs `--audit FILE`\n";
      return ExitUsage;
    }
    if (llvm::Error e = audit::parseFsyncPolicy(fsyncText, auditOptions)) {
      std::cerr << "larch eval: " << llvm::toString(std::move(e)) << "\n";
      return ExitUsage;
    }
  }

  Engine engine;
  if (!loadEngine("eval", inputs, engine))
    return ExitUsage;

  // `always` is kept per block: the log syncs once after the block's appends
  // and the block's lines are printed after that sync.
  std::unique_ptr<audit::AuditLog> log;
  bool syncPerBlock = false;
  if (!auditPath.empty()) {
    audit::AuditLogOptions openOptions = auditOptions;
    if (auditOptions.fsync == audit::FsyncPolicy::Always) {
      openOptions.fsync = audit::FsyncPolicy::Never;
      syncPerBlock = true;
    }
    auto opened = audit::AuditLog::open(auditPath, openOptions);
    if (!opened) {
      std::cerr << "larch eval: " << llvm::toString(opened.takeError()) << "\n";
      return ExitUsage;
    }
    log = std::move(*opened);
    const audit::TailRecovery &torn = log->getRecovery();
    if (torn.tornTail)
      std::cerr << "larch eval: audit log `" << auditPath << "`: its last line was torn ("
                << torn.tornBytes << " bytes at offset " << torn.tornOffset
                << ", never acknowledged): moved to `" << torn.tornSavedTo
                << "`; the chain continues at seq " << log->getNextSeq() << "\n";
  }

  // Reloads are validated against the schema as the first load was.
  PolicyOptions reloadOptions = inputs.policyOptions;
  reloadOptions.validateWithSchema = !inputs.schemaPath.empty() && inputs.validate;
  std::unique_ptr<PolicyWatcher> watcher;
  if (watch)
    watcher = std::make_unique<PolicyWatcher>(
        inputs.policyPaths, std::chrono::milliseconds(200), [&] {
          LoadStatus st = engine.loadPolicyPaths(inputs.policyPaths, reloadOptions);
          if (st.ok)
            std::cerr << "larch eval: policies reloaded (generation "
                      << engine.getGeneration() << ")\n";
          else
            std::cerr << st.rendered
                      << "larch eval: the changed policies do not load; the "
                         "previous policies keep deciding\n";
        });
  std::unique_ptr<PolicyWatcher> revocationWatcher;
  if (watch && !inputs.revocationsPath.empty())
    revocationWatcher = std::make_unique<PolicyWatcher>(
        std::vector<std::string>{inputs.revocationsPath}, std::chrono::milliseconds(200),
        [&] { reloadRevocations("eval", inputs, engine); });

  EvalOutput output(engine, format, log.get(), syncPerBlock);
  output.setExplain(explain);
  std::string buffer;
  size_t lineNo = 0, startLine = 0;
  JsonBalance balance;
  bool stop = false;
  auto decide = [&]() {
    if (!output.respond(buffer, startLine))
      stop = true;
    buffer.clear();
    balance.reset();
  };
  auto onLine = [&](std::string_view line) {
    ++lineNo;
    if (!buffer.empty() && startsNewRequest(line))
      decide(); // the open object never closed: report it, then go on
    if (buffer.empty()) {
      if (isBlank(line))
        return;
      if (bool more; output.respondIfWhole(line, lineNo, more)) {
        stop = !more;
        return;
      }
      startLine = lineNo;
    }
    buffer += line;
    buffer += '\n';
    balance.feed(line);
    if (balance.isComplete())
      decide();
  };
  std::string pending;
  std::vector<char> block(1 << 16);
  while (!stop) {
    ssize_t n = ::read(STDIN_FILENO, block.data(), block.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    pending.append(block.data(), static_cast<size_t>(n));
    size_t begin = 0;
    for (size_t nl; !stop && (nl = pending.find('\n', begin)) != std::string::npos;
         begin = nl + 1) {
      onLine(std::string_view(pending).substr(begin, nl - begin));
    }
    pending.erase(0, begin);
    if (!output.endBlock())
      stop = true;
  }
  if (!stop) {
    if (!pending.empty())
      onLine(pending);
    if (!buffer.empty())
      decide();
  }
  output.endBlock();
  if (output.hasFailed())
    return ExitUsage;
  return output.allRequestsRead() ? ExitOk : ExitFindings;
}

} // namespace larch::cli
