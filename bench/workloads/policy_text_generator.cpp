// Benchmark support: agent policy text generator (see policy_text_generator.h).
#include "workloads/policy_text_generator.h"

#include <random>

namespace larch::bench {

namespace {

class Gen {
public:
  explicit Gen(uint64_t seed) : rng(seed) {}
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng); }
  bool chance(unsigned percent) { return pick(100) < percent; }

private:
  std::mt19937_64 rng;
};

const char *kTools[] = {"read_file", "write_file", "search_web", "send_email",
                        "http_post", "run_shell", "query_db", "send_payment",
                        "create_ticket", "upload_file"};
const char *kToolGroups[] = {"ReadOnlyTools", "WriteTools", "NetworkTools",
                             "HighRiskTools"};
const char *kResourceTypes[] = {"Document", "Repository", "Database", "Mailbox",
                                "Ticket"};

std::string condition(Gen &g, unsigned i) {
  switch (g.pick(9)) {
  case 0:
    return "context.risk < " + std::to_string(20 + g.pick(70));
  case 1:
    return "resource.sensitivity <= " + std::to_string(g.pick(4));
  case 2:
    return "context.agent has approval && context.agent.approval.actions.contains(action)";
  case 3:
    return "context.agent.delegation_depth <= " + std::to_string(1 + g.pick(4));
  case 4:
    return "context.now < datetime(\"2026-12-3" + std::to_string(g.pick(2)) +
           "T00:00:00Z\")";
  case 5:
    return "principal.workload like \"spiffe://corp.example/team" +
           std::to_string(g.pick(50)) + "/*\"";
  case 6:
    return "context.source_ip.isInRange(ip(\"10." + std::to_string(g.pick(256)) +
           ".0.0/16\"))";
  case 7:
    return "principal.owner in resource.team || resource.public == true";
  default:
    return "[\"t" + std::to_string(i % 97) + "\", \"t" + std::to_string(i % 31) +
           "\"].containsAny(context.task.tags)";
  }
}

} // namespace

std::string generateAgentPolicies(unsigned count, uint64_t seed) {
  Gen g(seed);
  std::string out;
  out.reserve(count * 260);
  for (unsigned i = 0; i < count; ++i) {
    out += "@id(\"p" + std::to_string(i) + "\")\n";
    bool forbid = g.chance(20);
    out += forbid ? "forbid (\n" : "permit (\n";
    switch (g.pick(4)) {
    case 0: out += "  principal,\n"; break;
    case 1: out += "  principal == Agent::\"agent-" + std::to_string(g.pick(500)) + "\",\n"; break;
    case 2: out += "  principal in Group::\"team-" + std::to_string(g.pick(50)) + "\",\n"; break;
    default: out += "  principal is Agent in Group::\"team-" + std::to_string(g.pick(50)) + "\",\n"; break;
    }
    switch (g.pick(3)) {
    case 0: out += std::string("  action == Action::\"") + kTools[g.pick(10)] + "\",\n"; break;
    case 1: out += std::string("  action in Action::\"") + kToolGroups[g.pick(4)] + "\",\n"; break;
    default:
      out += std::string("  action in [Action::\"") + kTools[g.pick(10)] +
             "\", Action::\"" + kTools[g.pick(10)] + "\"],\n";
      break;
    }
    switch (g.pick(3)) {
    case 0: out += "  resource\n"; break;
    case 1: out += std::string("  resource is ") + kResourceTypes[g.pick(5)] + "\n"; break;
    default: out += "  resource in Folder::\"f" + std::to_string(g.pick(200)) + "\"\n"; break;
    }
    out += ")";
    unsigned conditions = 1 + g.pick(3);
    for (unsigned c = 0; c < conditions; ++c) {
      out += c == 0 ? "\nwhen { " : " &&\n       ";
      out += condition(g, i + c);
    }
    out += " }";
    if (g.chance(25))
      out += "\nunless { context.risk > 90 }";
    out += ";\n\n";
  }
  return out;
}

} // namespace larch::bench
