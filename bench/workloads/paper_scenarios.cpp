// Benchmark support: the three scenarios of the OOPSLA 2024 Cedar paper
// (Google Drive, GitHub, TinyTodo), written by us from the paper's
// description: the policies express each application's sharing model in
// Cedar, the entities are random hierarchies with `entitiesPerType` entities of
// every type, the requests random (principal, action, resource) triples.
// Entry points: detail::generateGDrive, generateGitHub, generateTinyTodo.
//
// Hierarchies are acyclic by construction: an entity only ever gets a parent
// created before it in the same type, or one of a type "above" it.
#include "workloads/workload.h"

#include <algorithm>

namespace larch::bench::detail {

namespace {

using Parents = std::vector<std::pair<std::string, std::string>>;

std::string id(const char *prefix, unsigned i) { return prefix + std::to_string(i); }

std::string boolText(bool b) { return b ? "true" : "false"; }

unsigned clampCount(unsigned n) { return std::max(1u, n == 0 ? 5u : n); }

} // namespace

// Google Drive. Sharing is modelled with one `View` group per document and
// folder: whoever may view a folder may view everything inside it, so a
// folder's View group is a member of the View groups of its contents.
Workload generateGDrive(const WorkloadOptions &options) {
  const unsigned n = clampCount(options.entitiesPerType);
  Rng rng(options.seed);
  Workload w;
  w.name = "gdrive";
  w.policiesCedar = R"(// Google Drive: owners do everything to their documents.
permit (
  principal,
  action in [Action::"viewDocument", Action::"editDocument", Action::"shareDocument", Action::"deleteDocument"],
  resource is Document
)
when { resource.owner == principal };

// Viewers (directly, through a group, or through an enclosing folder) and
// everyone for public documents.
permit (principal, action == Action::"viewDocument", resource is Document)
when { principal in resource.viewers || resource.isPublic };

// Editors may view and edit.
permit (
  principal,
  action in [Action::"viewDocument", Action::"editDocument"],
  resource is Document
)
when { principal in resource.editors };

// Creating a document in a folder: its owner and its editors.
permit (principal, action == Action::"createDocument", resource is Folder)
when { principal == resource.owner || principal in resource.editors };

// Seeing a folder's listing.
permit (principal, action == Action::"viewFolder", resource is Folder)
when { principal == resource.owner || principal in resource.viewers };
)";

  // Structure first, then the entities (parents are known only at the end).
  std::vector<Parents> userParents(n), groupParents(n), folderParents(n),
      docParents(n), folderViewParents(n), docViewParents(n);
  std::vector<unsigned> folderOf(n), docOwner(n), folderOwner(n);
  for (unsigned i = 0; i < n; ++i) {
    if (i > 0 && rng.chance(30))
      groupParents[i].push_back({"Group", id("g", rng.below(i))});
    for (int k = 0; k < 2; ++k)
      if (rng.chance(50))
        userParents[i].push_back({"Group", id("g", rng.below(n))});
    folderOwner[i] = rng.below(n);
    if (i > 0 && rng.chance(70)) {
      unsigned parent = rng.below(i);
      folderParents[i].push_back({"Folder", id("f", parent)});
      folderViewParents[parent].push_back({"View", id("view-f", i)});
    }
    folderOf[i] = rng.below(n);
    docOwner[i] = rng.below(n);
    docParents[i].push_back({"Folder", id("f", folderOf[i])});
    folderViewParents[folderOf[i]].push_back({"View", id("view-d", i)});
  }
  // Shares: users and groups join View groups of documents and folders.
  auto share = [&](Parents &p) {
    if (rng.chance(40))
      p.push_back({"View", id("view-d", rng.below(n))});
    if (rng.chance(25))
      p.push_back({"View", id("view-f", rng.below(n))});
  };
  for (unsigned i = 0; i < n; ++i) {
    share(userParents[i]);
    share(groupParents[i]);
  }
  auto editors = [&]() {
    std::string s = "\"editors\":[";
    unsigned count = rng.below(3);
    for (unsigned k = 0; k < count; ++k) {
      if (k)
        s += ',';
      s += rng.chance(50) ? entityEscape("User", id("u", rng.below(n)))
                          : entityEscape("Group", id("g", rng.below(n)));
    }
    return s + "]";
  };

  EntitiesBuilder eb;
  for (unsigned i = 0; i < n; ++i)
    eb.add("User", id("u", i), "", userParents[i]);
  for (unsigned i = 0; i < n; ++i)
    eb.add("Group", id("g", i), "", groupParents[i]);
  for (unsigned i = 0; i < n; ++i)
    eb.add("Folder", id("f", i),
           "\"owner\":" + entityEscape("User", id("u", folderOwner[i])) +
               ",\"viewers\":" + entityEscape("View", id("view-f", i)) + "," + editors(),
           folderParents[i]);
  for (unsigned i = 0; i < n; ++i)
    eb.add("Document", id("d", i),
           "\"owner\":" + entityEscape("User", id("u", docOwner[i])) +
               ",\"viewers\":" + entityEscape("View", id("view-d", i)) + "," + editors() +
               ",\"isPublic\":" + boolText(rng.chance(10)),
           docParents[i]);
  for (unsigned i = 0; i < n; ++i)
    eb.add("View", id("view-f", i), "", folderViewParents[i]);
  for (unsigned i = 0; i < n; ++i)
    eb.add("View", id("view-d", i), "", docViewParents[i]);
  w.entitiesJson = eb.finish();

  static const char *kDocActions[] = {"viewDocument", "editDocument", "shareDocument",
                                      "deleteDocument"};
  for (unsigned r = 0; r < options.requests; ++r) {
    if (rng.chance(25)) {
      unsigned f = rng.below(n);
      unsigned user = rng.chance(30) ? folderOwner[f] : rng.below(n);
      w.requests.push_back(requestJson("User", id("u", user),
                                       rng.chance(50) ? "createDocument" : "viewFolder",
                                       "Folder", id("f", f), "{}"));
      continue;
    }
    unsigned d = rng.below(n);
    unsigned user = rng.chance(25) ? docOwner[d] : rng.below(n);
    w.requests.push_back(requestJson("User", id("u", user), kDocActions[rng.below(4)],
                                     "Document", id("d", d), "{}"));
  }
  return w;
}

// GitHub. Every repository has five role groups; a stronger role is a member
// of the weaker one (admins in maintainers in writers in triagers in
// readers), so a permission granted to a weaker role reaches the stronger
// ones. Organisation members read the organisation's public repositories.
Workload generateGitHub(const WorkloadOptions &options) {
  const unsigned n = clampCount(options.entitiesPerType);
  Rng rng(options.seed);
  Workload w;
  w.name = "github";
  w.policiesCedar = R"(// GitHub: reading (readers include every stronger role).
permit (principal, action == Action::"pull", resource is Repository)
when { principal in resource.readers };

permit (principal, action == Action::"fork", resource is Repository)
when { principal in resource.readers };

permit (principal, action == Action::"push", resource is Repository)
when { principal in resource.writers };

permit (principal, action == Action::"triage", resource is Repository)
when { principal in resource.triagers };

permit (principal, action == Action::"merge", resource is Repository)
when { principal in resource.maintainers };

permit (principal, action == Action::"manage", resource is Repository)
when { principal in resource.admins };

// Organisation administrators manage and delete any repository of theirs.
permit (
  principal,
  action in [Action::"manage", Action::"delete"],
  resource is Repository
)
when { principal in resource.org.admins };

// Archived repositories are read-only, whoever asks.
forbid (principal, action in [Action::"push", Action::"merge"], resource)
when { resource.archived };
)";
  static const char *kRoles[] = {"readers", "triagers", "writers", "maintainers", "admins"};
  auto role = [](unsigned repo, unsigned r) {
    return "repo" + std::to_string(repo) + "-" + kRoles[r];
  };
  std::vector<Parents> userParents(n), teamParents(n), orgParents(n);
  std::vector<unsigned> repoOrg(n);
  std::vector<std::vector<unsigned>> repoUsers(n);
  std::vector<bool> isPrivate(n);
  for (unsigned i = 0; i < n; ++i) {
    repoOrg[i] = rng.below(n);
    isPrivate[i] = rng.chance(40);
    if (!isPrivate[i])
      orgParents[repoOrg[i]].push_back({"RepoRole", role(i, 0)});
  }
  for (unsigned i = 0; i < n; ++i) {
    if (i > 0 && rng.chance(30))
      teamParents[i].push_back({"Team", id("t", rng.below(i))});
    if (rng.chance(50))
      teamParents[i].push_back({"RepoRole", role(rng.below(n), rng.below(5))});
    if (rng.chance(60))
      userParents[i].push_back({"Org", id("o", rng.below(n))});
    for (int k = 0; k < 2; ++k)
      if (rng.chance(50))
        userParents[i].push_back({"Team", id("t", rng.below(n))});
    for (int k = 0; k < 2; ++k) {
      unsigned repo = rng.below(n);
      userParents[i].push_back({"RepoRole", role(repo, rng.below(5))});
      repoUsers[repo].push_back(i);
    }
  }
  EntitiesBuilder eb;
  for (unsigned i = 0; i < n; ++i)
    eb.add("User", id("u", i), "", userParents[i]);
  for (unsigned i = 0; i < n; ++i)
    eb.add("Team", id("t", i), "", teamParents[i]);
  for (unsigned i = 0; i < n; ++i)
    eb.add("Org", id("o", i), "\"admins\":" + entityEscape("Team", id("t", rng.below(n))),
           orgParents[i]);
  for (unsigned i = 0; i < n; ++i) {
    std::string attrs = "\"org\":" + entityEscape("Org", id("o", repoOrg[i]));
    for (unsigned r = 0; r < 5; ++r)
      attrs += std::string(",\"") + kRoles[r] + "\":" + entityEscape("RepoRole", role(i, r));
    attrs += ",\"archived\":" + boolText(rng.chance(10));
    attrs += ",\"isPrivate\":" + boolText(isPrivate[i]);
    eb.add("Repository", id("r", i), attrs, {});
    for (unsigned r = 0; r < 5; ++r) {
      Parents p;
      if (r > 0)
        p.push_back({"RepoRole", role(i, r - 1)});
      eb.add("RepoRole", role(i, r), "", p);
    }
  }
  w.entitiesJson = eb.finish();

  static const char *kActions[] = {"pull", "fork", "push", "triage", "merge", "manage", "delete"};
  for (unsigned r = 0; r < options.requests; ++r) {
    unsigned repo = rng.below(n);
    unsigned user = !repoUsers[repo].empty() && rng.chance(40)
                        ? repoUsers[repo][rng.below(unsigned(repoUsers[repo].size()))]
                        : rng.below(n);
    w.requests.push_back(requestJson("User", id("u", user), kActions[rng.below(7)],
                                     "Repository", id("r", repo), "{}"));
  }
  return w;
}

// TinyTodo. Users own task lists; every list has its own readers and editors
// teams, which users and other teams join.
Workload generateTinyTodo(const WorkloadOptions &options) {
  const unsigned n = clampCount(options.entitiesPerType);
  Rng rng(options.seed);
  Workload w;
  w.name = "tinytodo";
  w.policiesCedar = R"(// TinyTodo: anyone may create lists and see their own.
permit (
  principal,
  action in [Action::"CreateList", Action::"GetLists"],
  resource == Application::"TinyTodo"
);

// A list's owner may do anything with it.
permit (principal, action, resource is List)
when { resource.owner == principal };

// Readers and editors see a list.
permit (principal, action == Action::"GetList", resource is List)
when { principal in resource.readers || principal in resource.editors };

// Editors change a list and its tasks.
permit (
  principal,
  action in [Action::"UpdateList", Action::"CreateTask", Action::"UpdateTask", Action::"DeleteTask"],
  resource is List
)
when { principal in resource.editors };
)";
  auto listTeam = [](unsigned list, bool editors) {
    return "list" + std::to_string(list) + (editors ? "-editors" : "-readers");
  };
  std::vector<Parents> userParents(n), teamParents(n);
  std::vector<unsigned> listOwner(n);
  for (unsigned i = 0; i < n; ++i) {
    listOwner[i] = rng.below(n);
    if (i > 0 && rng.chance(30))
      teamParents[i].push_back({"Team", id("t", rng.below(i))});
    if (rng.chance(40))
      teamParents[i].push_back({"Team", listTeam(rng.below(n), rng.chance(50))});
    if (rng.chance(60))
      userParents[i].push_back({"Team", id("t", rng.below(n))});
    for (int k = 0; k < 2; ++k)
      if (rng.chance(50))
        userParents[i].push_back({"Team", listTeam(rng.below(n), rng.chance(50))});
  }
  EntitiesBuilder eb;
  eb.add("Application", "TinyTodo", "", {});
  for (unsigned i = 0; i < n; ++i)
    eb.add("User", id("u", i), "", userParents[i]);
  for (unsigned i = 0; i < n; ++i)
    eb.add("Team", id("t", i), "", teamParents[i]);
  for (unsigned i = 0; i < n; ++i) {
    eb.add("Team", listTeam(i, false), "", {});
    eb.add("Team", listTeam(i, true), "", {});
    eb.add("List", id("l", i),
           "\"owner\":" + entityEscape("User", id("u", listOwner[i])) +
               ",\"readers\":" + entityEscape("Team", listTeam(i, false)) +
               ",\"editors\":" + entityEscape("Team", listTeam(i, true)) +
               ",\"name\":\"list " + std::to_string(i) + "\"",
           {{"Application", "TinyTodo"}});
  }
  w.entitiesJson = eb.finish();

  static const char *kListActions[] = {"GetList",    "UpdateList", "DeleteList", "CreateTask",
                                       "UpdateTask", "DeleteTask", "EditShare"};
  for (unsigned r = 0; r < options.requests; ++r) {
    unsigned user = rng.below(n);
    if (rng.chance(15)) {
      w.requests.push_back(requestJson("User", id("u", user),
                                       rng.chance(50) ? "CreateList" : "GetLists",
                                       "Application", "TinyTodo", "{}"));
      continue;
    }
    unsigned list = rng.below(n);
    if (rng.chance(20))
      user = listOwner[list];
    w.requests.push_back(requestJson("User", id("u", user), kListActions[rng.below(7)],
                                     "List", id("l", list), "{}"));
  }
  return w;
}

} // namespace larch::bench::detail
