// Validation phase: checks a request against a schema before it is decided,
// as Cedar's request validation does. Entry point: `validateRequest`.
// Depends on the schema model and runtime values only.
#ifndef LARCH_COMPILER_VALIDATE_REQUEST_VALIDATE_H
#define LARCH_COMPILER_VALIDATE_REQUEST_VALIDATE_H

#include "compiler/schema/schema.h"
#include "runtime/request.h"

#include <string>

namespace larch::validate {

/// "" when the request conforms to `schema`: its action is declared, its
/// principal and resource types are declared and among the action's
/// `appliesTo` types (enumerated ids among the declared ones), and its
/// context has the action's context type (no missing required attribute, no
/// undeclared attribute, every value of its declared type). Otherwise the
/// reason, one line in Cedar's message style.
std::string validateRequest(const schema::Schema &schema, const runtime::Request &request);

/// "" when `value` has type `type` (records closed, as in Cedar), else why.
std::string checkValueType(const runtime::Value &value, const schema::Type &type);

} // namespace larch::validate

#endif // LARCH_COMPILER_VALIDATE_REQUEST_VALIDATE_H
