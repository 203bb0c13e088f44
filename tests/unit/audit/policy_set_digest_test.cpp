// The policy-set digest, logged context keys and policy names that decision
// records carry (Engine::getPolicySetDigest, getLoggedContextKeys,
// getPolicyNames; compiler/policy_set_audit.h, docs/audit.md).
#include "compiler/audit/digest.h"
#include "larch/engine.h"

#include <gtest/gtest.h>

namespace {

using larch::Engine;

std::string digestOf(const std::string &text, const larch::PolicyOptions &options = {}) {
  Engine engine;
  larch::LoadStatus st = engine.loadPolicyText("p.cedar", text, options);
  EXPECT_TRUE(st.ok) << st.rendered;
  return engine.getPolicySetDigest();
}

const char *Two = R"(@id("a")
@log_context("risk ticket")
permit(principal, action, resource) when { context.risk < 5 };
@log_context("amount risk")
forbid(principal, action, resource) when { context.amount > 10 };
)";

TEST(PolicySetDigest, IsTheDocumentedHash) {
  std::string policy = "permit(principal, action, resource);";
  std::string expected = larch::audit::sha256Digest(
      "larch-policy-set-v1\npolicy policy0 " + std::to_string(policy.size()) + "\n" +
      policy + "\n");
  EXPECT_EQ(digestOf("  " + policy + "\n"), expected);
}

TEST(PolicySetDigest, FollowsTextIdsAndOrderNotLayoutBetweenPolicies) {
  std::string base = digestOf(Two);
  EXPECT_TRUE(larch::audit::isDigest(base));
  EXPECT_EQ(digestOf(Two), base);
  std::string spaced = std::string("// a comment\n\n") + Two + "\n\n// the end\n";
  EXPECT_EQ(digestOf(spaced), base) << "whitespace and comments between policies";
  std::string edited = Two;
  edited.replace(edited.find("< 5"), 3, "< 6");
  EXPECT_NE(digestOf(edited), base) << "a policy's text";
  larch::PolicyOptions positional;
  positional.positionalIds = true;
  EXPECT_NE(digestOf(Two, positional), base) << "the ids";
  std::string swapped = std::string(Two).substr(std::string(Two).find("@log_context(\"amount")) +
                        std::string(Two).substr(0, std::string(Two).find("@log_context(\"amount"));
  EXPECT_NE(digestOf(swapped), base) << "the order";
}

TEST(PolicySetDigest, TemplateLinksChangeItAndHaveNoName) {
  // A template and a static policy.
  const char *policies = R"(@id("t")
permit(principal == ?principal, action, resource);
@id("s")
permit(principal, action, resource) when { false };
)";
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", policies).ok);
  std::string before = engine.getPolicySetDigest();
  ASSERT_TRUE(engine.linkTemplate("t", "link1", larch::EntityRef{"User", "alice"}, std::nullopt)
                  .ok);
  std::string linked = engine.getPolicySetDigest();
  EXPECT_NE(linked, before);
  std::vector<std::string> ids = engine.getPolicyIds();
  std::vector<std::string> names = engine.getPolicyNames();
  ASSERT_EQ(ids.size(), names.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == "s") {
      EXPECT_EQ(names[i], "s");
    }
    if (ids[i] == "link1") {
      EXPECT_EQ(names[i], "") << "a link has no @id of its own";
    }
  }
  // Binding the slot to another entity gives another digest.
  Engine other;
  ASSERT_TRUE(other.loadPolicyText("p.cedar", policies).ok);
  ASSERT_TRUE(other.linkTemplate("t", "link1", larch::EntityRef{"User", "bob"}, std::nullopt).ok);
  EXPECT_NE(other.getPolicySetDigest(), linked);
}

TEST(PolicySetDigest, LoggedContextKeysAndNames) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Two).ok);
  EXPECT_EQ(engine.getLoggedContextKeys(),
            (std::vector<std::string>{"amount", "risk", "ticket"}));
  EXPECT_EQ(engine.getPolicyIds(), (std::vector<std::string>{"a", "policy1"}));
  EXPECT_EQ(engine.getPolicyNames(), (std::vector<std::string>{"a", ""}));
  larch::PolicyOptions positional;
  positional.positionalIds = true;
  Engine byPosition;
  ASSERT_TRUE(byPosition.loadPolicyText("p.cedar", Two, positional).ok);
  EXPECT_EQ(byPosition.getPolicyIds(), (std::vector<std::string>{"policy0", "policy1"}));
  EXPECT_EQ(byPosition.getPolicyNames(), (std::vector<std::string>{"a", ""}))
      << "the @id annotation is the name even when ids are positional";
}

} // namespace
