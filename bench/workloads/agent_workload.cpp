// Benchmark support: the AI-agent tool-call workload (detail::generateAgents).
//
// Agents belong to their team's agent group and have a human owner; tools are
// actions in tool groups (a category such as WriteTools, and a "suite" of about
// eight related tools); resources (documents, repositories, tickets) sit in
// projects of a team and carry a sensitivity label, 0 public to 3 restricted.
// Requests carry the context an agent gateway would send: risk 0-100, the time,
// the source address, the task scope, the delegation depth and optionally a
// human approval naming the tools it covers.
//
// Scale: with N policies there are about N/8 tools and N/40 teams, and almost
// every policy names one tool (or one suite), so a request can match only the
// handful of policies written for its tool, its suite and the few global
// ones, however large N is.
#include "workloads/workload.h"

#include <algorithm>

namespace larch::bench::detail {

namespace {

const char *kToolBases[] = {"read_file",  "search_docs",   "query_db",   "write_file",
                            "create_ticket", "upload_file", "send_email", "http_post",
                            "run_shell",  "send_payment"};
constexpr unsigned kToolBaseCount = 10;
// The category of each base tool (same order as kToolBases).
const char *kCategory[] = {"ReadOnlyTools", "ReadOnlyTools", "ReadOnlyTools", "WriteTools",
                           "WriteTools",    "NetworkTools",  "NetworkTools",  "NetworkTools",
                           "HighRiskTools", "HighRiskTools"};
const char *kResourceTypes[] = {"Document", "Repository", "Ticket"};
constexpr unsigned kProjectsPerTeam = 3;

struct Shape {
  unsigned tools, teams, agents, resources;
};

std::string toolName(unsigned k) {
  std::string s = kToolBases[k % kToolBaseCount];
  if (k >= kToolBaseCount)
    s += "_" + std::to_string(k / kToolBaseCount);
  return s;
}
std::string suiteName(unsigned k) { return "suite-" + std::to_string(k / 8); }
std::string teamName(unsigned t) { return "team-" + std::to_string(t); }
std::string projectName(unsigned t, unsigned p) {
  return teamName(t) + "-proj-" + std::to_string(p);
}
std::string two(unsigned v) { return (v < 10 ? "0" : "") + std::to_string(v); }

class PolicyWriter {
public:
  PolicyWriter(Rng &rng, const Shape &shape) : rng(rng), shape(shape) {}

  std::string tool() { return "Action::\"" + toolName(rng.below(shape.tools)) + "\""; }

  /// One policy of a kind picked at random, most scoped to a single tool.
  std::string next() {
    unsigned t = rng.below(shape.teams);
    std::string team = teamName(t);
    unsigned kind = rng.below(100);
    if (kind < 25)
      return "// Team agents use this tool on their team's low-sensitivity data.\n"
             "permit (\n  principal in Group::\"" + team + "-agents\",\n  action == " + tool() +
             ",\n  resource in Team::\"" + team + "\"\n)\nwhen { resource.sensitivity <= " +
             std::to_string(1 + rng.below(2)) + " && context.risk < " +
             std::to_string(40 + rng.below(50)) + " };\n";
    if (kind < 40) {
      unsigned p = rng.below(kProjectsPerTeam);
      return "// A suite of tools inside one project, for tasks scoped to it.\n"
             "permit (\n  principal in Group::\"" + team + "-agents\",\n  action in Action::\"" +
             suiteName(rng.below(shape.tools)) + "\",\n  resource in Project::\"" +
             projectName(t, p) + "\"\n)\nwhen {\n  context.task.scope like \"" + team +
             "/proj-" + std::to_string(p) +
             "/*\" &&\n  context.agent.delegation_depth <= 2\n};\n";
    }
    if (kind < 52)
      return "// Writes with a human approval that names the tool and is still valid.\n"
             "permit (principal is Agent, action == " + tool() +
             ", resource)\nwhen {\n  context.agent has approval &&\n"
             "  context.agent.approval.actions.contains(action) &&\n"
             "  context.now < context.agent.approval.expires &&\n"
             "  resource.sensitivity <= 2\n};\n";
    if (kind < 62) {
      unsigned from = 6 + rng.below(3), to = 17 + rng.below(4);
      return "// Sensitive data only in office hours (UTC).\n"
             "forbid (principal, action == " + tool() +
             ", resource)\nwhen { resource.sensitivity >= 2 }\nunless {\n"
             "  context.now.toTime() >= duration(\"" + std::to_string(from) +
             "h\") &&\n  context.now.toTime() < duration(\"" + std::to_string(to) + "h\")\n};\n";
    }
    if (kind < 70)
      return "// Only from the corporate network or this team's VPN range.\n"
             "forbid (principal, action == " + tool() +
             ", resource)\nunless {\n  context.source_ip.isInRange(ip(\"10.0.0.0/8\")) ||\n"
             "  context.source_ip.isInRange(ip(\"192.168." + std::to_string(t % 256) +
             ".0/24\"))\n};\n";
    if (kind < 78)
      return "// Short delegation chains only.\n"
             "forbid (principal, action == " + tool() +
             ", resource)\nwhen { context.agent.delegation_depth > " +
             std::to_string(2 + rng.below(3)) + " };\n";
    if (kind < 88)
      return "// Workloads of the team's namespace, on the team's own data.\n"
             "permit (principal is Agent, action == " + tool() +
             ", resource)\nwhen {\n  principal.workload like \"spiffe://corp.example/" + team +
             "/*\" &&\n  resource.team == principal.team &&\n  resource.sensitivity <= 1\n};\n";
    if (kind < 94)
      return "// Restricted data only at low risk.\n"
             "forbid (principal, action == " + tool() +
             ", resource)\nwhen { resource.sensitivity >= 3 && context.risk > " +
             std::to_string(10 + rng.below(30)) + " };\n";
    return "// The owner's team data, at moderate risk.\n"
           "permit (principal is Agent, action == " + tool() +
           ", resource)\nwhen { principal.owner in resource.team && context.risk < " +
           std::to_string(30 + rng.below(40)) + " };\n";
  }

private:
  Rng &rng;
  const Shape &shape;
};

// The global policies every set starts with (they apply to every request).
const char *kGlobalPolicies = R"(// No agent acts through a delegation chain deeper than four hops.
forbid (principal, action, resource)
when { context.agent.delegation_depth > 4 };

// Read-only tools on public data, at low risk, for every agent.
permit (principal is Agent, action in Action::"ReadOnlyTools", resource)
when { resource.sensitivity == 0 && context.risk < 60 };

// Restricted data never leaves through network tools.
forbid (principal, action in Action::"NetworkTools", resource)
when { resource.sensitivity >= 3 };

// High-risk tools need a fresh approval.
forbid (principal, action in Action::"HighRiskTools", resource)
unless { context.agent has approval && context.now < context.agent.approval.expires };
)";
constexpr unsigned kGlobalPolicyCount = 4;

} // namespace

Workload generateAgents(const WorkloadOptions &options) {
  const unsigned n = std::max(options.policies, kGlobalPolicyCount);
  Shape shape;
  shape.tools = std::clamp(n / 8, 10u, 5000u);
  shape.teams = std::clamp(n / 40, 2u, 1000u);
  unsigned perType = options.entitiesPerType;
  shape.agents = perType ? perType : std::max(20u, n / 5);
  shape.resources = perType ? perType : std::max(30u, n / 4);
  Rng rng(options.seed);
  Workload w;
  w.name = "agents";

  w.policiesCedar = kGlobalPolicies;
  PolicyWriter pw(rng, shape);
  for (unsigned i = kGlobalPolicyCount; i < n; ++i) {
    w.policiesCedar += '\n';
    w.policiesCedar += pw.next();
  }

  EntitiesBuilder eb;
  // Tools, their suites and categories.
  for (const char *c : {"ReadOnlyTools", "WriteTools", "NetworkTools", "HighRiskTools"})
    eb.add("Action", c, "", {});
  for (unsigned s = 0; s * 8 < shape.tools; ++s)
    eb.add("Action", suiteName(s * 8), "", {});
  for (unsigned k = 0; k < shape.tools; ++k)
    eb.add("Action", toolName(k), "",
           {{"Action", kCategory[k % kToolBaseCount]}, {"Action", suiteName(k)}});
  // Teams, their humans, agent groups and projects.
  const unsigned humansPerTeam = 4;
  for (unsigned t = 0; t < shape.teams; ++t) {
    eb.add("Team", teamName(t), "", {});
    eb.add("Group", teamName(t) + "-agents", "", {});
    for (unsigned h = 0; h < humansPerTeam; ++h)
      eb.add("Human", teamName(t) + "-h" + std::to_string(h), "", {{"Team", teamName(t)}});
    for (unsigned p = 0; p < kProjectsPerTeam; ++p)
      eb.add("Project", projectName(t, p), "", {{"Team", teamName(t)}});
  }
  std::vector<unsigned> agentTeam(shape.agents), agentOwner(shape.agents);
  for (unsigned a = 0; a < shape.agents; ++a) {
    unsigned t = a % shape.teams;
    agentTeam[a] = t;
    agentOwner[a] = rng.below(humansPerTeam);
    std::vector<std::pair<std::string, std::string>> parents = {
        {"Group", teamName(t) + "-agents"}};
    if (rng.chance(10))
      parents.push_back({"Group", teamName(rng.below(shape.teams)) + "-agents"});
    eb.add("Agent", "agent-" + std::to_string(a),
           "\"owner\":" +
               entityEscape("Human", teamName(t) + "-h" + std::to_string(agentOwner[a])) +
               ",\"team\":" + entityEscape("Team", teamName(t)) +
               ",\"workload\":\"spiffe://corp.example/" + teamName(t) + "/agent-" +
               std::to_string(a) + "\"",
           parents);
  }
  std::vector<unsigned> resTeam(shape.resources), resProject(shape.resources),
      resType(shape.resources);
  for (unsigned r = 0; r < shape.resources; ++r) {
    unsigned t = rng.below(shape.teams), p = rng.below(kProjectsPerTeam);
    unsigned roll = rng.below(100);
    unsigned sensitivity = roll < 40 ? 0 : roll < 70 ? 1 : roll < 90 ? 2 : 3;
    resTeam[r] = t;
    resProject[r] = p;
    resType[r] = rng.below(3);
    eb.add(kResourceTypes[resType[r]], "res-" + std::to_string(r),
           "\"sensitivity\":" + std::to_string(sensitivity) +
               ",\"team\":" + entityEscape("Team", teamName(t)),
           {{"Project", projectName(t, p)}});
  }
  w.entitiesJson = eb.finish();

  // Resources by team, so that most requests stay inside one team.
  std::vector<std::vector<unsigned>> teamResources(shape.teams);
  for (unsigned r = 0; r < shape.resources; ++r)
    teamResources[resTeam[r]].push_back(r);

  for (unsigned i = 0; i < options.requests; ++i) {
    unsigned a = rng.below(shape.agents);
    unsigned t = agentTeam[a];
    unsigned r = !teamResources[t].empty() && rng.chance(80)
                     ? teamResources[t][rng.below(unsigned(teamResources[t].size()))]
                     : rng.below(shape.resources);
    unsigned k = rng.below(shape.tools);
    std::string day = two(1 + rng.below(28)), hour = two(rng.below(24)),
                minute = two(rng.below(60));
    std::string now = "2026-11-" + day + "T" + hour + ":" + minute + ":00Z";
    std::string ipText =
        rng.chance(85) ? "10." + std::to_string(rng.below(256)) + "." +
                             std::to_string(rng.below(256)) + "." + std::to_string(1 + rng.below(254))
        : rng.chance(50) ? "192.168." + std::to_string(t % 256) + "." + std::to_string(1 + rng.below(254))
                         : "203.0.113." + std::to_string(1 + rng.below(254));
    unsigned depthRoll = rng.below(100);
    unsigned depth = depthRoll < 50 ? 0 : depthRoll < 80 ? 1 : depthRoll < 92 ? 2 : 3 + rng.below(3);
    unsigned scopeProject = rng.chance(70) ? resProject[r] : rng.below(kProjectsPerTeam);
    std::string ctx = "{\"risk\":" + std::to_string(rng.below(101)) +
                      ",\"now\":" + extnEscape("datetime", now) +
                      ",\"source_ip\":" + extnEscape("ip", ipText) +
                      ",\"task\":{\"scope\":\"" + teamName(resTeam[r]) + "/proj-" +
                      std::to_string(scopeProject) + "/task-" + std::to_string(rng.below(1000)) +
                      "\"}";
    ctx += ",\"agent\":{\"owner\":" +
           entityEscape("Human", teamName(t) + "-h" + std::to_string(agentOwner[a])) +
           ",\"delegation_depth\":" + std::to_string(depth);
    if (rng.chance(35)) {
      std::string actions = entityEscape("Action", toolName(k));
      for (unsigned extra = rng.below(3); extra > 0; --extra)
        actions += "," + entityEscape("Action", toolName(rng.below(shape.tools)));
      // Expires on the same day, before or after `now`.
      std::string expires = "2026-11-" + day + "T" + two(rng.below(24)) + ":00:00Z";
      ctx += ",\"approval\":{\"actions\":[" + actions +
             "],\"expires\":" + extnEscape("datetime", expires) +
             ",\"approver\":" + entityEscape("Human", teamName(t) + "-h0") + "}";
    }
    ctx += "}}";
    w.requests.push_back(requestJson("Agent", "agent-" + std::to_string(a), toolName(k),
                                     kResourceTypes[resType[r]], "res-" + std::to_string(r),
                                     ctx));
  }
  return w;
}

} // namespace larch::bench::detail
