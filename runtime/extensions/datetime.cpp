//===- runtime/extensions/datetime.cpp - Cedar datetime and duration ---------===//
//
// Phase: runtime.
// Entry points: Duration::parse, Datetime::parse, the Datetime methods and
// the text forms (see datetime.h).
// Depends on nothing but the C++ standard library and LLVM Support.
//
// Cedar matches three anchored patterns in turn (date, then `Thh:mm:ss`, then
// the millisecond/offset tail) and only then checks the values (date, then
// time, then offset). We keep that order, because it decides which error a
// string like "2024-02-30T25:00:00" gets.
//
//===----------------------------------------------------------------------===//

#include "runtime/extensions/datetime.h"

#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace larch::ext {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// Reads `count` ASCII digits at `text[pos]` as a number; false if any of
/// them is missing or not a digit.
bool readFixedDigits(llvm::StringRef text, size_t pos, size_t count,
                     int64_t &out) {
  if (pos + count > text.size())
    return false;
  int64_t value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!isDigit(text[i]))
      return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

bool isLeapYear(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

bool isValidDate(int64_t year, int64_t month, int64_t day) {
  static constexpr int64_t DaysInMonth[] = {31, 28, 31, 30, 31, 30,
                                            31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1)
    return false;
  int64_t limit = DaysInMonth[month - 1];
  if (month == 2 && isLeapYear(year))
    limit = 29;
  return day <= limit;
}

/// Days from 1970-01-01 to the given proleptic Gregorian date. Counts in
/// 400-year cycles (146097 days each) of years that start on March 1, so the
/// leap day is the last day of its year.
int64_t daysSinceEpoch(int64_t year, int64_t month, int64_t day) {
  int64_t marchYear = month <= 2 ? year - 1 : year;
  int64_t cycle = (marchYear >= 0 ? marchYear : marchYear - 399) / 400;
  int64_t yearOfCycle = marchYear - cycle * 400;              // [0, 399]
  int64_t marchMonth = month > 2 ? month - 3 : month + 9;     // [0, 11]
  int64_t dayOfYear = (153 * marchMonth + 2) / 5 + day - 1;   // [0, 365]
  int64_t dayOfCycle = yearOfCycle * 365 + yearOfCycle / 4 - yearOfCycle / 100 +
                       dayOfYear;                             // [0, 146096]
  // 719468 days separate 0000-03-01 from 1970-01-01.
  return cycle * 146097 + dayOfCycle - 719468;
}

/// Non-negative remainder of `millis` by one day.
int64_t millisIntoDay(int64_t millis) {
  int64_t rem = millis % Duration::MillisPerDay;
  return rem < 0 ? rem + Duration::MillisPerDay : rem;
}

} // namespace

//===----------------------------------------------------------------------===//
// Duration
//===----------------------------------------------------------------------===//

ExtResult<Duration> Duration::parse(llvm::StringRef text) {
  using Result = ExtResult<Duration>;
  // Units in their required order; "ms" is told from "m" by the next char.
  enum Unit { Days, Hours, Minutes, Seconds, Millis, NumUnits };
  if (text.empty() || text == "-")
    return Result::failure(ExtErrorKind::DurationInvalidPattern);

  bool negative = text.front() == '-';
  size_t pos = negative ? 1 : 0;
  llvm::StringRef digits[NumUnits];
  int lastUnit = -1;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size() && isDigit(text[pos]))
      ++pos;
    if (pos == start || pos == text.size())
      return Result::failure(ExtErrorKind::DurationInvalidPattern);
    int unit;
    switch (text[pos]) {
    case 'd':
      unit = Days;
      break;
    case 'h':
      unit = Hours;
      break;
    case 'm':
      unit = pos + 1 < text.size() && text[pos + 1] == 's' ? Millis : Minutes;
      break;
    case 's':
      unit = Seconds;
      break;
    default:
      return Result::failure(ExtErrorKind::DurationInvalidPattern);
    }
    if (unit <= lastUnit)
      return Result::failure(ExtErrorKind::DurationInvalidPattern);
    digits[unit] = text.slice(start, pos);
    pos += unit == Millis ? 2 : 1;
    lastUnit = unit;
  }

  // The shape is valid; now the values. Each quantity must fit in a u64, and
  // the signed total in an i64 (Cedar sums ms, s, m, h, d with checked i64
  // arithmetic; all terms share a sign, so any intermediate overflow means
  // the total overflows).
  uint64_t quantity[NumUnits] = {};
  for (int unit = 0; unit < NumUnits; ++unit) {
    for (char c : digits[unit]) {
      uint64_t digit = static_cast<uint64_t>(c - '0');
      if (quantity[unit] > (UINT64_MAX - digit) / 10)
        return Result::failure(ExtErrorKind::DurationOverflow);
      quantity[unit] = quantity[unit] * 10 + digit;
    }
  }
  static constexpr int64_t UnitMillis[NumUnits] = {
      MillisPerDay, MillisPerHour, MillisPerMinute, MillisPerSecond, 1};
  int64_t total = 0;
  for (int unit = NumUnits - 1; unit >= 0; --unit) {
    uint64_t q = quantity[unit];
    int64_t term;
    // Magnitude 2^63 is representable only as a negative count of ms.
    if (unit == Millis && negative && q == uint64_t{1} << 63) {
      term = INT64_MIN;
    } else {
      if (q > uint64_t(INT64_MAX) ||
          llvm::MulOverflow(int64_t(q), UnitMillis[unit], term))
        return Result::failure(ExtErrorKind::DurationOverflow);
      if (negative)
        term = -term;
    }
    if (llvm::AddOverflow(total, term, total))
      return Result::failure(ExtErrorKind::DurationOverflow);
  }
  return Result::success(Duration{total});
}

void Duration::print(llvm::raw_ostream &os) const { os << millis << "ms"; }

std::string Duration::toString() const {
  std::string out;
  llvm::raw_string_ostream os(out);
  print(os);
  os.flush();
  return out;
}

//===----------------------------------------------------------------------===//
// Datetime
//===----------------------------------------------------------------------===//

ExtResult<Datetime> Datetime::parse(llvm::StringRef text) {
  using Result = ExtResult<Datetime>;

  // 1. ^([0-9]{4})-([0-9]{2})-([0-9]{2})
  int64_t year, month, day;
  if (!readFixedDigits(text, 0, 4, year) || text.size() < 5 ||
      text[4] != '-' || !readFixedDigits(text, 5, 2, month) ||
      text.size() < 8 || text[7] != '-' || !readFixedDigits(text, 8, 2, day))
    return Result::failure(ExtErrorKind::DatetimeInvalidDatePattern);
  bool dateValid = isValidDate(year, month, day);
  int64_t millis = daysSinceEpoch(year, month, day) * Duration::MillisPerDay;
  if (text.size() == 10) {
    if (!dateValid)
      return Result::failure(ExtErrorKind::DatetimeInvalidDate);
    return Result::success(Datetime{millis});
  }

  // 2. ^T([0-9]{2}):([0-9]{2}):([0-9]{2}) after the date.
  int64_t hour, minute, second;
  if (text[10] != 'T' || !readFixedDigits(text, 11, 2, hour) ||
      text.size() < 14 || text[13] != ':' ||
      !readFixedDigits(text, 14, 2, minute) || text.size() < 17 ||
      text[16] != ':' || !readFixedDigits(text, 17, 2, second))
    return Result::failure(ExtErrorKind::DatetimeInvalidTimePattern);

  // 3. ^(\.([0-9]{3}))?(Z|((\+|-)([0-9]{2})([0-9]{2})))$ for the rest.
  size_t pos = 19;
  int64_t subsecond = 0;
  int64_t offsetSign = 0, offsetHours = 0, offsetMinutes = 0;
  bool tailOk = true;
  if (pos < text.size() && text[pos] == '.') {
    tailOk = readFixedDigits(text, pos + 1, 3, subsecond);
    pos += 4;
  }
  if (tailOk && pos < text.size() && text[pos] == 'Z') {
    tailOk = pos + 1 == text.size();
  } else if (tailOk && pos < text.size() &&
             (text[pos] == '+' || text[pos] == '-')) {
    offsetSign = text[pos] == '+' ? 1 : -1;
    tailOk = readFixedDigits(text, pos + 1, 2, offsetHours) &&
             readFixedDigits(text, pos + 3, 2, offsetMinutes) &&
             pos + 5 == text.size();
  } else {
    tailOk = false;
  }
  if (!tailOk)
    return Result::failure(ExtErrorKind::DatetimeInvalidMsOffsetPattern);

  // 4. Values: date, then time of day, then offset.
  if (!dateValid)
    return Result::failure(ExtErrorKind::DatetimeInvalidDate);
  if (hour >= 24 || minute >= 60 || second >= 60)
    return Result::failure(ExtErrorKind::DatetimeInvalidTime);
  if (offsetHours >= 24 || offsetMinutes >= 60)
    return Result::failure(ExtErrorKind::DatetimeInvalidOffset, offsetHours,
                           offsetMinutes);

  // Local time minus the offset is UTC. Years 0000-9999 keep all of this far
  // inside the i64 range.
  millis += hour * Duration::MillisPerHour + minute * Duration::MillisPerMinute +
            second * Duration::MillisPerSecond + subsecond;
  millis -= offsetSign * (offsetHours * Duration::MillisPerHour +
                          offsetMinutes * Duration::MillisPerMinute);
  return Result::success(Datetime{millis});
}

ExtResult<Datetime> Datetime::offset(Duration d) const {
  int64_t result;
  if (llvm::AddOverflow(millis, d.millis, result))
    return ExtResult<Datetime>::failure(ExtErrorKind::OffsetOverflow, millis,
                                        d.millis);
  return ExtResult<Datetime>::success(Datetime{result});
}

ExtResult<Duration> Datetime::durationSince(Datetime other) const {
  int64_t result;
  if (llvm::SubOverflow(millis, other.millis, result))
    return ExtResult<Duration>::failure(ExtErrorKind::DurationSinceOverflow,
                                        millis, other.millis);
  return ExtResult<Duration>::success(Duration{result});
}

ExtResult<Datetime> Datetime::toDate() const {
  int64_t result;
  if (llvm::SubOverflow(millis, millisIntoDay(millis), result))
    return ExtResult<Datetime>::failure(ExtErrorKind::ToDateOverflow, millis);
  return ExtResult<Datetime>::success(Datetime{result});
}

Duration Datetime::toTime() const { return Duration{millisIntoDay(millis)}; }

std::string Datetime::getCanonicalOffset() const {
  return Duration{millis}.toString();
}

void Datetime::printCedarExpr(llvm::raw_ostream &os) const {
  os << "datetime(\"1970-01-01\").offset(duration(\"" << millis << "ms\"))";
}

std::string Datetime::toCedarExpr() const {
  std::string out;
  llvm::raw_string_ostream os(out);
  printCedarExpr(os);
  os.flush();
  return out;
}

} // namespace larch::ext
