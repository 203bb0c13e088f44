//===- tests/unit/runtime/decimal_test.cpp - Cedar decimal values ------------===//
//
// Phase: runtime (tests).
// Covers larch::ext::Decimal: decimal("...") parsing and every error case,
// the comparison methods, equality and the canonical text form. Expected
// values come from Cedar's documented behaviour and its own test cases
// (cedar-policy-core/src/extensions/decimal.rs).
//
//===----------------------------------------------------------------------===//

#include "runtime/extensions/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

using larch::ext::Decimal;
using larch::ext::ExtErrorKind;
using larch::ext::getExtErrorFunctionName;
using larch::ext::getExtErrorHelp;
using larch::ext::getExtErrorMessage;

namespace {

constexpr int64_t I64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t I64Min = std::numeric_limits<int64_t>::min();

int64_t scaledOf(const char *text) {
  auto r = Decimal::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << getExtErrorMessage(r.error, text);
  return r.value.scaled;
}

ExtErrorKind errorOf(const char *text) {
  auto r = Decimal::parse(text);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << r.value.scaled;
  return r.error.kind;
}

TEST(DecimalTest, ParsesWellFormedValues) {
  EXPECT_EQ(scaledOf("1.0"), 10000);
  EXPECT_EQ(scaledOf("-1.0"), -10000);
  EXPECT_EQ(scaledOf("123.456"), 1234560);
  EXPECT_EQ(scaledOf("0.1234"), 1234);
  EXPECT_EQ(scaledOf("-0.0123"), -123);
  EXPECT_EQ(scaledOf("55.1"), 551000);
  EXPECT_EQ(scaledOf("00.000"), 0);
  EXPECT_EQ(scaledOf("0123.0"), 1230000);
  EXPECT_EQ(scaledOf("-0.5"), -5000);
  EXPECT_EQ(scaledOf("-0.0001"), -1);
  EXPECT_EQ(scaledOf("0000000000000000000000000001.5"), 15000);
}

TEST(DecimalTest, RangeLimitsAreExact) {
  EXPECT_EQ(scaledOf("922337203685477.5807"), I64Max);
  EXPECT_EQ(scaledOf("-922337203685477.5808"), I64Min);
  EXPECT_EQ(errorOf("922337203685477.5808"), ExtErrorKind::DecimalOverflow);
  EXPECT_EQ(errorOf("-922337203685477.5809"), ExtErrorKind::DecimalOverflow);
  EXPECT_EQ(errorOf("-922337203685478.0"), ExtErrorKind::DecimalOverflow);
  EXPECT_EQ(errorOf("1000000000000000.0"), ExtErrorKind::DecimalOverflow);
  // Integer part beyond i64 altogether.
  EXPECT_EQ(errorOf("99999999999999999999.0"), ExtErrorKind::DecimalOverflow);
}

TEST(DecimalTest, RejectsMalformedText) {
  for (const char *text :
       {"1234", "1.0.", "1.", ".1", "1.a", "-.", "", ".", "-", "-1", "+1.0",
        " 1.0", "1.0 ", "1,0", "1.0\n", "--1.0", "1e3", "0x1.0", "1.-0",
        "1..0", "1.0.0", "-.5"})
    EXPECT_EQ(errorOf(text), ExtErrorKind::DecimalMalformed) << text;
}

TEST(DecimalTest, RejectsMoreThanFourFractionalDigits) {
  EXPECT_EQ(errorOf("0.12345"), ExtErrorKind::DecimalTooManyDigits);
  // Still an error when the extra digits are zeros.
  EXPECT_EQ(errorOf("0.00000"), ExtErrorKind::DecimalTooManyDigits);
  EXPECT_EQ(errorOf("-1.00000"), ExtErrorKind::DecimalTooManyDigits);
}

TEST(DecimalTest, IntegerOverflowIsReportedBeforeTooManyDigits) {
  // Cedar converts the integer part first.
  EXPECT_EQ(errorOf("1000000000000000.12345"), ExtErrorKind::DecimalOverflow);
  EXPECT_EQ(errorOf("1.12345"), ExtErrorKind::DecimalTooManyDigits);
}

TEST(DecimalTest, NonAsciiDigitsMatchThePatternButFailConversion) {
  // Cedar's `\d` is Unicode-aware, so these are "well-formed" but do not
  // convert to an integer, which Cedar reports as an overflow.
  EXPECT_EQ(errorOf("\u0661.0"), ExtErrorKind::DecimalOverflow); // Arabic-Indic 1
  EXPECT_EQ(errorOf("1.\u0661"), ExtErrorKind::DecimalOverflow);
  EXPECT_EQ(errorOf("1.\uFF11"), ExtErrorKind::DecimalOverflow); // fullwidth 1
  // The fractional length is counted in bytes: three two-byte digits are
  // more than four.
  EXPECT_EQ(errorOf("1.\u0661\u0661\u0661"), ExtErrorKind::DecimalTooManyDigits);
  // Not a decimal digit at all (superscript two is No, not Nd).
  EXPECT_EQ(errorOf("1.\u00B2"), ExtErrorKind::DecimalMalformed);
  // Invalid UTF-8 is simply not a digit.
  EXPECT_EQ(errorOf("1.\xFF"), ExtErrorKind::DecimalMalformed);
}

TEST(DecimalTest, EqualityIgnoresTrailingZerosAndSignOfZero) {
  auto a = Decimal::parse("123.0").value;
  EXPECT_EQ(a, Decimal::parse("123.0000").value);
  EXPECT_EQ(a, Decimal::parse("0123.0").value);
  EXPECT_NE(a, Decimal::parse("123.456").value);
  EXPECT_EQ(Decimal::parse("0.0").value, Decimal::parse("-0.0").value);
  EXPECT_NE(Decimal::parse("-0.23").value, Decimal::parse("0.23").value);
}

TEST(DecimalTest, ComparisonMethods) {
  Decimal a = Decimal::parse("1.23").value;
  Decimal b = Decimal::parse("1.24").value;
  Decimal c = Decimal::parse("123.45").value;
  Decimal d = Decimal::parse("-1.23").value;
  Decimal e = Decimal::parse("-1.24").value;

  EXPECT_TRUE(a.lessThan(b));
  EXPECT_FALSE(a.lessThan(a));
  EXPECT_FALSE(c.lessThan(a));
  EXPECT_TRUE(d.lessThan(a));
  EXPECT_FALSE(d.lessThan(e));

  EXPECT_TRUE(a.lessThanOrEqual(b));
  EXPECT_TRUE(a.lessThanOrEqual(a));
  EXPECT_FALSE(c.lessThanOrEqual(a));
  EXPECT_FALSE(d.lessThanOrEqual(e));

  EXPECT_FALSE(a.greaterThan(b));
  EXPECT_FALSE(a.greaterThan(a));
  EXPECT_TRUE(c.greaterThan(a));
  EXPECT_TRUE(d.greaterThan(e));

  EXPECT_FALSE(a.greaterThanOrEqual(b));
  EXPECT_TRUE(a.greaterThanOrEqual(a));
  EXPECT_TRUE(c.greaterThanOrEqual(a));
  EXPECT_TRUE(d.greaterThanOrEqual(e));

  EXPECT_TRUE(Decimal::parse("-0.0001").value.lessThan(
      Decimal::parse("0.0").value));
  EXPECT_FALSE(Decimal::parse("-0.0023").value.lessThan(
      Decimal::parse("-0.23").value));
  EXPECT_TRUE(Decimal::parse("-1.0000").value.lessThan(
      Decimal::parse("-0.9999").value));
  EXPECT_TRUE(Decimal::fromScaled(I64Min).lessThan(Decimal::fromScaled(I64Max)));
}

TEST(DecimalTest, CanonicalTextHasFourFractionalDigits) {
  EXPECT_EQ(Decimal::parse("1.0").value.toString(), "1.0000");
  EXPECT_EQ(Decimal::parse("-1.5").value.toString(), "-1.5000");
  EXPECT_EQ(Decimal::parse("-0.0").value.toString(), "0.0000");
  EXPECT_EQ(Decimal::parse("-0.0001").value.toString(), "-0.0001");
  EXPECT_EQ(Decimal::parse("007.25").value.toString(), "7.2500");
  EXPECT_EQ(Decimal::fromScaled(I64Max).toString(), "922337203685477.5807");
  EXPECT_EQ(Decimal::fromScaled(I64Min).toString(), "-922337203685477.5808");
}

TEST(DecimalTest, CanonicalTextRoundTrips) {
  for (const char *text : {"123.0", "1.2300", "123.4560", "-123.4560", "0.0",
                           "-922337203685477.5808", "922337203685477.5807"}) {
    Decimal d = Decimal::parse(text).value;
    auto again = Decimal::parse(d.toString());
    ASSERT_TRUE(again.ok()) << text;
    EXPECT_EQ(again.value, d) << text;
  }
}

TEST(DecimalTest, ErrorMessagesMatchCedar) {
  auto malformed = Decimal::parse("1.2.3");
  EXPECT_EQ(getExtErrorMessage(malformed.error, "1.2.3"),
            "`1.2.3` is not a well-formed decimal value");
  EXPECT_EQ(getExtErrorFunctionName(malformed.error), "decimal");
  EXPECT_TRUE(getExtErrorHelp(malformed.error)
                  .startswith("valid decimal strings look like `12.34`"));

  auto digits = Decimal::parse("1.23456");
  EXPECT_EQ(getExtErrorMessage(digits.error, "1.23456"),
            "too many digits after the decimal in `1.23456`");
  EXPECT_EQ(getExtErrorHelp(digits.error), "at most 4 digits are supported");

  auto overflow = Decimal::parse("1000000000000000.0");
  EXPECT_EQ(getExtErrorMessage(overflow.error, "1000000000000000.0"),
            "overflow when converting to decimal");
  EXPECT_EQ(getExtErrorHelp(overflow.error),
            "the value must be in range -922337203685477.5808 to "
            "922337203685477.5807");
}

TEST(DecimalTest, SuccessCarriesNoError) {
  auto r = Decimal::parse("1.5");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.error.kind, ExtErrorKind::None);
  EXPECT_EQ(getExtErrorMessage(r.error, "1.5"), "");
  EXPECT_EQ(getExtErrorHelp(r.error), "");
  EXPECT_EQ(getExtErrorFunctionName(r.error), "");
}

} // namespace
