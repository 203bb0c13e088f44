//===- runtime/extensions/ext_error.h - Extension errors as values -*- C++ -*-===//
//
// Phase: runtime.
// Entry points: ExtErrorKind, ExtError, ExtResult<T>, getExtErrorMessage,
// getExtErrorHelp, getExtErrorFunctionName.
// Depends on nothing but the C++ standard library and LLVM Support.
//
// The extension types (decimal, ipaddr, datetime, duration) never throw and
// never allocate while computing. A failing operation returns an ExtError: a
// kind plus up to two integers of detail. The message text is only built on
// request, from the error and the string the constructor was given, so the
// evaluator's error path is the only place that allocates.
//
// Message texts follow Cedar's wording exactly (cedar-policy-core
// src/extensions/{decimal,ipaddr,datetime}.rs) so that our errors read the
// same as the reference implementation's.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_EXTENSIONS_EXT_ERROR_H
#define LARCH_RUNTIME_EXTENSIONS_EXT_ERROR_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <type_traits>

namespace larch::ext {

/// Every way an extension constructor or method can fail. The comment after
/// each kind says what the ExtError detail fields hold.
// ORDER EXT_ERROR_KIND: getExtErrorMessage, getExtErrorHelp and
// getExtErrorFunctionName switch over every kind.
enum class ExtErrorKind : uint8_t {
  None,

  // decimal("...")
  DecimalMalformed,     ///< not `-?digits.digits`.
  DecimalTooManyDigits, ///< more than 4 fractional digits.
  DecimalOverflow,      ///< out of the i64 range once scaled by 10^4.

  // ip("...")
  IpTooLong,                  ///< longer than 43 bytes.
  IpEmbeddedIpv4,             ///< two or more `:` and two or more `.`.
  IpInvalidAddress,           ///< no `/`, and the address does not parse.
  IpInvalidAddressWithPrefix, ///< the part before the first `/` does not parse.
  IpPrefixTooLong,            ///< prefix text too long; arg0 = its byte length.
  IpPrefixNonDigit,           ///< prefix has a character other than 0-9.
  IpPrefixLeadingZero,        ///< prefix has a leading zero.
  IpPrefixEmpty,              ///< nothing after the `/`.
  IpPrefixTooLargeForByte,    ///< IPv6 prefix above 255.
  IpPrefixAboveLimit,         ///< arg0 = the prefix, arg1 = 32 or 128.

  // datetime("...")
  DatetimeInvalidDatePattern,     ///< does not start with `YYYY-MM-DD`.
  DatetimeInvalidDate,            ///< no such calendar date.
  DatetimeInvalidTimePattern,     ///< no `Thh:mm:ss` after the date.
  DatetimeInvalidTime,            ///< hour, minute or second out of range.
  DatetimeInvalidMsOffsetPattern, ///< bad `.SSS`/`Z`/`+hhmm` tail.
  DatetimeInvalidOffset,          ///< arg0 = offset hours, arg1 = minutes.

  // duration("...")
  DurationInvalidPattern, ///< not `-?(Nd)?(Nh)?(Nm)?(Ns)?(Nms)?`.
  DurationOverflow,       ///< total milliseconds do not fit in an i64.

  // Methods. arg0 and arg1 are the operands' millisecond counts.
  OffsetOverflow,        ///< datetime.offset(duration); arg0 dt, arg1 dur.
  DurationSinceOverflow, ///< lhs.durationSince(rhs); arg0 lhs, arg1 rhs.
  ToDateOverflow,        ///< datetime.toDate(); arg0 the datetime.
};

/// An extension error value. `kind == None` means "no error".
struct ExtError {
  ExtErrorKind kind = ExtErrorKind::None;
  int64_t arg0 = 0;
  int64_t arg1 = 0;

  bool isError() const { return kind != ExtErrorKind::None; }
};

/// The outcome of a fallible extension operation: a value, or an error.
/// `value` is meaningful only when ok().
template <typename T> struct ExtResult {
  T value{};
  ExtError error{};

  bool ok() const { return !error.isError(); }

  static ExtResult success(T v) { return ExtResult{v, ExtError{}}; }
  static ExtResult failure(ExtErrorKind kind, int64_t arg0 = 0,
                           int64_t arg1 = 0) {
    return ExtResult{T{}, ExtError{kind, arg0, arg1}};
  }
};

static_assert(std::is_trivially_copyable_v<ExtError>);

/// Cedar's message for `err`, e.g. "`1.23456` is not a well-formed decimal
/// value". `input` is the string given to the constructor that failed
/// (ignored for method errors, whose operands are in the error itself).
std::string getExtErrorMessage(const ExtError &err, llvm::StringRef input);

/// Cedar's help text for `err` (empty when Cedar gives none).
llvm::StringRef getExtErrorHelp(const ExtError &err);

/// The extension function Cedar names in its error: "decimal", "ipaddr"
/// (not "ip"), "datetime", "duration", "offset", "durationSince" or "toDate".
/// Cedar prints "error while evaluating `<name>` extension function: <msg>".
llvm::StringRef getExtErrorFunctionName(const ExtError &err);

} // namespace larch::ext

#endif // LARCH_RUNTIME_EXTENSIONS_EXT_ERROR_H
