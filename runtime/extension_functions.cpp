//===- runtime/extension_functions.cpp - Calling Cedar extensions ------------===//
//
// Phase: runtime (evaluation).
// Entry points: lookupExtensionFunction, callExtensionFunction (see
// extension_functions.h).
// Depends on runtime/value.h and runtime/extensions only.
//
// Semantics: cedar-policy-core src/extensions/{decimal,ipaddr,datetime}.rs.
// Arguments are already evaluated; each is type-checked in order, then the
// operation runs.
//
//===----------------------------------------------------------------------===//

#include "runtime/extension_functions.h"

#include <array>

namespace larch::runtime {
namespace {

using K = ValueKind;

constexpr K Str1[] = {K::String};
constexpr K Dec2[] = {K::Decimal, K::Decimal};
constexpr K Ip1[] = {K::IpAddr};
constexpr K Ip2[] = {K::IpAddr, K::IpAddr};
constexpr K Dt1[] = {K::Datetime};
constexpr K DtDur[] = {K::Datetime, K::Duration};
constexpr K Dt2[] = {K::Datetime, K::Datetime};
constexpr K Dur1[] = {K::Duration};

// ORDER KnownFunctions: grammar/known_functions.cpp has the same names.
const ExtensionFunctionInfo Functions[] = {
    {"decimal", Str1, K::Decimal, true, false},
    {"lessThan", Dec2, K::Bool, false, false},
    {"lessThanOrEqual", Dec2, K::Bool, false, false},
    {"greaterThan", Dec2, K::Bool, false, false},
    {"greaterThanOrEqual", Dec2, K::Bool, false, false},
    {"ip", Str1, K::IpAddr, true, false},
    {"isIpv4", Ip1, K::Bool, false, false},
    {"isIpv6", Ip1, K::Bool, false, false},
    {"isLoopback", Ip1, K::Bool, false, false},
    {"isMulticast", Ip1, K::Bool, false, false},
    // Not variadic: Cedar's `variadic-is-in-range` feature is experimental and
    // off by default, so `a.isInRange(r1, r2)` is an evaluation error there
    // (the corpus records it as one).
    {"isInRange", Ip2, K::Bool, false, false},
    {"datetime", Str1, K::Datetime, true, false},
    {"duration", Str1, K::Duration, true, false},
    {"offset", DtDur, K::Datetime, false, false},
    {"durationSince", Dt2, K::Duration, false, false},
    {"toDate", Dt1, K::Datetime, false, false},
    {"toTime", Dt1, K::Duration, false, false},
    {"toMilliseconds", Dur1, K::Long, false, false},
    {"toSeconds", Dur1, K::Long, false, false},
    {"toMinutes", Dur1, K::Long, false, false},
    {"toHours", Dur1, K::Long, false, false},
    {"toDays", Dur1, K::Long, false, false},
};

EvalResult extError(const ext::ExtError &err, llvm::StringRef input) {
  return EvalResult::error("error while evaluating `" +
                           getExtErrorFunctionName(err).str() +
                           "` extension function: " +
                           ext::getExtErrorMessage(err, input));
}

template <typename T, typename F>
EvalResult fromExt(const ext::ExtResult<T> &r, llvm::StringRef input, F wrap) {
  if (!r.ok())
    return extError(r.error, input);
  return wrap(r.value);
}

} // namespace

const ExtensionFunctionInfo *lookupExtensionFunction(llvm::StringRef name) {
  for (const ExtensionFunctionInfo &f : Functions)
    if (f.name == name)
      return &f;
  return nullptr;
}

const ExtensionFunctionInfo *getConstructorFor(ValueKind kind) {
  switch (kind) {
  case K::Decimal:
    return lookupExtensionFunction("decimal");
  case K::IpAddr:
    return lookupExtensionFunction("ip");
  case K::Datetime:
    return lookupExtensionFunction("datetime");
  case K::Duration:
    return lookupExtensionFunction("duration");
  case K::Bool:
  case K::Long:
  case K::String:
  case K::Entity:
  case K::Set:
  case K::Record:
    return nullptr;
  }
  return nullptr;
}

EvalResult callExtensionFunction(llvm::StringRef name,
                                 llvm::ArrayRef<Value> args) {
  const ExtensionFunctionInfo *fn = lookupExtensionFunction(name);
  if (!fn)
    return EvalResult::error("unknown extension function `" + name.str() + "`");
  return callExtensionFunction(*fn, args);
}

EvalResult callExtensionFunction(const ExtensionFunctionInfo &fn,
                                 llvm::ArrayRef<Value> args) {
  size_t want = fn.params.size();
  if (fn.isVariadic ? args.size() < want : args.size() != want)
    return EvalResult::error("wrong number of arguments to `" + fn.name.str() +
                             "`: expected " + (fn.isVariadic ? "at least " : "") +
                             std::to_string(want) + ", got " +
                             std::to_string(args.size()));
  for (size_t i = 0; i < args.size(); ++i) {
    ValueKind expected = fn.params[std::min(i, want - 1)];
    if (!args[i].is(expected))
      return EvalResult::error(
          typeErrorMessage(getValueKindName(expected), args[i]));
  }
  llvm::StringRef n = fn.name;
  // Constructors.
  if (n == "decimal") {
    const std::string &s = args[0].getString();
    return fromExt(ext::Decimal::parse(s), s, Value::decimal);
  }
  if (n == "ip") {
    const std::string &s = args[0].getString();
    return fromExt(ext::IpAddr::parse(s), s, Value::ipaddr);
  }
  if (n == "datetime") {
    const std::string &s = args[0].getString();
    return fromExt(ext::Datetime::parse(s), s, Value::datetime);
  }
  if (n == "duration") {
    const std::string &s = args[0].getString();
    return fromExt(ext::Duration::parse(s), s, Value::duration);
  }
  // decimal methods.
  if (n == "lessThan")
    return Value::boolean(args[0].getDecimal().lessThan(args[1].getDecimal()));
  if (n == "lessThanOrEqual")
    return Value::boolean(
        args[0].getDecimal().lessThanOrEqual(args[1].getDecimal()));
  if (n == "greaterThan")
    return Value::boolean(args[0].getDecimal().greaterThan(args[1].getDecimal()));
  if (n == "greaterThanOrEqual")
    return Value::boolean(
        args[0].getDecimal().greaterThanOrEqual(args[1].getDecimal()));
  // ipaddr methods.
  if (n == "isIpv4")
    return Value::boolean(args[0].getIpAddr().isIpv4());
  if (n == "isIpv6")
    return Value::boolean(args[0].getIpAddr().isIpv6());
  if (n == "isLoopback")
    return Value::boolean(args[0].getIpAddr().isLoopback());
  if (n == "isMulticast")
    return Value::boolean(args[0].getIpAddr().isMulticast());
  if (n == "isInRange") {
    for (size_t i = 1; i < args.size(); ++i)
      if (args[0].getIpAddr().isInRange(args[i].getIpAddr()))
        return Value::boolean(true);
    return Value::boolean(false);
  }
  // datetime methods.
  if (n == "offset")
    return fromExt(args[0].getDatetime().offset(args[1].getDuration()), "",
                   Value::datetime);
  if (n == "durationSince")
    return fromExt(args[0].getDatetime().durationSince(args[1].getDatetime()),
                   "", Value::duration);
  if (n == "toDate")
    return fromExt(args[0].getDatetime().toDate(), "", Value::datetime);
  if (n == "toTime")
    return Value::duration(args[0].getDatetime().toTime());
  // duration methods.
  ext::Duration d = args[0].is(K::Duration) ? args[0].getDuration() : ext::Duration{};
  if (n == "toMilliseconds")
    return Value::integer(d.toMilliseconds());
  if (n == "toSeconds")
    return Value::integer(d.toSeconds());
  if (n == "toMinutes")
    return Value::integer(d.toMinutes());
  if (n == "toHours")
    return Value::integer(d.toHours());
  if (n == "toDays")
    return Value::integer(d.toDays());
  assert(false && "extension function missing from the dispatch");
  return EvalResult::error("unknown extension function `" + n.str() + "`");
}

} // namespace larch::runtime
