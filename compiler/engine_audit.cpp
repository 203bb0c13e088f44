// Public API implementation of larch/engine.h, what decision records need
// from the loaded policy set: Engine::getPolicySetDigest and
// Engine::getLoggedContextKeys and
// Engine::getPolicyNames (computed at load, compiler/policy_set_audit.h).
#include "compiler/engine_impl.h"

namespace larch {

std::string Engine::getPolicySetDigest() const { return impl->getPolicies()->audit.digest; }

std::vector<std::string> Engine::getLoggedContextKeys() const {
  return impl->getPolicies()->audit.loggedContextKeys;
}

std::vector<std::string> Engine::getPolicyNames() const {
  return impl->getPolicies()->audit.names;
}

} // namespace larch
