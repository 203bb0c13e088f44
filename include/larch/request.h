// Public API: an authorization request. Std types only.
#ifndef LARCH_REQUEST_H
#define LARCH_REQUEST_H

#include "larch/agent.h"

#include <string>

namespace larch {

/// Who (principal) does what (action) to which resource, in which context.
struct Request {
  EntityRef principal;
  EntityRef action;
  EntityRef resource;
  /// The context as a JSON object in Cedar's value syntax (`__entity` and
  /// `__extn` escapes; with a schema loaded, parsed with the action's
  /// declared context type, so `"10.0.0.1"` can be an ipaddr).
  std::string contextJson = "{}";
  /// Extra entities for this request only, as an entities JSON array; empty
  /// for none. They are layered over the engine's entities, not copied.
  std::string entitiesJson;
  /// The agent envelope (docs/agents.md); checked, then given to policies
  /// as `context.agent`. Without one the request is plain Cedar.
  bool hasAgent = false;
  AgentEnvelope agent;
  /// The decision time, RFC 3339 (`context.agent.now`); empty: the clock.
  std::string time;
};

} // namespace larch

#endif // LARCH_REQUEST_H
