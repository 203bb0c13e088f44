// Public API implementation of larch/engine.h for agents (docs/agents.md):
// loading revocation lists, the revocation check decisions make before any
// policy runs, outcomes and obligations (DecisionScratch::getOutcome,
// getObligations, getRevocation). Engine::decide (engine_decide.cpp) calls
// checkRevocation and computeOutcome.
#include "compiler/engine_impl.h"

#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <chrono>

namespace larch {

namespace {

/// The type and id of entity `e` of a compiled request (no allocation).
void getEntityNames(const rt::PreparedRequest &request, uint32_t e, llvm::StringRef &type,
                    llvm::StringRef &id) {
  rt::World world(request);
  const rt::FlatStore &store = request.getStore();
  type = world.getTypeName(world.getType(e));
  id = e < store.getNumEntities() ? llvm::StringRef(store.getSymbols().getEntityId(e))
                                  : request.getLocalEntityId(e);
}

int64_t clockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

// ------------------------------------------------------------ loading lists

LoadStatus Engine::loadRevocationsFile(const std::string &path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return failure(DiagCode::DataFileNotReadable, path,
                             "cannot read `" + path + "`: " + buf.getError().message());
  return loadRevocationsJson(path, (*buf)->getBuffer().str());
}

LoadStatus Engine::loadRevocationsJson(const std::string &name, const std::string &json) {
  std::string why;
  std::shared_ptr<const agent::RevocationList> list = agent::RevocationList::parse(json, why);
  if (!list)
    return failure(DiagCode::RevocationListInvalid, name, why);
  std::lock_guard<std::mutex> lock(impl->loadMutex);
  bool any = list->size() != 0;
  // Publish the list before the flag: a decision that sees the flag set
  // finds a list with entries (or, racing a newer load, the newer list).
  impl->revocations.store(std::move(list));
  impl->hasRevocations.store(any, std::memory_order_release);
  LoadStatus st;
  st.ok = true;
  return st;
}

size_t Engine::getNumRevocations() const {
  std::shared_ptr<const agent::RevocationList> list = impl->revocations.load();
  return list ? list->size() : 0;
}

// ------------------------------------------------------------- deciding

bool checkRevocation(const Engine::Impl &engine, const PreparedRequest::Impl &p,
                     DecisionScratch::Impl &s) {
  s.revocation = nullptr;
  if (!engine.hasRevocations.load(std::memory_order_acquire)) {
    if (s.revocations)
      s.revocations.reset();
    return false;
  }
  s.revocations = engine.revocations.load();
  if (!s.revocations)
    return false;
  const agent::RevocationList &list = *s.revocations;
  int64_t now = p.time.empty() ? clockMillis() : p.timeMillis;
  uint32_t first = agent::RevocationList::NoMatch;
  auto consider = [&](uint32_t i) { first = std::min(first, i); };
  using Kind = agent::RevocationKind;
  if (list.hasKind(Kind::Entity)) {
    llvm::StringRef type, id;
    if (p.forReference) {
      type = p.request.principal.type;
      id = p.request.principal.id;
    } else {
      getEntityNames(p.prepared, p.prepared.getPrincipal(), type, id);
    }
    consider(list.matchEntity(type, id, now));
  }
  if (p.hasAgent) {
    const AgentEnvelope &a = p.agent;
    if (list.hasKind(Kind::Instance))
      consider(list.matchId(Kind::Instance, a.instance, now));
    if (a.hasCredential && list.hasKind(Kind::Credential))
      consider(list.matchId(Kind::Credential, a.credential.id, now));
    if (a.hasApproval && list.hasKind(Kind::Approval))
      consider(list.matchId(Kind::Approval, a.approval.id, now));
    if (list.hasKind(Kind::Entity)) {
      consider(list.matchEntity(a.owner.type, a.owner.id, now));
      for (const EntityRef &hop : a.delegation)
        consider(list.matchEntity(hop.type, hop.id, now));
    }
  }
  if (first == agent::RevocationList::NoMatch)
    return false;
  s.revocation = &list.getInfo(first);
  return true;
}

Outcome computeOutcome(const engine::PolicyState &policies, bool allowed,
                       bool permitSatisfied, llvm::ArrayRef<uint32_t> reasons) {
  if (allowed)
    return Outcome::Allowed;
  if (reasons.empty())
    return Outcome::NotPermitted;
  // An approval lifts the deny only if a permit would then allow the call.
  if (!permitSatisfied)
    return Outcome::Forbidden;
  for (uint32_t r : reasons)
    if (!policies.annotations[r].approvalRequired)
      return Outcome::Forbidden;
  return Outcome::ApprovalRequired;
}

// ------------------------------------------------------ DecisionScratch

Outcome DecisionScratch::getOutcome() const { return impl->outcome; }

const RevocationInfo *DecisionScratch::getRevocation() const { return impl->revocation; }

Obligations DecisionScratch::getObligations() const {
  Obligations out;
  const Impl &s = *impl;
  if (s.outcome != Outcome::Allowed && s.outcome != Outcome::ApprovalRequired)
    return out;
  const engine::PolicyState &policies = *s.snapshot->policies;
  llvm::ArrayRef<uint32_t> reasons = s.byName ? llvm::ArrayRef<uint32_t>(s.reasonIndices)
                                              : s.view.reasons;
  for (uint32_t r : reasons) {
    const agent::PolicyAnnotations &a = policies.annotations[r];
    if (s.outcome == Outcome::Allowed) {
      if (a.maxCredentialTtlSeconds >= 0 &&
          (out.maxCredentialTtlSeconds < 0 ||
           a.maxCredentialTtlSeconds < out.maxCredentialTtlSeconds))
        out.maxCredentialTtlSeconds = a.maxCredentialTtlSeconds;
      out.credentialScopes.insert(out.credentialScopes.end(), a.credentialScopes.begin(),
                                  a.credentialScopes.end());
    } else if (a.approvalRequired) {
      out.approvers.push_back(a.approvers);
    }
  }
  for (std::vector<std::string> *v : {&out.credentialScopes, &out.approvers}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return out;
}

} // namespace larch
