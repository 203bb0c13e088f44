// Golden diagnostics for the parser: every tests/golden/diags/*.cedar file
// states its expected errors inline, MLIR style, on the line before the
// offending one (or with an explicit offset):
//
//   // expected-error@+1 [LP023] {{multiple relational operators}}
//
// `@+N`/`@-N` is a line offset (none: this line), an optional `:COL` pins the
// column, `[CODE]` pins the diagnostic code, and the text in `{{...}}` must
// occur in the message. The file passes when every expectation matches one
// diagnostic and no diagnostic is left over. Files are read at run time.
#include "grammar/parse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace larch {
namespace {

namespace fs = std::filesystem;

fs::path diagsDir() { return fs::path(LARCH_SOURCE_DIR) / "tests" / "golden" / "diags"; }

std::vector<std::string> goldenFiles() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(diagsDir(), ec))
    if (entry.path().extension() == ".cedar")
      out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

struct Expectation {
  uint32_t line = 0;
  uint32_t column = 0; // 0: any
  std::string code;    // empty: any
  std::string text;
  bool matched = false;
};

std::vector<Expectation> readExpectations(const std::string &text) {
  static const std::regex re(
      R"(expected-error(?:@([+-]\d+))?(?::(\d+))?\s*(?:\[(\w+)\])?\s*\{\{(.*?)\}\})");
  std::vector<Expectation> out;
  std::istringstream in(text);
  std::string line;
  for (uint32_t lineNo = 1; std::getline(in, line); ++lineNo) {
    for (std::sregex_iterator it(line.begin(), line.end(), re), end; it != end; ++it) {
      const std::smatch &m = *it;
      Expectation e;
      e.line = lineNo + (m[1].matched ? std::stoi(m[1].str()) : 0);
      e.column = m[2].matched ? static_cast<uint32_t>(std::stoul(m[2].str())) : 0;
      e.code = m[3].str();
      e.text = m[4].str();
      out.push_back(e);
    }
  }
  return out;
}

class GoldenDiags : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenDiags, MatchesInlineExpectations) {
  fs::path path = diagsDir() / GetParam();
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();

  SourceManager sm;
  uint32_t file = sm.addFile(GetParam(), text);
  ast::Context ctx;
  std::vector<ast::Policy> policies;
  DiagnosticEngine diags;
  parsePolicies(sm, file, ctx, policies, diags);

  std::vector<Expectation> expected = readExpectations(text);
  ASSERT_FALSE(expected.empty()) << GetParam() << " states no expectation";
  std::vector<std::string> problems;
  for (const Diagnostic &d : diags.getDiagnostics()) {
    LineColumn lc = sm.getLineColumn(file, d.range.begin);
    auto it = std::find_if(expected.begin(), expected.end(), [&](const Expectation &e) {
      return !e.matched && e.line == lc.line && (e.column == 0 || e.column == lc.column) &&
             (e.code.empty() || e.code == d.code) &&
             d.message.find(e.text) != std::string::npos;
    });
    if (it != expected.end())
      it->matched = true;
    else
      problems.push_back("unexpected diagnostic at line " + std::to_string(lc.line) + ": " +
                         d.message + " [" + d.code + "]");
  }
  for (const Expectation &e : expected)
    if (!e.matched)
      problems.push_back("expected diagnostic not produced at line " + std::to_string(e.line) +
                         (e.code.empty() ? "" : " [" + e.code + "]") + ": " + e.text);
  if (!problems.empty()) {
    std::string report;
    for (const std::string &p : problems)
      report += "  " + p + "\n";
    ADD_FAILURE() << GetParam() << ":\n"
                  << report << "all diagnostics:\n"
                  << formatDiagnostics(diags.getDiagnostics(), sm);
  }
}

std::string testName(const ::testing::TestParamInfo<std::string> &info) {
  std::string name = fs::path(info.param).stem().string();
  for (char &c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Parser, GoldenDiags, ::testing::ValuesIn(goldenFiles()), testName);

TEST(GoldenDiagsSuite, HasEnoughCases) { EXPECT_GE(goldenFiles().size(), 45u); }

} // namespace
} // namespace larch
