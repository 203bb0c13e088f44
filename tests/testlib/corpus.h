// Test support: locates Cedar's conformance corpus (read-only, beside the
// project) and unpacks its generated tests into the build tree once, safely
// when several test processes ask at the same time.
#ifndef LARCH_TESTS_TESTLIB_CORPUS_H
#define LARCH_TESTS_TESTLIB_CORPUS_H

#include <string>
#include <vector>

namespace larch::testlib {

/// The shared corpus folder (LARCH_CEDAR_CORPUS overrides it), or "" if absent.
std::string sharedCorpusDir();

/// A folder that looks like the corpus root with `corpus-tests/` unpacked:
/// `tests/`, `sample-data/` and `corpus-tests/` side by side, so the relative
/// paths inside test files resolve. "" (and `error` set) if it cannot be made.
std::string unpackedCorpusDir(std::string *error = nullptr);

/// Every file under `dir` (recursively) whose name ends with `suffix`, sorted.
std::vector<std::string> listFiles(const std::string &dir,
                                   const std::string &suffix);

/// The whole content of a file ("" if unreadable; `ok` tells which).
std::string readFile(const std::string &path, bool *ok = nullptr);

} // namespace larch::testlib

#endif
