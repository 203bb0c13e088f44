// Audit: investigator queries over a decision log (see audit_trace.h).
#include "compiler/audit/audit_trace.h"

#include "compiler/json/request_json.h"

#include "llvm/Support/MemoryBuffer.h"

#include <initializer_list>

namespace larch::audit {

using Json = nlohmann::json;

namespace {

/// The string at `path` inside `object`, or "" if any step is missing or
/// not of the expected type.
std::string getString(const Json &object, std::initializer_list<const char *> path) {
  const Json *at = &object;
  for (const char *key : path) {
    if (!at->is_object())
      return "";
    auto it = at->find(key);
    if (it == at->end())
      return "";
    at = &*it;
  }
  return at->is_string() ? at->get<std::string>() : "";
}

const Json &getMember(const Json &object, const char *key) {
  static const Json null;
  if (!object.is_object())
    return null;
  auto it = object.find(key);
  return it == object.end() ? null : *it;
}

/// `Type::"id"`, Cedar's way of writing an entity.
std::string formatEntity(const Json &entity) {
  std::string type = getString(entity, {"type"});
  std::string id = getString(entity, {"id"});
  if (type.empty() && id.empty())
    return "(none)";
  return type + "::\"" + id + "\"";
}

void appendField(std::string &out, const char *label, const std::string &value) {
  if (value.empty())
    return;
  out += "  ";
  out += label;
  size_t width = std::char_traits<char>::length(label);
  out.append(width < 12 ? 12 - width : 1, ' ');
  out += value;
  out += '\n';
}

std::string joinWithComma(const std::vector<std::string> &parts) {
  std::string out;
  for (const std::string &part : parts) {
    if (part.empty())
      continue;
    if (!out.empty())
      out += ", ";
    out += part;
  }
  return out;
}

std::string formatRecord(const TraceMatch &match) {
  const Json &r = match.record;
  std::string out = "decision " + getString(r, {"decision_id"}) + " at " +
                    getString(r, {"timestamp"}) + " (line " + std::to_string(match.line);
  const Json &seq = getMember(getMember(r, "integrity"), "seq");
  if (seq.is_number_unsigned())
    out += ", seq " + std::to_string(seq.get<uint64_t>());
  out += match.verified ? ", chain verified)\n" : ", NOT VERIFIED)\n";

  appendField(out, "decision",
              getString(r, {"decision"}) + " (" + getString(r, {"outcome"}) + ")");
  appendField(out, "request",
              formatEntity(getMember(r, "principal")) + " " +
                  formatEntity(getMember(r, "action")) + " on " +
                  formatEntity(getMember(r, "resource")));

  const Json &agent = getMember(r, "agent");
  std::string instance = getString(agent, {"instance"});
  appendField(out, "instance",
              joinWithComma({instance,
                             getString(agent, {"owner"}).empty()
                                 ? ""
                                 : "owned by " + getString(agent, {"owner"}),
                             getString(agent, {"session"}).empty()
                                 ? ""
                                 : "session " + getString(agent, {"session"})}));
  const Json &credential = getMember(agent, "credential");
  if (credential.is_object()) {
    std::string scopes;
    for (const Json &scope : getMember(credential, "scopes"))
      if (scope.is_string())
        scopes += (scopes.empty() ? "" : " ") + scope.get<std::string>();
    appendField(out, "credential",
                joinWithComma({getString(credential, {"id"}),
                               getString(credential, {"issued_at"}).empty()
                                   ? ""
                                   : "issued " + getString(credential, {"issued_at"}),
                               getString(credential, {"expires_at"}).empty()
                                   ? ""
                                   : "expires " + getString(credential, {"expires_at"}),
                               scopes.empty() ? "" : "scopes " + scopes}));
  }
  const Json &approval = getMember(agent, "approval");
  if (approval.is_object()) {
    auto field = [&](const char *prefix, const char *key) {
      std::string v = getString(approval, {key});
      return v.empty() ? v : prefix + v;
    };
    std::string actions;
    for (const Json &action : getMember(approval, "actions"))
      if (action.is_string())
        actions += (actions.empty() ? "" : " ") + action.get<std::string>();
    appendField(
        out, "approval",
        joinWithComma({getString(approval, {"id"}), field("approved by ", "approver"),
                       field("task ", "task"), field("intent ", "intent"),
                       actions.empty() ? "" : "for " + actions,
                       field("expires ", "expires_at")}));
  }
  const Json &chain = getMember(r, "delegation");
  if (chain.is_array() && !chain.empty()) {
    std::string hops;
    for (const Json &hop : chain) {
      if (!hops.empty())
        hops += " -> ";
      hops += getString(hop, {"id"});
      std::string kind = getString(hop, {"kind"});
      if (!kind.empty())
        hops += " (" + kind + ")";
    }
    appendField(out, "chain", hops + ", depth " + std::to_string(chain.size() - 1));
  }

  std::string because;
  for (const Json &policy : getMember(r, "determining_policies")) {
    std::string name = getString(policy, {"name"});
    because +=
        (because.empty() ? "" : ", ") + ("`" + getString(policy, {"id"}) + "`") +
        (name.empty() || name == getString(policy, {"id"}) ? "" : " (" + name + ")");
  }
  if (because.empty())
    because = getString(r, {"decision"}) == "allow" ? "(no policy recorded)"
                                                    : "no policy permitted it";
  appendField(out, "because", because);
  for (const Json &error : getMember(r, "errors"))
    appendField(out, "error",
                (getString(error, {"policy"}).empty()
                     ? "request"
                     : "`" + getString(error, {"policy"}) + "`") +
                    ": " + getString(error, {"message"}));
  for (const Json &obligation : getMember(r, "obligations"))
    appendField(out, "obligation",
                getString(obligation, {"type"}) + " " +
                    getMember(obligation, "properties").dump());
  const Json &revoked = getMember(r, "revoked");
  if (revoked.is_object())
    appendField(out, "revoked",
                getString(revoked, {"kind"}) + " " + getString(revoked, {"id"}) +
                    (getString(revoked, {"revoked_at"}).empty()
                         ? ""
                         : " at " + getString(revoked, {"revoked_at"})));
  appendField(out, "policy set", getString(r, {"policy_set_digest"}));
  return out;
}

} // namespace

std::string TraceQuery::describe() const {
  std::vector<std::string> parts;
  auto add = [&](const char *name, const std::string &value) {
    if (!value.empty())
      parts.push_back(std::string(name) + " `" + value + "`");
  };
  add("instance", instance);
  add("owner", owner);
  add("approval", approval);
  add("originator", originator);
  add("decision", decision);
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i == 0 ? "" : " and ") + parts[i];
  return out.empty() ? "every record" : out;
}

/// True if `owner` (an entity's text, `Human::"alice"`) is `query`, or its
/// id is (so `--owner alice` finds `Human::"alice"`).
static bool ownerMatches(const std::string &owner, const std::string &query) {
  if (owner == query)
    return true;
  std::string why;
  std::optional<runtime::EntityUid> uid = json::parseEntityUidText(owner, why);
  return uid && uid->id == query;
}

bool matchesQuery(const Json &record, const TraceQuery &query) {
  if (!query.decision.empty() && getString(record, {"decision_id"}) != query.decision)
    return false;
  if (!query.owner.empty() && !ownerMatches(getString(record, {"agent", "owner"}), query.owner))
    return false;
  if (!query.approval.empty() &&
      getString(record, {"agent", "approval", "id"}) != query.approval)
    return false;
  const Json &chain = getMember(record, "delegation");
  if (!query.originator.empty() && (!chain.is_array() || chain.empty() ||
                                    getString(chain.front(), {"id"}) != query.originator))
    return false;
  if (!query.instance.empty() &&
      getString(record, {"agent", "instance"}) != query.instance) {
    bool inChain = false;
    if (chain.is_array())
      for (const Json &hop : chain)
        inChain = inChain || getString(hop, {"id"}) == query.instance;
    if (!inChain)
      return false;
  }
  return true;
}

TraceResult traceLogText(llvm::StringRef text, const TraceQuery &query,
                         const std::string &path) {
  TraceResult result;
  result.path = path;
  result.query = query;
  result.chain = verifyLogText(text);
  uint64_t line = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    if (newline == llvm::StringRef::npos)
      break; // a torn tail is never a record
    llvm::StringRef lineText = text.substr(0, newline);
    text = text.substr(newline + 1);
    ++line;
    Json record = Json::parse(lineText.begin(), lineText.end(), nullptr,
                              /*allow_exceptions=*/false);
    if (!record.is_object())
      continue;
    ++result.recordsScanned;
    if (matchesQuery(record, query))
      result.matches.push_back({line, line <= result.chain.verified, std::move(record)});
  }
  return result;
}

llvm::Expected<TraceResult> traceLog(const std::string &path, const TraceQuery &query) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot read `%s`: %s",
                                   path.c_str(), buffer.getError().message().c_str());
  return traceLogText((*buffer)->getBuffer(), query, path);
}

std::string formatTraceText(const TraceResult &result) {
  std::string out = "audit trace of `" + result.path +
                    "`: " + std::to_string(result.matches.size()) + " of " +
                    std::to_string(result.recordsScanned) + " records match " +
                    result.query.describe() + "\n";
  const VerifyReport &chain = result.chain;
  if (chain.isIntact()) {
    out += "chain: intact, " + std::to_string(chain.verified) + " records";
    if (chain.verified > 0)
      out += ", head seq " + std::to_string(chain.headSeq) + " " + chain.headHash;
    out += "\n";
  } else {
    out += "chain: BROKEN at line " + std::to_string(chain.finding->line) + " (" +
           getFindingKindName(chain.finding->kind) + "): " + chain.finding->message +
           "; records from that line on are not verified\n";
  }
  if (chain.tornTail)
    out += "note: the last line (line " + std::to_string(chain.tornLine) + ", " +
           std::to_string(chain.tornBytes) + " bytes) is a torn write and was not read\n";
  for (const TraceMatch &match : result.matches)
    out += "\n" + formatRecord(match);
  return out;
}

Json traceToJson(const TraceResult &result) {
  Json query = Json::object();
  auto add = [&](const char *key, const std::string &value) {
    if (!value.empty())
      query[key] = value;
  };
  add("instance", result.query.instance);
  add("owner", result.query.owner);
  add("approval", result.query.approval);
  add("originator", result.query.originator);
  add("decision", result.query.decision);
  Json matches = Json::array();
  for (const TraceMatch &match : result.matches)
    matches.push_back(Json{
        {"line", match.line}, {"verified", match.verified}, {"record", match.record}});
  return Json{{"log", result.path},
              {"query", std::move(query)},
              {"records_scanned", result.recordsScanned},
              {"chain", verifyReportToJson(result.chain)},
              {"matches", std::move(matches)}};
}

} // namespace larch::audit
