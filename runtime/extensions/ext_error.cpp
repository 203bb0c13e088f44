//===- runtime/extensions/ext_error.cpp - Extension error texts --------------===//
//
// Phase: runtime.
// Entry points: getExtErrorMessage, getExtErrorHelp, getExtErrorFunctionName.
// Depends on nothing but the C++ standard library and LLVM Support.
//
// The texts are Cedar's, including its few capitalised words, so that a
// message can be compared with the reference implementation's verbatim.
//
//===----------------------------------------------------------------------===//

#include "runtime/extensions/ext_error.h"

#include "runtime/extensions/datetime.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

namespace larch::ext {
namespace {

constexpr llvm::StringLiteral ValidDecimalHelp =
    "valid decimal strings look like `12.34`: digits are required on both "
    "sides of `.`, up to 4 fractional digits are allowed, and the value must "
    "be in range -922337203685477.5808 to 922337203685477.5807";
constexpr llvm::StringLiteral DecimalRangeHelp =
    "the value must be in range -922337203685477.5808 to "
    "922337203685477.5807";
constexpr llvm::StringLiteral ValidIpHelp =
    "valid IP strings are IPv4/IPv6 addresses or CIDR ranges like "
    "`127.0.0.1`, `127.0.0.1/24`, or `ffee::/64`";
constexpr llvm::StringLiteral ValidDatetimeHelp =
    "valid datetime strings start with `YYYY-MM-DD` and may optionally "
    "include `THH:MM:SS` plus `Z`, `.SSSZ`, or an offset like `+0700`";
constexpr llvm::StringLiteral ValidDurationHelp =
    "valid duration strings are concatenated quantity-unit pairs with an "
    "optional leading `-`, for example `1d2h3m4s50ms`";

/// The part of an ip() argument before / after its first `/`.
llvm::StringRef ipAddressPart(llvm::StringRef input) {
  return input.split('/').first;
}
llvm::StringRef ipPrefixPart(llvm::StringRef input) {
  return input.split('/').second;
}

} // namespace

std::string getExtErrorMessage(const ExtError &err, llvm::StringRef input) {
  std::string out;
  llvm::raw_string_ostream os(out);
  switch (err.kind) {
  case ExtErrorKind::None:
    break;

  case ExtErrorKind::DecimalMalformed:
    os << '`' << input << "` is not a well-formed decimal value";
    break;
  case ExtErrorKind::DecimalTooManyDigits:
    os << "too many digits after the decimal in `" << input << '`';
    break;
  case ExtErrorKind::DecimalOverflow:
    os << "overflow when converting to decimal";
    break;

  case ExtErrorKind::IpTooLong:
    os << "error parsing IP address from string `" << input
       << "`: string length is too large";
    break;
  case ExtErrorKind::IpEmbeddedIpv4:
    os << "error parsing IP address from string: We do not accept IPv4 "
          "embedded in IPv6 (e.g., ::ffff:127.0.0.1). Found: `"
       << input << '`';
    break;
  case ExtErrorKind::IpInvalidAddress:
    os << "invalid IP address: " << input;
    break;
  case ExtErrorKind::IpInvalidAddressWithPrefix:
    os << "error parsing IP address from the string `" << ipAddressPart(input)
       << "`: invalid IP address syntax";
    break;
  case ExtErrorKind::IpPrefixTooLong:
    os << "error parsing prefix: string length " << err.arg0
       << " is too large";
    break;
  case ExtErrorKind::IpPrefixNonDigit:
    os << "error parsing prefix `" << ipPrefixPart(input)
       << "`: encountered non-digit";
    break;
  case ExtErrorKind::IpPrefixLeadingZero:
    os << "error parsing prefix `" << ipPrefixPart(input)
       << "`: leading zero(s)";
    break;
  case ExtErrorKind::IpPrefixEmpty:
    os << "error parsing prefix from the string `" << ipPrefixPart(input)
       << "`: cannot parse integer from empty string";
    break;
  case ExtErrorKind::IpPrefixTooLargeForByte:
    os << "error parsing prefix from the string `" << ipPrefixPart(input)
       << "`: number too large to fit in target type";
    break;
  case ExtErrorKind::IpPrefixAboveLimit:
    os << "error parsing prefix: " << err.arg0 << " is larger than the limit "
       << err.arg1;
    break;

  case ExtErrorKind::DatetimeInvalidDatePattern:
    os << "invalid date pattern";
    break;
  case ExtErrorKind::DatetimeInvalidDate:
    os << "invalid date: " << input.take_front(10);
    break;
  case ExtErrorKind::DatetimeInvalidTimePattern:
    os << "invalid hour/minute/second pattern";
    break;
  case ExtErrorKind::DatetimeInvalidTime:
    os << "invalid hour/minute/second: " << input.slice(11, 19);
    break;
  case ExtErrorKind::DatetimeInvalidMsOffsetPattern:
    os << "invalid millisecond and/or offset pattern";
    break;
  case ExtErrorKind::DatetimeInvalidOffset:
    // Cedar prints the two numbers unpadded and unseparated: "+2400" gives
    // "240", "+0960" gives "960".
    os << "invalid offset range: " << err.arg0 << err.arg1;
    break;

  case ExtErrorKind::DurationInvalidPattern:
    os << "invalid duration pattern";
    break;
  case ExtErrorKind::DurationOverflow:
    os << "Duration overflows internal representation";
    break;

  case ExtErrorKind::OffsetOverflow:
    os << "overflows when adding an offset: ";
    Datetime::fromMillis(err.arg0).printCedarExpr(os);
    os << "+(";
    Duration::fromMillis(err.arg1).print(os);
    os << ')';
    break;
  case ExtErrorKind::DurationSinceOverflow:
    os << "overflows when computing the duration between ";
    Datetime::fromMillis(err.arg0).printCedarExpr(os);
    os << " and ";
    Datetime::fromMillis(err.arg1).printCedarExpr(os);
    break;
  case ExtErrorKind::ToDateOverflow:
    os << "overflows when computing the date of ";
    Datetime::fromMillis(err.arg0).printCedarExpr(os);
    break;
  }
  os.flush();
  return out;
}

llvm::StringRef getExtErrorHelp(const ExtError &err) {
  switch (err.kind) {
  case ExtErrorKind::None:
    return {};
  case ExtErrorKind::DecimalMalformed:
    return ValidDecimalHelp;
  case ExtErrorKind::DecimalTooManyDigits:
    return "at most 4 digits are supported";
  case ExtErrorKind::DecimalOverflow:
    return DecimalRangeHelp;
  case ExtErrorKind::IpTooLong:
  case ExtErrorKind::IpEmbeddedIpv4:
  case ExtErrorKind::IpInvalidAddress:
  case ExtErrorKind::IpInvalidAddressWithPrefix:
  case ExtErrorKind::IpPrefixTooLong:
  case ExtErrorKind::IpPrefixNonDigit:
  case ExtErrorKind::IpPrefixLeadingZero:
  case ExtErrorKind::IpPrefixEmpty:
  case ExtErrorKind::IpPrefixTooLargeForByte:
  case ExtErrorKind::IpPrefixAboveLimit:
    return ValidIpHelp;
  // Cedar's datetime and duration errors declare per-variant help with an
  // attribute its diagnostic derive ignores, so the generic text is shown.
  case ExtErrorKind::DatetimeInvalidDatePattern:
  case ExtErrorKind::DatetimeInvalidDate:
  case ExtErrorKind::DatetimeInvalidTimePattern:
  case ExtErrorKind::DatetimeInvalidTime:
  case ExtErrorKind::DatetimeInvalidMsOffsetPattern:
  case ExtErrorKind::DatetimeInvalidOffset:
    return ValidDatetimeHelp;
  case ExtErrorKind::DurationInvalidPattern:
  case ExtErrorKind::DurationOverflow:
    return ValidDurationHelp;
  case ExtErrorKind::OffsetOverflow:
  case ExtErrorKind::DurationSinceOverflow:
  case ExtErrorKind::ToDateOverflow:
    return {};
  }
  llvm_unreachable("unknown ExtErrorKind");
}

llvm::StringRef getExtErrorFunctionName(const ExtError &err) {
  switch (err.kind) {
  case ExtErrorKind::None:
    return {};
  case ExtErrorKind::DecimalMalformed:
  case ExtErrorKind::DecimalTooManyDigits:
  case ExtErrorKind::DecimalOverflow:
    return "decimal";
  case ExtErrorKind::IpTooLong:
  case ExtErrorKind::IpEmbeddedIpv4:
  case ExtErrorKind::IpInvalidAddress:
  case ExtErrorKind::IpInvalidAddressWithPrefix:
  case ExtErrorKind::IpPrefixTooLong:
  case ExtErrorKind::IpPrefixNonDigit:
  case ExtErrorKind::IpPrefixLeadingZero:
  case ExtErrorKind::IpPrefixEmpty:
  case ExtErrorKind::IpPrefixTooLargeForByte:
  case ExtErrorKind::IpPrefixAboveLimit:
    return "ipaddr";
  case ExtErrorKind::DatetimeInvalidDatePattern:
  case ExtErrorKind::DatetimeInvalidDate:
  case ExtErrorKind::DatetimeInvalidTimePattern:
  case ExtErrorKind::DatetimeInvalidTime:
  case ExtErrorKind::DatetimeInvalidMsOffsetPattern:
  case ExtErrorKind::DatetimeInvalidOffset:
    return "datetime";
  case ExtErrorKind::DurationInvalidPattern:
  case ExtErrorKind::DurationOverflow:
    return "duration";
  case ExtErrorKind::OffsetOverflow:
    return "offset";
  case ExtErrorKind::DurationSinceOverflow:
    return "durationSince";
  case ExtErrorKind::ToDateOverflow:
    return "toDate";
  }
  llvm_unreachable("unknown ExtErrorKind");
}

} // namespace larch::ext
