// `larch eval --policies PATH [...]`: decides requests read from stdin, one
// JSON decision per request on stdout, in order. Uses the public engine API
// (larch/engine.h) only. Input is read in blocks and output written once per
// block (not per line): a pipe full of requests costs one write per block,
// and an interactive caller still gets each answer as soon as its line
// arrives, because a block ends wherever the available input ends.
#include "commands.h"
#include "engine_inputs.h"
#include "policy_watcher.h"

#include "larch/engine.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <memory>
#include <string>

namespace larch::cli {

static const char *kEvalUsage = R"(usage: larch eval --policies PATH [options] < requests.jsonl

Decides authorization requests with Cedar's semantics. Reads requests from
stdin, one JSON object per line (an object may also span several lines), and
writes one JSON decision per request, one per line, in the same order:

  {"decision":"allow","reasons":["policy0"],"errors":[]}
  {"decision":"deny","reasons":[],"errors":[{"policy":"p1","message":"..."}]}

A request is {"principal": E, "action": E, "resource": E, "context": {...},
"entities": [...]} where E is {"type": "T", "id": "i"} or the text "T::\"i\"";
"context" is optional, and "entities" (optional) adds entities for that
request only. A request that cannot be read gives a deny line whose error has
an empty "policy" and names the line and the field, and the stream goes on.

options:
  --policies PATH      a .cedar file or a directory of them (repeatable)
  --entities FILE      the entities, in Cedar's entities JSON format
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
  -h, --help           show this help

exit codes: 0 every request was read, 1 some request could not be read,
2 bad usage or policies/schema/entities that do not load (nothing decided)
)";

namespace {

/// Tracks whether the text read so far closes every `{` and `[` it opens,
/// ignoring brackets inside strings.
class JsonBalance {
public:
  void feed(const std::string &text) {
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

bool isBlank(const std::string &s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

/// True if `line` alone is a whole request object (it has a top-level
/// `principal`). Seen while an earlier object is still open, it means that
/// object was truncated: the line starts a new request instead of being
/// swallowed by the broken one.
bool startsNewRequest(const std::string &line) {
  size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos || line[first] != '{')
    return false;
  JsonBalance own;
  own.feed(line);
  if (!own.isComplete())
    return false;
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.contains("principal");
}

} // namespace

int runEval(const std::vector<std::string> &args) {
  EngineInputs inputs;
  bool watch = false;
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

  Engine engine;
  if (!loadEngine("eval", inputs, engine))
    return ExitUsage;

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

  bool allRead = true;
  PreparedRequest prepared;
  DecisionScratch scratch;
  std::string buffer, out;
  size_t lineNo = 0, startLine = 0;
  JsonBalance balance;
  auto decide = [&]() {
    if (!engine.prepareJson(buffer, prepared)) {
      allRead = false;
      Decision bad;
      bad.errors.push_back({"", "line " + std::to_string(startLine) + ": " + prepared.getError()});
      out += bad.toJson();
    } else {
      engine.decide(prepared, scratch);
      scratch.appendJson(out);
    }
    out += '\n';
    buffer.clear();
    balance.reset();
  };
  auto onLine = [&](const std::string &line) {
    ++lineNo;
    if (!buffer.empty() && startsNewRequest(line))
      decide(); // the open object never closed: report it, then go on
    if (buffer.empty()) {
      if (isBlank(line))
        return;
      startLine = lineNo;
    }
    buffer += line;
    buffer += '\n';
    balance.feed(line);
    if (balance.isComplete())
      decide();
  };
  auto flush = [&] {
    std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
    std::cout.flush();
    out.clear();
  };
  std::string pending, line;
  std::vector<char> block(1 << 16);
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, block.data(), block.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    pending.append(block.data(), static_cast<size_t>(n));
    size_t begin = 0;
    for (size_t nl; (nl = pending.find('\n', begin)) != std::string::npos; begin = nl + 1) {
      line.assign(pending, begin, nl - begin);
      onLine(line);
    }
    pending.erase(0, begin);
    flush();
  }
  if (!pending.empty())
    onLine(pending);
  if (!buffer.empty())
    decide();
  flush();
  return allRead ? ExitOk : ExitFindings;
}

} // namespace larch::cli
