// Test support: corpus request reading (see corpus_request.h).
#include "testlib/corpus_request.h"

#include "compiler/json/request_json.h"

namespace larch::testlib {

std::optional<runtime::Request> parseCorpusRequest(const json::Json &r,
                                                   const schema::Schema *schema,
                                                   json::JsonError &error) {
  std::optional<runtime::EntityUid> uids[3];
  const char *names[] = {"principal", "action", "resource"};
  for (int i = 0; i < 3; ++i) {
    uids[i] = json::parseEntityUidJson(r[names[i]], names[i], error);
    if (!uids[i])
      return std::nullopt;
  }
  runtime::Request request;
  request.principal = *uids[0];
  request.action = *uids[1];
  request.resource = *uids[2];
  std::optional<runtime::Value> context =
      json::parseContextJson(r["context"], request.action, schema, error);
  if (!context)
    return std::nullopt;
  request.context = std::move(*context);
  return request;
}

} // namespace larch::testlib
