// Benchmark support: workload dispatch, JSON helpers and file output
// (see workload.h). Ids and strings written here are generator-made
// (letters, digits, `-`, `_`, `/`, `.`, `:`), so no JSON escaping is needed.
#include "workloads/workload.h"

#include <filesystem>
#include <fstream>

namespace larch::bench {

std::string_view getScenarioName(Scenario scenario) {
  switch (scenario) {
  case Scenario::GDrive:
    return "gdrive";
  case Scenario::GitHub:
    return "github";
  case Scenario::TinyTodo:
    return "tinytodo";
  case Scenario::Agents:
    return "agents";
  }
  return "agents";
}

std::optional<Scenario> parseScenario(std::string_view name) {
  for (Scenario s : {Scenario::GDrive, Scenario::GitHub, Scenario::TinyTodo,
                     Scenario::Agents})
    if (getScenarioName(s) == name)
      return s;
  return std::nullopt;
}

Workload generateWorkload(const WorkloadOptions &options) {
  switch (options.scenario) {
  case Scenario::GDrive:
    return detail::generateGDrive(options);
  case Scenario::GitHub:
    return detail::generateGitHub(options);
  case Scenario::TinyTodo:
    return detail::generateTinyTodo(options);
  case Scenario::Agents:
    return detail::generateAgents(options);
  }
  return detail::generateAgents(options);
}

std::string writeWorkload(const Workload &workload, const std::string &dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return "cannot create `" + dir + "`: " + ec.message();
  auto write = [&](const char *name, auto &&emit) -> std::string {
    fs::path path = fs::path(dir) / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
      return "cannot write `" + path.string() + "`";
    emit(out);
    out.close();
    if (!out)
      return "cannot write `" + path.string() + "`";
    return {};
  };
  std::string err = write("policies.cedar", [&](std::ofstream &o) { o << workload.policiesCedar; });
  if (err.empty())
    err = write("entities.json", [&](std::ofstream &o) { o << workload.entitiesJson; });
  if (err.empty())
    err = write("requests.jsonl", [&](std::ofstream &o) {
      for (const std::string &r : workload.requests)
        o << r << '\n';
    });
  return err;
}

namespace detail {

std::string uidJson(std::string_view type, std::string_view id) {
  std::string s = "{\"type\":\"";
  s += type;
  s += "\",\"id\":\"";
  s += id;
  s += "\"}";
  return s;
}

std::string entityEscape(std::string_view type, std::string_view id) {
  return "{\"__entity\":" + uidJson(type, id) + "}";
}

std::string extnEscape(std::string_view fn, std::string_view arg) {
  std::string s = "{\"__extn\":{\"fn\":\"";
  s += fn;
  s += "\",\"arg\":\"";
  s += arg;
  s += "\"}}";
  return s;
}

void EntitiesBuilder::add(std::string_view type, std::string_view id,
                          std::string_view attrsJson,
                          const std::vector<std::pair<std::string, std::string>> &parents) {
  out += first ? "" : ",\n";
  first = false;
  out += "{\"uid\":" + uidJson(type, id) + ",\"attrs\":{";
  out += attrsJson;
  out += "},\"parents\":[";
  for (size_t i = 0; i < parents.size(); ++i) {
    if (i)
      out += ',';
    out += uidJson(parents[i].first, parents[i].second);
  }
  out += "]}";
}

std::string EntitiesBuilder::finish() {
  out += "\n]\n";
  return std::move(out);
}

std::string requestJson(std::string_view principalType, std::string_view principalId,
                        std::string_view action, std::string_view resourceType,
                        std::string_view resourceId, std::string_view contextJson) {
  std::string s = "{\"principal\":" + uidJson(principalType, principalId);
  s += ",\"action\":" + uidJson("Action", action);
  s += ",\"resource\":" + uidJson(resourceType, resourceId);
  s += ",\"context\":";
  s += contextJson.empty() ? std::string_view("{}") : contextJson;
  s += '}';
  return s;
}

} // namespace detail

} // namespace larch::bench
