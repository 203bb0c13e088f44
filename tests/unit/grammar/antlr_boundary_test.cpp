// Architecture test: grammar/ast_builder.cpp is the only source file that
// includes ANTLR (the generated parser or the runtime), so the grammar
// library can be replaced and no ANTLR type leaks into other phases. Scans
// the source tree named by LARCH_SOURCE_DIR at test time.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace larch {
namespace {

namespace fs = std::filesystem;

/// Source and header files under the tree's own code directories (build
/// trees and hidden directories are skipped).
std::vector<fs::path> sourceFiles(const fs::path &root) {
  std::vector<fs::path> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path &p = it->path();
    std::string name = p.filename().string();
    if (it->is_directory()) {
      if (name.empty() || name[0] == '.' || name.rfind("build", 0) == 0)
        it.disable_recursion_pending();
      continue;
    }
    std::string ext = p.extension().string();
    if (ext == ".cpp" || ext == ".h" || ext == ".cc" || ext == ".hpp" || ext == ".inc" ||
        ext == ".def")
      out.push_back(p);
  }
  return out;
}

/// The first line of `p` that includes an ANTLR header (the runtime's
/// umbrella header or one of its subdirectories, or a header generated from
/// Larch.g4), or an empty string.
std::string firstAntlrInclude(const fs::path &p) {
  static const std::regex antlrInclude(
      R"(^\s*#\s*include\s*[<"](antlr4-runtime[^">]*|antlr4/[^">]*|(atn|dfa|misc|tree|support)/[A-Z][^">]*|Larch(Lexer|Parser|Visitor|BaseVisitor|Listener|BaseListener)\.h)[">])");
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line))
    if (std::regex_search(line, antlrInclude))
      return line;
  return {};
}

TEST(AntlrBoundary, OnlyAstBuilderIncludesAntlr) {
  const fs::path root = LARCH_SOURCE_DIR;
  const fs::path builder = fs::path("grammar") / "ast_builder.cpp";
  // Guards the scan: if the pattern stopped matching, the test would pass
  // vacuously.
  ASSERT_FALSE(firstAntlrInclude(root / builder).empty());
  std::string offenders;
  size_t scanned = 0;
  for (const fs::path &p : sourceFiles(root)) {
    ++scanned;
    fs::path rel = fs::relative(p, root);
    if (rel == builder)
      continue;
    std::string line = firstAntlrInclude(p);
    if (!line.empty())
      offenders += "  " + rel.string() + ": " + line + "\n";
  }
  EXPECT_GT(scanned, 50u) << "the source tree was not found at " << root;
  EXPECT_TRUE(offenders.empty()) << "only grammar/ast_builder.cpp may include ANTLR:\n"
                                 << offenders;
}

} // namespace
} // namespace larch
