// Audit: writes a decision record's canonical JSON line straight from the
// record, without building a JSON tree. Entry point: appendRecordJson.
// Depends on decision_record.h and canonical_json.h.
//
// The bytes are exactly those of the canonical form (canonical_json.h) of
// recordToJson(record, withHash) (tests/unit/audit/record_writer_test.cpp
// checks this over many records): members are written in sorted key order,
// strings with the canonical escapes, and the two caller-shaped values
// (logged context fields, obligation properties) through writeCanonicalJson.
// It is what `larch eval` prints and what the hash chain seals, at a
// fraction of the cost of the JSON tree.
#ifndef LARCH_COMPILER_AUDIT_RECORD_WRITER_H
#define LARCH_COMPILER_AUDIT_RECORD_WRITER_H

#include "compiler/audit/decision_record.h"

#include "llvm/Support/Error.h"

#include <string>

namespace larch::audit {

/// Appends the canonical JSON of `record` (as recordToJson(record, withHash)
/// would give it) to `out`. Fails, as writeCanonicalJson does, on invalid
/// UTF-8 in a string or a value it refuses in the logged context or an
/// obligation; `out` may then hold a partial line.
llvm::Error appendRecordJson(const DecisionRecord &record, std::string &out,
                             bool withHash = true);

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_RECORD_WRITER_H
