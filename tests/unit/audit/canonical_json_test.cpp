// Tests for compiler/audit/canonical_json.h: the exact canonical form.
#include "compiler/audit/canonical_json.h"

#include <gtest/gtest.h>

namespace larch::audit {
namespace {

using Json = nlohmann::json;

std::string canon(const Json &value) {
  llvm::Expected<std::string> text = toCanonicalJson(value);
  if (!text) {
    ADD_FAILURE() << llvm::toString(text.takeError());
    return "";
  }
  return *text;
}

std::string canonError(const Json &value) {
  llvm::Expected<std::string> text = toCanonicalJson(value);
  if (text) {
    ADD_FAILURE() << "expected an error, got " << *text;
    return "";
  }
  return llvm::toString(text.takeError());
}

TEST(CanonicalJson, Scalars) {
  EXPECT_EQ(canon(nullptr), "null");
  EXPECT_EQ(canon(true), "true");
  EXPECT_EQ(canon(false), "false");
  EXPECT_EQ(canon(0), "0");
  EXPECT_EQ(canon(-17), "-17");
  EXPECT_EQ(canon(INT64_MIN), "-9223372036854775808");
  EXPECT_EQ(canon(UINT64_MAX), "18446744073709551615");
  EXPECT_EQ(canon("abc"), "\"abc\"");
}

TEST(CanonicalJson, ObjectsSortByteWiseWithoutWhitespace) {
  Json value = Json::parse(R"({ "b": 1, "a": [ 1, 2, {"z": null, "y": true} ],
                                "B": "x", "": 0, "aa": {} })");
  EXPECT_EQ(canon(value),
            R"({"":0,"B":"x","a":[1,2,{"y":true,"z":null}],"aa":{},"b":1})");
}

TEST(CanonicalJson, KeysOrderedByUtf8BytesNotUtf16) {
  // U+E000 (EE 80 80) sorts before U+1F600 (F0 9F 98 80) by bytes and by
  // code point; JCS's UTF-16 order would put the emoji (D83D..) first.
  Json value = Json::object();
  value["\xF0\x9F\x98\x80"] = 1;
  value["\xEE\x80\x80"] = 2;
  value["z"] = 3;
  EXPECT_EQ(canon(value), "{\"z\":3,\"\xEE\x80\x80\":2,\"\xF0\x9F\x98\x80\":1}");
}

TEST(CanonicalJson, StringEscapes) {
  std::string s = "q\" b\\ / \b\f\n\r\t";
  s += '\0';
  s += "\x01\x1f\x7f";
  s += "\xC3\xA9\xE2\x82\xAC"; // é €
  EXPECT_EQ(canon(s), "\"q\\\" b\\\\ / \\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\x7f"
                      "\xC3\xA9\xE2\x82\xAC\"");
}

TEST(CanonicalJson, ParsedEscapesComeOutCanonical) {
  Json value = Json::parse(R"({"k":"\u00e9\/\u0041\ud83d\ude00"})");
  EXPECT_EQ(canon(value), "{\"k\":\"\xC3\xA9/A\xF0\x9F\x98\x80\"}");
}

TEST(CanonicalJson, RejectsFloats) {
  Json value = {{"ok", 1}, {"ttl", {{"ratio", 0.5}}}};
  std::string error = canonError(value);
  EXPECT_NE(error.find("floating-point"), std::string::npos) << error;
  EXPECT_NE(error.find("`ttl.ratio`"), std::string::npos) << error;
  // 1.0 is still a float: only integers are written.
  EXPECT_NE(canonError(Json::parse("[1.0]")).find("`[0]`"), std::string::npos);
}

TEST(CanonicalJson, RejectsInvalidUtf8InValuesAndKeys) {
  for (const char *bad : {"\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82",
                          "\x80", "\xF8\x88\x80\x80\x80"}) {
    EXPECT_FALSE(isValidUtf8(bad)) << bad;
    Json value = Json::array({std::string(bad)});
    EXPECT_NE(canonError(value).find("not valid UTF-8"), std::string::npos);
    Json object = Json::object();
    object[std::string(bad)] = 1;
    EXPECT_NE(canonError(object).find("not valid UTF-8"), std::string::npos);
  }
  EXPECT_TRUE(isValidUtf8("plain \xC3\xA9 \xEF\xBF\xBF \xF4\x8F\xBF\xBF"));
}

TEST(CanonicalJson, RejectsBinaryAndDeepNesting) {
  EXPECT_NE(canonError(Json::binary({1, 2})).find("binary"), std::string::npos);
  Json deep = 1;
  for (unsigned i = 0; i <= kMaxCanonicalDepth; ++i)
    deep = Json::array({deep});
  EXPECT_NE(canonError(deep).find("nesting"), std::string::npos);
  Json ok = 1;
  for (unsigned i = 0; i < kMaxCanonicalDepth; ++i)
    ok = Json::array({ok});
  EXPECT_EQ(canon(ok).size(), 2 * kMaxCanonicalDepth + 1);
}

TEST(CanonicalJson, IsIdempotentThroughParse) {
  Json value = Json::parse(R"({"z":[{"b":"\u0007","a":-1}],"a":"x\ny"})");
  std::string once = canon(value);
  EXPECT_EQ(canon(Json::parse(once)), once);
}

} // namespace
} // namespace larch::audit
