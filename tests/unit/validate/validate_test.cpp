// Strict validation: typing rules that decide verdicts (checked against
// Cedar's behaviour), request validation, the public API (check.h, engine.h)
// and the CLI (`larch check --schema`, `larch eval --schema`/`--no-validate`).
#include "compiler/policy_loader.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "compiler/validate/request_validate.h"
#include "compiler/validate/validate.h"
#include "larch/check.h"
#include "larch/engine.h"
#include "testlib/run_cli.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace larch;

namespace {

const char *const SchemaText = R"(
entity Group;
entity User in [Group] { name: String, email?: String, tags: Set<String>,
                         info?: { zip?: String, city: String } } tags Long;
entity Doc { owner: User, level: Long };
entity Admin;
action view appliesTo { principal: [User], resource: [Doc], context: { mfa?: Bool } };
action admin appliesTo { principal: [Admin], resource: [Doc] };
)";

schema::Schema loadSchema() {
  SourceManager sm;
  DiagnosticEngine diags;
  auto s = schema::loadCedarSchema(sm, "schema.cedarschema", SchemaText, diags);
  EXPECT_TRUE(s) << formatDiagnostics(diags.getDiagnostics(), sm);
  return std::move(*s);
}

/// The codes of the errors validating `policy` gives, space-separated.
std::string errorsOf(const std::string &policy) {
  static const schema::Schema schema = loadSchema();
  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies loaded;
  EXPECT_TRUE(loadPolicyText("p.cedar", policy, sm, loaded, diags))
      << formatDiagnostics(diags.getDiagnostics(), sm);
  validate::validatePolicies(schema, loaded.set, diags);
  std::string out;
  for (const Diagnostic &d : diags.getDiagnostics())
    if (d.severity == Severity::Error)
      out += (out.empty() ? "" : " ") + d.code;
  return out;
}

const std::string View = "permit(principal, action == Action::\"view\", resource) when { ";

} // namespace

TEST(Validate, GuardsFlowThroughAndOrIf) {
  EXPECT_EQ(errorsOf(View + "principal has email && principal.email == \"a\" };"), "");
  EXPECT_EQ(errorsOf(View + "principal.email == \"a\" };"), "LV008");
  EXPECT_EQ(errorsOf(View + "if principal has email then principal.email == \"a\" else true };"), "");
  EXPECT_EQ(errorsOf(View + "if principal has email then true else principal.email == \"a\" };"),
            "LV008");
  // Both sides of `||` prove it, so it holds after.
  EXPECT_EQ(errorsOf(View + "(principal has email || principal has email) && principal.email == \"\" };"), "");
  EXPECT_EQ(errorsOf(View + "(principal has email || true) && principal.email == \"\" };"), "LV008");
  // `e.a` and `e["a"]` are the same expression.
  EXPECT_EQ(errorsOf(View + "principal has email && principal[\"email\"] == \"a\" };"), "");
  // A `has` path guards every step.
  EXPECT_EQ(errorsOf(View + "principal has info.zip && principal.info.zip == \"1\" };"), "");
  EXPECT_EQ(errorsOf(View + "principal has info && principal.info.zip == \"1\" };"), "LV008");
  EXPECT_EQ(errorsOf(View + "context has mfa && context.mfa };"), "");
}

TEST(Validate, CodeThatCannotRunIsNotTyped) {
  // `false && e` is false without typing `e`, as in Cedar.
  EXPECT_EQ(errorsOf(View + "false && principal.nope };"), "");
  EXPECT_EQ(errorsOf(View + "true || principal.nope };"), "");
  EXPECT_EQ(errorsOf(View + "if false then principal.nope else true };"), "");
  // `principal is Admin` is false for a view request, so the rest is skipped.
  EXPECT_EQ(errorsOf(View + "principal is Admin && principal.nope };"), "");
  // No value of `User` has `nope`, so the test is false.
  EXPECT_EQ(errorsOf(View + "principal has nope && principal.nope };"), "");
  EXPECT_EQ(errorsOf(View + "principal.nope };"), "LV007");
}

TEST(Validate, TagsNeedHasTag) {
  EXPECT_EQ(errorsOf(View + "principal.hasTag(\"k\") && principal.getTag(\"k\") > 1 };"), "");
  EXPECT_EQ(errorsOf(View + "principal.getTag(\"k\") > 1 };"), "LV009");
  EXPECT_EQ(errorsOf(View + "principal.hasTag(\"k\") && principal.getTag(\"j\") > 1 };"), "LV009");
}

TEST(Validate, StrictTypes) {
  EXPECT_EQ(errorsOf(View + "principal == resource.owner };"), "");
  // Different entity types are never equal: false, not an error.
  EXPECT_EQ(errorsOf(View + "resource.level > 0 && principal != resource };"), "");
  EXPECT_EQ(errorsOf(View + "resource.level == \"1\" };"), "LV006");
  EXPECT_EQ(errorsOf(View + "[principal, resource].contains(principal) };"), "LV006");
  EXPECT_EQ(errorsOf(View + "principal.tags.contains(1) };"), "LV006");
  EXPECT_EQ(errorsOf(View + "principal.tags.containsAll([\"a\"]) };"), "");
  EXPECT_EQ(errorsOf(View + "principal.tags == [] };"), "LV011");
  EXPECT_EQ(errorsOf(View + "resource.level + 1 > \"2\" };"), "LV005");
  EXPECT_EQ(errorsOf(View + "principal in resource };"), "");
  EXPECT_EQ(errorsOf(View + "principal in [Group::\"a\", Group::\"b\"] };"), "");
  EXPECT_EQ(errorsOf(View + "principal.name like \"a*\" && principal.name.isEmpty() };"), "LV005");
  EXPECT_EQ(errorsOf(View + "decimal(\"1.0\").lessThan(decimal(\"2.0\")) };"), "");
  EXPECT_EQ(errorsOf(View + "ip(\"nope\").isIpv4() };"), "LV013");
  EXPECT_EQ(errorsOf(View + "{a: 1} == {a: 2} };"), "");
  EXPECT_EQ(errorsOf(View + "{a: 1} == {b: 1} };"), "LV006");
}

TEST(Validate, ScopesAndNames) {
  EXPECT_EQ(errorsOf("permit(principal, action, resource);"), "");
  EXPECT_EQ(errorsOf("permit(principal is Admin, action == Action::\"view\", resource);"), "LV004");
  EXPECT_EQ(errorsOf("permit(principal in Group::\"g\", action == Action::\"view\", resource);"), "");
  EXPECT_EQ(errorsOf("permit(principal == Nope::\"a\", action, resource);"), "LV001 LV004");
  EXPECT_EQ(errorsOf("permit(principal, action in [Action::\"vew\"], resource);"), "LV002 LV004");
  // `action in []` has an empty set, which strict validation rejects.
  EXPECT_EQ(errorsOf("permit(principal, action in [], resource);"), "LV004 LV011");
}

TEST(Validate, TemplatesTypeTheirSlots) {
  EXPECT_EQ(errorsOf("permit(principal == ?principal, action == Action::\"view\", resource) "
                     "when { principal.name == \"a\" };"),
            "");
  EXPECT_EQ(errorsOf("permit(principal in ?principal, action == Action::\"view\", resource) "
                     "when { principal.nope };"),
            "LV007");
}

TEST(ValidateRequest, ChecksActionTypesAndContext) {
  schema::Schema s = loadSchema();
  runtime::Request r;
  r.principal = {"User", "alice"};
  r.action = {"Action", "view"};
  r.resource = {"Doc", "d"};
  EXPECT_EQ(validate::validateRequest(s, r), "");
  r.context = runtime::Value::recordFromEntries({{"mfa", runtime::Value::boolean(true)}});
  EXPECT_EQ(validate::validateRequest(s, r), "");
  r.context = runtime::Value::recordFromEntries({{"mfa", runtime::Value::integer(1)}});
  EXPECT_NE(validate::validateRequest(s, r).find("context does not match"), std::string::npos);
  r.context = runtime::Value::recordFromEntries({{"other", runtime::Value::integer(1)}});
  EXPECT_NE(validate::validateRequest(s, r).find("`other` is not declared"), std::string::npos);
  r.context = runtime::Value::recordFromEntries({});
  r.principal = {"Admin", "a"};
  EXPECT_NE(validate::validateRequest(s, r).find("principal type `Admin` is not valid"),
            std::string::npos);
  r.action = {"Action", "nope"};
  EXPECT_NE(validate::validateRequest(s, r).find("is not declared"), std::string::npos);
}

TEST(ValidateApi, CheckReturnsValidationDiagnostics) {
  std::string path = ::testing::TempDir() + "validate_api_schema.cedarschema";
  {
    std::ofstream out(path);
    out << SchemaText;
  }
  CheckOptions options;
  options.schemaPath = path;
  CheckResult r = checkPolicyText("p.cedar", View + "principal.nme == \"a\" };", options);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.validated);
  ASSERT_EQ(r.diagnostics.size(), 1u) << r.rendered;
  EXPECT_EQ(r.diagnostics[0].code, "LV007");
  EXPECT_EQ(r.diagnostics[0].file, "p.cedar");
  EXPECT_EQ(r.diagnostics[0].line, 1u);
  EXPECT_EQ(r.diagnostics[0].help, "did you mean `name`?");
  r = checkPolicyText("p.cedar", View + "principal.name == \"a\" };", options);
  EXPECT_TRUE(r.ok) << r.rendered;
  std::remove(path.c_str());
}

TEST(ValidateApi, EngineValidatesLoadedPolicies) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", View + "principal.email == \"a\" };").ok);
  LoadStatus st = engine.validatePolicies();
  EXPECT_FALSE(st.ok);
  ASSERT_EQ(st.diagnostics.size(), 1u);
  EXPECT_EQ(st.diagnostics[0].code, "LV016"); // no schema yet
  ASSERT_TRUE(engine.loadSchemaText("s", SchemaText, SchemaFormat::Cedar).ok);
  st = engine.validatePolicies();
  EXPECT_FALSE(st.ok);
  ASSERT_EQ(st.diagnostics.size(), 1u) << st.rendered;
  EXPECT_EQ(st.diagnostics[0].code, "LV008");
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", View + "principal.name == \"a\" };").ok);
  EXPECT_TRUE(engine.validatePolicies().ok);
}

TEST(ValidateCli, CheckAndEvalWithSchema) {
  std::string dir = ::testing::TempDir();
  std::string schemaPath = dir + "validate_cli.cedarschema";
  std::string policyPath = dir + "validate_cli.cedar";
  {
    std::ofstream s(schemaPath);
    s << SchemaText;
    std::ofstream p(policyPath);
    p << View << "principal.email == \"a\" };\n";
  }
  testlib::CliRun r = testlib::runLarch("check --schema " + schemaPath + " " + policyPath);
  EXPECT_EQ(r.exitCode, 1) << r.out;
  EXPECT_NE(r.out.find("[LV008]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("against the schema: 1 error"), std::string::npos) << r.out;

  r = testlib::runLarch("eval --policies " + policyPath + " --schema " + schemaPath, "");
  EXPECT_EQ(r.exitCode, 2) << r.out;
  EXPECT_NE(r.out.find("fail validation against the schema"), std::string::npos) << r.out;

  r = testlib::runLarch("eval --no-validate --policies " + policyPath + " --schema " + schemaPath,
                        "");
  EXPECT_EQ(r.exitCode, 0) << r.out;
  EXPECT_NE(r.out.find("--no-validate: the policies and requests are not validated"), std::string::npos)
      << r.out;
  std::remove(schemaPath.c_str());
  std::remove(policyPath.c_str());
}

TEST(ValidateApi, EngineValidatesTemplateLinks) {
  Engine engine;
  ASSERT_TRUE(engine.loadSchemaText("s", SchemaText, SchemaFormat::Cedar).ok);
  ASSERT_TRUE(engine
                  .loadPolicyText("p.cedar", "@id(\"t\") permit(principal == ?principal, "
                                             "action == Action::\"view\", resource);")
                  .ok);
  ASSERT_TRUE(engine.linkTemplate("t", "ok", EntityRef{"User", "alice"}, std::nullopt).ok);
  EXPECT_TRUE(engine.validatePolicies().ok);
  ASSERT_TRUE(engine.linkTemplate("t", "bad", EntityRef{"Admin", "a"}, std::nullopt).ok);
  LoadStatus st = engine.validatePolicies();
  EXPECT_FALSE(st.ok);
  ASSERT_EQ(st.diagnostics.size(), 1u) << st.rendered;
  EXPECT_EQ(st.diagnostics[0].code, "LV004");
  EXPECT_NE(st.diagnostics[0].message.find("in link `bad`"), std::string::npos);
}

TEST(Validate, NamespacesAndCommonTypes) {
  SourceManager sm;
  DiagnosticEngine diags;
  auto schema = schema::loadCedarSchema(sm, "ns.cedarschema", R"(
namespace App {
  type Contact = { email?: String, phone: String };
  entity User { contact: Contact };
  entity Doc;
  action read appliesTo { principal: [User], resource: [Doc] };
}
)", diags);
  ASSERT_TRUE(schema) << formatDiagnostics(diags.getDiagnostics(), sm);
  auto codes = [&](const std::string &text) {
    SourceManager psm;
    DiagnosticEngine pd;
    LoadedPolicies loaded;
    EXPECT_TRUE(loadPolicyText("p.cedar", text, psm, loaded, pd));
    validate::validatePolicies(*schema, loaded.set, pd);
    std::string out;
    for (const Diagnostic &d : pd.getDiagnostics())
      if (d.severity == Severity::Error)
        out += (out.empty() ? "" : " ") + d.code;
    return out;
  };
  const std::string read = "permit(principal is App::User, action == App::Action::\"read\", resource) ";
  EXPECT_EQ(codes(read + "when { principal.contact.phone == \"1\" };"), "");
  EXPECT_EQ(codes(read + "when { principal.contact.email == \"a\" };"), "LV008");
  EXPECT_EQ(codes(read + "when { principal.contact has email && principal.contact.email == \"a\" };"), "");
  // Unqualified names do not reach into the namespace.
  EXPECT_EQ(codes("permit(principal is User, action, resource);"), "LV001 LV004");
  EXPECT_EQ(codes("permit(principal, action == Action::\"read\", resource);"), "LV002 LV004");
}
