// Agents: parsing and looking up revocation lists (see revocation_list.h).
#include "compiler/agent/revocation_list.h"

#include "compiler/json/json_value.h"
#include "compiler/json/request_json.h"
#include "compiler/agent/envelope_time.h"

#include "llvm/ADT/StringExtras.h"

namespace larch::agent {

namespace {

std::string entityText(llvm::StringRef type, llvm::StringRef id) {
  std::string out = type.str() + "::\"";
  for (char c : id) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

} // namespace

std::shared_ptr<const RevocationList> RevocationList::parse(llvm::StringRef text,
                                                            std::string &error) {
  json::JsonError jerr;
  std::optional<json::Json> doc = json::parseJsonText(text, jerr);
  if (!doc) {
    error = jerr.str();
    return nullptr;
  }
  auto fail = [&](const std::string &path, const std::string &message) {
    error = path.empty() ? message : path + ": " + message;
    return nullptr;
  };
  if (!doc->is_object())
    return fail("", "a revocation list is an object `{\"revocations\": [..]}`");
  for (auto it = doc->begin(); it != doc->end(); ++it)
    if (it.key() != "revocations")
      return fail(it.key(), "unknown member (expected `revocations`)");
  auto listIt = doc->find("revocations");
  if (listIt == doc->end())
    return fail("revocations", "missing");
  if (!listIt->is_array())
    return fail("revocations", "not an array");

  auto list = std::make_shared<RevocationList>();
  for (size_t i = 0; i < listIt->size(); ++i) {
    const json::Json &e = (*listIt)[i];
    std::string path = "revocations[" + std::to_string(i) + "]";
    if (!e.is_object())
      return fail(path, "not an object");
    auto stringMember = [&](const char *name, bool required, std::string &out) -> bool {
      auto m = e.find(name);
      if (m == e.end()) {
        if (required)
          error = path + "." + name + ": missing";
        return !required;
      }
      if (!m->is_string()) {
        error = path + "." + name + ": not a string";
        return false;
      }
      out = m->get<std::string>();
      return true;
    };
    Entry entry;
    std::string kindText;
    if (!stringMember("kind", true, kindText))
      return nullptr;
    RevocationKind kind;
    if (kindText == "instance")
      kind = RevocationKind::Instance;
    else if (kindText == "credential")
      kind = RevocationKind::Credential;
    else if (kindText == "approval")
      kind = RevocationKind::Approval;
    else if (kindText == "entity")
      kind = RevocationKind::Entity;
    else
      return fail(path + ".kind", "unknown kind `" + kindText +
                                      "` (instance, credential, approval or entity)");
    entry.info.kind = kindText;
    const char *keyMember = kind == RevocationKind::Entity ? "entity" : "id";
    for (auto it = e.begin(); it != e.end(); ++it) {
      const std::string &k = it.key();
      if (k != "kind" && k != keyMember && k != "revoked_at" && k != "reason")
        return fail(path + "." + k, "unknown member of " + kindText + " entry");
    }
    std::string uidType, uidId;
    if (kind == RevocationKind::Entity) {
      auto m = e.find("entity");
      if (m == e.end())
        return fail(path + ".entity", "missing");
      if (m->is_string()) {
        std::string why;
        auto uid = json::parseEntityUidText(m->get<std::string>(), why);
        if (!uid)
          return fail(path + ".entity", why);
        uidType = uid->type;
        uidId = uid->id;
      } else {
        auto uid = json::parseEntityUidJson(*m, path + ".entity", jerr);
        if (!uid) {
          error = jerr.str();
          return nullptr;
        }
        uidType = uid->type;
        uidId = uid->id;
      }
      entry.info.id = entityText(uidType, uidId);
    } else {
      if (!stringMember("id", true, entry.info.id))
        return nullptr;
      if (entry.info.id.empty())
        return fail(path + ".id", "empty");
    }
    if (!stringMember("revoked_at", true, entry.info.revokedAt))
      return nullptr;
    std::string why;
    if (!parseTime(entry.info.revokedAt, entry.revokedAtMillis, why))
      return fail(path + ".revoked_at", why);
    if (!stringMember("reason", false, entry.info.reason))
      return nullptr;

    uint32_t index = static_cast<uint32_t>(list->entries.size());
    if (kind == RevocationKind::Entity)
      list->entities[uidType][uidId].push_back(index);
    else
      list->ids[static_cast<int>(kind)][entry.info.id].push_back(index);
    ++list->counts[static_cast<int>(kind)];
    list->entries.push_back(std::move(entry));
  }
  return list;
}

uint32_t RevocationList::firstInForce(const Indices &indices, int64_t nowMillis) const {
  for (uint32_t i : indices)
    if (entries[i].revokedAtMillis <= nowMillis)
      return i;
  return NoMatch;
}

uint32_t RevocationList::matchId(RevocationKind kind, llvm::StringRef id,
                                 int64_t nowMillis) const {
  assert(kind != RevocationKind::Entity && "entities are matched by matchEntity");
  const llvm::StringMap<Indices> &map = ids[static_cast<int>(kind)];
  auto it = map.find(id);
  return it == map.end() ? NoMatch : firstInForce(it->second, nowMillis);
}

uint32_t RevocationList::matchEntity(llvm::StringRef type, llvm::StringRef id,
                                     int64_t nowMillis) const {
  auto byType = entities.find(type);
  if (byType == entities.end())
    return NoMatch;
  auto it = byType->second.find(id);
  return it == byType->second.end() ? NoMatch : firstInForce(it->second, nowMillis);
}

} // namespace larch::agent
