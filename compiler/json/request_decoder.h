// Edge (JSON request line -> compiled request): the fast decoder behind
// `larch eval`. Entry point: RequestDecoder::decode. Depends on simdjson
// (in the .cpp only), the compiled runtime's PreparedRequest, the schema model
// and, for rare inputs, the nlohmann-based parsers of request_json.h.
//
// Semantics are those of parseJsonText + parseRequestJson (request_json.h,
// json_value.h): the same inputs are accepted, the same values produced and
// the same errors reported (same field path, same message), including which
// error is reported when there are several. Three mechanisms keep it so:
//
// - Duplicate keys are looked for over the whole document first, in document
//   order, as the nlohmann parser's callback finds them.
// - The nlohmann JSON object is a sorted map, so the reference walks record
//   fields in key order. A successful decode does not depend on the order,
//   so the decoder walks fields in document order and, only when it meets an
//   error, decodes again walking keys in sorted order to report the error
//   the reference reports first.
// - Rare inputs are decoded by the reference itself (the "fallback"): text
//   simdjson rejects (the reference then reports its own syntax error, or
//   accepts text simdjson does not, such as integers beyond 64 bits, which
//   it turns into floating-point numbers), per-request `entities`, `__extn`
//   calls other than a constructor (`decimal`, `ip`, `datetime`,
//   `duration`) on one string or `offset` on two arguments (the form Cedar
//   writes datetimes in), an extension literal that does not parse, an
//   extension value written other than as a string or constructor call, and
//   every malformed entity uid text. The reference's runtime::Value result is
//   converted with rt::toVal; its request entities are layered over the
//   caller's entity store (EntityStore::buildLayer, as the engine does) and
//   handed to PreparedRequest::setRequestEntities; a layering failure is
//   reported as the error `entities: <why>`, the text the engine reports.
//
// The agent part of a request (`time`, `agent`) is read by the one reader of
// compiler/agent/envelope_reader.h, instantiated here over simdjson and in
// request_json.cpp over nlohmann, and materialised by envelope_context.h; so
// envelope requests stay on the fast path.
//
// Common requests (entity references in either form, strings, integers,
// bools, nested sets and records, extension constructors and `offset` as
// `__extn` escapes or, with a schema, as plain strings) take the fast path
// and allocate nothing once the decoder's and the PreparedRequest's buffers
// have grown: strings are copied into the request's arena, names interned
// through it.
//
// Why simdjson's DOM API rather than On-Demand: the exact-semantics rules
// need random access. Escapes are recognised by an object's shape (exactly
// one key, then the inner object's keys), schema records are read in schema
// order, uid objects are probed by key, and an error needs a second walk in
// sorted key order plus a whole-document duplicate scan; On-Demand is
// forward-only, so each of these would re-iterate the document. Measured on
// the agent workload's requests (bench/request_decode_bench.cpp, ~480
// bytes, 2-core VM under load, CPU time): parsing and visiting every value
// takes ~500 ns with DOM and ~420 ns with On-Demand, while the whole decode
// takes ~1.3 us, most of it interning names and building values; the ~80 ns
// On-Demand could save is not worth the re-iteration and complexity.
//
// Limits: values nested deeper than 256 conversion levels are rejected with
// the reference's message ("value nested too deeply"), as json_value.cpp
// does; simdjson's own document depth limit (1024) sends deeper text to the
// fallback, which reports the same error.
#ifndef LARCH_COMPILER_JSON_REQUEST_DECODER_H
#define LARCH_COMPILER_JSON_REQUEST_DECODER_H

#include "compiler/agent/envelope_check.h"
#include "compiler/json/json_value.h"
#include "compiler/schema/schema.h"
#include "runtime/compiled/prepared_request.h"
#include "runtime/entity_store.h"

#include "llvm/ADT/StringRef.h"

#include <memory>

namespace larch::json {

/// Decodes request lines into PreparedRequests. Holds a JSON parser and
/// scratch buffers: use one decoder per thread and reuse it.
class RequestDecoder {
public:
  RequestDecoder();
  ~RequestDecoder();
  RequestDecoder(const RequestDecoder &) = delete;
  RequestDecoder &operator=(const RequestDecoder &) = delete;

  /// Decodes one request (a JSON object, see request_json.h) into `out`.
  /// The caller first calls out.clear(store); decode keeps that store (and
  /// may clear `out` again against it). `entities` is the runtime form of
  /// that store, over which per-request entities are layered (it must
  /// outlive the use of `out`). `schema` may be null; the decoder
  /// caches context types by the schema's address, so call forgetSchema()
  /// before passing a different schema object at a reused address.
  /// On failure returns false with `error` set, and `out` is unspecified
  /// (clear it before reuse). Request entities handed to `out` stay owned by
  /// the decoder until its next decode.
  /// `clockMillis` is the decision time of a request without `time`; when
  /// not given, the clock is read if the request has an envelope.
  bool decode(llvm::StringRef jsonLine, const schema::Schema *schema,
              const runtime::EntityStore &entities, rt::PreparedRequest &out,
              JsonError &error, std::optional<int64_t> clockMillis = std::nullopt);

  /// The last successful decode's decision time and agent envelope (already
  /// materialised into the context as `agent`). The time is the request's
  /// `time`, else the clock given to decode, else (a plain request decoded
  /// without a clock) 0.
  const agent::AgentPart &getAgentPart() const;

  /// The last decoded request's own entities layered over `entities`, or
  /// null if it had none (valid until the next decode).
  const runtime::EntityStore *getRequestEntities() const;

  /// Drops cached schema lookups.
  void forgetSchema();

  /// How the last decode was done, for tests and benchmarks.
  enum class Route {
    /// simdjson only, no result or error from the reference parsers.
    Fast,
    /// The first walk met an error; a second walk in sorted key order
    /// chose the error to report.
    FastSortedError,
    /// Decoded by the nlohmann reference path (see the file comment).
    Fallback,
  };
  Route getLastRoute() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace larch::json

#endif // LARCH_COMPILER_JSON_REQUEST_DECODER_H
