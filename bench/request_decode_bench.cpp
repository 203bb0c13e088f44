// Benchmark: decoding one `larch eval` request line (the agent workload's
// requests, ~560 bytes: entity refs, a context with `__extn` datetimes and
// ips, nested records, sets of entities) into an rt::PreparedRequest.
//
//   BM_DecodeReference       parseJsonText + parseRequestJson (nlohmann)
//   BM_DecodeReferencePrepared   the same, then rt::prepareRequest
//   BM_DecodeFast/0          json::RequestDecoder::decode (simdjson DOM)
//   BM_DecodeFast/1          the same when the store's symbols hold every name
//                            (no request-local names: what the decoder itself
//                            costs and allocates)
//   BM_WalkDom / BM_WalkOnDemand  simdjson alone: parse and visit every
//                            value (copying strings), DOM with a reused
//                            parser vs On-Demand; what chose the decoder's API
//
// Each reports allocs/req, counted by replacing global operator new.
//
// Measured (Release, 2-core VM under heavy load from parallel builds, CPU
// time per request, ~480-byte lines): reference 10.6 us (201 allocs), with
// prepareRequest 11.9 us (211); fast decoder 1.7 us (9.9 allocs, all in
// PreparedRequest interning names the store does not know), 1.5 us with every
// name known (0.47 allocs, all in rt::SymbolTable::lookupEntity building a
// std::string key for ids over 11 bytes); bare DOM walk 0.50 us, bare
// On-Demand walk 0.42 us.
#include "compiler/json/request_decoder.h"
#include "compiler/json/entity_json.h"
#include "compiler/json/request_json.h"
#include "runtime/compiled/flat_store.h"
#include "workloads/workload.h"

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<uint64_t> allocations{0};

} // namespace

// Not inlined, so the compiler does not pair a `new` it sees with the
// free() inside.
__attribute__((noinline)) void *operator new(size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void *p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void operator delete(void *p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void *p, size_t) noexcept { std::free(p); }

using namespace larch;

namespace {

struct Loaded {
  std::vector<std::string> lines;
  runtime::EntityStore entities;
  std::unique_ptr<rt::FlatStore> flat;
  /// The same entities over a symbol table that already holds every name
  /// the requests use, as a compiled program's table holds the names its
  /// policies mention: no request-local names.
  std::unique_ptr<rt::FlatStore> flatKnownNames;
};

/// Interns every record key and entity uid in `j`.
void collectNames(const json::Json &j, rt::SymbolTable &symbols) {
  if (j.is_array())
    for (const json::Json &e : j)
      collectNames(e, symbols);
  if (!j.is_object())
    return;
  if (j.contains("type") && j.contains("id") && j["type"].is_string() && j["id"].is_string())
    symbols.internEntity(symbols.internType(j["type"].get<std::string>()),
                         j["id"].get<std::string>());
  for (auto it = j.begin(); it != j.end(); ++it) {
    symbols.internAttr(it.key());
    collectNames(it.value(), symbols);
  }
}

const Loaded &getLoaded() {
  static Loaded l = [] {
    Loaded out;
    bench::WorkloadOptions o;
    o.scenario = bench::Scenario::Agents;
    o.policies = 100;
    o.requests = 500;
    bench::Workload w = bench::generateWorkload(o);
    out.lines = std::move(w.requests);
    json::JsonError err;
    if (auto store = json::loadEntityStore(w.entitiesJson, nullptr, err))
      out.entities = std::move(*store);
    std::string why;
    out.flat = rt::FlatStore::build(rt::SymbolTable(), out.entities, why);
    rt::SymbolTable names;
    for (const std::string &line : out.lines)
      if (std::optional<json::Json> j = json::parseJsonText(line, err)) {
        collectNames((*j)["context"], names);
        for (const char *k : {"principal", "action", "resource"})
          collectNames((*j)[k], names);
      }
    out.flatKnownNames = rt::FlatStore::build(names, out.entities, why);
    return out;
  }();
  return l;
}

void finish(benchmark::State &state, uint64_t allocsBefore, size_t bytes) {
  state.SetItemsProcessed(int64_t(state.iterations()));
  state.SetBytesProcessed(int64_t(bytes));
  state.counters["allocs/req"] =
      benchmark::Counter(double(allocations.load() - allocsBefore),
                         benchmark::Counter::kAvgIterations);
}

void BM_DecodeReference(benchmark::State &state) {
  const Loaded &l = getLoaded();
  size_t i = 0, bytes = 0;
  uint64_t before = allocations.load();
  for (auto _ : state) {
    const std::string &line = l.lines[i++ % l.lines.size()];
    json::JsonError err;
    std::optional<json::Json> j = json::parseJsonText(line, err);
    std::optional<json::ParsedRequest> r = json::parseRequestJson(*j, nullptr, err);
    benchmark::DoNotOptimize(r);
    bytes += line.size();
  }
  finish(state, before, bytes);
}
BENCHMARK(BM_DecodeReference);

void BM_DecodeReferencePrepared(benchmark::State &state) {
  const Loaded &l = getLoaded();
  rt::PreparedRequest out;
  size_t i = 0, bytes = 0;
  uint64_t before = allocations.load();
  for (auto _ : state) {
    const std::string &line = l.lines[i++ % l.lines.size()];
    json::JsonError err;
    std::optional<json::Json> j = json::parseJsonText(line, err);
    std::optional<json::ParsedRequest> r = json::parseRequestJson(*j, nullptr, err);
    std::string why;
    bool ok = rt::prepareRequest(*l.flat, r->request, nullptr, out, why);
    benchmark::DoNotOptimize(ok);
    bytes += line.size();
  }
  finish(state, before, bytes);
}
BENCHMARK(BM_DecodeReferencePrepared);

void BM_DecodeFast(benchmark::State &state) {
  const Loaded &l = getLoaded();
  const rt::FlatStore &flat = state.range(0) ? *l.flatKnownNames : *l.flat;
  rt::PreparedRequest out;
  json::RequestDecoder decoder;
  json::JsonError err;
  // Warm up: grow every buffer once.
  for (const std::string &line : l.lines) {
    out.clear(flat);
    if (!decoder.decode(line, nullptr, l.entities, out, err) ||
        decoder.getLastRoute() != json::RequestDecoder::Route::Fast) {
      state.SkipWithError(("not decoded natively: " + err.str()).c_str());
      return;
    }
  }
  size_t i = 0, bytes = 0;
  uint64_t before = allocations.load();
  for (auto _ : state) {
    const std::string &line = l.lines[i++ % l.lines.size()];
    out.clear(flat);
    bool ok = decoder.decode(line, nullptr, l.entities, out, err);
    benchmark::DoNotOptimize(ok);
    bytes += line.size();
  }
  finish(state, before, bytes);
}
// 0: names as the store knows them; 1: every name known (see Loaded).
BENCHMARK(BM_DecodeFast)->Arg(0)->Arg(1);

// ----------------------------------------------- DOM vs On-Demand, bare

size_t visitDom(simdjson::dom::element e, std::string &sink) {
  switch (e.type()) {
  case simdjson::dom::element_type::ARRAY: {
    size_t n = 0;
    simdjson::dom::array a = e.get_array().value_unsafe();
    for (simdjson::dom::element c : a)
      n += visitDom(c, sink);
    return n;
  }
  case simdjson::dom::element_type::OBJECT: {
    size_t n = 0;
    simdjson::dom::object o = e.get_object().value_unsafe();
    for (simdjson::dom::key_value_pair kv : o) {
      sink.assign(kv.key);
      n += visitDom(kv.value, sink);
    }
    return n;
  }
  case simdjson::dom::element_type::STRING:
    sink.assign(e.get_string().value_unsafe());
    return 1;
  default:
    return 1;
  }
}

size_t visitOnDemand(simdjson::ondemand::value v, std::string &sink) {
  simdjson::ondemand::json_type t;
  if (v.type().get(t))
    return 0;
  switch (t) {
  case simdjson::ondemand::json_type::array: {
    size_t n = 0;
    for (auto c : v.get_array())
      n += visitOnDemand(c.value_unsafe(), sink);
    return n;
  }
  case simdjson::ondemand::json_type::object: {
    size_t n = 0;
    for (auto f : v.get_object()) {
      std::string_view k;
      if (f.unescaped_key().get(k))
        return n;
      sink.assign(k);
      n += visitOnDemand(f.value(), sink);
    }
    return n;
  }
  case simdjson::ondemand::json_type::string:
    sink.assign(v.get_string().value_unsafe());
    return 1;
  case simdjson::ondemand::json_type::number:
    benchmark::DoNotOptimize(v.get_int64());
    return 1;
  default:
    return 1;
  }
}

std::vector<simdjson::padded_string> paddedLines() {
  std::vector<simdjson::padded_string> out;
  for (const std::string &line : getLoaded().lines)
    out.emplace_back(line);
  return out;
}

void BM_WalkDom(benchmark::State &state) {
  std::vector<simdjson::padded_string> lines = paddedLines();
  simdjson::dom::parser parser;
  std::string sink;
  size_t i = 0, bytes = 0;
  uint64_t before = allocations.load();
  for (auto _ : state) {
    const simdjson::padded_string &line = lines[i++ % lines.size()];
    simdjson::dom::element root;
    if (parser.parse(line).get(root))
      continue;
    benchmark::DoNotOptimize(visitDom(root, sink));
    bytes += line.size();
  }
  finish(state, before, bytes);
}
BENCHMARK(BM_WalkDom);

void BM_WalkOnDemand(benchmark::State &state) {
  std::vector<simdjson::padded_string> lines = paddedLines();
  simdjson::ondemand::parser parser;
  std::string sink;
  size_t i = 0, bytes = 0;
  uint64_t before = allocations.load();
  for (auto _ : state) {
    const simdjson::padded_string &line = lines[i++ % lines.size()];
    simdjson::ondemand::document doc;
    if (parser.iterate(line).get(doc))
      continue;
    simdjson::ondemand::value root;
    if (doc.get_value().get(root))
      continue;
    benchmark::DoNotOptimize(visitOnDemand(root, sink));
    bytes += line.size();
  }
  finish(state, before, bytes);
}
BENCHMARK(BM_WalkOnDemand);

} // namespace

BENCHMARK_MAIN();
