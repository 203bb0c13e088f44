// Agents: revocation lists (docs/agents.md, "Revocation"). Entry points:
// RevocationList::parse (the JSON format, checked entry by entry) and the
// lookups decisions make (matchId, matchEntity), which do not allocate.
// Depends on LLVM ADT, the JSON edge (compiler/json) and the datetime
// extension (for `revoked_at`).
//
// The list is immutable once parsed: the Engine publishes it behind an
// atomically replaced shared pointer, apart from the policies, so revoking
// never recompiles anything.
#ifndef LARCH_COMPILER_AGENT_REVOCATION_LIST_H
#define LARCH_COMPILER_AGENT_REVOCATION_LIST_H

#include "larch/decision.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace larch::agent {

enum class RevocationKind : uint8_t { Instance, Credential, Approval, Entity };

class RevocationList {
public:
  static constexpr uint32_t NoMatch = UINT32_MAX;

  /// Parses `{"revocations": [..]}`. On error returns null and sets `error`
  /// to `path: message` (e.g. `revocations[3].kind: unknown kind `user``).
  static std::shared_ptr<const RevocationList> parse(llvm::StringRef json, std::string &error);

  size_t size() const { return entries.size(); }
  const RevocationInfo &getInfo(uint32_t i) const { return entries[i].info; }
  int64_t getRevokedAtMillis(uint32_t i) const { return entries[i].revokedAtMillis; }

  /// The first entry (in list order) of `kind` (not Entity) for `id` that is
  /// in force at `nowMillis` (revoked_at <= now), or NoMatch.
  uint32_t matchId(RevocationKind kind, llvm::StringRef id, int64_t nowMillis) const;
  /// The same for an `entity` entry naming `type::"id"`.
  uint32_t matchEntity(llvm::StringRef type, llvm::StringRef id, int64_t nowMillis) const;
  /// True when the list has an entry of `kind`.
  bool hasKind(RevocationKind kind) const { return counts[static_cast<int>(kind)] != 0; }

private:
  struct Entry {
    RevocationInfo info;
    int64_t revokedAtMillis = 0;
  };
  /// Entry indices per key, ascending.
  using Indices = llvm::SmallVector<uint32_t, 1>;

  uint32_t firstInForce(const Indices &indices, int64_t nowMillis) const;

  std::vector<Entry> entries;
  llvm::StringMap<Indices> ids[3]; // Instance, Credential, Approval
  /// Entity entries: type, then id.
  llvm::StringMap<llvm::StringMap<Indices>> entities;
  size_t counts[4] = {0, 0, 0, 0};
};

} // namespace larch::agent

#endif // LARCH_COMPILER_AGENT_REVOCATION_LIST_H
