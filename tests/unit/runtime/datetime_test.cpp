//===- tests/unit/runtime/datetime_test.cpp - Cedar datetime and duration ----===//
//
// Phase: runtime (tests).
// Covers larch::ext::Datetime and larch::ext::Duration: all five datetime
// forms, every parse error in Cedar's order, the duration grammar and its
// overflow limits, every method (with overflow errors), comparison and the
// canonical text forms. Expected epoch values were computed independently
// (a calendar library, and Cedar's own test cases).
//
//===----------------------------------------------------------------------===//

#include "runtime/extensions/datetime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

using larch::ext::Datetime;
using larch::ext::Duration;
using larch::ext::ExtErrorKind;
using larch::ext::getExtErrorFunctionName;
using larch::ext::getExtErrorHelp;
using larch::ext::getExtErrorMessage;

namespace {

constexpr int64_t I64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t I64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t Day = 86400000;

int64_t dt(const std::string &text) {
  auto r = Datetime::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << getExtErrorMessage(r.error, text);
  return r.value.millis;
}

ExtErrorKind dtError(const std::string &text) {
  auto r = Datetime::parse(text);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << r.value.millis;
  return r.error.kind;
}

int64_t dur(const std::string &text) {
  auto r = Duration::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << getExtErrorMessage(r.error, text);
  return r.value.millis;
}

ExtErrorKind durError(const std::string &text) {
  auto r = Duration::parse(text);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << r.value.millis;
  return r.error.kind;
}

/// Cedar's test helper: a duration string with every unit, e.g.
/// "-106751991167d7h12m55s808ms".
std::string spelledOut(__int128 ms) {
  std::string sign = ms < 0 ? "-" : "";
  if (ms < 0)
    ms = -ms;
  auto part = [&](__int128 unit) {
    auto v = static_cast<int64_t>(ms % unit);
    ms /= unit;
    return std::to_string(v);
  };
  std::string millis = part(1000), secs = part(60), mins = part(60),
              hours = part(24);
  return sign + std::to_string(static_cast<int64_t>(ms)) + "d" + hours + "h" +
         mins + "m" + secs + "s" + millis + "ms";
}

//===----------------------------------------------------------------------===//
// datetime("...")
//===----------------------------------------------------------------------===//

TEST(DatetimeTest, ParsesAllFiveForms) {
  EXPECT_EQ(dt("2024-10-28"), 1730073600000);
  EXPECT_EQ(dt("2024-10-28T01:22:33Z"), 1730078553000);
  EXPECT_EQ(dt("2024-10-28T01:22:33.456Z"), 1730078553456);
  EXPECT_EQ(dt("2024-10-28T10:12:13-0700"), 1730135533000);
  EXPECT_EQ(dt("2024-10-28T10:12:13.456-0700"), 1730135533456);
  EXPECT_EQ(dt("2024-10-15T11:38:02.101+1134"), 1728950642101);
}

TEST(DatetimeTest, OffsetsAreSubtracted) {
  // Cedar: 2024-10-15T23:59:00+2359 is 2024-10-15T00:00:00 UTC.
  EXPECT_EQ(dt("2024-10-15T23:59:00+2359"), dt("2024-10-15"));
  EXPECT_EQ(dt("2024-10-15T00:00:00-2359"), dt("2024-10-15T23:59:00Z"));
  EXPECT_EQ(dt("2024-10-28T10:12:13.456-0700"), dt("2024-10-28T17:12:13.456Z"));
  EXPECT_EQ(dt("2024-10-28T00:00:00+0000"), dt("2024-10-28T00:00:00-0000"));
}

TEST(DatetimeTest, EpochAndCalendarEdges) {
  EXPECT_EQ(dt("1970-01-01"), 0);
  EXPECT_EQ(dt("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(dt("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(dt("1900-01-01"), -2208988800000);
  EXPECT_EQ(dt("0001-01-01"), -62135596800000);
  // Year 0000 exists (proleptic Gregorian) and is a leap year.
  EXPECT_EQ(dt("0000-01-01"), -62167219200000);
  EXPECT_EQ(dt("0000-03-01") - dt("0000-02-28"), 2 * Day);
  EXPECT_EQ(dt("9999-12-31T23:59:59.999Z"), 253402300799999);
  // Offsets may push the instant outside 0000..9999.
  EXPECT_EQ(dt("9999-12-31T23:59:59.999-2359"), 253402387139999);
  EXPECT_EQ(dt("0000-01-01T00:00:00+2359"),
            -62167219200000 - (23 * 60 + 59) * 60000);
  EXPECT_EQ(dt("2016-12-31T23:59:59Z"), 1483228799000);
}

TEST(DatetimeTest, LeapDays) {
  EXPECT_EQ(dt("2000-02-29"), 951782400000);
  EXPECT_EQ(dt("0400-02-29"), -49539340800000);
  EXPECT_EQ(dt("2024-02-29") + Day, dt("2024-03-01"));
  EXPECT_EQ(dtError("1900-02-29"), ExtErrorKind::DatetimeInvalidDate);
  EXPECT_EQ(dtError("2100-02-29"), ExtErrorKind::DatetimeInvalidDate);
  EXPECT_EQ(dtError("2025-02-29"), ExtErrorKind::DatetimeInvalidDate);
  EXPECT_EQ(dtError("0100-02-29"), ExtErrorKind::DatetimeInvalidDate);
}

TEST(DatetimeTest, InvalidDatePattern) {
  for (const char *text :
       {"", "a", "-", "-1", "11-12-13", "1111-1x-20", "0000-0a-01",
        "10000-01-01", "10000-01-01T00:00:00Z", "2024-1-01", "2024-01-1",
        "2024/01/01", " 2024-01-01", "+2024-01-01", "-2024-01-01",
        "2024-01", "２０２４-01-01"})
    EXPECT_EQ(dtError(text), ExtErrorKind::DatetimeInvalidDatePattern) << text;
}

TEST(DatetimeTest, InvalidDate) {
  for (const char *text :
       {"2024-00-01", "2024-01-00", "2024-02-30", "2025-02-29", "2024-20-01",
        "2024-01-32", "2024-01-99", "2024-04-31", "2024-13-01",
        "2024-02-30T00:00:00Z", "2024-04-31T00:00:00.000+0100"})
    EXPECT_EQ(dtError(text), ExtErrorKind::DatetimeInvalidDate) << text;
}

TEST(DatetimeTest, InvalidTimePattern) {
  for (const char *text :
       {"2024-10-15Z", "2024-01-01T", "2024-01-01Ta", "2024-01-01T01:",
        "2024-01-01T01:02", "2024-01-01T01:02:0b", "2024-01-01T01::02:03",
        "2024-01-01T01::02::03", "2024-01-01 01:02:03Z", "2024-01-01t01:02:03Z",
        "2024-01-01T1:02:03Z", "2024-01-01T01:02:3Z"})
    EXPECT_EQ(dtError(text), ExtErrorKind::DatetimeInvalidTimePattern) << text;
}

TEST(DatetimeTest, InvalidMillisecondOrOffsetPattern) {
  for (const char *text :
       {"2024-01-01T00:00:00", "2024-01-01T00:00:00T", "2024-01-01T00:00:00ZZ",
        "2024-10-15T11:38:02ZZ", "2024-01-01T00:00:00x001Z",
        "2024-01-01T00:00:00.001ZZ", "2024-01-01T00:00:00\u27950000",
        "2024-01-01T00:00:00\u27960000", "2024-01-01T00:00:00.0001Z",
        "2024-01-01T00:00:00.01Z", "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00.001", "2024-01-01T00:00:00.001\u27960000",
        "2024-01-01T00:00:00.001+00000", "2024-01-01T00:00:00.001-00000",
        "2024-01-01T00:00:00+000", "2024-01-01T00:00:00+00:00",
        "2024-01-01T00:00:00z", "2024-01-01T00:00:00Z ",
        "2024-01-01T00:00:00+0000Z", "2024-01-01T00:00:00Z\n"})
    EXPECT_EQ(dtError(text), ExtErrorKind::DatetimeInvalidMsOffsetPattern)
        << text;
}

TEST(DatetimeTest, InvalidTime) {
  for (const char *text :
       {"2024-01-01T31:02:03Z", "2024-01-01T24:00:00Z", "2024-01-01T01:60:03Z",
        "2016-12-31T23:59:60Z", "2016-12-31T23:59:61Z",
        "2024-01-01T99:99:99.999+0000"})
    EXPECT_EQ(dtError(text), ExtErrorKind::DatetimeInvalidTime) << text;
  EXPECT_EQ(dt("2024-01-01T23:59:59.999Z"), dt("2024-01-02") - 1);
}

TEST(DatetimeTest, InvalidOffset) {
  EXPECT_EQ(dtError("2016-12-31T00:00:00+1160"),
            ExtErrorKind::DatetimeInvalidOffset);
  EXPECT_EQ(dtError("2016-12-31T00:00:00+1199"),
            ExtErrorKind::DatetimeInvalidOffset);
  EXPECT_EQ(dtError("2016-12-31T00:00:00+2400"),
            ExtErrorKind::DatetimeInvalidOffset);
  EXPECT_EQ(dtError("2016-12-31T00:00:00.123-9999"),
            ExtErrorKind::DatetimeInvalidOffset);
}

TEST(DatetimeTest, SyntaxIsCheckedBeforeValues) {
  // Bad date but bad tail: the pattern error wins.
  EXPECT_EQ(dtError("2024-02-30T00:00:00"),
            ExtErrorKind::DatetimeInvalidMsOffsetPattern);
  EXPECT_EQ(dtError("2024-02-30T0:00:00Z"),
            ExtErrorKind::DatetimeInvalidTimePattern);
  // All patterns fine: date, then time, then offset.
  EXPECT_EQ(dtError("2024-02-30T25:00:00+2500"),
            ExtErrorKind::DatetimeInvalidDate);
  EXPECT_EQ(dtError("2024-02-28T25:00:00+2500"),
            ExtErrorKind::DatetimeInvalidTime);
}

TEST(DatetimeTest, ParseErrorMessagesMatchCedar) {
  auto msg = [](const std::string &text) {
    auto r = Datetime::parse(text);
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(getExtErrorFunctionName(r.error), "datetime");
    EXPECT_EQ(getExtErrorHelp(r.error),
              "valid datetime strings start with `YYYY-MM-DD` and may "
              "optionally include `THH:MM:SS` plus `Z`, `.SSSZ`, or an offset "
              "like `+0700`");
    return getExtErrorMessage(r.error, text);
  };
  EXPECT_EQ(msg("22024-30-28T10:12:13.456-0700"), "invalid date pattern");
  EXPECT_EQ(msg("2024-02-30"), "invalid date: 2024-02-30");
  EXPECT_EQ(msg("2024-02-30T00:00:00Z"), "invalid date: 2024-02-30");
  EXPECT_EQ(msg("2024-01-01T"), "invalid hour/minute/second pattern");
  EXPECT_EQ(msg("2024-01-01T01:60:03Z"), "invalid hour/minute/second: 01:60:03");
  EXPECT_EQ(msg("2016-12-31T23:59:60.000+0100"),
            "invalid hour/minute/second: 23:59:60");
  EXPECT_EQ(msg("2024-01-01T00:00:00"),
            "invalid millisecond and/or offset pattern");
  // Cedar prints the offset numbers unpadded, with nothing between them.
  EXPECT_EQ(msg("2016-12-31T00:00:00+1160"), "invalid offset range: 1160");
  EXPECT_EQ(msg("2016-12-31T00:00:00+2400"), "invalid offset range: 240");
  EXPECT_EQ(msg("2016-12-31T00:00:00-0960"), "invalid offset range: 960");
}

//===----------------------------------------------------------------------===//
// duration("...")
//===----------------------------------------------------------------------===//

TEST(DurationTest, ParsesUnits) {
  EXPECT_EQ(dur("1h"), 3600000);
  EXPECT_EQ(dur("-10h"), -36000000);
  EXPECT_EQ(dur("5d3ms"), 5 * Day + 3);
  EXPECT_EQ(dur("-3h5m"), -(3 * 3600000 + 5 * 60000));
  EXPECT_EQ(dur("1d2h3m4s50ms"), 93784050);
  EXPECT_EQ(dur("-1d2h3m4s50ms"), -93784050);
  EXPECT_EQ(dur("1ms"), 1);
  EXPECT_EQ(dur("1m"), 60000);
  EXPECT_EQ(dur("1m1ms"), 60001);
  EXPECT_EQ(dur("1m1s"), 61000);
  EXPECT_EQ(dur("0d"), 0);
  EXPECT_EQ(dur("-0ms"), 0);
  EXPECT_EQ(dur("007s"), 7000);
  EXPECT_EQ(dur("90m"), 5400000);
  EXPECT_EQ(dur("-3d"), dur("-72h"));
}

TEST(DurationTest, RejectsBadPatterns) {
  for (const char *text :
       {"", "a", "-", "-1", "1", "\u27961ms", "11dd", "00000mm", "-d", "-h",
        "-1hh", "-h2d", "-ms", "1dd2h3m4s50ms", "d", "1D", "1 d", " 1d",
        "1d ", "+1d", "--1d", "1.5h", "1d-2h", "1y", "1w", "1us", "1mss",
        "1msm",
        // each unit once, in order d h m s ms
        "1d2d", "1h1d", "1ms1s", "1ms1m", "1ms1h", "0ms1d", "1s1m", "1s1h",
        "0s0d", "0m0h", "0m0d", "1ms1m1d", "1ms1ms", "1s2s"})
    EXPECT_EQ(durError(text), ExtErrorKind::DurationInvalidPattern) << text;
}

TEST(DurationTest, RangeLimits) {
  EXPECT_EQ(dur("9223372036854775807ms"), I64Max);
  EXPECT_EQ(dur("-9223372036854775808ms"), I64Min);
  EXPECT_EQ(durError("9223372036854775808ms"), ExtErrorKind::DurationOverflow);
  EXPECT_EQ(durError("-9223372036854775809ms"),
            ExtErrorKind::DurationOverflow);
  EXPECT_EQ(durError("-1s9223372036854775808ms"),
            ExtErrorKind::DurationOverflow);
  EXPECT_EQ(durError("18446744073709551615ms"), ExtErrorKind::DurationOverflow);
  EXPECT_EQ(durError("18446744073709551616ms"), ExtErrorKind::DurationOverflow);
  EXPECT_EQ(durError("-18446744073709551615ms"),
            ExtErrorKind::DurationOverflow);
  EXPECT_EQ(durError("99999999999999999999999d"),
            ExtErrorKind::DurationOverflow);
  EXPECT_EQ(durError("106751991167301d"), ExtErrorKind::DurationOverflow);

  EXPECT_EQ(dur(spelledOut(I64Max)), I64Max);
  EXPECT_EQ(dur(spelledOut(I64Min)), I64Min);
  EXPECT_EQ(durError(spelledOut(static_cast<__int128>(I64Max) + 1)),
            ExtErrorKind::DurationOverflow);
  EXPECT_EQ(durError(spelledOut(static_cast<__int128>(I64Min) - 1)),
            ExtErrorKind::DurationOverflow);
  // The largest whole number of days.
  EXPECT_EQ(dur("106751991167d"), 106751991167 * Day);
  EXPECT_EQ(dur("-106751991167d"), -106751991167 * Day);
}

TEST(DurationTest, ErrorMessagesMatchCedar) {
  auto bad = Duration::parse("1dd2h3m4s50ms");
  EXPECT_EQ(getExtErrorMessage(bad.error, "1dd2h3m4s50ms"),
            "invalid duration pattern");
  EXPECT_EQ(getExtErrorFunctionName(bad.error), "duration");
  EXPECT_EQ(getExtErrorHelp(bad.error),
            "valid duration strings are concatenated quantity-unit pairs with "
            "an optional leading `-`, for example `1d2h3m4s50ms`");
  auto big = Duration::parse("9223372036854775808ms");
  EXPECT_EQ(getExtErrorMessage(big.error, "9223372036854775808ms"),
            "Duration overflows internal representation");
}

TEST(DurationTest, ConversionsTruncateTowardZero) {
  Duration d = Duration::parse("1d2h3m4s50ms").value;
  EXPECT_EQ(d.toMilliseconds(), 93784050);
  EXPECT_EQ(d.toSeconds(), 93784);
  EXPECT_EQ(d.toMinutes(), 1563);
  EXPECT_EQ(d.toHours(), 26);
  EXPECT_EQ(d.toDays(), 1);
  Duration n = Duration::parse("-1d2h3m4s50ms").value;
  EXPECT_EQ(n.toMilliseconds(), -93784050);
  EXPECT_EQ(n.toSeconds(), -93784);
  EXPECT_EQ(n.toMinutes(), -1563);
  EXPECT_EQ(n.toHours(), -26);
  EXPECT_EQ(n.toDays(), -1);
  for (const char *text : {"10d23h59m58s999ms", "-10d23h59m58s999ms"}) {
    Duration o = Duration::parse(text).value;
    int64_t sign = o.millis < 0 ? -1 : 1;
    EXPECT_EQ(o.toDays(), sign * 10);
    EXPECT_EQ(o.toHours(), sign * (10 * 24 + 23));
    EXPECT_EQ(o.toMinutes(), sign * ((10 * 24 + 23) * 60 + 59));
    EXPECT_EQ(o.toSeconds(), sign * (((10 * 24 + 23) * 60 + 59) * 60 + 58));
  }
  EXPECT_EQ(Duration::fromMillis(-1500).toSeconds(), -1);
  EXPECT_EQ(Duration::fromMillis(-999).toSeconds(), 0);
  EXPECT_EQ(Duration::fromMillis(I64Min).toDays(), -106751991167);
  EXPECT_EQ(Duration::fromMillis(I64Max).toDays(), 106751991167);
  EXPECT_EQ(Duration::fromMillis(I64Min).toSeconds(), -9223372036854775);
}

TEST(DurationTest, ComparisonAndDisplay) {
  EXPECT_LT(Duration::parse("-2h").value, Duration::parse("1h").value);
  EXPECT_GT(Duration::parse("2h").value, Duration::parse("1h").value);
  EXPECT_EQ(Duration::parse("1d").value, Duration::parse("24h").value);
  EXPECT_NE(Duration::parse("-2h").value, Duration::parse("1h").value);
  EXPECT_EQ(Duration::parse("1h").value.toString(), "3600000ms");
  EXPECT_EQ(Duration::parse("-1d2h3m4s50ms").value.toString(), "-93784050ms");
  EXPECT_EQ(Duration::parse("-0d").value.toString(), "0ms");
  EXPECT_EQ(Duration::fromMillis(I64Min).toString(), "-9223372036854775808ms");
  // The canonical form parses back to the same value.
  for (int64_t ms : {int64_t{0}, int64_t{-1}, I64Max, I64Min, int64_t{656488350}}) {
    auto again = Duration::parse(Duration::fromMillis(ms).toString());
    ASSERT_TRUE(again.ok()) << ms;
    EXPECT_EQ(again.value.millis, ms);
  }
}

//===----------------------------------------------------------------------===//
// datetime methods
//===----------------------------------------------------------------------===//

TEST(DatetimeMethodsTest, Offset) {
  Datetime epoch = Datetime::fromMillis(0);
  EXPECT_EQ(epoch.offset(Duration::parse("1d").value).value.millis,
            dt("1970-01-02"));
  EXPECT_EQ(epoch.offset(Duration::parse("-1d").value).value.millis,
            dt("1969-12-31"));
  EXPECT_EQ(Datetime::parse("2024-10-28T10:12:13.456-0700")
                .value.offset(Duration::parse("-7h").value)
                .value.millis,
            dt("2024-10-28T10:12:13.456Z"));

  Datetime max = Datetime::fromMillis(I64Max), min = Datetime::fromMillis(I64Min);
  EXPECT_EQ(max.offset(Duration::fromMillis(-1)).value.millis, I64Max - 1);
  EXPECT_EQ(min.offset(Duration::fromMillis(1)).value.millis, I64Min + 1);
  EXPECT_EQ(epoch.offset(Duration::fromMillis(I64Min)).value.millis, I64Min);

  auto over = max.offset(Duration::fromMillis(1));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error.kind, ExtErrorKind::OffsetOverflow);
  EXPECT_EQ(getExtErrorFunctionName(over.error), "offset");
  EXPECT_EQ(getExtErrorHelp(over.error), "");
  EXPECT_EQ(getExtErrorMessage(over.error, ""),
            "overflows when adding an offset: "
            "datetime(\"1970-01-01\").offset(duration("
            "\"9223372036854775807ms\"))+(1ms)");
  auto under = min.offset(Duration::fromMillis(-1));
  ASSERT_FALSE(under.ok());
  EXPECT_EQ(getExtErrorMessage(under.error, ""),
            "overflows when adding an offset: "
            "datetime(\"1970-01-01\").offset(duration("
            "\"-9223372036854775808ms\"))+(-1ms)");
}

TEST(DatetimeMethodsTest, DurationSince) {
  Datetime today = Datetime::parse("2024-10-24").value;
  Datetime yesterday = Datetime::parse("2024-10-23").value;
  EXPECT_EQ(today.durationSince(Datetime::fromMillis(0)).value,
            Duration::parse("20020d").value);
  EXPECT_EQ(yesterday.durationSince(today).value, Duration::parse("-1d").value);
  EXPECT_EQ(today.durationSince(yesterday).value, Duration::parse("1d").value);
  EXPECT_EQ(Datetime::parse("2024-10-28T10:12:13.456+0700")
                .value.durationSince(
                    Datetime::parse("2024-10-28T10:12:13.456Z").value)
                .value,
            Duration::parse("-7h").value);

  auto over = today.durationSince(Datetime::fromMillis(I64Min));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error.kind, ExtErrorKind::DurationSinceOverflow);
  EXPECT_EQ(getExtErrorFunctionName(over.error), "durationSince");
  EXPECT_EQ(getExtErrorMessage(over.error, ""),
            "overflows when computing the duration between "
            "datetime(\"1970-01-01\").offset(duration(\"1729728000000ms\")) "
            "and datetime(\"1970-01-01\").offset(duration("
            "\"-9223372036854775808ms\"))");
  EXPECT_EQ(Datetime::fromMillis(-1)
                .durationSince(Datetime::fromMillis(I64Max))
                .value.millis,
            I64Min);
}

TEST(DatetimeMethodsTest, ToDateFloorsToMidnightUtc) {
  EXPECT_EQ(Datetime::parse("2024-10-28T10:12:13.456+0700").value.toDate().value,
            Datetime::parse("2024-10-28").value);
  EXPECT_EQ(Datetime::parse("2024-10-28T10:12:13.456-0700").value.toDate().value,
            Datetime::parse("2024-10-28").value);
  // The offset can move the instant to another UTC day.
  EXPECT_EQ(Datetime::parse("2024-10-28T01:00:00+0200").value.toDate().value,
            Datetime::parse("2024-10-27").value);

  auto maxOffset = Duration::parse("23h59m59s999ms").value;
  auto minOffset = Duration::parse("-23h59m59s999ms").value;
  for (const char *day :
       {"2024-10-24", "2024-10-23", "1970-01-01", "1900-01-01", "0000-01-01"}) {
    Datetime d = Datetime::parse(day).value;
    EXPECT_EQ(d.toDate().value, d) << day;
    EXPECT_EQ(d.offset(maxOffset).value.toDate().value, d) << day;
    EXPECT_EQ(d.offset(minOffset).value.toDate().value.millis, d.millis - Day)
        << day;
  }
  EXPECT_EQ(Datetime::fromMillis(-1).toDate().value.millis, -Day);
  EXPECT_EQ(Datetime::fromMillis(-Day).toDate().value.millis, -Day);
  EXPECT_EQ(Datetime::fromMillis(-Day - 1).toDate().value.millis, -2 * Day);
  // I64Max floors fine; I64Min has no representable midnight before it.
  EXPECT_EQ(Datetime::fromMillis(I64Max).toDate().value.millis,
            106751991167 * Day);
  auto over = Datetime::fromMillis(I64Min).toDate();
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error.kind, ExtErrorKind::ToDateOverflow);
  EXPECT_EQ(getExtErrorFunctionName(over.error), "toDate");
  EXPECT_EQ(getExtErrorMessage(over.error, ""),
            "overflows when computing the date of "
            "datetime(\"1970-01-01\").offset(duration("
            "\"-9223372036854775808ms\"))");
  // The earliest instant whose date is representable.
  int64_t firstMidnight = -106751991167 * Day; // I64Min + 25975808
  EXPECT_TRUE(Datetime::fromMillis(firstMidnight).toDate().ok());
  EXPECT_FALSE(Datetime::fromMillis(firstMidnight - 1).toDate().ok());
}

TEST(DatetimeMethodsTest, ToTimeIsTimeSinceMidnight) {
  EXPECT_EQ(Datetime::parse("2024-10-28T10:12:13.456+0700").value.toTime(),
            Duration::parse("3h12m13s456ms").value);
  EXPECT_EQ(Datetime::parse("2024-10-28T10:12:13.456-0700").value.toTime(),
            Duration::parse("17h12m13s456ms").value);
  auto maxOffset = Duration::parse("23h59m59s999ms").value;
  auto minOffset = Duration::parse("-23h59m59s999ms").value;
  for (const char *day : {"2024-10-24", "1970-01-01", "1900-01-01"}) {
    Datetime d = Datetime::parse(day).value;
    EXPECT_EQ(d.toTime().millis, 0) << day;
    EXPECT_EQ(d.offset(maxOffset).value.toTime(), maxOffset) << day;
    EXPECT_EQ(d.offset(minOffset).value.toTime().millis, 1) << day;
  }
  EXPECT_EQ(Datetime::fromMillis(-1).toTime().millis, Day - 1);
  // 2^63 = 106751991167 days + 25975808 ms.
  EXPECT_EQ(Datetime::fromMillis(I64Min).toTime().millis, Day - 25975808);
  EXPECT_EQ(Datetime::fromMillis(I64Max).toTime().millis, 25975807);
}

TEST(DatetimeMethodsTest, Comparison) {
  Datetime a = Datetime::parse("2024-10-28T10:12:13.456-0700").value;
  Datetime b = Datetime::parse("2024-10-28T10:12:13.456Z").value;
  Datetime c = Datetime::parse("2024-10-28T17:12:13.456-0800").value;
  EXPECT_GT(a, b);
  EXPECT_GE(a, b);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, Datetime::parse("2024-10-28T17:12:13.456Z").value);
  EXPECT_LT(a, c);
  EXPECT_LE(a, c);
  EXPECT_LT(Datetime::parse("1900-01-01").value, Datetime::fromMillis(0));
}

TEST(DatetimeMethodsTest, CanonicalForms) {
  Datetime d = Datetime::parse("2024-10-28").value;
  EXPECT_EQ(d.getCanonicalOffset(), "1730073600000ms");
  EXPECT_EQ(d.toCedarExpr(),
            "datetime(\"1970-01-01\").offset(duration(\"1730073600000ms\"))");
  EXPECT_EQ(Datetime::fromMillis(-1).getCanonicalOffset(), "-1ms");
  // 1970-01-01 offset by the canonical duration is the same instant.
  for (const char *text : {"2024-10-28T10:12:13.456-0700", "0000-01-01",
                           "9999-12-31T23:59:59.999Z"}) {
    Datetime v = Datetime::parse(text).value;
    Datetime base = Datetime::parse("1970-01-01").value;
    auto back = base.offset(Duration::parse(v.getCanonicalOffset()).value);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back.value, v) << text;
  }
}

} // namespace
