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

/// An engine deciding through the decision index and one that makes every
/// policy a candidate, loaded with the same policies and entities.
struct IndexedAndScanning {
  Engine indexed, scanning;
  IndexedAndScanning() { scanning.setEvaluator(Evaluator::CompiledAllCandidates); }
  ::testing::AssertionResult load(const std::string &policies, const std::string &entities) {
    for (Engine *e : {&indexed, &scanning}) {
      if (!e->loadPolicyText("p.cedar", policies).ok)
        return ::testing::AssertionFailure() << "the policies do not load:\n" << policies;
      if (!e->loadEntitiesJson("e.json", entities).ok)
        return ::testing::AssertionFailure() << "the entities do not load:\n" << entities;
    }
    return ::testing::AssertionSuccess();
  }
};

} // namespace

TEST(DecisionIndex, IndexedAgreesWithScanningOnEveryScopeForm) {
  // Only permits, so the reasons list every policy whose scope holds.
  std::string permitsOnly = Policies;
  permitsOnly.replace(permitsOnly.find("forbid"), 6, "permit");
  IndexedAndScanning engines;
  ASSERT_TRUE(engines.load(permitsOnly, Entities));
  Engine &indexed = engines.indexed, &scanning = engines.scanning;
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

// An engine's snapshot indexes the policies once more by the store's action
// entities (DecisionIndex::buildForActions). Random action hierarchies
// (several levels, namespaced action types, actions only a policy names) and
// random action scopes (any, ==, lists of actions and groups): the indexed
// engine agrees with scanning for every (principal, action, resource), and a
// request that gives an action parents of its own is decided by them.
TEST(DecisionIndex, PerActionIndexAgreesWithScanningOnRandomHierarchies) {
  uint64_t state = 12345;
  auto below = [&](unsigned n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>((state >> 33) % n);
  };
  size_t checked = 0;
  for (int round = 0; round < 20; ++round) {
    // Actions a0..a11 of `Action` or `NS::Action`; each may have up to two
    // parents among the earlier ones (groups of groups).
    const unsigned numActions = 12;
    std::vector<std::string> actions;
    for (unsigned i = 0; i < numActions; ++i)
      actions.push_back(std::string(below(3) == 0 ? "NS::Action" : "Action") + "::\"a" +
                        std::to_string(i) + "\"");
    auto uidJson = [](const std::string &text) {
      size_t sep = text.find("::\"");
      return "{\"type\": \"" + text.substr(0, sep) + "\", \"id\": \"" +
             text.substr(sep + 3, text.size() - sep - 4) + "\"}";
    };
    std::string entities = "[";
    for (unsigned i = 0; i < numActions; ++i) {
      if (i == numActions - 1)
        break; // the last action is only named by policies
      std::string parents;
      for (unsigned k = 0; i > 0 && k < 2; ++k)
        if (below(2)) {
          parents += parents.empty() ? "" : ", ";
          parents += uidJson(actions[below(i)]);
        }
      entities += (i ? ", " : "") + std::string("{\"uid\": ") + uidJson(actions[i]) +
                  ", \"attrs\": {}, \"parents\": [" + parents + "]}";
    }
    entities += R"(, {"uid": {"type": "User", "id": "u"}, "attrs": {}, "parents": [{"type": "Group", "id": "g"}]},
      {"uid": {"type": "Doc", "id": "d"}, "attrs": {}, "parents": []}])";
    std::string policies;
    const char *principals[] = {"principal", "principal == User::\"u\"", "principal in Group::\"g\"",
                                "principal is User"};
    const char *resources[] = {"resource", "resource == Doc::\"d\"", "resource is Doc"};
    for (int p = 0; p < 30; ++p) {
      std::string action;
      switch (below(3)) {
      case 0:
        action = "action";
        break;
      case 1:
        action = "action == " + actions[below(numActions)];
        break;
      default: {
        action = "action in [";
        for (unsigned k = 0, n = 1 + below(3); k < n; ++k)
          action += (k ? ", " : "") + actions[below(numActions)];
        action += "]";
      }
      }
      policies += "@id(\"p" + std::to_string(p) + "\") permit(" + principals[below(4)] + ", " +
                  action + ", " + resources[below(3)] + ");\n";
    }
    IndexedAndScanning engines;
    ASSERT_TRUE(engines.load(policies, entities));
    Engine &indexed = engines.indexed, &scanning = engines.scanning;
    std::vector<std::string> askActions = actions;
    askActions.push_back("Action::\"unnamed\"");
    for (const char *p : {"User::\\\"u\\\"", "User::\\\"v\\\"", "Group::\\\"g\\\""})
      for (const std::string &a : askActions)
        for (const char *r : {"Doc::\\\"d\\\"", "Doc::\\\"e\\\""}) {
          std::string escaped = a;
          escaped.replace(escaped.find('"'), 1, "\\\"");
          escaped.replace(escaped.rfind('"'), 1, "\\\"");
          std::string line = request(p, escaped, r);
          ASSERT_EQ(satisfied(indexed, line), satisfied(scanning, line))
              << line << "\n" << policies << entities;
          ++checked;
        }
    // The last action has no entity in the store: a request may give it
    // parents, which its `in` scopes then follow.
    std::string last = actions.back(), group = actions[below(numActions - 1)];
    std::string line = R"({"principal": {"type": "User", "id": "u"}, "action": )" +
                       uidJson(last) + R"(, "resource": {"type": "Doc", "id": "d"}, "entities": [{"uid": )" +
                       uidJson(last) + R"(, "attrs": {}, "parents": [)" + uidJson(group) + "]}]}";
    ASSERT_EQ(satisfied(indexed, line), satisfied(scanning, line)) << line << "\n" << policies;
    ++checked;
  }
  EXPECT_EQ(checked, 20u * (3 * 13 * 2 + 1));
}

// Nodes with more than four keyed edges keep them in the index's hash table
// and a filter of their keys (decision_index.h). 300 policies, each scoped
// to one principal by `==`, `in` a group or `is` a type, under one action
// and under an action group: every principal, its groups, and entities no
// policy names are probed, and the indexed engine agrees with scanning
// (checked to fail when the filter drops a key, or finding stops at the
// first slot).
TEST(DecisionIndex, ManyKeyedEdgesAreFoundAndNoOthers) {
  std::string policies, entities = "[";
  auto uid = [](const std::string &type, const std::string &id) {
    return R"({"type": ")" + type + R"(", "id": ")" + id + R"("})";
  };
  for (int i = 0; i < 100; ++i) {
    std::string n = std::to_string(i);
    policies += "@id(\"eq" + n + "\") permit(principal == User::\"u" + n +
                "\", action == Action::\"read\", resource);\n";
    policies += "@id(\"in" + n + "\") permit(principal in Group::\"g" + n +
                "\", action in Action::\"all\", resource);\n";
    policies += "@id(\"is" + n + "\") permit(principal is T" + n +
                ", action == Action::\"read\", resource);\n";
    // u<i> is in g<i> and h<i>, h<i> in g<i+1 mod 100>: several `in`
    // probes per lookup, one for a group no policy names (h<i>).
    entities += "{\"uid\": " + uid("User", "u" + n) + ", \"attrs\": {}, \"parents\": [" +
                uid("Group", "g" + n) + ", " + uid("Group", "h" + n) + "]},\n";
    entities += "{\"uid\": " + uid("Group", "h" + n) + ", \"attrs\": {}, \"parents\": [" +
                uid("Group", "g" + std::to_string((i + 1) % 100)) + "]},\n";
  }
  entities += "{\"uid\": " + uid("Action", "read") + ", \"attrs\": {}, \"parents\": [" +
              uid("Action", "all") + "]}]";
  IndexedAndScanning engines;
  ASSERT_TRUE(engines.load(policies, entities));
  Engine &indexed = engines.indexed, &scanning = engines.scanning;
  std::vector<std::string> principals;
  for (int i = 0; i < 103; ++i) {
    std::string n = std::to_string(i);
    principals.push_back("User::\\\"u" + n + "\\\"");
    principals.push_back("Group::\\\"g" + n + "\\\"");
    principals.push_back("Group::\\\"h" + n + "\\\"");
    principals.push_back("T" + n + "::\\\"x\\\"");
  }
  for (const std::string &p : principals)
    for (const char *a : {"Action::\\\"read\\\"", "Action::\\\"all\\\"", "Action::\\\"write\\\""}) {
      std::string line = request(p, a, "Doc::\\\"d\\\"");
      EXPECT_EQ(satisfied(indexed, line), satisfied(scanning, line)) << line;
    }
  // Spot checks: u7 is in g7, h7 and (through h7) g8.
  EXPECT_EQ(satisfied(indexed, request("User::\\\"u7\\\"", "Action::\\\"read\\\"", "Doc::\\\"d\\\"")),
            (std::vector<std::string>{"eq7", "in7", "in8"}));
  EXPECT_EQ(satisfied(indexed, request("T42::\\\"x\\\"", "Action::\\\"read\\\"", "Doc::\\\"d\\\"")),
            (std::vector<std::string>{"is42"}));
  EXPECT_TRUE(
      satisfied(indexed, request("User::\\\"nobody\\\"", "Action::\\\"read\\\"", "Doc::\\\"d\\\""))
          .empty());
}

// A lookup finds a node's children before visiting them, in a buffer of
// DecisionIndex::MaxGathered; the rest are visited as found. A principal in
// 40 groups and a resource in 40 folders, each group and folder with its
// own policies: every child is reached, at both levels, with and without
// the per-action index (a request that brings entities uses the other).
TEST(DecisionIndex, NodesWithMoreChildrenThanTheBufferReachThemAll) {
  std::string policies, userParents, docParents, groups;
  for (int i = 0; i < 40; ++i) {
    const std::string n = std::to_string(i);
    policies += "@id(\"g" + n + "\") permit(principal in Group::\"g" + n +
                "\", action == Action::\"read\", resource);\n";
    policies += "@id(\"f" + n + "\") permit(principal is User, action == Action::\"read\", " +
                "resource in Folder::\"f" + n + "\");\n";
    policies += "@id(\"gf" + n + "\") permit(principal in Group::\"g" + n +
                "\", action == Action::\"read\", resource in Folder::\"f" + n + "\");\n";
    userParents += std::string(i ? ", " : "") + R"({"type": "Group", "id": "g)" + n + "\"}";
    docParents += std::string(i ? ", " : "") + R"({"type": "Folder", "id": "f)" + n + "\"}";
  }
  const std::string entities =
      R"([{"uid": {"type": "User", "id": "u"}, "attrs": {}, "parents": [)" + userParents +
      R"(]}, {"uid": {"type": "Doc", "id": "d"}, "attrs": {}, "parents": [)" + docParents +
      R"(]}, {"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": []}])";
  IndexedAndScanning engines;
  ASSERT_TRUE(engines.load(policies, entities));
  Engine &indexed = engines.indexed, &scanning = engines.scanning;
  const std::string line =
      request("User::\\\"u\\\"", "Action::\\\"read\\\"", "Doc::\\\"d\\\"");
  std::vector<std::string> got = satisfied(indexed, line);
  EXPECT_EQ(got.size(), 120u);
  EXPECT_EQ(got, satisfied(scanning, line));
  // The same through the policy-only index: the request brings an entity.
  const std::string withEntities =
      line.substr(0, line.size() - 1) +
      R"(, "entities": [{"uid": {"type": "Other", "id": "x"}, "attrs": {}, "parents": []}]})";
  got = satisfied(indexed, withEntities);
  EXPECT_EQ(got.size(), 120u);
  EXPECT_EQ(got, satisfied(scanning, withEntities));
}

// A leaf of up to eight policies lists them in its own node, a longer one in
// the shared list: leaves of every size from 1 to 20, side by side (one per
// resource folder, one per action), through both indexes.
TEST(DecisionIndex, LeavesOfEverySizeListAllTheirPolicies) {
  std::string policies, actions;
  for (int size = 1; size <= 20; ++size) {
    const std::string s = std::to_string(size);
    for (int k = 0; k < size; ++k) {
      const std::string id = s + "-" + std::to_string(k);
      policies += "@id(\"f" + id + "\") permit(principal, action == Action::\"read\", " +
                  "resource in Folder::\"f" + s + "\");\n";
      policies += "@id(\"a" + id + "\") permit(principal == User::\"u\", action == Action::\"a" +
                  s + "\", resource);\n";
    }
    actions += R"(, {"uid": {"type": "Action", "id": "a)" + s + R"("}, "attrs": {}, "parents": []})";
  }
  const std::string entities =
      R"([{"uid": {"type": "User", "id": "u"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": []})" +
      actions + "]";
  IndexedAndScanning engines;
  ASSERT_TRUE(engines.load(policies, entities));
  Engine &indexed = engines.indexed, &scanning = engines.scanning;
  for (int size = 1; size <= 20; ++size) {
    const std::string s = std::to_string(size);
    // The document sits in folder `s` through the request's own entities,
    // which the policy-only index serves; a store document the per-action one.
    const std::string byFolder =
        request("User::\\\"u\\\"", "Action::\\\"read\\\"", "Doc::\\\"d\\\"");
    const std::string line =
        byFolder.substr(0, byFolder.size() - 1) +
        R"(, "entities": [{"uid": {"type": "Doc", "id": "d"}, "attrs": {}, "parents": [{"type": "Folder", "id": "f)" +
        s + R"("}]}]})";
    std::vector<std::string> got = satisfied(indexed, line);
    EXPECT_EQ(got.size(), static_cast<size_t>(size)) << "folder leaf of " << size;
    EXPECT_EQ(got, satisfied(scanning, line)) << "folder leaf of " << size;
    const std::string byAction =
        request("User::\\\"u\\\"", "Action::\\\"a" + s + "\\\"", "Doc::\\\"x\\\"");
    got = satisfied(indexed, byAction);
    EXPECT_EQ(got.size(), static_cast<size_t>(size)) << "action leaf of " << size;
    EXPECT_EQ(got, satisfied(scanning, byAction)) << "action leaf of " << size;
  }
}
