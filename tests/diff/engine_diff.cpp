// Differential testing of Larch's own evaluators: the compiled program with
// its decision index, the compiled program with every policy a candidate,
// and the reference evaluator over the AST (the oracle) must give every
// request the same answer.
//
// Entry point: `main`.
//
//   larch_engine_diff [--jobs N] [--max-reports N] PATH...
//   larch_engine_diff --gen GEN --work DIR --generate SEED:COUNT[:MIN-MAX] ...
//   larch_engine_diff --minimize OUT CASE_DIR
//
// PATH is a case directory as larch_diff_gen writes it (policies.cedar,
// policies.json, entities.json, requests.jsonl, larch.args, optionally
// links.json: template links made with Engine::linkTemplate), or a directory
// of such directories. `--generate` runs the generator GEN (with
// `--policies MIN-MAX` if given) chunk by chunk into DIR, so that long runs
// need little disk. For every case it loads the policies (honouring
// `--positional-ids` in larch.args) and the entities into one Engine per
// evaluator, through the public API only, and decides every request line
// with each (prepareJson, then decide, reusing one prepared request and one
// scratch per evaluator and thread across cases). Required, for every request:
//   - the same decision,
//   - the same reasons, in the same order,
//   - the same erroring policies, in the same order,
//   - a request that cannot be read refused by all three with one message,
//   - the same answer again from authorize(larch::Request) with a fresh
//     scratch,
// and for every case: the same load outcome (a set that does not load fails
// for all three, with the same diagnostics) and the same policy ids, which
// must be those policies.json names (templates left out), then the links.
// Error messages of the compiled and the reference evaluator are compared
// and their differences counted, but they do not fail the run.
//
// Prints a summary; on a disagreement also the case, the request, the three
// answers and the text of the policies they differ on, then exits 1.
// `--minimize` shrinks a disagreeing case (one request, then fewer links,
// policies, entities, context keys, annotations, conditions and scope
// constraints) and writes it to OUT.
//
// Exit code: 0 all agree, 1 some disagreement, 2 bad usage or unreadable
// case files.
#include "larch/engine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr size_t kNumEvaluators = 3;
constexpr larch::Evaluator kEvaluators[kNumEvaluators] = {
    larch::Evaluator::Compiled, larch::Evaluator::CompiledAllCandidates,
    larch::Evaluator::Reference};
constexpr const char *kNames[kNumEvaluators] = {"compiled", "all-candidates", "reference"};
constexpr size_t kReference = 2;

/// One case, in memory.
struct Case {
  std::string name; // the directory, for reports
  std::string policies;
  /// From policies.json (empty if it is missing): the id each policy must
  /// get, its text (empty for hand-written cases), whether it is a template.
  std::vector<std::string> ids, texts;
  std::vector<bool> templates;
  /// From links.json, if there: [{"template", "id", "principal"?, "resource"?}].
  Json links = Json::array();
  std::string entities;
  std::vector<std::string> requests;
  bool positionalIds = false;
};

std::string readFile(const fs::path &p, bool &ok) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    ok = false;
    return {};
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Reads a case directory; on failure returns false with `error` set.
bool readCase(const fs::path &dir, Case &c, std::string &error) {
  c = Case{};
  c.name = dir.string();
  bool ok = true;
  c.policies = readFile(dir / "policies.cedar", ok);
  c.entities = readFile(dir / "entities.json", ok);
  std::string requests = readFile(dir / "requests.jsonl", ok);
  if (!ok) {
    error = "policies.cedar, entities.json and requests.jsonl are required";
    return false;
  }
  bool hasArgs = true;
  std::string args = readFile(dir / "larch.args", hasArgs);
  std::istringstream argLines(args);
  for (std::string line; std::getline(argLines, line);) {
    if (line == "--positional-ids")
      c.positionalIds = true;
    else if (!line.empty()) {
      error = "larch.args: unknown option `" + line + "`";
      return false;
    }
  }
  std::istringstream reqLines(requests);
  for (std::string line; std::getline(reqLines, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos)
      c.requests.push_back(line);
  bool hasIds = true;
  std::string idsText = readFile(dir / "policies.json", hasIds);
  if (hasIds) {
    Json j = Json::parse(idsText, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("policies") || !j["policies"].is_array()) {
      error = "policies.json: no `policies` array";
      return false;
    }
    for (const Json &p : j["policies"]) {
      c.ids.push_back(p.value("id", ""));
      c.texts.push_back(p.value("text", ""));
      c.templates.push_back(p.value("template", false));
    }
  }
  bool hasLinks = true;
  std::string linksText = readFile(dir / "links.json", hasLinks);
  if (hasLinks) {
    c.links = Json::parse(linksText, nullptr, /*allow_exceptions=*/false);
    if (!c.links.is_array()) {
      error = "links.json: not an array";
      return false;
    }
  }
  return true;
}

struct Stats {
  size_t cases = 0, rejected = 0, requests = 0, unreadable = 0, policyEvals = 0;
  size_t allow = 0, denyForbid = 0, denyDefault = 0, withErrors = 0, errors = 0;
  /// Error messages that differ, compiled vs reference and all-candidates vs
  /// compiled (same policy, same request).
  size_t messageDiffs = 0, candidateMessageDiffs = 0;
  size_t disagreements = 0, failedCases = 0;
  /// Template links, and reasons or errors naming one.
  size_t links = 0, linkAnswers = 0;
  /// CPU time preparing and deciding, per evaluator.
  double seconds[kNumEvaluators] = {};
  std::vector<std::string> messageExamples; // a few, distinct

  void add(const Stats &o) {
    cases += o.cases, rejected += o.rejected, requests += o.requests;
    unreadable += o.unreadable, policyEvals += o.policyEvals, allow += o.allow;
    denyForbid += o.denyForbid, denyDefault += o.denyDefault, withErrors += o.withErrors;
    errors += o.errors, messageDiffs += o.messageDiffs;
    candidateMessageDiffs += o.candidateMessageDiffs, disagreements += o.disagreements;
    failedCases += o.failedCases, links += o.links, linkAnswers += o.linkAnswers;
    for (size_t k = 0; k < kNumEvaluators; ++k)
      seconds[k] += o.seconds[k];
    for (const std::string &m : o.messageExamples)
      noteMessage(m);
  }
  void noteMessage(const std::string &m) {
    if (messageExamples.size() < 8 &&
        std::find(messageExamples.begin(), messageExamples.end(), m) == messageExamples.end())
      messageExamples.push_back(m);
  }
};

/// CPU time of the calling thread (the machine may be busy with more).
double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// One evaluator's answer to one request.
struct Answer {
  bool read = true;
  std::string readError;
  bool returned = false; // what decide() returned
  larch::Decision decision;

  std::string show() const {
    if (!read)
      return "cannot read the request: " + readError;
    std::string s = decision.toJson();
    if (returned != decision.allowed)
      s += " (but decide() returned " + std::string(returned ? "true" : "false") + ")";
    return s;
  }
};

std::vector<std::string> errorPolicies(const larch::Decision &d) {
  std::vector<std::string> ids;
  for (const larch::PolicyErrorInfo &e : d.errors)
    ids.push_back(e.policy);
  return ids;
}

bool sameAnswer(const Answer &a, const Answer &b) {
  if (a.read != b.read)
    return false;
  if (!a.read)
    return a.readError == b.readError;
  return a.returned == a.decision.allowed && b.returned == b.decision.allowed &&
         a.decision.allowed == b.decision.allowed && a.decision.reasons == b.decision.reasons &&
         errorPolicies(a.decision) == errorPolicies(b.decision);
}

struct Outcome {
  Stats stats;
  bool failed = false;
  std::string report; // the disagreements, for people
};

/// A request line as a larch::Request, if it has that shape.
std::optional<larch::Request> asRequest(const std::string &line) {
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object())
    return std::nullopt;
  larch::Request r;
  for (auto &[key, ref] : {std::pair<const char *, larch::EntityRef *>{"principal", &r.principal},
                          {"action", &r.action}, {"resource", &r.resource}}) {
    const Json *e = j.contains(key) ? &j[key] : nullptr;
    if (!e || !e->is_object() || e->size() != 2 || !e->contains("type") || !e->contains("id") ||
        !(*e)["type"].is_string() || !(*e)["id"].is_string())
      return std::nullopt;
    *ref = larch::EntityRef{(*e)["type"].get<std::string>(), (*e)["id"].get<std::string>()};
  }
  size_t known = 3;
  if (j.contains("context")) {
    r.contextJson = j["context"].dump();
    ++known;
  }
  if (j.contains("entities")) {
    r.entitiesJson = j["entities"].dump();
    ++known;
  }
  if (j.size() != known)
    return std::nullopt;
  return r;
}

/// The text of the policies whose ids the answers disagree on.
std::string involvedPolicies(const Case &c, const Answer (&a)[kNumEvaluators]) {
  std::set<std::string> all, common;
  std::vector<std::set<std::string>> per;
  for (const Answer &x : a) {
    std::set<std::string> ids(x.decision.reasons.begin(), x.decision.reasons.end());
    for (const larch::PolicyErrorInfo &e : x.decision.errors)
      ids.insert(e.policy);
    all.insert(ids.begin(), ids.end());
    per.push_back(ids);
  }
  std::string out;
  for (const std::string &id : all) {
    bool everywhere = true;
    for (const std::set<std::string> &ids : per)
      everywhere = everywhere && ids.count(id);
    if (everywhere)
      continue;
    for (size_t i = 0; i < c.ids.size(); ++i)
      if (c.ids[i] == id && i < c.texts.size() && !c.texts[i].empty())
        out += c.texts[i];
  }
  return out;
}

/// A prepared request and a scratch per evaluator. Each thread keeps its own
/// across cases, as a server keeps them across policy reloads: programs of
/// every size pass through them.
struct Reused {
  larch::PreparedRequest prepared[kNumEvaluators];
  larch::DecisionScratch scratch[kNumEvaluators];
};

/// Decides every request of `c` with the three evaluators and compares.
/// `maxDetails` bounds the disagreeing requests described in the report.
Outcome runCase(const Case &c, Reused &reused, size_t maxDetails = 3) {
  Outcome o;
  Stats &st = o.stats;
  st.cases = 1;
  std::ostringstream rep;
  auto fail = [&](const std::string &what) {
    if (!o.failed)
      rep << "\n==== DISAGREEMENT in " << c.name << "\n";
    o.failed = true;
    ++st.disagreements;
    if (st.disagreements <= maxDetails)
      rep << what;
    else if (st.disagreements == maxDetails + 1)
      rep << "---- (more disagreements in this case not shown)\n";
  };

  larch::PolicyOptions options;
  options.positionalIds = c.positionalIds;
  larch::Engine engines[kNumEvaluators];
  std::string loadResult[kNumEvaluators];
  bool loaded[kNumEvaluators];
  for (size_t k = 0; k < kNumEvaluators; ++k) {
    engines[k].setEvaluator(kEvaluators[k]);
    larch::LoadStatus ls = engines[k].loadPolicyText("policies.cedar", c.policies, options);
    if (!ls.ok)
      loadResult[k] = "the policies do not load:\n" + ls.rendered;
    for (size_t l = 0; ls.ok && l < c.links.size(); ++l) {
      const Json &link = c.links[l];
      auto slot = [&](const char *name) -> std::optional<larch::EntityRef> {
        if (!link.contains(name))
          return std::nullopt;
        return larch::EntityRef{link[name].value("type", ""), link[name].value("id", "")};
      };
      std::string id = link.value("id", "");
      ls = engines[k].linkTemplate(link.value("template", ""), id, slot("principal"),
                                   slot("resource"));
      if (!ls.ok)
        loadResult[k] = "link `" + id + "` fails:\n" + ls.rendered;
    }
    if (ls.ok) {
      ls = engines[k].loadEntitiesJson("entities.json", c.entities);
      loadResult[k] = ls.ok ? "loaded" : "the entities do not load:\n" + ls.rendered;
    }
    loaded[k] = ls.ok;
  }
  if (loadResult[0] != loadResult[kReference] || loadResult[1] != loadResult[kReference]) {
    std::string what = "---- the evaluators load the case differently\n";
    for (size_t k = 0; k < kNumEvaluators; ++k)
      what += std::string("---- ") + kNames[k] + ": " + loadResult[k] + "\n";
    fail(what);
    st.failedCases = 1;
    o.report = rep.str();
    return o;
  }
  if (!loaded[kReference]) { // refused alike by all three
    st.rejected = 1;
    return o;
  }

  std::vector<std::string> ids = engines[kReference].getPolicyIds();
  for (size_t k = 0; k < kNumEvaluators; ++k)
    if (engines[k].getPolicyIds() != ids)
      fail(std::string("---- ") + kNames[k] + " reports other policy ids than reference\n");
  // Expected: the static policies in order, then the links in order.
  std::vector<std::string> expected;
  for (size_t i = 0; i < c.ids.size(); ++i)
    if (i >= c.templates.size() || !c.templates[i])
      expected.push_back(c.ids[i]);
  for (const Json &link : c.links)
    expected.push_back(link.value("id", ""));
  if (!c.ids.empty() && ids != expected) {
    std::string what = "---- the policy ids are not those policies.json and links.json name:";
    for (size_t i = 0; i < ids.size() || i < expected.size(); ++i)
      if (i >= ids.size() || i >= expected.size() || ids[i] != expected[i]) {
        what += "\n  policy " + std::to_string(i) + ": Larch `" +
                (i < ids.size() ? ids[i] : "(none)") + "`, expected `" +
                (i < expected.size() ? expected[i] : "(none)") + "`";
        break;
      }
    fail(what + "\n");
  }

  std::set<std::string> linkIds;
  for (const Json &link : c.links)
    linkIds.insert(link.value("id", ""));
  st.links = linkIds.size();

  larch::PreparedRequest(&prepared)[kNumEvaluators] = reused.prepared;
  larch::DecisionScratch(&scratch)[kNumEvaluators] = reused.scratch;
  for (size_t r = 0; r < c.requests.size(); ++r) {
    const std::string &line = c.requests[r];
    Answer a[kNumEvaluators];
    for (size_t k = 0; k < kNumEvaluators; ++k) {
      double t0 = threadSeconds();
      if (!engines[k].prepareJson(line, prepared[k])) {
        a[k].read = false;
        a[k].readError = prepared[k].getError();
      } else {
        a[k].returned = engines[k].decide(prepared[k], scratch[k]);
      }
      st.seconds[k] += threadSeconds() - t0;
      if (a[k].read)
        a[k].decision = scratch[k].toDecision();
    }

    const Answer &ref = a[kReference];
    ++st.requests;
    if (!ref.read) {
      ++st.unreadable;
    } else {
      st.policyEvals += ids.size();
      if (ref.decision.allowed)
        ++st.allow;
      else if (!ref.decision.reasons.empty())
        ++st.denyForbid;
      else
        ++st.denyDefault;
      st.errors += ref.decision.errors.size();
      if (!ref.decision.errors.empty())
        ++st.withErrors;
      for (const std::string &id : ref.decision.reasons)
        st.linkAnswers += linkIds.count(id);
      for (const larch::PolicyErrorInfo &e : ref.decision.errors)
        st.linkAnswers += linkIds.count(e.policy);
    }

    if (!sameAnswer(a[0], ref) || !sameAnswer(a[1], ref)) {
      std::string what = "---- request " + std::to_string(r + 1) + "\n" + line + "\n";
      for (size_t k = 0; k < kNumEvaluators; ++k)
        what += std::string("---- ") + kNames[k] + ": " + a[k].show() + "\n";
      std::string texts = involvedPolicies(c, a);
      if (!texts.empty())
        what += "---- the policies they differ on\n" + texts;
      fail(what);
      continue;
    }
    // The same request as a larch::Request (another way in): the same
    // answer from each evaluator, with a fresh scratch.
    if (std::optional<larch::Request> req = asRequest(line))
      for (size_t k = 0; k < kNumEvaluators; ++k) {
        Answer viaStruct;
        viaStruct.decision = engines[k].authorize(*req);
        viaStruct.returned = viaStruct.decision.allowed;
        bool same = a[k].read ? sameAnswer(viaStruct, a[k])
                              : !viaStruct.decision.allowed && viaStruct.decision.reasons.empty() &&
                                    errorPolicies(viaStruct.decision) ==
                                        std::vector<std::string>{""};
        if (!same)
          fail("---- request " + std::to_string(r + 1) + "\n" + line + "\n---- " + kNames[k] +
               " (prepareJson, decide): " + a[k].show() + "\n---- " + kNames[k] +
               " (authorize(Request)): " + viaStruct.show() + "\n");
      }
    if (!ref.read)
      continue;
    const std::vector<larch::PolicyErrorInfo> &ce = a[0].decision.errors,
                                              &ae = a[1].decision.errors,
                                              &re = ref.decision.errors;
    for (size_t i = 0; i < re.size(); ++i) {
      if (ce[i].message != re[i].message) {
        ++st.messageDiffs;
        st.noteMessage("compiled `" + ce[i].message + "`\n      reference `" + re[i].message + "`");
      }
      if (ae[i].message != ce[i].message) {
        ++st.candidateMessageDiffs;
        st.noteMessage("all-candidates `" + ae[i].message + "`\n      compiled `" + ce[i].message +
                       "`");
      }
    }
  }
  if (o.failed)
    st.failedCases = 1;
  o.report = rep.str();
  return o;
}

// ---- finding cases --------------------------------------------------------

/// `case-12` before `case-100`: compares runs of digits by value.
bool naturalLess(const std::string &a, const std::string &b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2])))
        ++i2;
      while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2])))
        ++j2;
      std::string x = a.substr(i, i2 - i), y = b.substr(j, j2 - j);
      x.erase(0, std::min(x.find_first_not_of('0'), x.size()));
      y.erase(0, std::min(y.find_first_not_of('0'), y.size()));
      if (x.size() != y.size())
        return x.size() < y.size();
      if (x != y)
        return x < y;
      i = i2, j = j2;
    } else {
      if (a[i] != b[j])
        return a[i] < b[j];
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

/// The case directories under `path`: itself if it holds a case, else its
/// subdirectories that do.
bool findCases(const fs::path &path, std::vector<fs::path> &out) {
  std::error_code ec;
  if (fs::exists(path / "policies.cedar", ec)) {
    out.push_back(path);
    return true;
  }
  if (!fs::is_directory(path, ec))
    return false;
  std::vector<fs::path> found;
  for (const fs::directory_entry &e : fs::directory_iterator(path, ec))
    if (e.is_directory() && fs::exists(e.path() / "policies.cedar"))
      found.push_back(e.path());
  std::sort(found.begin(), found.end(), [](const fs::path &a, const fs::path &b) {
    return naturalLess(a.filename().string(), b.filename().string());
  });
  out.insert(out.end(), found.begin(), found.end());
  return !found.empty();
}

// ---- minimising -----------------------------------------------------------

/// Removes what it can from `items` while `stillFails` holds (delta
/// debugging with shrinking chunks).
template <typename T, typename Pred>
void shrinkList(std::vector<T> &items, Pred stillFails) {
  for (size_t chunk = std::max<size_t>(items.size() / 2, 1); chunk >= 1; chunk /= 2) {
    for (size_t start = 0; start < items.size();) {
      std::vector<T> fewer;
      for (size_t i = 0; i < items.size(); ++i)
        if (i < start || i >= start + chunk)
          fewer.push_back(items[i]);
      if (fewer.size() < items.size() && stillFails(fewer))
        items = std::move(fewer);
      else
        start += chunk;
    }
    if (chunk == 1)
      break;
  }
}

std::string joinPolicies(const std::vector<std::string> &texts) {
  std::string s;
  for (const std::string &t : texts)
    s += t + "\n";
  return s;
}

/// A policy's lines, as the generator writes them: annotations, the head
/// (`permit(`, three scope lines, `)`), then one line per condition; the
/// last line ends with `;`. Simplifications: drop an annotation other than
/// @id, a condition, or a scope constraint.
std::vector<std::string> simplerPolicies(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  if (lines.empty() || lines.back().empty() || lines.back().back() != ';')
    return {};
  auto join = [](std::vector<std::string> ls) {
    if (ls.back().empty() || ls.back().back() != ';')
      ls.back() += ";";
    std::string s;
    for (const std::string &l : ls)
      s += l + "\n";
    return s;
  };
  std::vector<std::string> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string &l = lines[i];
    bool annotation = l.rfind("@", 0) == 0 && l.rfind("@id(", 0) != 0;
    bool condition = l.rfind("when {", 0) == 0 || l.rfind("unless {", 0) == 0;
    if (annotation || condition) {
      std::vector<std::string> ls = lines;
      ls.erase(ls.begin() + static_cast<long>(i));
      out.push_back(join(ls)); // a removed last condition: join moves the `;`
    }
    for (const char *var : {"principal", "action", "resource"}) {
      std::string head = std::string("  ") + var + " ";
      if (l.rfind(head, 0) == 0) {
        std::vector<std::string> ls = lines;
        bool comma = !l.empty() && l.back() == ',';
        ls[i] = std::string("  ") + var + (comma ? "," : "");
        out.push_back(join(ls));
      }
    }
  }
  return out;
}

int minimize(const fs::path &dir, const fs::path &outDir) {
  Case c;
  std::string error;
  if (!readCase(dir, c, error)) {
    std::cerr << "larch_engine_diff: " << dir.string() << ": " << error << "\n";
    return 2;
  }
  Reused reused;
  if (!runCase(c, reused).failed) {
    std::cout << "larch_engine_diff: the evaluators agree on " << dir.string()
              << "; nothing to minimise\n";
    return 0;
  }
  for (const std::string &t : c.texts)
    if (t.empty()) {
      std::cerr << "larch_engine_diff: policies.json has no policy texts; cannot minimise\n";
      return 2;
    }
  if (c.texts.empty() || joinPolicies(c.texts) != c.policies) {
    std::cerr << "larch_engine_diff: policies.json does not spell policies.cedar; cannot "
                 "minimise\n";
    return 2;
  }
  auto fails = [&](const Case &x) { return runCase(x, reused, 0).failed; };

  // One request that disagrees (the load and id checks need none).
  Case probe = c;
  probe.requests.clear();
  if (!fails(probe))
    for (const std::string &r : c.requests) {
      probe.requests = {r};
      if (fails(probe))
        break;
    }
  c = probe;
  c.ids.clear(); // fewer policies: other positional ids
  if (!c.links.empty()) {
    std::vector<Json> links(c.links.begin(), c.links.end());
    auto withLinks = [&](const std::vector<Json> &ls) {
      Case x = c;
      x.links = Json(ls);
      return x;
    };
    shrinkList(links, [&](const std::vector<Json> &ls) { return fails(withLinks(ls)); });
    c = withLinks(links);
  }
  std::vector<std::string> texts = c.texts;
  auto withPolicies = [&](const std::vector<std::string> &ts) {
    Case x = c;
    x.texts = ts;
    x.policies = joinPolicies(ts);
    return x;
  };
  shrinkList(texts, [&](const std::vector<std::string> &ts) { return fails(withPolicies(ts)); });
  c = withPolicies(texts);

  Json entities = Json::parse(c.entities, nullptr, false);
  if (entities.is_array()) {
    std::vector<Json> es(entities.begin(), entities.end());
    auto withEntities = [&](const std::vector<Json> &xs) {
      Case x = c;
      x.entities = Json(xs).dump(1);
      return x;
    };
    shrinkList(es, [&](const std::vector<Json> &xs) { return fails(withEntities(xs)); });
    c = withEntities(es);
  }

  if (c.requests.size() == 1) {
    Json req = Json::parse(c.requests[0], nullptr, false);
    if (req.is_object() && req.contains("context") && req["context"].is_object()) {
      std::vector<std::string> keys;
      for (auto it = req["context"].begin(); it != req["context"].end(); ++it)
        keys.push_back(it.key());
      auto withKeys = [&](const std::vector<std::string> &ks) {
        Json r = req;
        Json ctx = Json::object();
        for (const std::string &k : ks)
          ctx[k] = req["context"][k];
        r["context"] = ctx;
        Case x = c;
        x.requests = {r.dump()};
        return x;
      };
      shrinkList(keys, [&](const std::vector<std::string> &ks) { return fails(withKeys(ks)); });
      c = withKeys(keys);
    }
  }

  // Simpler policies, one step at a time, while something changes.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < c.texts.size() && !changed; ++i)
      for (const std::string &simpler : simplerPolicies(c.texts[i])) {
        std::vector<std::string> ts = c.texts;
        ts[i] = simpler;
        Case x = withPolicies(ts);
        if (fails(x)) {
          c = x;
          texts = ts;
          changed = true;
          break;
        }
      }
  }

  // Write it out, with the ids Larch gives.
  larch::Engine engine;
  larch::PolicyOptions options;
  options.positionalIds = c.positionalIds;
  engine.loadPolicyText("policies.cedar", c.policies, options);
  std::vector<std::string> ids = engine.getPolicyIds();
  Json pols = Json::array();
  size_t next = 0; // getPolicyIds lists no templates
  for (const std::string &t : c.texts) {
    bool isTemplate = t.find("?principal") != std::string::npos ||
                      t.find("?resource") != std::string::npos;
    Json entry{{"id", isTemplate || next >= ids.size() ? "" : ids[next++]}, {"text", t}};
    if (isTemplate)
      entry["template"] = true;
    pols.push_back(entry);
  }
  fs::create_directories(outDir);
  std::ofstream(outDir / "policies.cedar") << c.policies;
  std::ofstream(outDir / "policies.json")
      << Json{{"positional", c.positionalIds}, {"policies", pols}}.dump(1) << "\n";
  std::ofstream(outDir / "entities.json") << c.entities << "\n";
  std::ofstream(outDir / "larch.args") << (c.positionalIds ? "--positional-ids\n" : "");
  if (!c.links.empty())
    std::ofstream(outDir / "links.json") << c.links.dump(1) << "\n";
  std::ofstream reqs(outDir / "requests.jsonl");
  for (const std::string &r : c.requests)
    reqs << r << "\n";
  reqs.close();
  c.name = outDir.string();
  Outcome o = runCase(c, reused);
  std::cout << "---- policies.cedar\n"
            << c.policies << (c.links.empty() ? "" : "---- links.json\n" + c.links.dump() + "\n")
            << "---- entities.json\n"
            << c.entities << "\n"
            << o.report;
  return 1;
}

// ---- the run --------------------------------------------------------------

std::string pct(size_t n, size_t d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", d ? 100.0 * static_cast<double>(n) / static_cast<double>(d) : 0.0);
  return buf;
}

void printSummary(const Stats &s, double wall) {
  std::printf("engine diff: %zu cases (%zu refused alike by all three), %zu requests, %.1fs\n",
              s.cases, s.rejected, s.requests, wall);
  size_t decided = s.requests - s.unreadable;
  std::printf("  decisions: allow %zu (%s), deny by forbid %zu (%s), default deny %zu (%s);"
              " unreadable %zu\n",
              s.allow, pct(s.allow, decided).c_str(), s.denyForbid,
              pct(s.denyForbid, decided).c_str(), s.denyDefault,
              pct(s.denyDefault, decided).c_str(), s.unreadable);
  std::printf("  policy evaluations: %zu; erroring %zu (%s); requests with an error %zu (%s)\n",
              s.policyEvals, s.errors, pct(s.errors, s.policyEvals).c_str(), s.withErrors,
              pct(s.withErrors, decided).c_str());
  if (s.links)
    std::printf("  template links: %zu; reasons and errors naming a link: %zu\n", s.links,
                s.linkAnswers);
  std::printf("  CPU time preparing and deciding: compiled %.2fs, all-candidates %.2fs, "
              "reference %.2fs\n",
              s.seconds[0], s.seconds[1], s.seconds[2]);
  std::printf("  error messages differing: compiled vs reference %zu, all-candidates vs "
              "compiled %zu (reported, not failed)\n",
              s.messageDiffs, s.candidateMessageDiffs);
  for (const std::string &m : s.messageExamples)
    std::printf("    %s\n", m.c_str());
  std::printf("  disagreeing: %zu (in %zu cases)\n", s.disagreements, s.failedCases);
}

/// Decides the cases in `dirs` on `jobs` threads, printing disagreements
/// as they come; returns the failing ones in `failed`.
Stats runCases(const std::vector<fs::path> &dirs, unsigned jobs, size_t maxReports,
               size_t &reported, std::vector<fs::path> &failed, bool &badInput,
               const std::function<std::string(const fs::path &)> &reproduce) {
  std::vector<Stats> stats(dirs.size());
  std::atomic<size_t> next{0};
  std::mutex printing;
  auto worker = [&] {
    Reused reused;
    for (size_t i; (i = next++) < dirs.size();) {
      Case c;
      std::string error;
      if (!readCase(dirs[i], c, error)) {
        std::lock_guard<std::mutex> lock(printing);
        std::cerr << "larch_engine_diff: " << dirs[i].string() << ": " << error << "\n";
        badInput = true;
        continue;
      }
      Outcome o = runCase(c, reused);
      stats[i] = o.stats;
      if (!o.failed)
        continue;
      std::lock_guard<std::mutex> lock(printing);
      failed.push_back(dirs[i]);
      if (reported++ < maxReports)
        std::cout << o.report;
      else
        std::cout << "DISAGREEMENT in " << c.name << " (details not shown)\n";
      std::cout << "---- reproduce: " << reproduce(dirs[i]) << "\n" << std::flush;
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < std::min<size_t>(jobs, dirs.size()); ++t)
    threads.emplace_back(worker);
  worker();
  for (std::thread &t : threads)
    t.join();
  Stats total;
  for (const Stats &st : stats)
    total.add(st);
  return total;
}

/// Runs a program and waits for it; returns its exit status (-1 if it could
/// not run or was killed).
int runProgram(const std::vector<std::string> &args) {
  std::vector<char *> argv;
  for (const std::string &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
    return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// `--generate SEED:COUNT[:MIN-MAX]`: seeds SEED.. of the generator, with
/// its `--policies MIN-MAX` if given.
struct Batch {
  uint64_t seed = 1, count = 0;
  std::string policies;
};

bool parseBatch(const std::string &v, Batch &b) {
  size_t c1 = v.find(':');
  if (c1 == std::string::npos)
    return false;
  size_t c2 = v.find(':', c1 + 1);
  try {
    b.seed = std::stoull(v.substr(0, c1));
    b.count = std::stoull(v.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1));
  } catch (const std::exception &) {
    return false;
  }
  if (c2 != std::string::npos)
    b.policies = v.substr(c2 + 1);
  return true;
}

const char *kUsage =
    "usage: larch_engine_diff [options] [PATH...]\n"
    "       larch_engine_diff --minimize OUT CASE_DIR\n"
    "PATH is a case directory (as larch_diff_gen writes it) or a directory of them.\n"
    "  --jobs N                  decide cases on N threads (default 1)\n"
    "  --max-reports N           describe at most N disagreeing cases (default 5)\n"
    "  --gen GEN --work DIR      with --generate: the generator, and where its\n"
    "                            cases go (chunk by chunk; disagreeing cases are\n"
    "                            kept in DIR/failures)\n"
    "  --generate S:N[:MIN-MAX]  also decide generated cases of seeds S..S+N-1\n"
    "                            (with `--policies MIN-MAX`); repeatable\n"
    "  --gen-arg ARG             pass ARG to every generator run; repeatable\n"
    "  --minimize OUT            shrink a disagreeing case into OUT\n";

} // namespace

int main(int argc, char **argv) {
  unsigned jobs = 1;
  size_t maxReports = 5;
  std::string minimizeOut, gen, work;
  std::vector<std::string> paths, genArgs;
  std::vector<Batch> batches;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool valued = a == "--jobs" || a == "--max-reports" || a == "--minimize" || a == "--gen" ||
                  a == "--work" || a == "--generate" || a == "--gen-arg";
    if (valued && i + 1 < argc) {
      std::string v = argv[++i];
      try {
        if (a == "--jobs")
          jobs = static_cast<unsigned>(std::max(1ul, std::stoul(v)));
        else if (a == "--max-reports")
          maxReports = std::stoul(v);
        else if (a == "--minimize")
          minimizeOut = v;
        else if (a == "--gen")
          gen = v;
        else if (a == "--work")
          work = v;
        else if (a == "--gen-arg")
          genArgs.push_back(v);
        else if (batches.emplace_back(); !parseBatch(v, batches.back())) {
          std::cerr << "larch_engine_diff: `--generate` takes SEED:COUNT[:MIN-MAX]\n";
          return 2;
        }
      } catch (const std::exception &) {
        std::cerr << "larch_engine_diff: `" << a << "` needs a number\n";
        return 2;
      }
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "larch_engine_diff: unexpected argument `" << a << "`\n" << kUsage;
      return 2;
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty() && batches.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (!minimizeOut.empty()) {
    if (paths.size() != 1 || !batches.empty()) {
      std::cerr << "larch_engine_diff: `--minimize` takes one case directory\n";
      return 2;
    }
    return minimize(paths[0], minimizeOut);
  }
  if (!batches.empty() && (gen.empty() || work.empty())) {
    std::cerr << "larch_engine_diff: `--generate` needs `--gen GEN` and `--work DIR`\n";
    return 2;
  }

  auto started = std::chrono::steady_clock::now();
  Stats total;
  size_t reported = 0;
  bool badInput = false;
  std::vector<fs::path> failed;

  std::vector<fs::path> dirs;
  for (const std::string &p : paths)
    if (!findCases(p, dirs)) {
      std::cerr << "larch_engine_diff: no case in `" << p << "`\n";
      return 2;
    }
  total.add(runCases(dirs, jobs, maxReports, reported, failed, badInput,
                     [](const fs::path &d) { return "larch_engine_diff " + d.string(); }));

  for (const Batch &b : batches) {
    // Chunks bound the disk used: many-policy cases are large.
    const uint64_t chunk = b.policies.empty() ? 500 : 50;
    for (uint64_t first = b.seed; first < b.seed + b.count; first += chunk) {
      uint64_t n = std::min(chunk, b.seed + b.count - first);
      fs::path dir = fs::path(work) / ("chunk-" + std::to_string(first));
      std::error_code ec;
      fs::remove_all(dir, ec);
      std::vector<std::string> args = {gen, "--seed", std::to_string(first), "--count",
                                       std::to_string(n), "--out", dir.string()};
      if (!b.policies.empty())
        args.insert(args.end(), {"--policies", b.policies});
      args.insert(args.end(), genArgs.begin(), genArgs.end());
      if (runProgram(args) != 0) {
        std::cerr << "larch_engine_diff: the generator failed on seeds " << first << "..\n";
        return 2;
      }
      dirs.clear();
      findCases(dir, dirs);
      std::vector<fs::path> chunkFailed;
      auto kept = [&](const fs::path &d) {
        return fs::path(work) / "failures" /
               (d.filename().string() + (b.policies.empty() ? "" : "-policies-" + b.policies));
      };
      auto reproduce = [&](const fs::path &d) {
        std::string seed = d.filename().string().substr(5); // case-<seed>
        std::string extra;
        for (const std::string &a : genArgs)
          extra += " " + a;
        return "larch_diff_gen --seed " + seed +
               (b.policies.empty() ? "" : " --policies " + b.policies) + extra +
               " --out DIR; larch_engine_diff DIR/case-" + seed + " (kept in " +
               kept(d).string() + ")";
      };
      total.add(runCases(dirs, jobs, maxReports, reported, chunkFailed, badInput, reproduce));
      for (const fs::path &d : chunkFailed) {
        fs::create_directories(fs::path(work) / "failures");
        fs::copy(d, kept(d), fs::copy_options::recursive | fs::copy_options::overwrite_existing,
                 ec);
      }
      failed.insert(failed.end(), chunkFailed.begin(), chunkFailed.end());
      fs::remove_all(dir, ec);
      if (b.count > chunk)
        std::cout << "engine diff: seeds " << b.seed << ".." << first + n - 1
                  << (b.policies.empty() ? "" : " (" + b.policies + " policies)") << ", "
                  << total.failedCases << " failing cases so far\n"
                  << std::flush;
    }
  }

  printSummary(total, std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                          .count());
  if (badInput)
    return 2;
  return total.disagreements ? 1 : 0;
}
