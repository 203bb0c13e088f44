// Agent envelope (docs/agents.md, "context.agent"): the one materialiser of
// a checked envelope into the Cedar record policies see as `context.agent`,
// and its insertion into a request's context for both evaluators.
// Entry points: materializeAgent, addAgentToContext (runtime::Value, for the
// reference evaluator; rt::PreparedRequest, for the compiled ones, through
// the same runtime::Value), contextTypeWithoutAgent (schema-based parsing of
// a context whose `agent` the envelope supplies).
// Depends on the runtime's values, the compiled PreparedRequest and the
// schema model.
#ifndef LARCH_COMPILER_AGENT_ENVELOPE_CONTEXT_H
#define LARCH_COMPILER_AGENT_ENVELOPE_CONTEXT_H

#include "compiler/agent/envelope_check.h"
#include "compiler/schema/schema.h"
#include "runtime/compiled/prepared_request.h"
#include "runtime/value.h"

namespace larch::agent {

/// The record `context.agent` for a checked envelope (`part.hasAgent`)
/// of a request whose principal is `principal`.
runtime::Value materializeAgent(const AgentPart &part, const runtime::EntityUid &principal);

/// Adds `agent` to a context record that has no such key.
void addAgentToContext(runtime::Value &context, runtime::Value agent);
/// The same for a prepared request's context (the value is converted into
/// the request's arena).
void addAgentToContext(rt::PreparedRequest &request, const runtime::Value &agent);

/// The context record type minus its attribute `agent`, or null when it has
/// none (then `type` itself applies). `type` is a record type.
schema::TypeRef contextTypeWithoutAgent(const schema::Type &type);

} // namespace larch::agent

#endif // LARCH_COMPILER_AGENT_ENVELOPE_CONTEXT_H
