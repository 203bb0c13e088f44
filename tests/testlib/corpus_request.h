// Test support: reads one request of a Cedar corpus test file (principal,
// action, resource as uid objects, context parsed with the schema) into a
// runtime::Request, for the corpus runners that compare engines.
#ifndef LARCH_TESTS_TESTLIB_CORPUS_REQUEST_H
#define LARCH_TESTS_TESTLIB_CORPUS_REQUEST_H

#include "compiler/json/json_value.h"
#include "compiler/schema/schema.h"
#include "runtime/request.h"

#include <optional>

namespace larch::testlib {

/// The request in corpus test entry `r`, or nothing with `error` set.
std::optional<runtime::Request> parseCorpusRequest(const json::Json &r,
                                                   const schema::Schema *schema,
                                                   json::JsonError &error);

} // namespace larch::testlib

#endif
