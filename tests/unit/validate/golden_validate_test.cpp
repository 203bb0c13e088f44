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
#include "testlib/golden_diags.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace larch {
namespace {

namespace fs = std::filesystem;

fs::path goldenDir() { return fs::path(LARCH_SOURCE_DIR) / "tests" / "golden" / "validate"; }

std::vector<std::string> goldenFiles() { return testlib::listGoldenFiles(goldenDir().string()); }

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

  std::vector<testlib::Expectation> expected = testlib::readExpectations(text);
  ASSERT_TRUE(!expected.empty() || text.find("expected-no-diagnostics") != std::string::npos)
      << GetParam() << " states no expectation";
  std::string report = testlib::checkExpectations(expected, diags.getDiagnostics(), sm, file);
  if (!report.empty())
    ADD_FAILURE() << GetParam() << ":\n"
                  << report << "all diagnostics:\n"
                  << formatDiagnostics(diags.getDiagnostics(), sm);
}

std::string testName(const ::testing::TestParamInfo<std::string> &info) {
  return testlib::goldenTestName(info.param);
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
