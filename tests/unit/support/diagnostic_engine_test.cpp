// Support: diagnostic rendering, sorting, code table, and that every stable
// code is documented in docs/diagnostics.md.
#include "support/diagnostic_engine.h"
#include "testlib/corpus.h"

#include <gtest/gtest.h>

#include <set>

using namespace larch;

TEST(DiagnosticEngine, RendersLocationSourceLineAndCaret) {
  SourceManager sm;
  uint32_t f = sm.addFile("p.cedar", "permit(\n  principal,\n  foo,\n);\n");
  DiagnosticEngine diags;
  // `foo` starts at byte 23 on line 3, column 3.
  diags.error(DiagCode::SyntaxError, {f, 23, 26}, "unexpected `foo`");
  std::string out = formatDiagnostics(diags.getDiagnostics(), sm);
  EXPECT_EQ(out, "p.cedar:3:3: error: unexpected `foo` [LP001]\n"
                 "    3 |   foo,\n"
                 "      |   ^~~\n");
}

TEST(DiagnosticEngine, NotesHelpAndMultiLineSpans) {
  SourceManager sm;
  uint32_t f = sm.addFile("q.cedar", "ab\ncd\n");
  DiagnosticEngine diags;
  Diagnostic &d = diags.error(DiagCode::SyntaxError, {f, 1, 4}, "m");
  d.notes.push_back("a note");
  d.help = "a help";
  EXPECT_EQ(formatDiagnostic(diags.getDiagnostics()[0], sm),
            "q.cedar:1:2: error: m [LP001]\n"
            "    1 | ab\n"
            "      |  ^\n"
            "      = note: a note\n"
            "      = help: a help");
}

TEST(DiagnosticEngine, DiagnosticWithoutLocation) {
  SourceManager sm;
  DiagnosticEngine diags;
  diags.error(DiagCode::FileNotReadable, {}, "cannot read `x`");
  EXPECT_EQ(formatDiagnostics(diags.getDiagnostics(), sm),
            "error: cannot read `x` [LL001]\n");
  EXPECT_TRUE(diags.hasErrors());
  EXPECT_EQ(diags.getNumErrors(), 1u);
}

TEST(DiagnosticEngine, SortsByFileThenOffsetStably) {
  DiagnosticEngine diags;
  diags.error(DiagCode::SyntaxError, {2, 5, 6}, "c");
  diags.error(DiagCode::SyntaxError, {1, 9, 9}, "b");
  diags.error(DiagCode::SyntaxError, {1, 3, 4}, "a1");
  diags.warning(DiagCode::SyntaxError, {1, 3, 4}, "a2");
  diags.sortByLocation();
  std::vector<std::string> order;
  for (const auto &d : diags.getDiagnostics())
    order.push_back(d.message);
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "a2", "b", "c"}));
  EXPECT_EQ(diags.getNumWarnings(), 1u);
}

TEST(DiagnosticEngine, EscapesControlCharactersInMessages) {
  EXPECT_EQ(escapeForMessage("a\nb\tc\x01"), "a\\nb\\tc\\u{1}");
}

TEST(SourceManager, LineColumnAndLines) {
  SourceManager sm;
  uint32_t f = sm.addFile("x", "one\r\ntwo\nthree");
  EXPECT_EQ(sm.getLineColumn(f, 0).line, 1u);
  EXPECT_EQ(sm.getLineColumn(f, 5).line, 2u);
  EXPECT_EQ(sm.getLineColumn(f, 6).column, 2u);
  EXPECT_EQ(sm.getLine(f, 1), "one");
  EXPECT_EQ(sm.getLine(f, 3), "three");
  EXPECT_EQ(sm.getLineColumn(f, 1000).line, 3u); // clamps to the end
}

TEST(DiagnosticCodes, AreUniqueAndDocumented) {
  bool ok = false;
  std::string docs =
      larch::testlib::readFile(std::string(LARCH_SOURCE_DIR) + "/docs/diagnostics.md", &ok);
  ASSERT_TRUE(ok) << "docs/diagnostics.md is missing";
  std::set<std::string> seen;
#define DIAG_CODE(Name, Code, Summary)                                         \
  EXPECT_TRUE(seen.insert(Code).second) << "duplicate code " << Code;          \
  EXPECT_NE(docs.find(std::string("| `") + Code + "` |"), std::string::npos)   \
      << Code << " is not documented in docs/diagnostics.md";
#include "support/diagnostic_codes.def"
#undef DIAG_CODE
}

TEST(DiagnosticEngine, LongLinesShowAWindowAroundTheCaret) {
  SourceManager sm;
  std::string text = std::string(1000, 'a') + "XYZ" + std::string(1000, 'b');
  uint32_t f = sm.addFile("long.cedar", text);
  DiagnosticEngine diags;
  diags.error(DiagCode::SyntaxError, {f, 1000, 1003}, "m");
  std::string out = formatDiagnostic(diags.getDiagnostics()[0], sm);
  std::string shownLine = "    1 | ..." + std::string(60, 'a') + "XYZ" +
                          std::string(97, 'b') + "...";
  std::string caretLine = "      | " + std::string(63, ' ') + "^~~";
  EXPECT_NE(out.find(shownLine + "\n" + caretLine), std::string::npos) << out;
}
