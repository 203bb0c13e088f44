// `larch materialize [--schema FILE]`: prints each request read from stdin
// (one JSON object per line) as plain Cedar JSON, its agent envelope
// replaced by the record policies see as `context.agent` (docs/agents.md),
// so that any Cedar engine decides what Larch decides.
#include "commands.h"

#include "compiler/agent/envelope_json.h"
#include "compiler/json/request_json.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "compiler/schema/json_schema_parser.h"
#include "support/diagnostic_engine.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace larch::cli {

static const char *kMaterializeUsage = R"(usage: larch materialize [--schema FILE]

Reads requests from stdin, one JSON object per line (the format of `larch
eval`), and prints each as plain Cedar JSON on one line:

  {"action":..,"context":{..,"agent":{..}},"entities":[..],"principal":..,"resource":..}

The envelope (`agent`) is checked and replaced by `context.agent`, in Cedar's
JSON value form (`__entity` and `__extn` escapes: datetimes in canonical UTC
form, durations in milliseconds); `time` (else the clock) is
`context.agent.now`. `entities` are copied as given. A request that cannot be
read prints {"error":"line N: <field>: <message>"} instead, and the exit code
is 1. Blank lines are skipped.

options:
  --schema FILE   parse contexts with the actions' declared context types
                  (.json: JSON format; else Cedar syntax)
  -h, --help      show this help

exit codes: 0 every request printed, 1 some request has errors, 2 bad usage
or a schema that does not load
)";

namespace {

std::shared_ptr<const schema::Schema> loadSchema(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "larch materialize: cannot read the schema `" << path << "`\n";
    return nullptr;
  }
  std::stringstream text;
  text << in.rdbuf();
  SourceManager sm;
  DiagnosticEngine diags;
  bool isJson = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  std::optional<schema::Schema> s = isJson
                                        ? schema::loadJsonSchema(sm, path, text.str(), diags)
                                        : schema::loadCedarSchema(sm, path, text.str(), diags);
  if (!s || diags.hasErrors()) {
    diags.sortByLocation();
    std::cerr << formatDiagnostics(diags.getDiagnostics(), sm)
              << "larch materialize: the schema does not load\n";
    return nullptr;
  }
  return std::make_shared<const schema::Schema>(std::move(*s));
}

json::Json entityJson(const runtime::EntityUid &uid) {
  return json::Json{{"type", uid.type}, {"id", uid.id}};
}

} // namespace

int runMaterialize(const std::vector<std::string> &args) {
  std::string schemaPath;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      std::cout << kMaterializeUsage;
      return ExitOk;
    }
    if (args[i] == "--schema" && i + 1 < args.size()) {
      schemaPath = args[++i];
      continue;
    }
    std::cerr << "larch materialize: unexpected argument `" << args[i] << "`\n"
              << kMaterializeUsage;
    return ExitUsage;
  }
  std::shared_ptr<const schema::Schema> schema;
  if (!schemaPath.empty() && !(schema = loadSchema(schemaPath)))
    return ExitUsage;

  int rc = ExitOk;
  std::string line;
  for (size_t lineNo = 1; std::getline(std::cin, line); ++lineNo) {
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    json::JsonError err;
    std::optional<json::Json> j = json::parseJsonText(line, err);
    std::optional<json::ParsedRequest> req;
    if (j)
      req = json::parseRequestJson(*j, schema.get(), err);
    if (!req) {
      rc = ExitFindings;
      std::cout << json::Json{{"error", "line " + std::to_string(lineNo) + ": " + err.str()}}
                       .dump()
                << '\n';
      continue;
    }
    const runtime::Request &r = req->request;
    json::Json out{{"principal", entityJson(r.principal)},
                   {"action", entityJson(r.action)},
                   {"resource", entityJson(r.resource)},
                   {"context", agent::toCedarJson(r.context)}};
    if (auto e = j->find("entities"); e != j->end())
      out["entities"] = *e;
    std::cout << out.dump() << '\n';
  }
  std::cout.flush();
  return rc;
}

} // namespace larch::cli
