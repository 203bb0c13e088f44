// The Engine's snapshots (compiler/engine_snapshot.h): every load publishes a
// new state atomically, a failed load publishes nothing, a prepared request
// keeps the state it was prepared against, and decisions may run on other
// threads while policies are reloaded.
#include "larch/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

using namespace larch;

namespace {

const char *AllowAlice = R"(@id("allow-alice") permit(principal == User::"alice", action, resource);)";
const char *DenyAll = R"(@id("deny-all") forbid(principal, action, resource);)";
const char *kRequest = R"({"principal": "User::\"alice\"", "action": "Action::\"read\"", "resource": "Doc::\"d\""})";

} // namespace

TEST(EngineReload, EachLoadPublishesANewGeneration) {
  Engine engine;
  uint64_t g0 = engine.getGeneration();
  ASSERT_TRUE(engine.loadPolicyText("a.cedar", AllowAlice).ok);
  EXPECT_EQ(engine.getGeneration(), g0 + 1);
  EXPECT_TRUE(engine.authorizeJson(kRequest).allowed);
  ASSERT_TRUE(engine.loadPolicyText("b.cedar", DenyAll).ok);
  EXPECT_EQ(engine.getGeneration(), g0 + 2);
  Decision d = engine.authorizeJson(kRequest);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"deny-all"});
}

TEST(EngineReload, AFailedLoadKeepsTheRunningSet) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("a.cedar", AllowAlice).ok);
  uint64_t g = engine.getGeneration();
  LoadStatus st = engine.loadPolicyText("broken.cedar", "permit(principal, action, resource) when { 1 + };");
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.rendered.find("broken.cedar:1:"), std::string::npos) << st.rendered;
  EXPECT_EQ(engine.getGeneration(), g);
  EXPECT_TRUE(engine.authorizeJson(kRequest).allowed);
  EXPECT_EQ(engine.getPolicyIds(), std::vector<std::string>{"allow-alice"});
}

TEST(EngineReload, APreparedRequestKeepsItsState) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("a.cedar", AllowAlice).ok);
  PreparedRequest before;
  ASSERT_TRUE(engine.prepareJson(kRequest, before));
  ASSERT_TRUE(engine.loadPolicyText("b.cedar", DenyAll).ok);
  DecisionScratch scratch;
  // Prepared against the first set: decided by it.
  EXPECT_TRUE(engine.decide(before, scratch));
  EXPECT_EQ(scratch.getReason(0), "allow-alice");
  PreparedRequest after;
  ASSERT_TRUE(engine.prepareJson(kRequest, after));
  EXPECT_FALSE(engine.decide(after, scratch));
  EXPECT_EQ(scratch.getReason(0), "deny-all");
}

// A prepared request reused keeps its snapshot while nothing was published
// since (Engine::Impl::publishedStamp): a reload, or another engine, with
// the same generation count, must still be seen.
TEST(EngineReload, AReusedPreparedRequestSeesEachLoadAndEachEngine) {
  Engine allow, deny;
  ASSERT_TRUE(allow.loadPolicyText("a.cedar", AllowAlice).ok);
  ASSERT_TRUE(deny.loadPolicyText("b.cedar", DenyAll).ok);
  ASSERT_EQ(allow.getGeneration(), deny.getGeneration());
  PreparedRequest req;
  DecisionScratch scratch;
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(allow.prepareJson(kRequest, req));
    EXPECT_TRUE(allow.decide(req, scratch));
    ASSERT_TRUE(deny.prepareJson(kRequest, req));
    EXPECT_FALSE(deny.decide(req, scratch));
    EXPECT_EQ(scratch.getReason(0), "deny-all");
  }
  ASSERT_TRUE(allow.prepareJson(kRequest, req));
  ASSERT_TRUE(allow.loadPolicyText("b.cedar", DenyAll).ok);
  ASSERT_TRUE(allow.prepareJson(kRequest, req));
  EXPECT_FALSE(allow.decide(req, scratch));
  // An engine made where another was, with the same generation count.
  for (int round = 0; round < 3; ++round) {
    auto first = std::make_unique<Engine>();
    ASSERT_TRUE(first->loadPolicyText("a.cedar", AllowAlice).ok);
    ASSERT_TRUE(first->prepareJson(kRequest, req));
    EXPECT_TRUE(first->decide(req, scratch));
    first.reset();
    auto second = std::make_unique<Engine>();
    ASSERT_TRUE(second->loadPolicyText("b.cedar", DenyAll).ok);
    ASSERT_TRUE(second->prepareJson(kRequest, req));
    EXPECT_FALSE(second->decide(req, scratch));
  }
}

TEST(EngineReload, EvaluatorsAgreeAndAreSelectable) {
  for (Evaluator e : {Evaluator::Compiled, Evaluator::CompiledAllCandidates, Evaluator::Reference}) {
    Engine engine;
    engine.setEvaluator(e);
    ASSERT_TRUE(engine.loadPolicyText("a.cedar", std::string(AllowAlice) +
                                                     "\n@id(\"err\") forbid(principal, action, resource) when { context.x };")
                    .ok);
    Decision d = engine.authorizeJson(kRequest);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.reasons, std::vector<std::string>{"allow-alice"});
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_EQ(d.errors[0].policy, "err");
    EXPECT_EQ(d.errors[0].message, "record does not have the attribute `x`");
  }
}

TEST(EngineReload, DecisionsRunWhileReloading) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("a.cedar", AllowAlice).ok);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> decided{0}, wrong{0};
  std::thread reader([&] {
    PreparedRequest req;
    DecisionScratch scratch;
    while (!stop.load()) {
      engine.prepareJson(kRequest, req);
      bool allowed = engine.decide(req, scratch);
      // Each state allows (set A) or denies by `deny-all` (set B): never a mix.
      bool consistent = allowed ? scratch.getReason(0) == "allow-alice"
                                : scratch.getNumReasons() == 1 &&
                                      scratch.getReason(0) == "deny-all";
      wrong += consistent ? 0 : 1;
      ++decided;
    }
  });
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(engine.loadPolicyText("x.cedar", i % 2 ? AllowAlice : DenyAll).ok);
  while (decided.load() < 1000)
    std::this_thread::yield();
  stop = true;
  reader.join();
  EXPECT_EQ(wrong.load(), 0u);
}

TEST(EngineReload, PreparedRequestsOwnTheirValues) {
  // Each thread decodes with one reused JSON decoder; a prepared request
  // must keep its own copy of everything it read (names, strings, request
  // entities), whatever the thread prepares after it.
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", R"(
@id("by-context") permit(principal, action, resource)
  when { context.note like "keep*" && context.tags.contains("t1") };
@id("by-entity") permit(principal, action, resource)
  when { principal has level && principal.level == "gold" };
)").ok);
  const char *first = R"({"principal": {"type": "User", "id": "u1"}, "action": {"type": "Action", "id": "a"},
    "resource": {"type": "Doc", "id": "d"}, "context": {"note": "keep this", "tags": ["t1"]},
    "entities": [{"uid": {"type": "User", "id": "u1"}, "attrs": {"level": "gold"}, "parents": []}]})";
  const char *second = R"({"principal": {"type": "User", "id": "other-user-with-a-long-name"},
    "action": {"type": "Action", "id": "b"}, "resource": {"type": "Doc", "id": "e"},
    "context": {"note": "drop that, it is a much longer note than the first", "tags": ["x", "y"]},
    "entities": [{"uid": {"type": "User", "id": "other-user-with-a-long-name"},
                  "attrs": {"level": "none"}, "parents": []}]})";
  PreparedRequest a, b;
  ASSERT_TRUE(engine.prepareJson(first, a)) << a.getError();
  ASSERT_TRUE(engine.prepareJson(second, b)) << b.getError();
  DecisionScratch scratch;
  ASSERT_TRUE(engine.decide(a, scratch));
  ASSERT_EQ(scratch.getNumReasons(), 2u);
  EXPECT_EQ(scratch.getReason(0), "by-context");
  EXPECT_EQ(scratch.getReason(1), "by-entity");
  EXPECT_FALSE(engine.decide(b, scratch));
  // Prepared on another thread, decided here.
  PreparedRequest c;
  std::thread([&] { ASSERT_TRUE(engine.prepareJson(first, c)); }).join();
  EXPECT_TRUE(engine.decide(c, scratch));
}
