// Every policy file of Cedar's conformance corpus parses without a diagnostic
// and round-trips through the printer: equal(parse(print(parse(x))), parse(x)).
#include "compiler/policy_loader.h"
#include "grammar/ast_printer.h"
#include "testlib/corpus.h"

#include <gtest/gtest.h>

#include <iostream>

using namespace larch;

namespace {

struct Outcome {
  bool parsed = false;
  bool roundTrips = false;
  std::string detail;
};

Outcome parseAndRoundTrip(const std::string &path) {
  Outcome o;
  bool readOk = false;
  std::string text = larch::testlib::readFile(path, &readOk);
  if (!readOk) {
    o.detail = "cannot read " + path;
    return o;
  }
  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies first;
  LoadOptions options;
  options.idMode = PolicyIdMode::Positional;
  if (!loadPolicyText(path, text, sm, first, diags, options)) {
    o.detail = formatDiagnostics(diags.getDiagnostics(), sm);
    return o;
  }
  o.parsed = true;
  std::string printed = ast::print(first.set);
  LoadedPolicies second;
  if (!loadPolicyText(path + " (printed)", printed, sm, second, diags, options)) {
    o.detail = "printed text does not parse:\n" + printed + "\n" +
               formatDiagnostics(diags.getDiagnostics(), sm);
    return o;
  }
  if (!ast::equal(first.set, second.set)) {
    o.detail = "printed text parses to a different AST:\n" + printed;
    return o;
  }
  if (ast::print(second.set) != printed) {
    o.detail = "printing is not stable:\n" + printed;
    return o;
  }
  o.roundTrips = true;
  return o;
}

void checkAll(const std::vector<std::string> &files, size_t expectedAtLeast) {
  size_t parsed = 0, roundTripped = 0, shown = 0;
  for (const std::string &f : files) {
    Outcome o = parseAndRoundTrip(f);
    parsed += o.parsed;
    roundTripped += o.roundTrips;
    if (!o.roundTrips && shown++ < 5)
      ADD_FAILURE() << f << ":\n" << o.detail;
  }
  std::cout << "corpus: " << files.size() << " policy files, " << parsed
            << " parsed, " << roundTripped << " round-tripped\n";
  EXPECT_GE(files.size(), expectedAtLeast);
  EXPECT_EQ(parsed, files.size());
  EXPECT_EQ(roundTripped, files.size());
}

} // namespace

TEST(CorpusParse, HandWrittenTests) {
  std::string dir = larch::testlib::sharedCorpusDir();
  if (dir.empty())
    GTEST_SKIP() << "Cedar corpus not found beside the project";
  checkAll(larch::testlib::listFiles(dir + "/tests", ".cedar"), 22);
}

TEST(CorpusParse, GeneratedTests) {
  std::string error;
  std::string dir = larch::testlib::unpackedCorpusDir(&error);
  ASSERT_FALSE(dir.empty()) << error;
  checkAll(larch::testlib::listFiles(dir + "/corpus-tests", ".cedar"), 7809);
}
