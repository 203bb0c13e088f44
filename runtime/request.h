//===- runtime/request.h - An authorization request ----------------*- C++ -*-===//
//
// Phase: runtime (evaluation data).
// Entry point: Request, what one authorization question is about.
// Depends on runtime/value.h only; never on grammar/ or compiler/.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_REQUEST_H
#define LARCH_RUNTIME_REQUEST_H

#include "runtime/value.h"

namespace larch::runtime {

/// The four request variables. All three entities are concrete (Cedar 4.x).
struct Request {
  EntityUid principal;
  EntityUid action;
  EntityUid resource;
  /// Always a Record.
  Value context = Value::recordFromEntries({});
};

} // namespace larch::runtime

#endif // LARCH_RUNTIME_REQUEST_H
