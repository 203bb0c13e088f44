// Agent envelope (docs/agents.md, "Checks"): the one checker of an envelope,
// whether it was read from JSON (either reader) or given through the C++ API
// (Request::agent). Entry point: checkEnvelope. Depends on larch/agent.h and
// compiler/json/json_value.h (JsonError, for field paths).
#ifndef LARCH_COMPILER_AGENT_ENVELOPE_CHECK_H
#define LARCH_COMPILER_AGENT_ENVELOPE_CHECK_H

#include "compiler/json/json_value.h"
#include "larch/agent.h"

#include <cstdint>
#include <string_view>

namespace larch::agent {

/// Limits of docs/agents.md.
constexpr size_t MaxHops = 32;
constexpr size_t MaxScopes = 256;
constexpr size_t MaxApprovedActions = 256;

/// The envelope's times, parsed by the check (Unix milliseconds).
struct EnvelopeTimes {
  int64_t issuedAt = 0;
  int64_t expiresAt = 0;
  int64_t approvalExpiresAt = 0;
};

/// What a request carries for agents besides Cedar's four parts: the
/// decision time (`time`, else the clock) and the checked envelope.
struct AgentPart {
  int64_t timeMillis = 0;
  bool hasAgent = false;
  AgentEnvelope envelope;
  EnvelopeTimes times;

  /// No envelope, decided at `millis`.
  static AgentPart at(int64_t millis) {
    AgentPart p;
    p.timeMillis = millis;
    return p;
  }
};

/// Checks `envelope` for a request whose principal is `principalType`
/// `principalId`; fills `times`. The first failing check sets `error`
/// (path under `agent`, e.g. `agent.delegation[2]`) and returns false.
bool checkEnvelope(const AgentEnvelope &envelope, std::string_view principalType,
                   std::string_view principalId, EnvelopeTimes &times, json::JsonError &error);

/// `T::"id"`, as Cedar prints an entity.
std::string entityText(const EntityRef &e);

} // namespace larch::agent

#endif // LARCH_COMPILER_AGENT_ENVELOPE_CHECK_H
