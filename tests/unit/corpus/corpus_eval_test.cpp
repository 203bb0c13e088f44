// Every evaluator against Cedar's conformance corpus: for every request of the
// 22 hand-written and 7,809 generated tests, the reference evaluator, the
// compiled program with its decision index and the compiled program with every
// policy a candidate must each give the decision, the determining policy ids
// and the erroring policy ids that the Rust reference implementation
// produced. Policies get positional ids; entities and context are parsed with
// the test's schema.
//
// Request validation (`validateRequest`) is not applied: the corpus harness
// (cedar-testing integration_testing.rs) aborts the whole test when a
// request fails validation, so every recorded request passes it, and
// validation never changes a decision. Nothing is skipped.
#include "compiler/codegen/compile_program.h"
#include "compiler/ir/lower.h"
#include "compiler/json/entity_json.h"
#include "compiler/json/request_json.h"
#include "compiler/policy_loader.h"
#include "compiler/reference/authorizer.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "runtime/compiled/authorize.h"
#include "runtime/compiled/vm.h"
#include "testlib/corpus.h"
#include "testlib/corpus_request.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>

using namespace larch;

namespace {

struct Counts {
  size_t tests = 0, passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> failures;
  std::vector<std::string> skips;
};

// ORDER Engines: the evaluators compared, and their names in reports.
enum Engines { ReferenceEngine, IndexedEngine, AllCandidatesEngine, NumEngines };
const char *const kEngineNames[NumEngines] = {"reference", "compiled (indexed)",
                                              "compiled (all candidates)"};

/// One evaluator's answer, in the corpus's terms (ids as sets).
struct Answer {
  bool allow = false;
  std::set<std::string> reasons, errors;
  std::string messages; // for failure reports
};

/// Parsed schemas and entity stores, each file read once per run.
struct Caches {
  std::map<std::string, std::unique_ptr<schema::Schema>> schemas;
  std::map<std::string, std::unique_ptr<runtime::EntityStore>> stores;
  std::map<std::string, std::string> errors; // path -> why it failed to load
};

const schema::Schema *getSchema(Caches &c, const std::string &root,
                                const std::string &rel, std::string &why) {
  auto it = c.schemas.find(rel);
  if (it != c.schemas.end())
    return it->second.get();
  if (c.errors.count(rel)) {
    why = c.errors[rel];
    return nullptr;
  }
  bool ok = false;
  std::string text = larch::testlib::readFile(root + "/" + rel, &ok);
  SourceManager sm;
  DiagnosticEngine diags;
  std::optional<schema::Schema> s;
  if (ok)
    s = schema::loadCedarSchema(sm, rel, text, diags);
  if (!s) {
    why = c.errors[rel] = "schema " + rel + " does not load: " +
                          formatDiagnostics(diags.getDiagnostics(), sm);
    return nullptr;
  }
  return (c.schemas[rel] = std::make_unique<schema::Schema>(std::move(*s))).get();
}

const runtime::EntityStore *getStore(Caches &c, const std::string &root,
                                     const std::string &rel,
                                     const schema::Schema *schema,
                                     const std::string &schemaRel, std::string &why) {
  std::string key = rel + "\n" + schemaRel;
  auto it = c.stores.find(key);
  if (it != c.stores.end())
    return it->second.get();
  if (c.errors.count(key)) {
    why = c.errors[key];
    return nullptr;
  }
  bool ok = false;
  std::string text = larch::testlib::readFile(root + "/" + rel, &ok);
  json::JsonError err;
  std::optional<runtime::EntityStore> store;
  if (ok)
    store = json::loadEntityStore(text, schema, err);
  else
    err.message = "cannot read";
  if (!store) {
    why = c.errors[key] = "entities " + rel + " do not load: " + err.str();
    return nullptr;
  }
  return (c.stores[key] = std::make_unique<runtime::EntityStore>(std::move(*store)))
      .get();
}

std::string joinIds(const std::set<std::string> &ids) {
  std::string out = "[";
  for (const std::string &s : ids)
    out += (out.size() > 1 ? ", " : "") + s;
  return out + "]";
}

void runTest(const std::string &root, const std::string &testPath, Caches &caches,
             Counts (&all)[NumEngines]) {
  for (Counts &c : all)
    ++c.tests;
  bool ok = false;
  std::string text = larch::testlib::readFile(testPath, &ok);
  json::JsonError jerr;
  std::optional<json::Json> test = ok ? json::parseJsonText(text, jerr) : std::nullopt;
  auto failAll = [&](const std::string &why) {
    size_t n = test && test->contains("requests") ? (*test)["requests"].size() : 1;
    for (Counts &c : all) {
      c.failed += n;
      c.failures.push_back(testPath + ": " + why);
    }
  };
  if (!test) {
    failAll("cannot parse the test file: " + jerr.str());
    return;
  }
  const json::Json &t = *test;
  std::string why;
  const schema::Schema *schema =
      getSchema(caches, root, t["schema"].get<std::string>(), why);
  if (!schema)
    return failAll(why);
  const runtime::EntityStore *store =
      getStore(caches, root, t["entities"].get<std::string>(), schema,
               t["schema"].get<std::string>(), why);
  if (!store)
    return failAll(why);

  std::string policyRel = t["policies"].get<std::string>();
  std::string policyText = larch::testlib::readFile(root + "/" + policyRel, &ok);
  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies loaded;
  LoadOptions options;
  options.idMode = PolicyIdMode::Positional;
  if (!ok || !loadPolicyText(policyRel, policyText, sm, loaded, diags, options))
    return failAll("policies do not load: " +
                   formatDiagnostics(diags.getDiagnostics(), sm));
  std::vector<reference::PolicyInstance> policies =
      reference::collectStaticPolicies(loaded.set);
  runtime::EntityView view(*store);

  // The compiled program and the store flattened for it.
  std::optional<ir::Module> module = ir::lower(loaded.set, diags);
  std::unique_ptr<rt::Program> program =
      module ? codegen::compileProgram(*module, diags) : nullptr;
  std::unique_ptr<rt::FlatStore> flat =
      program ? rt::FlatStore::build(program->getSymbols(), *store, why) : nullptr;
  if (!flat)
    return failAll("does not compile: " + why +
                   formatDiagnostics(diags.getDiagnostics(), sm));
  rt::PreparedRequest prepared;
  rt::EvalScratch scratch;
  scratch.reserveFor(*program);

  size_t index = 0;
  for (const json::Json &r : t["requests"]) {
    std::string where = testPath + " request " + std::to_string(index++) + " (" +
                        r.value("description", "") + ")";
    std::optional<runtime::Request> parsedRequest =
        testlib::parseCorpusRequest(r, schema, jerr);
    if (!parsedRequest) {
      for (Counts &c : all) {
        ++c.failed;
        c.failures.push_back(where + ": request does not parse: " + jerr.str());
      }
      continue;
    }
    runtime::Request &request = *parsedRequest;
    Answer answers[NumEngines];
    reference::Decision d = reference::authorize(policies, request, view);
    answers[ReferenceEngine].allow = d.allow;
    answers[ReferenceEngine].reasons.insert(d.reasons.begin(), d.reasons.end());
    for (const reference::PolicyError &e : d.errors) {
      answers[ReferenceEngine].errors.insert(e.policyId);
      answers[ReferenceEngine].messages += "\n    " + e.policyId + ": " + e.message;
    }
    bool preparedOk = rt::prepareRequest(*flat, request, nullptr, prepared, why);
    for (Engines e : {IndexedEngine, AllCandidatesEngine}) {
      if (!preparedOk) {
        answers[e].messages = "\n    request does not prepare: " + why;
        continue;
      }
      rt::DecisionView v = rt::decide(*program, prepared, scratch,
                                      e == IndexedEngine ? rt::CandidateMode::Indexed
                                                         : rt::CandidateMode::AllPolicies);
      rt::World world(prepared);
      answers[e].allow = v.allowed;
      for (uint32_t p : v.reasons)
        answers[e].reasons.insert(program->getPolicies()[p].id);
      for (const rt::PolicyErrorRec &err : v.errors) {
        const std::string &id = program->getPolicies()[err.policy].id;
        answers[e].errors.insert(id);
        answers[e].messages += "\n    " + id + ": " + rt::formatEvalError(err.error, *program, world);
      }
    }

    std::set<std::string> wantReasons, wantErrors;
    for (const json::Json &id : r["reason"])
      wantReasons.insert(id.get<std::string>());
    for (const json::Json &id : r["errors"])
      wantErrors.insert(id.get<std::string>());
    bool wantAllow = r["decision"].get<std::string>() == "allow";
    for (int e = 0; e < NumEngines; ++e) {
      const Answer &a = answers[e];
      if (a.allow == wantAllow && a.reasons == wantReasons && a.errors == wantErrors) {
        ++all[e].passed;
        continue;
      }
      ++all[e].failed;
      all[e].failures.push_back(
          where + ": " + kEngineNames[e] + ": expected " + (wantAllow ? "allow" : "deny") +
          " reasons " + joinIds(wantReasons) + " errors " + joinIds(wantErrors) + ", got " +
          (a.allow ? "allow" : "deny") + " reasons " + joinIds(a.reasons) + " errors " +
          joinIds(a.errors) + a.messages);
    }
  }
}

void report(const char *name, const char *engine, const Counts &c) {
  std::cout << "corpus eval (" << name << ", " << engine << "): " << c.tests << " tests, "
            << (c.passed + c.failed + c.skipped) << " requests: " << c.passed
            << " passed, " << c.failed << " failed, " << c.skipped << " skipped\n";
  for (const std::string &s : c.skips)
    std::cout << "  skipped: " << s << "\n";
  size_t shown = 0;
  for (const std::string &f : c.failures) {
    if (shown++ == 20) {
      std::cout << "  ... and " << (c.failures.size() - 20) << " more\n";
      break;
    }
    ADD_FAILURE() << f;
  }
}

void report(const char *name, const Counts (&all)[NumEngines]) {
  for (int e = 0; e < NumEngines; ++e)
    report(name, kEngineNames[e], all[e]);
}

void expectAll(const Counts (&all)[NumEngines], size_t tests, size_t passed) {
  for (int e = 0; e < NumEngines; ++e) {
    SCOPED_TRACE(kEngineNames[e]);
    EXPECT_EQ(all[e].tests, tests);
    EXPECT_EQ(all[e].passed, passed);
    EXPECT_EQ(all[e].failed, 0u);
    EXPECT_EQ(all[e].skipped, 0u);
  }
}

} // namespace

TEST(CorpusEval, HandWrittenTests) {
  std::string root = larch::testlib::sharedCorpusDir();
  if (root.empty())
    GTEST_SKIP() << "Cedar corpus not found beside the project";
  Caches caches;
  Counts counts[NumEngines];
  for (const std::string &f : larch::testlib::listFiles(root + "/tests", ".json"))
    runTest(root, f, caches, counts);
  report("hand-written", counts);
  expectAll(counts, 22, 74);
}

TEST(CorpusEval, GeneratedTests) {
  std::string error;
  std::string root = larch::testlib::unpackedCorpusDir(&error);
  ASSERT_FALSE(root.empty()) << error;
  auto start = std::chrono::steady_clock::now();
  Caches caches;
  Counts counts[NumEngines];
  for (const std::string &f : larch::testlib::listFiles(root + "/corpus-tests", ".json")) {
    // Only the test descriptions, not `<sha1>.entities.json`.
    if (f.size() > 14 && f.compare(f.size() - 14, 14, ".entities.json") == 0)
      continue;
    runTest(root, f, caches, counts);
    // Each generated test has its own schema and entities: drop them.
    caches.schemas.clear();
    caches.stores.clear();
  }
  report("generated", counts);
  std::cout << "corpus eval (generated): "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count()
            << " ms\n";
  expectAll(counts, 7809, 62472);
}
