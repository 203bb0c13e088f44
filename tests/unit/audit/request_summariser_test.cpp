// RequestSummariser (compiler/audit/record_builder.h), the simdjson reading
// of a request for its decision record, against the nlohmann::json reference
// summariseRequestTree: same entities, context digest and logged fields over
// many requests, including the cases the fast path hands to the reference.
#include "compiler/audit/digest.h"
#include "compiler/audit/record_builder.h"

#include <gtest/gtest.h>

#include <random>

namespace larch::audit {
namespace {

void expectSame(RequestSummariser &fast, const std::string &request,
                const std::vector<std::string> &keys) {
  RequestSummary a = summariseRequestTree(request, keys);
  RequestSummary b = fast.summarise(request, keys);
  EXPECT_EQ(a.principal.type, b.principal.type) << request;
  EXPECT_EQ(a.principal.id, b.principal.id) << request;
  EXPECT_EQ(a.action.type, b.action.type) << request;
  EXPECT_EQ(a.action.id, b.action.id) << request;
  EXPECT_EQ(a.resource.type, b.resource.type) << request;
  EXPECT_EQ(a.resource.id, b.resource.id) << request;
  EXPECT_EQ(a.contextDigest, b.contextDigest) << request;
  EXPECT_EQ(a.loggedContext, b.loggedContext) << request;
}

TEST(RequestSummariser, KnownRequests) {
  RequestSummariser fast;
  std::vector<std::string> keys = {"risk", "ticket", "nested", "missing"};
  const char *requests[] = {
      R"({"principal": {"type": "Agent", "id": "a"}, "action": "Action::\"read\"",
          "resource": {"__entity": {"type": "Doc", "id": "d"}}, "context": {"risk": 20}})",
      R"({"principal": "Agent::\"a\\\"b\"", "context": {"z": 1, "a": [1, {"y": null, "b": true}],
          "ticket": "caf\u00e9 \"q\" \\ \u0001 /", "risk": -9223372036854775808}})",
      R"({"context": {"risk": 18446744073709551615, "nested": {"k": {"k": [[]]}}}})",
      R"({"context": {"risk": 1.5}})",             // a float: no digest, field left out
      R"({"context": {"risk": 1, "risk": 2}})",    // duplicate keys: the last
      R"({"context": {"risk": 1e2}})",
      R"({"context": {"risk": -0}})",
      R"({"context": {"ticket": "\ud83d\ude00 \u00e9"}})",
      R"({"context": {"ticket": "\ud800"}})",      // a lone surrogate
      R"({"context": []})",
      R"({"context": "x"})",
      R"({"principal": 7, "action": {"type": 1, "id": "x"}})",
      R"({})",
      R"([1, 2])",
      R"(not json)",
      R"({"context": {"risk": 99999999999999999999999}})",
      "{\"context\": {\"ticket\": \"bad \xff\"}}",
  };
  for (const char *r : requests)
    expectSame(fast, r, keys);
  RequestSummary s = fast.summarise(R"({"principal": "User::\"u\""})", keys);
  EXPECT_EQ(s.contextDigest, sha256Digest("{}")) << "no context is {}";
  EXPECT_EQ(s.principal.type, "User");
}

TEST(RequestSummariser, DeepNesting) {
  RequestSummariser fast;
  for (int depth : {60, 63, 64, 65, 70}) {
    std::string value = "1";
    for (int i = 0; i < depth; ++i)
      value = "[" + value + "]";
    expectSame(fast, R"({"context": {"deep": )" + value + "}}", {"deep"});
  }
}

TEST(RequestSummariser, RandomContexts) {
  std::mt19937 random(7);
  const std::vector<std::string> keys = {"a", "b", "k\u00e9", "q\"", ""};
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    switch (random() % (depth > 3 ? 5 : 7)) {
    case 0:
      return std::to_string(static_cast<int64_t>(random()) - (1 << 30));
    case 1:
      return "\"" + keys[random() % keys.size()] + "\\n\\u0007\"";
    case 2:
      return random() % 2 ? "true" : "null";
    case 3:
      return "\"\\ud83d\\ude00\"";
    case 4:
      return random() % 10 == 0 ? "2.5" : "18446744073709551615";
    case 5: {
      std::string out = "[";
      for (int i = static_cast<int>(random() % 3); i > 0; --i)
        out += value(depth + 1) + (i > 1 ? "," : "");
      return out + "]";
    }
    default: {
      std::string out = "{";
      for (int i = static_cast<int>(random() % 4); i > 0; --i) {
        std::string key = keys[random() % keys.size()];
        if (key == "q\"")
          key = "q\\\"";
        out += "\"" + key + "\": " + value(depth + 1) + (i > 1 ? "," : "");
      }
      return out + "}";
    }
    }
  };
  RequestSummariser fast;
  for (int n = 0; n < 3000; ++n) {
    std::string context = "{";
    for (int i = static_cast<int>(random() % 5); i > 0; --i) {
      std::string key = keys[random() % keys.size()];
      if (key == "q\"")
        key = "q\\\"";
      context += "\"" + key + "\": " + value(1) + (i > 1 ? ", " : "");
    }
    context += "}";
    std::string request = R"({"principal": "A::\"p)" + std::to_string(n) +
                          R"(\"", "action": {"type": "Action", "id": "x"}, "context": )" +
                          context + "}";
    expectSame(fast, request, {"a", "k\u00e9", "q\""});
  }
}

} // namespace
} // namespace larch::audit
