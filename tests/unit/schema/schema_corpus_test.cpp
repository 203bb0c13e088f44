// Tests: every Cedar-syntax schema of the Cedar conformance corpus must parse
// and resolve without errors (the archive is unpacked once by testlib).
#include "compiler/schema/cedar_schema_parser.h"
#include "testlib/corpus.h"

#include <gtest/gtest.h>

using namespace larch;
using namespace larch::schema;

namespace {

void expectLoads(const std::string &file, unsigned &count) {
  bool ok = false;
  std::string text = testlib::readFile(file, &ok);
  ASSERT_TRUE(ok) << file;
  SourceManager sm;
  DiagnosticEngine diags;
  auto schema = loadCedarSchema(sm, file, text, diags);
  EXPECT_TRUE(schema.has_value())
      << file << "\n" << formatDiagnostics(diags.getDiagnostics(), sm);
  EXPECT_FALSE(diags.hasErrors());
  ++count;
}

} // namespace

TEST(SchemaCorpus, SampleDataSchemasLoad) {
  std::string dir = testlib::sharedCorpusDir();
  ASSERT_FALSE(dir.empty()) << "Cedar corpus not found beside the project";
  unsigned count = 0;
  for (const std::string &f : testlib::listFiles(dir + "/sample-data", ".cedarschema"))
    expectLoads(f, count);
  EXPECT_EQ(count, 3u);
}

TEST(SchemaCorpus, CorpusTestSchemasLoad) {
  std::string error;
  std::string root = testlib::unpackedCorpusDir(&error);
  ASSERT_FALSE(root.empty()) << error;
  unsigned count = 0;
  for (const std::string &f : testlib::listFiles(root + "/corpus-tests", ".cedarschema"))
    expectLoads(f, count);
  EXPECT_EQ(count, 7809u);
}
