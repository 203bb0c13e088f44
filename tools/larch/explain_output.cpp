// `larch eval --explain` output: see explain_output.h.
#include "explain_output.h"

#include "support/json_escape.h"

namespace larch::cli {

namespace {

void appendCondition(std::string &out, const ConditionExplanation &c) {
  out += "{\"kind\":";
  appendJsonString(out, c.kind);
  out += ",\"text\":";
  appendJsonString(out, c.text);
  out += ",\"location\":";
  appendJsonString(out, c.location.str());
  out += '}';
}

/// The condition text on one line (policies may spread it over several).
std::string oneLine(const std::string &text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty())
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

} // namespace

void appendExplanationJson(std::string &out, const Explanation &e) {
  out += "{\"available\":";
  out += e.available ? "true" : "false";
  if (!e.available) {
    out += ",\"note\":";
    appendJsonString(out, e.note);
    out += '}';
    return;
  }
  out += ",\"candidates_mode\":";
  out += e.allCandidates ? "\"all\"" : "\"indexed\"";
  out += ",\"policies\":" + std::to_string(e.numPolicies);
  out += ",\"candidates\":[";
  for (size_t i = 0; i < e.candidates.size(); ++i) {
    const PolicyExplanation &p = e.candidates[i];
    if (i)
      out += ',';
    out += "{\"policy\":";
    appendJsonString(out, p.policyId);
    if (p.annotatedId) {
      out += ",\"id\":";
      appendJsonString(out, *p.annotatedId);
    }
    out += p.isForbid ? ",\"effect\":\"forbid\"" : ",\"effect\":\"permit\"";
    out += ",\"location\":";
    appendJsonString(out, p.location.str());
    out += ",\"status\":\"";
    out += getCandidateStatusName(p.status);
    out += '"';
    if (p.condition) {
      out += ",\"condition\":";
      appendCondition(out, *p.condition);
    }
    if (p.status == CandidateStatus::Error) {
      out += ",\"error\":{\"message\":";
      appendJsonString(out, p.errorMessage);
      out += ",\"location\":";
      appendJsonString(out, p.errorLocation.str());
      out += '}';
    }
    out += '}';
  }
  out += "]}";
}

void addExplanationMember(std::string &line, const Explanation &e) {
  size_t close = line.find_last_of('}');
  if (close == std::string::npos)
    return;
  std::string tail = line.substr(close);
  line.erase(close);
  line += ",\"explanation\":";
  appendExplanationJson(line, e);
  line += tail;
}

std::string formatExplanationText(const Explanation &e, size_t index, size_t line,
                                  const std::string &outcome) {
  std::string out = "request " + std::to_string(index) + " (line " + std::to_string(line) +
                    "): " + (e.allowed ? "allow" : "deny");
  if (!outcome.empty())
    out += ", " + outcome;
  if (!e.available) {
    out += "; no explanation: " + e.note + "\n";
    return out;
  }
  out += "; " + std::to_string(e.candidates.size()) + " of " +
         std::to_string(e.numPolicies) + " policies were candidates" +
         (e.allCandidates ? " (all-candidates mode)" : "") + "\n";
  for (const PolicyExplanation &p : e.candidates) {
    out += "  ";
    out += p.isForbid ? "forbid " : "permit ";
    out += p.policyId;
    if (p.annotatedId && *p.annotatedId != p.policyId)
      out += " @id(\"" + *p.annotatedId + "\")";
    out += " (" + p.location.str() + "): ";
    switch (p.status) {
    case CandidateStatus::Satisfied:
      out += "satisfied";
      break;
    case CandidateStatus::NotSatisfied:
      out += "not satisfied";
      if (p.condition) {
        const ConditionExplanation &c = *p.condition;
        out += ": " + c.location.str() + " ";
        if (c.kind == "unless")
          out += "`unless { " + oneLine(c.text) + " }`: `" + oneLine(c.text) + "` is true";
        else if (c.kind == "when")
          out += "`" + oneLine(c.text) + "` is false";
        else
          out += c.kind + " scope `" + oneLine(c.text) + "` does not hold";
      }
      break;
    case CandidateStatus::Error:
      out += "error: " + p.errorMessage;
      if (p.errorLocation.line)
        out += " (at " + p.errorLocation.str() + ")";
      if (p.condition)
        out += " in `" + oneLine(p.condition->text) + "`";
      break;
    }
    out += '\n';
  }
  return out;
}

} // namespace larch::cli
