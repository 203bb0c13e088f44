// Test support: inline diagnostic expectations, MLIR style, for the golden
// tests of the parser (tests/golden/diags) and of validation
// (tests/golden/validate):
//
//   // expected-error@+1 [LP023] {{multiple relational operators}}
//   // expected-warning@+1:7 [LV015] {{can never apply}}
//
// `@+N`/`@-N` is a line offset (none: this line), `:COL` pins the column,
// `[CODE]` pins the code, and the text in `{{...}}` must occur in the message.
#ifndef LARCH_TESTS_TESTLIB_GOLDEN_DIAGS_H
#define LARCH_TESTS_TESTLIB_GOLDEN_DIAGS_H

#include "support/diagnostic_engine.h"
#include "support/source_manager.h"

#include <string>
#include <vector>

namespace larch::testlib {

struct Expectation {
  Severity severity = Severity::Error;
  uint32_t line = 0;
  uint32_t column = 0; // 0: any
  std::string code;    // empty: any
  std::string text;
  bool matched = false;
};

/// The `.cedar` files of `dir`, by name, sorted.
std::vector<std::string> listGoldenFiles(const std::string &dir);

/// Every expectation written in `text`.
std::vector<Expectation> readExpectations(const std::string &text);

/// Matches `diagnostics` of `file` against `expected`: each expectation must
/// match one diagnostic of its severity and none may be left over. Returns the
/// problems, one per line (empty when the file passes).
std::string checkExpectations(std::vector<Expectation> expected,
                              const std::vector<Diagnostic> &diagnostics,
                              const SourceManager &sm, uint32_t file);

/// A GoogleTest parameter name for a golden file name.
std::string goldenTestName(const std::string &fileName);

} // namespace larch::testlib

#endif
