// Engine::setRequestValidation: with a schema, requests that do not conform to
// it (undeclared action, a principal or resource type outside the action's
// appliesTo, a context of the wrong type) are not decided, on every evaluator
// and through both prepare paths; without it they are decided as Cedar's
// is_authorized decides them.
#include "larch/engine.h"

#include <gtest/gtest.h>

using namespace larch;

namespace {

const char *Schema = R"(
entity User;
entity Doc;
action read appliesTo { principal: User, resource: Doc, context: { risk: Long } };
)";

const char *Policy = R"(@id("p") permit(principal, action, resource) when { context.risk < 50 };)";

std::string line(const std::string &principal, const std::string &action,
                 const std::string &context) {
  return R"({"principal": ")" + principal + R"(", "action": "Action::\")" + action +
         R"(\"", "resource": "Doc::\"d\"", "context": )" + context + "}";
}

} // namespace

TEST(RequestValidation, NonConformingRequestsAreNotDecided) {
  for (Evaluator e : {Evaluator::Compiled, Evaluator::CompiledAllCandidates, Evaluator::Reference}) {
    Engine engine;
    engine.setEvaluator(e);
    ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policy).ok);
    ASSERT_TRUE(engine.loadSchemaText("s.cedarschema", Schema, SchemaFormat::Cedar).ok);
    engine.setRequestValidation(true);
    PreparedRequest req;
    EXPECT_TRUE(engine.prepareJson(line("User::\\\"u\\\"", "read", R"({"risk": 1})"), req))
        << req.getError();
    // A Doc as principal: outside `appliesTo`.
    EXPECT_FALSE(engine.prepareJson(line("Doc::\\\"x\\\"", "read", R"({"risk": 1})"), req));
    EXPECT_NE(req.getError().find("does not conform to the schema"), std::string::npos)
        << req.getError();
    // The same through prepare(Request).
    Request r;
    r.principal = {"Doc", "x"};
    r.action = {"Action", "read"};
    r.resource = {"Doc", "d"};
    r.contextJson = R"({"risk": 1})";
    EXPECT_FALSE(engine.prepare(r, req));
    DecisionScratch scratch;
    EXPECT_FALSE(engine.decide(req, scratch));
    ASSERT_EQ(scratch.getNumErrors(), 1u);
    EXPECT_EQ(scratch.getErrorPolicy(0), "");
    // Without request validation the same request is decided (and allowed).
    engine.setRequestValidation(false);
    ASSERT_TRUE(engine.prepareJson(line("Doc::\\\"x\\\"", "read", R"({"risk": 1})"), req));
    EXPECT_TRUE(engine.decide(req, scratch));
  }
}

TEST(RequestValidation, AReloadThatFailsValidationReplacesNothing) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policy).ok);
  ASSERT_TRUE(engine.loadSchemaText("s.cedarschema", Schema, SchemaFormat::Cedar).ok);
  uint64_t g = engine.getGeneration();
  PolicyOptions validating;
  validating.validateWithSchema = true;
  // `context.riks` is not in the action's context type: a validation error.
  LoadStatus st = engine.loadPolicyText(
      "q.cedar", R"(@id("q") forbid(principal, action, resource) when { context.riks > 1 };)",
      validating);
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.rendered.find("q.cedar:1:"), std::string::npos) << st.rendered;
  EXPECT_EQ(engine.getGeneration(), g);
  EXPECT_EQ(engine.getPolicyIds(), std::vector<std::string>{"p"});
  // Without the option the same set loads (Cedar would skip it as erroring).
  EXPECT_TRUE(engine.loadPolicyText("q.cedar",
                                    R"(@id("q") forbid(principal, action, resource) when { context.riks > 1 };)")
                  .ok);
}
