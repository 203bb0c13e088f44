// Strict validation against Cedar's conformance corpus: for each of the 22
// hand-written and 7,809 generated tests, the validator's verdict (no errors
// or some) must equal the test's `shouldValidate`, which the Rust reference
// implementation's strict validator produced. Counts are printed; every
// disagreement is listed with the diagnostics Larch gave. Every request marked
// `validateRequest` must also pass request validation (the Rust harness
// validated each one and they all passed).
#include "compiler/json/json_value.h"
#include "compiler/policy_loader.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "compiler/validate/request_validate.h"
#include "compiler/validate/validate.h"
#include "testlib/corpus.h"
#include "testlib/corpus_request.h"

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <memory>

using namespace larch;

namespace {

struct Tally {
  size_t tests = 0, agree = 0, expectedValid = 0, expectedInvalid = 0;
  size_t falseRejects = 0, falseAccepts = 0, unloadable = 0;
  size_t requests = 0, requestsAccepted = 0;
  std::vector<std::string> failures;
};

void runTest(const std::string &root, const std::string &path,
             std::map<std::string, std::unique_ptr<schema::Schema>> &schemas, Tally &tally) {
  ++tally.tests;
  bool ok = false;
  std::string text = testlib::readFile(path, &ok);
  json::JsonError jerr;
  std::optional<json::Json> test = ok ? json::parseJsonText(text, jerr) : std::nullopt;
  if (!test) {
    ++tally.unloadable;
    tally.failures.push_back(path + ": test file does not parse");
    return;
  }
  bool expected = (*test)["shouldValidate"].get<bool>();
  ++(expected ? tally.expectedValid : tally.expectedInvalid);

  std::string schemaRel = (*test)["schema"].get<std::string>();
  auto &slot = schemas[schemaRel];
  if (!slot) {
    SourceManager sm;
    DiagnosticEngine diags;
    std::string schemaText = testlib::readFile(root + "/" + schemaRel, &ok);
    auto s = ok ? schema::loadCedarSchema(sm, schemaRel, schemaText, diags) : std::nullopt;
    if (!s) {
      ++tally.unloadable;
      tally.failures.push_back(path + ": schema does not load");
      return;
    }
    slot = std::make_unique<schema::Schema>(std::move(*s));
  }

  std::string policyRel = (*test)["policies"].get<std::string>();
  std::string policyText = testlib::readFile(root + "/" + policyRel, &ok);
  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies loaded;
  LoadOptions options;
  options.idMode = PolicyIdMode::Positional;
  if (!ok || !loadPolicyText(policyRel, policyText, sm, loaded, diags, options)) {
    ++tally.unloadable;
    tally.failures.push_back(path + ": policies do not load");
    return;
  }
  for (const json::Json &r : (*test)["requests"]) {
    if (!r.value("validateRequest", false))
      continue;
    ++tally.requests;
    std::optional<runtime::Request> request = testlib::parseCorpusRequest(r, slot.get(), jerr);
    std::string why = request ? validate::validateRequest(*slot, *request)
                              : "does not parse: " + jerr.str();
    if (why.empty())
      ++tally.requestsAccepted;
    else
      tally.failures.push_back(path + ": request " + r.value("description", "") +
                               " rejected: " + why);
  }
  bool valid = validate::validatePolicies(*slot, loaded.set, diags);
  if (valid == expected) {
    ++tally.agree;
    return;
  }
  ++(valid ? tally.falseAccepts : tally.falseRejects);
  diags.sortByLocation();
  tally.failures.push_back(path + ": shouldValidate " + (expected ? "true" : "false") +
                           ", Larch says " + (valid ? "valid" : "invalid") + "\n" +
                           formatDiagnostics(diags.getDiagnostics(), sm));
}

void report(const char *what, const Tally &t) {
  std::cout << "[ validate ] " << what << ": " << t.agree << " of " << t.tests
            << " agree with shouldValidate (" << t.expectedValid << " valid, "
            << t.expectedInvalid << " invalid expected; " << t.falseRejects
            << " wrongly rejected, " << t.falseAccepts << " wrongly accepted, "
            << t.unloadable << " not loadable); " << t.requestsAccepted << " of "
            << t.requests << " requests pass request validation\n";
  size_t shown = 0;
  for (const std::string &f : t.failures) {
    if (++shown > 30)
      break;
    ADD_FAILURE() << f;
  }
}

} // namespace

TEST(ValidateCorpus, HandWrittenTestsAgreeWithShouldValidate) {
  std::string root = testlib::sharedCorpusDir();
  ASSERT_FALSE(root.empty()) << "Cedar corpus not found beside the project";
  std::map<std::string, std::unique_ptr<schema::Schema>> schemas;
  Tally tally;
  for (const std::string &f : testlib::listFiles(root + "/tests", ".json"))
    runTest(root, f, schemas, tally);
  report("hand-written", tally);
  EXPECT_EQ(tally.tests, 22u);
  EXPECT_EQ(tally.agree, tally.tests);
  EXPECT_EQ(tally.requestsAccepted, tally.requests);
}

TEST(ValidateCorpus, GeneratedTestsAgreeWithShouldValidate) {
  std::string error;
  std::string root = testlib::unpackedCorpusDir(&error);
  ASSERT_FALSE(root.empty()) << error;
  std::map<std::string, std::unique_ptr<schema::Schema>> schemas;
  Tally tally;
  for (const std::string &f : testlib::listFiles(root + "/corpus-tests", ".json")) {
    if (f.size() >= 14 && f.compare(f.size() - 14, 14, ".entities.json") == 0)
      continue;
    runTest(root, f, schemas, tally);
  }
  report("generated", tally);
  EXPECT_EQ(tally.tests, 7809u);
  EXPECT_EQ(tally.agree, tally.tests);
  EXPECT_EQ(tally.requestsAccepted, tally.requests);
}
