//===- runtime/extensions/decimal.h - Cedar decimal values ---------*- C++ -*-===//
//
// Phase: runtime.
// Entry points: Decimal::parse (Cedar `decimal("...")`), the four comparison
// methods, Decimal::toString (Cedar's canonical text).
// Depends on nothing but the C++ standard library and LLVM Support.
//
// A decimal is a signed 64-bit integer scaled by 10^4, so the range is
// -922337203685477.5808 ... 922337203685477.5807. Equality and ordering are
// on the scaled value: decimal("1.0") == decimal("1.0000"), and
// decimal("-0.0") == decimal("0.0"). Cedar has no arithmetic on decimals and
// does not let `<` compare them; only the named methods do.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_EXTENSIONS_DECIMAL_H
#define LARCH_RUNTIME_EXTENSIONS_DECIMAL_H

#include "runtime/extensions/ext_error.h"

#include "llvm/ADT/StringRef.h"

#include <compare>
#include <cstdint>
#include <string>
#include <type_traits>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace larch::ext {

/// A Cedar `decimal` value: `scaled / 10^4`.
struct Decimal {
  /// Number of fractional digits kept.
  static constexpr unsigned FractionDigits = 4;
  /// 10^FractionDigits.
  static constexpr int64_t Scale = 10000;

  int64_t scaled = 0;

  /// Cedar's `decimal(text)`. Accepts `-?D+\.D+` where D is any Unicode
  /// decimal digit (Cedar's regex uses `\d`), then requires at most four
  /// fractional digits and ASCII digits (non-ASCII digits get Cedar's
  /// overflow error). Errors: DecimalMalformed, DecimalTooManyDigits,
  /// DecimalOverflow.
  static ExtResult<Decimal> parse(llvm::StringRef text);

  static constexpr Decimal fromScaled(int64_t scaled) { return Decimal{scaled}; }

  bool lessThan(Decimal other) const { return scaled < other.scaled; }
  bool lessThanOrEqual(Decimal other) const { return scaled <= other.scaled; }
  bool greaterThan(Decimal other) const { return scaled > other.scaled; }
  bool greaterThanOrEqual(Decimal other) const {
    return scaled >= other.scaled;
  }

  /// Cedar's Display form, always with four fractional digits: "1.2300",
  /// "-0.0001", "0.0000". Cedar uses this as the canonical constructor
  /// argument, and it parses back to the same value.
  std::string toString() const;
  void print(llvm::raw_ostream &os) const;

  friend constexpr bool operator==(Decimal, Decimal) = default;
  friend constexpr std::strong_ordering operator<=>(Decimal, Decimal) = default;
};

static_assert(std::is_trivially_copyable_v<Decimal>);

} // namespace larch::ext

#endif // LARCH_RUNTIME_EXTENSIONS_DECIMAL_H
