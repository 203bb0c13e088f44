// Test support: loads one test of Cedar's generated conformance corpus (the
// test JSON, its Cedar schema, its entities read with that schema, its
// policies with positional ids) and, for the runners that need it, compiles
// its policies to a VM program with a flat entity store. Shared by the corpus
// runners that compare engines.
#ifndef LARCH_TESTS_TESTLIB_CORPUS_TEST_LOADER_H
#define LARCH_TESTS_TESTLIB_CORPUS_TEST_LOADER_H

#include "compiler/ir/ir.h"
#include "compiler/json/json_value.h"
#include "compiler/policy_loader.h"
#include "compiler/schema/schema.h"
#include "runtime/compiled/flat_store.h"
#include "runtime/compiled/program.h"
#include "runtime/entity_store.h"
#include "support/diagnostic_engine.h"
#include "support/source_manager.h"

#include <memory>
#include <optional>
#include <string>

namespace larch::testlib {

/// One loaded corpus test. Filled in place (the schema and policies refer to
/// `sm`), so neither copied nor moved.
struct CorpusTest {
  SourceManager sm;
  DiagnosticEngine diags;
  json::Json test;                             ///< the test file itself
  std::optional<schema::Schema> schema;
  std::optional<runtime::EntityStore> store;
  LoadedPolicies loaded;

  CorpusTest() = default;
  CorpusTest(const CorpusTest &) = delete;
  CorpusTest &operator=(const CorpusTest &) = delete;
};

/// Loads the corpus test file `path`; its schema, entities and policies are
/// named relative to the corpus folder `root`. False with `error` set to
/// "<path>: does not parse", "<path>: schema does not load",
/// "<path>: entities do not load" or "<path>: policies do not load" on the
/// first step that fails.
bool loadCorpusTest(const std::string &root, const std::string &path, CorpusTest &out,
                    std::string &error);

/// A corpus test's policies lowered, compiled, and its entities flattened
/// for the program.
struct CompiledCorpusTest {
  std::optional<ir::Module> module;
  std::unique_ptr<rt::Program> program;
  std::unique_ptr<rt::FlatStore> flat;
};

/// Lowers and compiles `test`'s policies and builds the flat store. False with
/// `error` set to "<path>: does not compile <why>" if any step fails.
bool compileCorpusTest(CorpusTest &test, const std::string &path, CompiledCorpusTest &out,
                       std::string &error);

} // namespace larch::testlib

#endif
