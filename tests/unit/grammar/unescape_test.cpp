// Unit tests for grammar/unescape.h: Cedar string escapes and like patterns.
#include "grammar/unescape.h"

#include <gtest/gtest.h>

namespace larch {
namespace {

std::string ok(llvm::StringRef in) {
  std::string out;
  llvm::SmallVector<UnescapeError, 2> errs;
  EXPECT_TRUE(unescapeString(in, out, errs)) << in.str();
  return out;
}

std::vector<UnescapeError> bad(llvm::StringRef in) {
  std::string out;
  llvm::SmallVector<UnescapeError, 2> errs;
  EXPECT_FALSE(unescapeString(in, out, errs)) << in.str();
  return {errs.begin(), errs.end()};
}

TEST(Unescape, SimpleEscapes) {
  EXPECT_EQ(ok(R"(\t\r\n\\\0\x42)"), std::string("\t\r\n\\\0B", 6));
  EXPECT_EQ(ok(R"(\'\")"), "'\"");
  EXPECT_EQ(ok("plain text"), "plain text");
  EXPECT_EQ(ok(""), "");
}

TEST(Unescape, UnicodeEscapes) {
  EXPECT_EQ(ok(R"(\u{41})"), "A");
  EXPECT_EQ(ok(R"(\u{0})"), std::string("\0", 1));
  EXPECT_EQ(ok(R"(\u{1F600})"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(ok(R"(\u{10FFFF})"), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(ok(R"(\u{00_4_1})"), "A");
  EXPECT_EQ(ok(R"(\u{054321})"), "\xF1\x94\x8C\xA1");
  EXPECT_EQ(ok("caf\xC3\xA9"), "caf\xC3\xA9"); // raw UTF-8 is copied
}

// Cedar's lexer never takes a backslash before a line break into a string
// (its regex `.` excludes `\n`), so there is no line continuation.
TEST(Unescape, BackslashBeforeLineBreakIsAnError) {
  auto e = bad("a\\\n   b");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].begin, 1u);
  EXPECT_EQ(e[0].message, "a line break cannot follow `\\` in a string");
}

TEST(Unescape, InvalidEscapes) {
  auto e = bad(R"(abc\qdef)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].begin, 3u);
  EXPECT_EQ(e[0].end, 5u);
  EXPECT_EQ(e[0].message, "the input `\\q` is not a valid escape");
  EXPECT_EQ(bad(R"(abc\*\bdef)").size(), 2u);
  EXPECT_EQ(bad(R"(\xFF)").size(), 1u);
  EXPECT_EQ(bad(R"(\x80)").size(), 1u);
  EXPECT_EQ(bad(R"(\x4)").size(), 1u);
  EXPECT_EQ(bad(R"(\xG1)").size(), 1u);
  EXPECT_EQ(bad(R"(abc\u{1111111}\u{222222222}FFdef)").size(), 2u);
  EXPECT_EQ(bad(R"(\u{})").size(), 1u);
  EXPECT_EQ(bad(R"(\u{_1})").size(), 1u);
  EXPECT_EQ(bad(R"(\u41)").size(), 1u);
  EXPECT_EQ(bad(R"(\u{41)").size(), 1u);
  EXPECT_EQ(bad(R"(\u{D800})").size(), 1u);
  EXPECT_EQ(bad(R"(\u{DFFF})").size(), 1u);
  EXPECT_EQ(bad(R"(\u{110000})").size(), 1u);
  EXPECT_EQ(bad(R"(\u{4g})").size(), 1u);
  EXPECT_EQ(bad("a\rb").size(), 1u); // a raw carriage return
  EXPECT_EQ(bad("\\\r\n").size(), 1u);
}

std::string pattern(llvm::StringRef in) {
  std::vector<PatternPiece> out;
  llvm::SmallVector<UnescapeError, 2> errs;
  EXPECT_TRUE(unescapePattern(in, out, errs)) << in.str();
  std::string s;
  for (const PatternPiece &p : out)
    s += p.isWildcard ? "<*>" : "[" + p.literal + "]";
  return s;
}

TEST(Unescape, Patterns) {
  EXPECT_EQ(pattern("abc"), "[abc]");
  EXPECT_EQ(pattern("*"), "<*>");
  EXPECT_EQ(pattern("a*b"), "[a]<*>[b]");
  EXPECT_EQ(pattern("**"), "<*><*>");
  EXPECT_EQ(pattern(R"(a\*b)"), "[a*b]"); // literal star merged with its neighbours
  EXPECT_EQ(pattern(R"(\**)"), "[*]<*>");
  EXPECT_EQ(pattern(R"(a\n*\t)"), "[a\n]<*>[\t]");
  EXPECT_EQ(pattern(R"(\u{2a})"), "<*>"); // as in Cedar: only `\*` is a literal star
  EXPECT_EQ(pattern(""), "");
  std::vector<PatternPiece> out;
  llvm::SmallVector<UnescapeError, 2> errs;
  EXPECT_FALSE(unescapePattern(R"(a\qb)", out, errs));
  EXPECT_EQ(errs.size(), 1u);
}

} // namespace
} // namespace larch
