//===- runtime/compiled/builtins/sets_tags.cpp - Set and tag methods -------===//
//
// Phase: runtime (evaluation).
// Entry point: callSetOrTag (see builtins.h).
// Depends on the compiled value types and World.
//
// Semantics: the `contains`, `containsAll`, `containsAny`, `isEmpty`,
// `hasTag` and `getTag` cases of compiler/reference/evaluator.cpp.
//
//===----------------------------------------------------------------------===//

#include "runtime/compiled/builtins/builtins.h"

#include "llvm/Support/ErrorHandling.h"

namespace larch::rt::detail {

bool callSetOrTag(Builtin f, const Val *args, const World &world, Val &out, EvalError &err) {
  const Val &self = args[0];
  switch (f) {
  case Builtin::Contains:
    out = Val::boolean(setContains(self, args[1]));
    return true;
  case Builtin::ContainsAll:
  case Builtin::ContainsAny: {
    bool all = f == Builtin::ContainsAll;
    for (const Val &v : args[1].getSet())
      if (setContains(self, v) != all) {
        out = Val::boolean(!all);
        return true;
      }
    out = Val::boolean(all);
    return true;
  }
  case Builtin::IsEmpty:
    out = Val::boolean(self.n == 0);
    return true;
  case Builtin::HasTag:
    out = Val::boolean(world.findTag(self.entity, args[1].getString()) != nullptr);
    return true;
  case Builtin::GetTag: {
    if (const Val *v = world.findTag(self.entity, args[1].getString())) {
      out = *v;
      return true;
    }
    err.code = static_cast<uint32_t>(world.hasRecord(self.entity) ? ErrorCode::NoEntityTag
                                                                   : ErrorCode::NoSuchEntity);
    err.a = self;
    err.b = args[1];
    return false;
  }
  case Builtin::Decimal:
  case Builtin::LessThan:
  case Builtin::LessThanOrEqual:
  case Builtin::GreaterThan:
  case Builtin::GreaterThanOrEqual:
  case Builtin::Ip:
  case Builtin::IsIpv4:
  case Builtin::IsIpv6:
  case Builtin::IsLoopback:
  case Builtin::IsMulticast:
  case Builtin::IsInRange:
  case Builtin::Datetime:
  case Builtin::Duration:
  case Builtin::Offset:
  case Builtin::DurationSince:
  case Builtin::ToDate:
  case Builtin::ToTime:
  case Builtin::ToMilliseconds:
  case Builtin::ToSeconds:
  case Builtin::ToMinutes:
  case Builtin::ToHours:
  case Builtin::ToDays:
    break;
  }
  llvm_unreachable("not a set or tag method");
}

} // namespace larch::rt::detail
