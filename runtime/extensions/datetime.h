//===- runtime/extensions/datetime.h - Cedar datetime and duration -*- C++ -*-===//
//
// Phase: runtime.
// Entry points: Datetime::parse (Cedar `datetime("...")`), Duration::parse
// (Cedar `duration("...")`), the datetime methods offset, durationSince,
// toDate, toTime, the duration methods toMilliseconds ... toDays, and the
// canonical text forms.
// Depends on nothing but the C++ standard library and LLVM Support.
//
// Both types are a signed 64-bit count of milliseconds: a datetime counts
// from 1970-01-01T00:00:00Z, ignoring leap seconds. `<`, `<=`, `>`, `>=` and
// `==` compare that count. Every arithmetic overflow is an error value.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_EXTENSIONS_DATETIME_H
#define LARCH_RUNTIME_EXTENSIONS_DATETIME_H

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

/// A Cedar `duration` value, in milliseconds.
struct Duration {
  static constexpr int64_t MillisPerSecond = 1000;
  static constexpr int64_t MillisPerMinute = 60 * MillisPerSecond;
  static constexpr int64_t MillisPerHour = 60 * MillisPerMinute;
  static constexpr int64_t MillisPerDay = 24 * MillisPerHour;

  int64_t millis = 0;

  /// Cedar's `duration(text)`: an optional leading `-` for the whole value,
  /// then `<digits>d`, `<digits>h`, `<digits>m`, `<digits>s`, `<digits>ms`, in
  /// that order, each at most once, at least one. ASCII digits, leading zeros
  /// allowed, no spaces or `+`. Errors: DurationInvalidPattern,
  /// DurationOverflow (total outside the i64 range; `-` then
  /// "9223372036854775808ms" is i64::MIN and fine).
  static ExtResult<Duration> parse(llvm::StringRef text);

  static constexpr Duration fromMillis(int64_t ms) { return Duration{ms}; }

  // Truncating toward zero: duration("-1500ms").toSeconds() == -1.
  int64_t toMilliseconds() const { return millis; }
  int64_t toSeconds() const { return millis / MillisPerSecond; }
  int64_t toMinutes() const { return millis / MillisPerMinute; }
  int64_t toHours() const { return millis / MillisPerHour; }
  int64_t toDays() const { return millis / MillisPerDay; }

  /// Cedar's Display and canonical constructor argument: "<millis>ms", e.g.
  /// "-3600000ms".
  std::string toString() const;
  void print(llvm::raw_ostream &os) const;

  friend constexpr bool operator==(Duration, Duration) = default;
  friend constexpr std::strong_ordering operator<=>(Duration,
                                                    Duration) = default;
};

/// A Cedar `datetime` value, in milliseconds since the Unix epoch (UTC).
struct Datetime {
  int64_t millis = 0;

  /// Cedar's `datetime(text)`, one of
  ///   YYYY-MM-DD
  ///   YYYY-MM-DDThh:mm:ssZ         YYYY-MM-DDThh:mm:ss.SSSZ
  ///   YYYY-MM-DDThh:mm:ss(+|-)hhmm YYYY-MM-DDThh:mm:ss.SSS(+|-)hhmm
  /// with a four-digit year 0000-9999, a real proleptic Gregorian date, hours
  /// below 24, minutes and seconds below 60 (no leap second), exactly three
  /// millisecond digits, and an offset below 24h and 60m. The offset is
  /// subtracted to get UTC, so results may fall outside years 0000-9999.
  static ExtResult<Datetime> parse(llvm::StringRef text);

  static constexpr Datetime fromMillis(int64_t ms) { return Datetime{ms}; }

  /// `this + d`; OffsetOverflow if it leaves the i64 range.
  ExtResult<Datetime> offset(Duration d) const;
  /// `this - other`; DurationSinceOverflow if it leaves the i64 range.
  ExtResult<Duration> durationSince(Datetime other) const;
  /// Midnight UTC at or before this instant (floor, also for instants before
  /// 1970); ToDateOverflow when that is below i64::MIN.
  ExtResult<Datetime> toDate() const;
  /// Time since toDate(): always in [0, 1 day).
  Duration toTime() const;

  /// The millisecond count as a duration string, "<millis>ms": the argument of
  /// Cedar's canonical form offset(datetime("1970-01-01"), duration(...)).
  std::string getCanonicalOffset() const;
  /// Cedar's canonical expression for this value, as used in its messages:
  /// datetime("1970-01-01").offset(duration("<millis>ms")).
  std::string toCedarExpr() const;
  void printCedarExpr(llvm::raw_ostream &os) const;

  friend constexpr bool operator==(Datetime, Datetime) = default;
  friend constexpr std::strong_ordering operator<=>(Datetime,
                                                    Datetime) = default;
};

static_assert(std::is_trivially_copyable_v<Duration>);
static_assert(std::is_trivially_copyable_v<Datetime>);

} // namespace larch::ext

#endif // LARCH_RUNTIME_EXTENSIONS_DATETIME_H
