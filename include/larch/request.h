// Public API: an authorization request. Std types only.
#ifndef LARCH_REQUEST_H
#define LARCH_REQUEST_H

#include <string>

namespace larch {

/// An entity reference: a type such as `NS::User` and an id.
struct EntityRef {
  std::string type;
  std::string id;
};

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
};

} // namespace larch

#endif // LARCH_REQUEST_H
