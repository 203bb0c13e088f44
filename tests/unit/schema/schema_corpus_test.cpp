// Tests: every Cedar-syntax schema of the Cedar conformance corpus must parse
// and resolve without errors. The corpus archive is unpacked once into the
// build tree (a unique temporary folder renamed into place, so concurrent
// test processes do not race).
#include "compiler/schema/cedar_schema_parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace larch;
using namespace larch::schema;

namespace {

std::string readFile(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Where the corpus archive is unpacked; empty if unpacking failed.
fs::path unpackedCorpus() {
  fs::path dest = fs::path(LARCH_BINARY_DIR) / "cedar-corpus-unpacked";
  if (fs::exists(dest / "corpus-tests"))
    return dest;
  fs::path archive =
      fs::path(LARCH_SHARED_DIR) / "cedar-corpus" / "corpus-tests.tar.gz";
  if (!fs::exists(archive))
    return {};
  fs::path tmp = fs::path(LARCH_BINARY_DIR) /
                 ("cedar-corpus-unpacking-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  std::string cmd = "tar xzf '" + archive.string() + "' -C '" + tmp.string() + "'";
  if (std::system(cmd.c_str()) != 0) {
    fs::remove_all(tmp);
    return {};
  }
  std::error_code ec;
  fs::rename(tmp, dest, ec); // loses the race harmlessly if another won
  if (ec)
    fs::remove_all(tmp);
  return fs::exists(dest / "corpus-tests") ? dest : fs::path();
}

void expectLoads(const fs::path &file, unsigned &count) {
  SourceManager sm;
  DiagnosticEngine diags;
  auto schema = loadCedarSchema(sm, file.filename().string(), readFile(file), diags);
  EXPECT_TRUE(schema.has_value())
      << file << "\n" << formatDiagnostics(diags.getDiagnostics(), sm);
  EXPECT_FALSE(diags.hasErrors());
  ++count;
}

} // namespace

TEST(SchemaCorpus, SampleDataSchemasLoad) {
  fs::path dir = fs::path(LARCH_SHARED_DIR) / "cedar-corpus" / "sample-data";
  ASSERT_TRUE(fs::exists(dir)) << dir;
  unsigned count = 0;
  for (const auto &sub : fs::directory_iterator(dir))
    if (sub.is_directory())
      for (const auto &f : fs::directory_iterator(sub.path()))
        if (f.path().extension() == ".cedarschema")
          expectLoads(f.path(), count);
  EXPECT_EQ(count, 3u);
}

TEST(SchemaCorpus, CorpusTestSchemasLoad) {
  fs::path root = unpackedCorpus();
  ASSERT_FALSE(root.empty()) << "could not unpack the corpus archive";
  unsigned count = 0;
  for (const auto &f : fs::directory_iterator(root / "corpus-tests"))
    if (f.path().extension() == ".cedarschema")
      expectLoads(f.path(), count);
  EXPECT_EQ(count, 7809u);
}
