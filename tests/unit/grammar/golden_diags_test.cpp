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
#include "testlib/golden_diags.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace larch {
namespace {

namespace fs = std::filesystem;

fs::path diagsDir() { return fs::path(LARCH_SOURCE_DIR) / "tests" / "golden" / "diags"; }

std::vector<std::string> goldenFiles() { return testlib::listGoldenFiles(diagsDir().string()); }

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

  std::vector<testlib::Expectation> expected = testlib::readExpectations(text);
  ASSERT_FALSE(expected.empty()) << GetParam() << " states no expectation";
  std::string report = testlib::checkExpectations(expected, diags.getDiagnostics(), sm, file);
  if (!report.empty())
    ADD_FAILURE() << GetParam() << ":\n"
                  << report << "all diagnostics:\n"
                  << formatDiagnostics(diags.getDiagnostics(), sm);
}

std::string testName(const ::testing::TestParamInfo<std::string> &info) {
  return testlib::goldenTestName(info.param);
}

INSTANTIATE_TEST_SUITE_P(Parser, GoldenDiags, ::testing::ValuesIn(goldenFiles()), testName);

TEST(GoldenDiagsSuite, HasEnoughCases) { EXPECT_GE(goldenFiles().size(), 45u); }

} // namespace
} // namespace larch
