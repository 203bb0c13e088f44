// Test support: corpus test loading (see corpus_test_loader.h).
#include "testlib/corpus_test_loader.h"

#include "compiler/codegen/compile_program.h"
#include "compiler/ir/lower.h"
#include "compiler/json/entity_json.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "testlib/corpus.h"

namespace larch::testlib {

bool loadCorpusTest(const std::string &root, const std::string &path, CorpusTest &out,
                    std::string &error) {
  auto fail = [&](const char *what) {
    error = path + ": " + what;
    return false;
  };
  bool ok = false;
  std::string text = readFile(path, &ok);
  json::JsonError jerr;
  std::optional<json::Json> test = ok ? json::parseJsonText(text, jerr) : std::nullopt;
  if (!test)
    return fail("does not parse");
  out.test = std::move(*test);
  const json::Json &t = out.test;

  std::string schemaRel = t["schema"].get<std::string>();
  std::string schemaText = readFile(root + "/" + schemaRel, &ok);
  if (ok)
    out.schema = schema::loadCedarSchema(out.sm, schemaRel, schemaText, out.diags);
  if (!out.schema)
    return fail("schema does not load");

  std::string entitiesText = readFile(root + "/" + t["entities"].get<std::string>(), &ok);
  if (ok)
    out.store = json::loadEntityStore(entitiesText, &*out.schema, jerr);
  if (!out.store)
    return fail("entities do not load");

  std::string policyRel = t["policies"].get<std::string>();
  std::string policyText = readFile(root + "/" + policyRel, &ok);
  LoadOptions options;
  options.idMode = PolicyIdMode::Positional;
  if (!ok || !loadPolicyText(policyRel, policyText, out.sm, out.loaded, out.diags, options))
    return fail("policies do not load");
  return true;
}

bool compileCorpusTest(CorpusTest &test, const std::string &path, CompiledCorpusTest &out,
                       std::string &error) {
  out.module = ir::lower(test.loaded.set, test.diags);
  out.program = out.module ? codegen::compileProgram(*out.module, test.diags) : nullptr;
  std::string why;
  out.flat = out.program ? rt::FlatStore::build(out.program->getSymbols(), *test.store, why)
                         : nullptr;
  if (!out.flat) {
    error = path + ": does not compile " + why;
    return false;
  }
  return true;
}

} // namespace larch::testlib
