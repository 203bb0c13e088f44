// Agent envelope over nlohmann::json. Entry points: readAgentPartJson,
// toCedarJson (see envelope_json.h).
#include "compiler/agent/envelope_json.h"

#include "compiler/agent/envelope_reader.h"
#include "compiler/agent/envelope_time.h"

namespace larch::agent {

using json::Json;

bool readAgentPartJson(const Json &request, std::string_view principalType,
                       std::string_view principalId, int64_t clockMillis, AgentPart &out,
                       json::JsonError &error) {
  auto t = request.find("time");
  auto a = request.find("agent");
  const Json *time = t == request.end() ? nullptr : &*t;
  const Json *agent = a == request.end() ? nullptr : &*a;
  return readAgentPart<NlohmannAdapter>(time ? &time : nullptr, agent ? &agent : nullptr,
                                        principalType, principalId, clockMillis, out, error);
}

namespace {

Json extn(const char *fn, Json arg) {
  return Json{{"__extn", Json{{"fn", fn}, {"arg", std::move(arg)}}}};
}

} // namespace

Json toCedarJson(const runtime::Value &v) {
  switch (v.getKind()) {
  case runtime::ValueKind::Bool:
    return v.getBool();
  case runtime::ValueKind::Long:
    return v.getLong();
  case runtime::ValueKind::String:
    return v.getString();
  case runtime::ValueKind::Entity:
    return Json{{"__entity", Json{{"type", v.getEntity().type}, {"id", v.getEntity().id}}}};
  case runtime::ValueKind::Set: {
    Json out = Json::array();
    for (const runtime::Value &e : v.getSet())
      out.push_back(toCedarJson(e));
    return out;
  }
  case runtime::ValueKind::Record: {
    Json out = Json::object();
    for (const runtime::RecordEntry &e : v.getRecord())
      out[e.first] = toCedarJson(e.second);
    return out;
  }
  case runtime::ValueKind::Decimal:
    return extn("decimal", v.getDecimal().toString());
  case runtime::ValueKind::IpAddr:
    return extn("ip", v.getIpAddr().toString());
  case runtime::ValueKind::Datetime: {
    int64_t ms = v.getDatetime().millis;
    if (isCanonicalRange(ms))
      return extn("datetime", canonicalTime(ms));
    return Json{{"__extn",
                 Json{{"fn", "offset"},
                      {"args", Json::array({extn("datetime", "1970-01-01"),
                                            extn("duration", v.getDatetime()
                                                                 .getCanonicalOffset())})}}}};
  }
  case runtime::ValueKind::Duration:
    return extn("duration", v.getDuration().toString());
  }
  return Json();
}

} // namespace larch::agent
