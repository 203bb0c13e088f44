// Tests for the benchmark workload generators (bench/workloads/): the same
// seed gives the same bytes, and every emitted workload loads through the
// public engine API and decides with a healthy mix of allows and denies.
// Built only with the benchmarks (LARCH_BUILD_BENCH).
#ifdef LARCH_HAVE_BENCH_WORKLOADS

#include "larch/engine.h"
#include "workloads/workload.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace larch;
using namespace larch::bench;

namespace {

struct Mix {
  size_t allow = 0, deny = 0, policyErrors = 0, unreadable = 0;
};

Mix decideAll(const Workload &w) {
  Engine engine;
  LoadStatus st = engine.loadPolicyText(w.name + ".cedar", w.policiesCedar);
  EXPECT_TRUE(st.ok) << st.rendered;
  st = engine.loadEntitiesJson(w.name + ".json", w.entitiesJson);
  EXPECT_TRUE(st.ok) << st.rendered;
  Mix mix;
  for (const std::string &r : w.requests) {
    Decision d = engine.authorizeJson(r);
    (d.allowed ? mix.allow : mix.deny) += 1;
    for (const PolicyErrorInfo &e : d.errors) {
      if (e.policy.empty()) {
        ++mix.unreadable;
        ADD_FAILURE() << "unreadable request " << r << ": " << e.message;
      } else {
        ++mix.policyErrors;
      }
    }
  }
  return mix;
}

void expectHealthyMix(const Workload &w, const Mix &mix) {
  const double n = double(w.requests.size());
  SCOPED_TRACE(w.name);
  EXPECT_EQ(mix.unreadable, 0u);
  EXPECT_EQ(mix.policyErrors, 0u);
  EXPECT_GE(double(mix.allow) / n, 0.10) << "allow " << mix.allow << " deny " << mix.deny;
  EXPECT_GE(double(mix.deny) / n, 0.10) << "allow " << mix.allow << " deny " << mix.deny;
}

WorkloadOptions options(Scenario s, unsigned policies, unsigned entities, uint64_t seed) {
  WorkloadOptions o;
  o.scenario = s;
  o.policies = policies;
  o.entitiesPerType = entities;
  o.requests = 400;
  o.seed = seed;
  return o;
}

} // namespace

TEST(WorkloadTest, ScenarioNamesRoundTrip) {
  for (Scenario s : {Scenario::GDrive, Scenario::GitHub, Scenario::TinyTodo, Scenario::Agents})
    EXPECT_EQ(parseScenario(getScenarioName(s)), s);
  EXPECT_FALSE(parseScenario("opa").has_value());
}

TEST(WorkloadTest, SameSeedSameBytesOtherSeedOtherBytes) {
  for (Scenario s : {Scenario::GDrive, Scenario::GitHub, Scenario::TinyTodo, Scenario::Agents}) {
    SCOPED_TRACE(std::string(getScenarioName(s)));
    Workload a = generateWorkload(options(s, 100, 20, 7));
    Workload b = generateWorkload(options(s, 100, 20, 7));
    Workload c = generateWorkload(options(s, 100, 20, 8));
    EXPECT_EQ(a.policiesCedar, b.policiesCedar);
    EXPECT_EQ(a.entitiesJson, b.entitiesJson);
    EXPECT_EQ(a.requests, b.requests);
    EXPECT_NE(a.entitiesJson + a.policiesCedar, c.entitiesJson + c.policiesCedar);
    EXPECT_NE(a.requests, c.requests);
    EXPECT_EQ(a.requests.size(), 400u);
  }
}

TEST(WorkloadTest, PaperScenariosLoadAndDecideWithAHealthyMix) {
  for (Scenario s : {Scenario::GDrive, Scenario::GitHub, Scenario::TinyTodo})
    for (unsigned entities : {5u, 20u, 50u}) {
      Workload w = generateWorkload(options(s, 0, entities, 3));
      SCOPED_TRACE(entities);
      expectHealthyMix(w, decideAll(w));
    }
}

TEST(WorkloadTest, PaperScenariosHaveThePapersPolicyCounts) {
  const std::pair<Scenario, size_t> expected[] = {
      {Scenario::GDrive, 5}, {Scenario::GitHub, 8}, {Scenario::TinyTodo, 4}};
  for (auto [s, count] : expected) {
    Engine engine;
    ASSERT_TRUE(engine.loadPolicyText("p.cedar", generateWorkload(options(s, 0, 5, 1)).policiesCedar).ok);
    EXPECT_EQ(engine.getPolicyIds().size(), count) << getScenarioName(s);
  }
}

TEST(WorkloadTest, AgentWorkloadHasExactlyNPoliciesAndAHealthyMix) {
  for (unsigned n : {10u, 100u, 1000u}) {
    SCOPED_TRACE(n);
    Workload w = generateWorkload(options(Scenario::Agents, n, 0, 11));
    Engine engine;
    ASSERT_TRUE(engine.loadPolicyText("p.cedar", w.policiesCedar).ok);
    EXPECT_EQ(engine.getPolicyIds().size(), n);
    expectHealthyMix(w, decideAll(w));
  }
}

TEST(WorkloadTest, WrittenFilesLoadThroughTheEngine) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("larch-workload-test-" + std::to_string(::getpid()));
  Workload w = generateWorkload(options(Scenario::Agents, 50, 0, 5));
  ASSERT_EQ(writeWorkload(w, dir.string()), "");
  Engine engine;
  EXPECT_TRUE(engine.loadPolicyPaths({(dir / "policies.cedar").string()}).ok);
  EXPECT_TRUE(engine.loadEntitiesFile((dir / "entities.json").string()).ok);
  std::ifstream in(dir / "requests.jsonl");
  std::string line;
  size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    Decision d = engine.authorizeJson(line);
    for (const PolicyErrorInfo &e : d.errors)
      EXPECT_FALSE(e.policy.empty()) << e.message;
  }
  EXPECT_EQ(lines, w.requests.size());
  fs::remove_all(dir);
}

#endif // LARCH_HAVE_BENCH_WORKLOADS
