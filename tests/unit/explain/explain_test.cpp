// Explanations (docs/explain.md): the conjunct side table the code generator
// records, Engine::explain on scope-only, when, unless, nested &&, `has`
// guards, errors, templates and links, and a property test over the corpus:
// the explained decision is the decided one, satisfied candidates are the
// reasons (or satisfied policies of the losing effect), and every reported
// conjunct is false by an independent evaluator (the IR interpreter) while
// the conjuncts before it are true.
#include "compiler/codegen/compile_program.h"
#include "compiler/ir/lower.h"
#include "compiler/policy_loader.h"
#include "compiler/reference/authorizer.h"
#include "larch/engine.h"
#include "runtime/compiled/authorize.h"
#include "runtime/compiled/flat_store.h"
#include "runtime/compiled/vm.h"
#include "testlib/corpus.h"
#include "testlib/corpus_request.h"
#include "testlib/corpus_test_loader.h"
#include "unit/ir/ir_interpreter.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <set>

using namespace larch;

namespace {

const char *const Policies = R"(@id("scope-only")
permit(principal == User::"alice", action == Action::"read", resource);

@id("when-and")
permit(principal, action == Action::"read", resource)
when { context.level > 1 && context.level < 5 && context.ok };

@id("unless-clause")
forbid(principal, action == Action::"read", resource)
unless { context.ok };

@id("has-guard")
permit(principal, action == Action::"read", resource)
when { context has approval && context.approval == "yes" };

@id("missing")
permit(principal, action == Action::"read", resource)
when { context.nothere == 1 };

@id("nested")
permit(principal, action == Action::"read", resource)
when { context.ok && (context.level == 3 && (context.level > 2 && context.flag)) }
when { true };
)";

std::string request(const std::string &principal, const std::string &context) {
  return R"({"principal":{"type":"User","id":")" + principal +
         R"("},"action":{"type":"Action","id":"read"},"resource":{"type":"Doc","id":"d"},"context":)" +
         context + "}";
}

const PolicyExplanation *find(const Explanation &e, const std::string &id) {
  for (const PolicyExplanation &p : e.candidates)
    if (p.policyId == id)
      return &p;
  return nullptr;
}

struct Explained {
  bool allowed = false;
  Decision decision;
  Explanation why;
};

Explained explainOne(const Engine &engine, const std::string &json) {
  PreparedRequest prepared;
  DecisionScratch scratch;
  Explained out;
  engine.prepareJson(json, prepared);
  out.allowed = engine.explain(prepared, scratch, out.why);
  out.decision = scratch.toDecision();
  return out;
}

} // namespace

TEST(Explain, ConjunctTableHasOneEntryPerConjunctWithItsSource) {
  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies loaded;
  ASSERT_TRUE(loadPolicyText("p.cedar", Policies, sm, loaded, diags, LoadOptions()));
  std::optional<ir::Module> m = ir::lower(loaded.set, diags);
  ASSERT_TRUE(m);
  std::unique_ptr<rt::Program> program = codegen::compileProgram(*m, diags);
  ASSERT_TRUE(program);
  auto texts = [&](size_t policy) {
    std::vector<std::string> out;
    for (const rt::ConjunctInfo &c : program->getConjuncts(program->getPolicies()[policy]))
      out.push_back(sm.getText(c.range.file).slice(c.range.begin, c.range.end).str());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(texts(0), (V{"principal == User::\"alice\"", "action == Action::\"read\""}));
  EXPECT_EQ(texts(1), (V{"action == Action::\"read\"", "context.level > 1",
                         "context.level < 5", "context.ok"}));
  EXPECT_EQ(texts(2), (V{"action == Action::\"read\"", "context.ok"}));
  EXPECT_EQ(program->getConjuncts(program->getPolicies()[2])[1].kind,
            rt::ConjunctInfo::Kind::Unless);
  EXPECT_EQ(texts(3), (V{"action == Action::\"read\"", "context has approval",
                         "context.approval == \"yes\""}));
  EXPECT_EQ(texts(5), (V{"action == Action::\"read\"", "context.ok", "context.level == 3",
                         "context.level > 2", "context.flag", "true"}));
  // The conjuncts' code comes after every policy's, so a decision never runs it.
  uint32_t lastPolicyEnd = 0;
  for (const rt::PolicyEntry &e : program->getEntries())
    lastPolicyEnd = std::max(lastPolicyEnd, e.codeEnd);
  for (const rt::ConjunctInfo &c : program->getConjuncts())
    EXPECT_GE(c.entry, lastPolicyEnd);
  EXPECT_NE(program->dump().find("conjunct when @"), std::string::npos);
}

TEST(Explain, ExplainsEachCandidate) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  Explained e = explainOne(engine, request("bob", R"({"level": 7, "ok": false})"));
  EXPECT_FALSE(e.allowed);
  ASSERT_TRUE(e.why.available) << e.why.note;
  EXPECT_FALSE(e.why.allCandidates);
  EXPECT_EQ(e.why.numPolicies, 6u);
  // The index leaves out `scope-only` (principal bob).
  EXPECT_EQ(find(e.why, "scope-only"), nullptr);
  ASSERT_EQ(e.why.candidates.size(), 5u);

  const PolicyExplanation *w = find(e.why, "when-and");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->status, CandidateStatus::NotSatisfied);
  EXPECT_EQ(w->annotatedId, std::optional<std::string>("when-and"));
  EXPECT_EQ(w->location.str(), "p.cedar:4:1");
  ASSERT_TRUE(w->condition);
  EXPECT_EQ(w->condition->kind, "when");
  EXPECT_EQ(w->condition->text, "context.level < 5");
  EXPECT_EQ(w->condition->location.str(), "p.cedar:6:29");

  const PolicyExplanation *u = find(e.why, "unless-clause");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->isForbid);
  EXPECT_EQ(u->status, CandidateStatus::Satisfied);
  EXPECT_FALSE(u->condition);

  const PolicyExplanation *h = find(e.why, "has-guard");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, CandidateStatus::NotSatisfied);
  ASSERT_TRUE(h->condition);
  EXPECT_EQ(h->condition->text, "context has approval");

  const PolicyExplanation *m = find(e.why, "missing");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, CandidateStatus::Error);
  EXPECT_NE(m->errorMessage.find("nothere"), std::string::npos) << m->errorMessage;
  EXPECT_EQ(m->errorLocation.file, "p.cedar");
  EXPECT_EQ(m->errorLocation.line, 18u);
  ASSERT_TRUE(m->condition);
  EXPECT_EQ(m->condition->text, "context.nothere == 1");
  // The error is the decision's error, word for word.
  ASSERT_EQ(e.decision.errors.size(), 1u);
  EXPECT_EQ(e.decision.errors[0].message, m->errorMessage);

  const PolicyExplanation *n = find(e.why, "nested");
  ASSERT_TRUE(n);
  ASSERT_TRUE(n->condition);
  EXPECT_EQ(n->condition->text, "context.ok");
}

TEST(Explain, NestedAndUnlessAndTheReasons) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  Explained e =
      explainOne(engine, request("alice", R"({"level": 3, "ok": true, "flag": false})"));
  EXPECT_TRUE(e.allowed);
  ASSERT_TRUE(e.why.available);
  const PolicyExplanation *n = find(e.why, "nested");
  ASSERT_TRUE(n && n->condition);
  EXPECT_EQ(n->condition->text, "context.flag");
  const PolicyExplanation *u = find(e.why, "unless-clause");
  ASSERT_TRUE(u && u->condition);
  EXPECT_EQ(u->condition->kind, "unless");
  EXPECT_EQ(u->condition->text, "context.ok");
  std::set<std::string> satisfied;
  for (const PolicyExplanation &p : e.why.candidates)
    if (p.status == CandidateStatus::Satisfied)
      satisfied.insert(p.policyId);
  EXPECT_EQ(satisfied, (std::set<std::string>{"scope-only", "when-and"}));
  EXPECT_EQ(e.decision.reasons, (std::vector<std::string>{"scope-only", "when-and"}));
}

TEST(Explain, AllCandidatesModeReportsTheFailingScope) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  engine.setEvaluator(Evaluator::CompiledAllCandidates);
  Explained e = explainOne(engine, request("bob", R"({"level": 7, "ok": false})"));
  ASSERT_TRUE(e.why.available);
  EXPECT_TRUE(e.why.allCandidates);
  ASSERT_EQ(e.why.candidates.size(), 6u);
  const PolicyExplanation *s = find(e.why, "scope-only");
  ASSERT_TRUE(s && s->condition);
  EXPECT_EQ(s->status, CandidateStatus::NotSatisfied);
  EXPECT_EQ(s->condition->kind, "principal");
  EXPECT_EQ(s->condition->text, "principal == User::\"alice\"");
  EXPECT_EQ(s->condition->location.str(), "p.cedar:2:8");
}

TEST(Explain, TemplatesAndLinks) {
  Engine engine;
  ASSERT_TRUE(engine
                  .loadPolicyText("t.cedar", R"(@id("tmpl")
permit(principal == ?principal, action, resource in ?resource)
when { context.ok };
)")
                  .ok);
  ASSERT_TRUE(engine
                  .linkTemplate("tmpl", "link1", EntityRef{"User", "bob"},
                                EntityRef{"Doc", "d"})
                  .ok);
  Explained e = explainOne(engine, request("bob", R"({"ok": false})"));
  ASSERT_TRUE(e.why.available);
  ASSERT_EQ(e.why.candidates.size(), 1u);
  const PolicyExplanation &p = e.why.candidates[0];
  EXPECT_EQ(p.policyId, "link1");
  EXPECT_FALSE(p.annotatedId);
  EXPECT_EQ(p.status, CandidateStatus::NotSatisfied);
  ASSERT_TRUE(p.condition);
  EXPECT_EQ(p.condition->text, "context.ok");
  EXPECT_EQ(p.condition->location.str(), "t.cedar:3:8");
  engine.setEvaluator(Evaluator::CompiledAllCandidates);
  e = explainOne(engine, request("carol", R"({"ok": true})"));
  ASSERT_EQ(e.why.candidates.size(), 1u);
  ASSERT_TRUE(e.why.candidates[0].condition);
  EXPECT_EQ(e.why.candidates[0].condition->text, "principal == ?principal");
}

TEST(Explain, UnavailableCases) {
  Engine engine;
  ASSERT_TRUE(engine.loadPolicyText("p.cedar", Policies).ok);
  Explained bad = explainOne(engine, "{not json");
  EXPECT_FALSE(bad.why.available);
  EXPECT_NE(bad.why.note.find("not read"), std::string::npos);
  engine.setEvaluator(Evaluator::Reference);
  Explained ref = explainOne(engine, request("alice", R"({"level": 3, "ok": true})"));
  EXPECT_TRUE(ref.allowed);
  EXPECT_FALSE(ref.why.available);
  EXPECT_NE(ref.why.note.find("compiled engine"), std::string::npos);
}

// ----------------------------------------------------------------------------
// Property test over the corpus.
// ----------------------------------------------------------------------------

namespace {

struct Counts {
  size_t requests = 0, candidates = 0, notSatisfied = 0, checked = 0;
  std::vector<std::string> failures;
};

void note(Counts &c, std::string s) {
  if (c.failures.size() < 20)
    c.failures.push_back(std::move(s));
}

void checkFile(const std::string &root, const std::string &path, Counts &counts) {
  testlib::CorpusTest c;
  testlib::CompiledCorpusTest compiled;
  std::string error;
  if (!testlib::loadCorpusTest(root, path, c, error) ||
      !testlib::compileCorpusTest(c, path, compiled, error))
    return note(counts, error);
  const json::Json &t = c.test;
  std::optional<ir::Module> &module = compiled.module;
  std::unique_ptr<rt::Program> &program = compiled.program;
  json::JsonError jerr;
  std::string why;
  runtime::EntityView view(*c.store);
  rt::EvalScratch scratch, plain;
  rt::PreparedRequest prepared;
  size_t index = 0;
  for (const json::Json &r : t["requests"]) {
    std::string where = path + " request " + std::to_string(index++);
    std::optional<runtime::Request> request = testlib::parseCorpusRequest(r, &*c.schema, jerr);
    if (!request || !rt::prepareRequest(*compiled.flat, *request, nullptr, prepared, why))
      continue;
    ++counts.requests;
    for (rt::CandidateMode mode : {rt::CandidateMode::Indexed, rt::CandidateMode::AllPolicies}) {
      rt::DecisionView want = rt::decide(*program, prepared, plain, mode);
      scratch.recordOutcomes = true;
      rt::DecisionView got = rt::decide(*program, prepared, scratch, mode);
      scratch.recordOutcomes = false;
      if (got.allowed != want.allowed || got.reasons.vec() != want.reasons.vec() ||
          got.errors.size() != want.errors.size())
        note(counts, where + ": recording outcomes changed the decision");
      if (scratch.outcomes.size() != scratch.candidates.size()) {
        note(counts, where + ": one outcome per candidate");
        continue;
      }
      std::set<uint32_t> reasons(got.reasons.begin(), got.reasons.end());
      ir::testing::IrInterpreter interp(*module, *request, view);
      rt::World world(prepared);
      for (size_t i = 0; i < scratch.candidates.size(); ++i) {
        ++counts.candidates;
        uint32_t p = scratch.candidates[i];
        auto outcome = static_cast<rt::PolicyOutcome>(scratch.outcomes[i]);
        bool isForbid = program->getPolicies()[p].isForbid;
        if (outcome == rt::PolicyOutcome::Satisfied && !reasons.count(p) &&
            !(got.allowed == false && !isForbid && !reasons.empty()))
          note(counts, where + ": satisfied " + program->getPolicies()[p].id +
                           " is neither a reason nor a permit overridden by a forbid");
        if (outcome == rt::PolicyOutcome::Satisfied)
          continue;
        rt::PolicyOutcome found;
        rt::EvalError error;
        int k = rt::findFailingConjunct(*program, p, mode == rt::CandidateMode::Indexed, world,
                                        scratch, found, error);
        if (k < 0 || found != outcome) {
          note(counts, where + ": " + program->getPolicies()[p].id +
                           ": the conjuncts do not reproduce the outcome");
          continue;
        }
        if (outcome != rt::PolicyOutcome::NotSatisfied)
          continue;
        ++counts.notSatisfied;
        // Independently: the reported conjunct is false and those before it
        // (that the VM ran) are true, by the IR interpreter.
        const ir::Policy &ip = module->getPolicies()[p];
        for (int j = 0; j <= k; ++j) {
          const ir::Conjunct &c = ip.conjuncts[static_cast<size_t>(j)];
          bool scope = c.kind == ir::Conjunct::Kind::Principal ||
                       c.kind == ir::Conjunct::Kind::Action ||
                       c.kind == ir::Conjunct::Kind::Resource;
          if (scope)
            continue; // the scope tests are the VM's (the index's oracle tests them)
          runtime::EvalResult v = interp.evaluate(c.node);
          bool expect = j < k;
          if (!v || !v->is(runtime::ValueKind::Bool) || v->getBool() != expect)
            note(counts, where + ": " + ip.id + " conjunct " + std::to_string(j) +
                             " is not " + (expect ? "true" : "false") + " by the IR");
        }
        ++counts.checked;
      }
    }
  }
}

} // namespace

TEST(Explain, PropertyOverTheCorpus) {
  std::string error;
  std::string root = testlib::unpackedCorpusDir(&error);
  ASSERT_FALSE(root.empty()) << error;
  Counts counts;
  for (const std::string &f : testlib::listFiles(root + "/corpus-tests", ".json")) {
    if (f.size() > 14 && f.compare(f.size() - 14, 14, ".entities.json") == 0)
      continue;
    checkFile(root, f, counts);
  }
  std::string shared = testlib::sharedCorpusDir();
  if (!shared.empty())
    for (const std::string &f : testlib::listFiles(shared + "/tests", ".json"))
      checkFile(shared, f, counts);
  std::cout << "explain corpus: " << counts.requests << " requests, " << counts.candidates
            << " candidates (both modes), " << counts.notSatisfied
            << " not satisfied, each conjunct checked by the IR\n";
  for (const std::string &f : counts.failures)
    ADD_FAILURE() << f;
  EXPECT_GT(counts.notSatisfied, 1000u);
  EXPECT_EQ(counts.checked, counts.notSatisfied);
}

// Shared sub-expressions are one IR node with one memo slot and the range of
// their first occurrence: each policy still gets its own conjunct and its own
// locations, and a memoised `&&` (whose branches a later policy skips) is
// still explained operand by operand.
TEST(Explain, SharedExpressionsKeepTheirOwnLocations) {
  Engine engine;
  ASSERT_TRUE(engine
                  .loadPolicyText("s.cedar", R"(@id("a")
permit(principal, action, resource) when { context.x > 1 && context.y };
@id("b")
permit(principal, action, resource) when { context.x > 1 && context.y };
@id("c")
permit(principal, action, resource) when { (context.x > 1 && context.y) || context.z };
@id("d")
forbid(principal, action, resource) when { context.missing > 1 };
@id("e")
forbid(principal, action, resource) when { context.missing > 1 };
)")
                  .ok);
  Explained e = explainOne(engine, request("u", R"({"x": 5, "y": false, "z": false})"));
  ASSERT_TRUE(e.why.available);
  const PolicyExplanation *a = find(e.why, "a"), *b = find(e.why, "b"), *c = find(e.why, "c");
  ASSERT_TRUE(a && b && c && a->condition && b->condition && c->condition);
  EXPECT_EQ(a->condition->text, "context.y");
  EXPECT_EQ(a->condition->location.str(), "s.cedar:2:61");
  EXPECT_EQ(b->condition->text, "context.y");
  EXPECT_EQ(b->condition->location.str(), "s.cedar:4:61");
  EXPECT_EQ(c->condition->text, "(context.x > 1 && context.y) || context.z");
  EXPECT_EQ(c->condition->location.str(), "s.cedar:6:44");
  const PolicyExplanation *d = find(e.why, "d"), *f = find(e.why, "e");
  ASSERT_TRUE(d && f);
  EXPECT_EQ(d->status, CandidateStatus::Error);
  EXPECT_EQ(f->status, CandidateStatus::Error);
  EXPECT_EQ(d->errorLocation.line, 8u);
  EXPECT_EQ(f->errorLocation.line, 10u); // not the first occurrence's line
  EXPECT_EQ(d->errorMessage, f->errorMessage);
}
