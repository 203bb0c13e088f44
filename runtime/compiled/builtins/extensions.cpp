//===- runtime/compiled/builtins/extensions.cpp - decimal, ipaddr, datetime ===//
//
// Phase: runtime (evaluation).
// Entry points: callExtension, rerunExtension (see builtins.h).
// Depends on the extension types (runtime/extensions) only; never converts
// to runtime::Value.
//
// Semantics: runtime/extension_functions.cpp (Cedar's extensions), on Vals.
//
//===----------------------------------------------------------------------===//

#include "runtime/compiled/builtins/builtins.h"

#include "llvm/Support/ErrorHandling.h"

namespace larch::rt::detail {

namespace {

/// The outcome of one extension call: a value or an extension error.
struct ExtOutcome {
  Val value;
  ext::ExtError error;
};

template <typename T, typename Wrap> ExtOutcome from(const ext::ExtResult<T> &r, Wrap wrap) {
  ExtOutcome o;
  if (r.ok())
    o.value = wrap(r.value);
  else
    o.error = r.error;
  return o;
}

ExtOutcome run(Builtin f, const Val *args, Arena *arena) {
  const Val &x = args[0];
  switch (f) {
  case Builtin::Decimal:
    return from(ext::Decimal::parse(x.getString()), Val::decimal);
  case Builtin::Ip:
    return from(ext::IpAddr::parse(x.getString()), [&](const ext::IpAddr &ip) {
      if (!arena)
        return Val::boolean(false); // only the error is wanted
      ext::IpAddr *p = arena->allocate<ext::IpAddr>(1);
      *p = ip;
      return Val::ipaddr(p);
    });
  case Builtin::Datetime:
    return from(ext::Datetime::parse(x.getString()), Val::datetime);
  case Builtin::Duration:
    return from(ext::Duration::parse(x.getString()), Val::duration);
  case Builtin::LessThan:
    return {Val::boolean(x.getDecimal().lessThan(args[1].getDecimal())), {}};
  case Builtin::LessThanOrEqual:
    return {Val::boolean(x.getDecimal().lessThanOrEqual(args[1].getDecimal())), {}};
  case Builtin::GreaterThan:
    return {Val::boolean(x.getDecimal().greaterThan(args[1].getDecimal())), {}};
  case Builtin::GreaterThanOrEqual:
    return {Val::boolean(x.getDecimal().greaterThanOrEqual(args[1].getDecimal())), {}};
  case Builtin::IsIpv4:
    return {Val::boolean(x.ip->isIpv4()), {}};
  case Builtin::IsIpv6:
    return {Val::boolean(x.ip->isIpv6()), {}};
  case Builtin::IsLoopback:
    return {Val::boolean(x.ip->isLoopback()), {}};
  case Builtin::IsMulticast:
    return {Val::boolean(x.ip->isMulticast()), {}};
  case Builtin::IsInRange:
    return {Val::boolean(x.ip->isInRange(*args[1].ip)), {}};
  case Builtin::Offset:
    return from(x.getDatetime().offset(args[1].getDuration()), Val::datetime);
  case Builtin::DurationSince:
    return from(x.getDatetime().durationSince(args[1].getDatetime()), Val::duration);
  case Builtin::ToDate:
    return from(x.getDatetime().toDate(), Val::datetime);
  case Builtin::ToTime:
    return {Val::duration(x.getDatetime().toTime()), {}};
  case Builtin::ToMilliseconds:
    return {Val::integer(x.getDuration().toMilliseconds()), {}};
  case Builtin::ToSeconds:
    return {Val::integer(x.getDuration().toSeconds()), {}};
  case Builtin::ToMinutes:
    return {Val::integer(x.getDuration().toMinutes()), {}};
  case Builtin::ToHours:
    return {Val::integer(x.getDuration().toHours()), {}};
  case Builtin::ToDays:
    return {Val::integer(x.getDuration().toDays()), {}};
  case Builtin::Contains:
  case Builtin::ContainsAll:
  case Builtin::ContainsAny:
  case Builtin::IsEmpty:
  case Builtin::HasTag:
  case Builtin::GetTag:
    break;
  }
  llvm_unreachable("not an extension function");
}

} // namespace

bool callExtension(Builtin f, const Val *args, Arena &arena, Val &out, EvalError &err) {
  ExtOutcome o = run(f, args, &arena);
  if (!o.error.isError()) {
    out = o.value;
    return true;
  }
  err.code = static_cast<uint32_t>(ErrorCode::ExtensionError);
  err.detail = static_cast<uint32_t>(f);
  err.a = args[0];
  err.b = getBuiltinInfo(f).arity > 1 ? args[1] : Val();
  return false;
}

ext::ExtError rerunExtension(Builtin f, const Val &a0, const Val &a1) {
  Val args[2] = {a0, a1};
  return run(f, args, nullptr).error;
}

} // namespace larch::rt::detail
