// Test support: inline diagnostic expectations (see golden_diags.h).
#include "testlib/golden_diags.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <sstream>

namespace larch::testlib {

namespace fs = std::filesystem;

std::vector<std::string> listGoldenFiles(const std::string &dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".cedar")
      out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Expectation> readExpectations(const std::string &text) {
  static const std::regex re(
      R"(expected-(error|warning)(?:@([+-]\d+))?(?::(\d+))?\s*(?:\[(\w+)\])?\s*\{\{(.*?)\}\})");
  std::vector<Expectation> out;
  std::istringstream in(text);
  std::string line;
  for (uint32_t lineNo = 1; std::getline(in, line); ++lineNo) {
    for (std::sregex_iterator it(line.begin(), line.end(), re), end; it != end; ++it) {
      const std::smatch &m = *it;
      Expectation e;
      e.severity = m[1].str() == "error" ? Severity::Error : Severity::Warning;
      e.line = lineNo + (m[2].matched ? std::stoi(m[2].str()) : 0);
      e.column = m[3].matched ? static_cast<uint32_t>(std::stoul(m[3].str())) : 0;
      e.code = m[4].str();
      e.text = m[5].str();
      out.push_back(e);
    }
  }
  return out;
}

std::string checkExpectations(std::vector<Expectation> expected,
                              const std::vector<Diagnostic> &diagnostics,
                              const SourceManager &sm, uint32_t file) {
  std::string report;
  for (const Diagnostic &d : diagnostics) {
    LineColumn lc = sm.getLineColumn(file, d.range.begin);
    auto it = std::find_if(expected.begin(), expected.end(), [&](const Expectation &e) {
      return !e.matched && e.severity == d.severity && e.line == lc.line &&
             (e.column == 0 || e.column == lc.column) && (e.code.empty() || e.code == d.code) &&
             d.message.find(e.text) != std::string::npos;
    });
    if (it != expected.end())
      it->matched = true;
    else
      report += "  unexpected diagnostic at line " + std::to_string(lc.line) + ": " +
                d.message + " [" + d.code + "]\n";
  }
  for (const Expectation &e : expected)
    if (!e.matched)
      report += "  expected diagnostic not produced at line " + std::to_string(e.line) +
                (e.code.empty() ? "" : " [" + e.code + "]") + ": " + e.text + "\n";
  return report;
}

std::string goldenTestName(const std::string &fileName) {
  std::string name = fs::path(fileName).stem().string();
  for (char &c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  return name;
}

} // namespace larch::testlib
