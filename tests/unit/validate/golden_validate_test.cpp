// Golden diagnostics for strict validation: every tests/golden/validate/*.cedar
// file is validated against tests/golden/validate/schema.cedarschema and
// states its expected diagnostics inline, on the line before the offending
// one (or with an explicit offset):
//
//   // expected-error@+1 [LV007] {{attribute `nam` not found on entity type `User`}}
//   // expected-warning@+1 [LV015] {{can never apply}}
//   // expected-no-diagnostics
//
// `@+N`/`@-N` is a line offset (none: this line), `[CODE]` pins the code and
// the text in `{{...}}` must occur in the message. A file passes when every
// expectation matches one diagnostic of its severity and none is left over.
#include "compiler/policy_loader.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "compiler/validate/validate.h"
#include "testlib/corpus.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

namespace larch {
namespace {

namespace fs = std::filesystem;

fs::path goldenDir() { return fs::path(LARCH_SOURCE_DIR) / "tests" / "golden" / "validate"; }

std::vector<std::string> goldenFiles() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(goldenDir(), ec))
    if (entry.path().extension() == ".cedar")
      out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

struct Expectation {
  Severity severity = Severity::Error;
  uint32_t line = 0;
  std::string code;
  std::string text;
  bool matched = false;
};

std::vector<Expectation> readExpectations(const std::string &text) {
  static const std::regex re(
      R"(expected-(error|warning)(?:@([+-]\d+))?\s*(?:\[(\w+)\])?\s*\{\{(.*?)\}\})");
  std::vector<Expectation> out;
  std::istringstream in(text);
  std::string line;
  for (uint32_t lineNo = 1; std::getline(in, line); ++lineNo) {
    for (std::sregex_iterator it(line.begin(), line.end(), re), end; it != end; ++it) {
      const std::smatch &m = *it;
      Expectation e;
      e.severity = m[1].str() == "error" ? Severity::Error : Severity::Warning;
      e.line = lineNo + (m[2].matched ? std::stoi(m[2].str()) : 0);
      e.code = m[3].str();
      e.text = m[4].str();
      out.push_back(e);
    }
  }
  return out;
}

class GoldenValidate : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenValidate, MatchesInlineExpectations) {
  bool ok = false;
  std::string schemaText = testlib::readFile((goldenDir() / "schema.cedarschema").string(), &ok);
  ASSERT_TRUE(ok) << "cannot read the golden schema";
  std::string text = testlib::readFile((goldenDir() / GetParam()).string(), &ok);
  ASSERT_TRUE(ok) << "cannot read " << GetParam();

  SourceManager sm;
  DiagnosticEngine diags;
  auto schema = schema::loadCedarSchema(sm, "schema.cedarschema", schemaText, diags);
  ASSERT_TRUE(schema) << formatDiagnostics(diags.getDiagnostics(), sm);
  LoadedPolicies loaded;
  ASSERT_TRUE(loadPolicyText(GetParam(), text, sm, loaded, diags))
      << formatDiagnostics(diags.getDiagnostics(), sm);
  validate::validatePolicies(*schema, loaded.set, diags);
  uint32_t file = loaded.set.policies.empty() ? 0 : loaded.set.policies[0].range.file;

  std::vector<Expectation> expected = readExpectations(text);
  ASSERT_TRUE(!expected.empty() || text.find("expected-no-diagnostics") != std::string::npos)
      << GetParam() << " states no expectation";
  std::vector<std::string> problems;
  for (const Diagnostic &d : diags.getDiagnostics()) {
    LineColumn lc = sm.getLineColumn(file, d.range.begin);
    auto it = std::find_if(expected.begin(), expected.end(), [&](const Expectation &e) {
      return !e.matched && e.severity == d.severity && e.line == lc.line &&
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

INSTANTIATE_TEST_SUITE_P(Validator, GoldenValidate, ::testing::ValuesIn(goldenFiles()),
                         testName);

// Every validation error code has a golden case (LV010, a tag read on a type
// without tags, cannot be reached by a policy: there `hasTag` is known false,
// so nothing it guards is typed; LV014 needs a function the parser rejects).
TEST(GoldenValidateSuite, CoversEveryErrorCode) {
  std::string all;
  for (const std::string &f : goldenFiles())
    all += testlib::readFile((goldenDir() / f).string());
  for (const char *code : {"LV001", "LV002", "LV003", "LV004", "LV005", "LV006", "LV007",
                           "LV008", "LV009", "LV011", "LV012", "LV013", "LV015"})
    EXPECT_NE(all.find(std::string("[") + code + "]"), std::string::npos) << code;
}

} // namespace
} // namespace larch
