// The decision index (runtime/compiled/decision_index.h): its dump, and that a
// decision's reasons are exactly the policies whose scope holds, ascending, for every
// scope form (`==`, `in` through ancestors, `is`, `is ... in`, action lists and
// groups, unknown entities).
#include "larch/engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace larch;

namespace {

const char *Policies = R"(
@id("any") permit(principal, action, resource);
@id("eq") permit(principal == User::"alice", action == Action::"read", resource);
@id("in") permit(principal in Group::"staff", action in [Action::"read", Action::"write"], resource);
@id("is") permit(principal is User, action in Action::"all", resource is Doc);
@id("isin") forbid(principal is User in Group::"staff", action, resource in Folder::"f");
@id("res") permit(principal, action, resource == Doc::"d1");
)";

const char *Entities = R"([
  {"uid": {"type": "User", "id": "alice"}, "attrs": {}, "parents": [{"type": "Group", "id": "staff"}]},
  {"uid": {"type": "User", "id": "bob"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Doc", "id": "d1"}, "attrs": {}, "parents": [{"type": "Folder", "id": "f"}]},
  {"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": [{"type": "Action", "id": "all"}]},
  {"uid": {"type": "Action", "id": "write"}, "attrs": {}, "parents": [{"type": "Action", "id": "all"}]}
])";

std::string request(const std::string &p, const std::string &a, const std::string &r) {
  return R"({"principal": ")" + p + R"(", "action": ")" + a + R"(", "resource": ")" + r + "\"}";
}

/// Every policy satisfied (they have no conditions): the scopes that hold.
std::vector<std::string> satisfied(Engine &engine, const std::string &line) {
  PreparedRequest req;
  DecisionScratch scratch;
  EXPECT_TRUE(engine.prepareJson(line, req)) << req.getError();
  engine.decide(req, scratch);
  std::vector<std::string> out;
  for (size_t i = 0; i < scratch.getNumReasons(); ++i)
    out.emplace_back(scratch.getReason(i));
  return out;
}

} // namespace

TEST(DecisionIndex, IndexedAgreesWithScanningOnEveryScopeForm) {
  Engine indexed, scanning;
  scanning.setEvaluator(Evaluator::CompiledAllCandidates);
  for (Engine *e : {&indexed, &scanning}) {
    // Only permits, so the reasons list every policy whose scope holds.
    std::string permitsOnly = Policies;
    permitsOnly.replace(permitsOnly.find("forbid"), 6, "permit");
    ASSERT_TRUE(e->loadPolicyText("p.cedar", permitsOnly).ok);
    ASSERT_TRUE(e->loadEntitiesJson("e.json", Entities).ok);
  }
  const std::vector<std::string> principals = {"User::\\\"alice\\\"", "User::\\\"bob\\\"",
                                               "Group::\\\"staff\\\"", "User::\\\"ghost\\\""};
  const std::vector<std::string> actions = {"Action::\\\"read\\\"", "Action::\\\"write\\\"",
                                            "Action::\\\"all\\\"", "Action::\\\"other\\\""};
  const std::vector<std::string> resources = {"Doc::\\\"d1\\\"", "Doc::\\\"d2\\\"",
                                              "Folder::\\\"f\\\"", "Thing::\\\"t\\\""};
  size_t checked = 0;
  for (const std::string &p : principals)
    for (const std::string &a : actions)
      for (const std::string &r : resources) {
        std::string line = request(p, a, r);
        EXPECT_EQ(satisfied(indexed, line), satisfied(scanning, line)) << line;
        ++checked;
      }
  EXPECT_EQ(checked, 64u);
  // Spot checks of what the scopes mean.
  EXPECT_EQ(satisfied(indexed, request(principals[0], actions[0], resources[0])),
            (std::vector<std::string>{"any", "eq", "in", "is", "isin", "res"}));
  EXPECT_EQ(satisfied(indexed, request(principals[3], actions[3], resources[3])),
            (std::vector<std::string>{"any"}));
}

