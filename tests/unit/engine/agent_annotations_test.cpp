// Agent annotations at load time (docs/agents.md, "Obligations and
// outcomes"): misplaced or malformed `@max_credential_ttl`,
// `@credential_scopes`, `@approval_required` and `@log_context` refuse the
// policy set with a diagnostic at the annotation; well-formed ones load.
#include "larch/check.h"
#include "larch/engine.h"

#include <gtest/gtest.h>

#include <string>

using namespace larch;

namespace {

/// `code line:column message` of each diagnostic, one per line.
std::string summarize(const LoadStatus &st) {
  std::string out;
  for (const Diagnostic &d : st.diagnostics)
    out += d.code + " " + std::to_string(d.line) + ":" + std::to_string(d.column) + " " +
           d.message + "\n";
  return out;
}

std::string loadErrors(const std::string &text) {
  Engine engine;
  LoadStatus st = engine.loadPolicyText("p.cedar", text);
  return st.ok ? "ok\n" : summarize(st);
}

} // namespace

TEST(AgentAnnotations, WellFormedOnesLoad) {
  EXPECT_EQ(loadErrors(R"(
@max_credential_ttl("15m") @credential_scopes("repo:read  repo:write") @log_context("risk amount_cents")
permit(principal, action, resource);
@approval_required("release-managers") @log_context("risk")
forbid(principal, action, resource) when { context.risk > 50 };
@max_credential_ttl("1h30m")
permit(principal == ?principal, action, resource);
)"),
            "ok\n");
}

TEST(AgentAnnotations, MisplacedOnesAreReportedAtTheAnnotation) {
  EXPECT_EQ(loadErrors("@max_credential_ttl(\"15m\")\nforbid(principal, action, resource);\n"
                       "permit(principal, action, resource);\n"
                       "  @credential_scopes(\"a\") forbid(principal, action, resource);\n"
                       "@id(\"x\")\n  @approval_required(\"ops\") permit(principal, action, resource);\n"),
            "LA001 1:1 `@max_credential_ttl` on a forbid policy\n"
            "LA001 4:3 `@credential_scopes` on a forbid policy\n"
            "LA001 6:3 `@approval_required` on a permit policy\n");
}

TEST(AgentAnnotations, MalformedValuesAreReported) {
  EXPECT_EQ(loadErrors(R"(@max_credential_ttl("15 minutes") permit(principal, action, resource);
@max_credential_ttl("-5m") permit(principal, action, resource);
@max_credential_ttl("0s") permit(principal, action, resource);
@max_credential_ttl("500ms") permit(principal, action, resource);
@max_credential_ttl permit(principal, action, resource);
@credential_scopes("  ") permit(principal, action, resource);
@approval_required("") forbid(principal, action, resource);
@approval_required forbid(principal, action, resource);
@log_context("risk amount-cents") permit(principal, action, resource);
@log_context("") permit(principal, action, resource);
)"),
            "LA002 1:1 `@max_credential_ttl` value \"15 minutes\" is not a Cedar duration such "
            "as \"15m\" or \"1h30m\"\n"
            "LA002 2:1 `@max_credential_ttl` value \"-5m\" is not a positive duration\n"
            "LA002 3:1 `@max_credential_ttl` value \"0s\" is not a positive duration\n"
            "LA002 4:1 `@max_credential_ttl` value \"500ms\" is shorter than one second\n"
            "LA002 5:1 `@max_credential_ttl` value \"\" is not a Cedar duration such as \"15m\" "
            "or \"1h30m\"\n"
            "LA002 6:1 `@credential_scopes` has no scope\n"
            "LA002 7:1 `@approval_required` does not say who may approve\n"
            "LA002 8:1 `@approval_required` does not say who may approve\n"
            "LA002 9:1 `@log_context` key `amount-cents` is not an identifier\n"
            "LA002 10:1 `@log_context` names no context key\n");
}

TEST(AgentAnnotations, RenderedWithFileLineAndCaret) {
  Engine engine;
  LoadStatus st = engine.loadPolicyText(
      "p.cedar", "permit(principal, action, resource);\n@max_credential_ttl(\"15 minutes\")\n"
                 "permit(principal, action, resource);\n");
  ASSERT_FALSE(st.ok);
  EXPECT_NE(st.rendered.find("p.cedar:2:1: error: `@max_credential_ttl` value \"15 minutes\""),
            std::string::npos)
      << st.rendered;
  EXPECT_NE(st.rendered.find("[LA002]"), std::string::npos) << st.rendered;
}

TEST(AgentAnnotations, ARefusedSetLeavesThePreviousOne) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("a.cedar", "@id(\"a\") permit(principal, action, resource);").ok);
  EXPECT_FALSE(
      engine.loadPolicyText("b.cedar", "@credential_scopes(\"x\") forbid(principal, action, resource);")
          .ok);
  EXPECT_EQ(engine.getPolicyIds(), std::vector<std::string>{"a"});
}

TEST(AgentAnnotations, OtherAnnotationsAreLeftAlone) {
  EXPECT_EQ(loadErrors(R"(@advice("15 minutes") @ttl("x") forbid(principal, action, resource);)"),
            "ok\n");
}

TEST(AgentAnnotations, CheckReportsThemToo) {
  CheckOptions options;
  CheckResult r = checkPolicyText(
      "p.cedar", "permit(principal, action, resource);\n  @approval_required(\"ops\")\n"
                 "permit(principal, action, resource);\n",
      options);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "LA001");
  EXPECT_EQ(r.diagnostics[0].line, 2u);
  EXPECT_EQ(r.diagnostics[0].column, 3u);
}
