//===- tests/unit/runtime/ipaddr_test.cpp - Cedar ipaddr values --------------===//
//
// Phase: runtime (tests).
// Covers larch::ext::IpAddr: ip("...") with Rust std's address syntax and
// Cedar's extra rules, every error case and message, the predicates, range
// containment, equality, ordering and the display form. Addresses below are
// written out as integers by hand, not through the code under test.
//
//===----------------------------------------------------------------------===//

#include "runtime/extensions/ipaddr.h"

#include <gtest/gtest.h>

#include <string>

using larch::ext::ExtErrorKind;
using larch::ext::getExtErrorFunctionName;
using larch::ext::getExtErrorHelp;
using larch::ext::getExtErrorMessage;
using larch::ext::IpAddr;

namespace {

IpAddr ip(const std::string &text) {
  auto r = IpAddr::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << getExtErrorMessage(r.error, text);
  return r.value;
}

ExtErrorKind errorOf(const std::string &text) {
  auto r = IpAddr::parse(text);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << r.value.toString();
  return r.error.kind;
}

std::string messageOf(const std::string &text) {
  auto r = IpAddr::parse(text);
  EXPECT_FALSE(r.ok()) << text;
  return getExtErrorMessage(r.error, text);
}

TEST(IpAddrTest, ParsesIpv4) {
  EXPECT_EQ(ip("10.0.0.1"), IpAddr::makeV4(0x0A000001, 32));
  EXPECT_EQ(ip("0.0.0.0"), IpAddr::makeV4(0, 32));
  EXPECT_EQ(ip("255.255.255.255"), IpAddr::makeV4(0xFFFFFFFF, 32));
  EXPECT_EQ(ip("192.168.1.0/24"), IpAddr::makeV4(0xC0A80100, 24));
  EXPECT_EQ(ip("10.0.0.1/0"), IpAddr::makeV4(0x0A000001, 0));
  EXPECT_EQ(ip("10.0.0.1/32"), IpAddr::makeV4(0x0A000001, 32));
  // Host bits are kept, not masked.
  EXPECT_EQ(ip("10.1.2.3/8").low, 0x0A010203u);
}

TEST(IpAddrTest, ParsesIpv6) {
  EXPECT_EQ(ip("::"), IpAddr::makeV6(0, 0, 128));
  EXPECT_EQ(ip("::1"), IpAddr::makeV6(0, 1, 128));
  EXPECT_EQ(ip("1::"), IpAddr::makeV6(0x0001000000000000, 0, 128));
  EXPECT_EQ(ip("2001:db8::1"), IpAddr::makeV6(0x20010DB800000000, 1, 128));
  EXPECT_EQ(ip("2001:DB8:0:0:0:0:0:1"),
            IpAddr::makeV6(0x20010DB800000000, 1, 128));
  EXPECT_EQ(ip("0001:0002:0003:0004:0005:0006:0007:0008"),
            IpAddr::makeV6(0x0001000200030004, 0x0005000600070008, 128));
  // `::` may stand for a single zero group, at either end.
  EXPECT_EQ(ip("1:2:3:4:5:6:7::"),
            IpAddr::makeV6(0x0001000200030004, 0x0005000600070000, 128));
  EXPECT_EQ(ip("::1:2:3:4:5:6:7"),
            IpAddr::makeV6(0x0000000100020003, 0x0004000500060007, 128));
  EXPECT_EQ(ip("ffee::/64"), IpAddr::makeV6(0xFFEE000000000000, 0, 64));
  EXPECT_EQ(ip("::/0"), IpAddr::makeV6(0, 0, 0));
  // IPv4-mapped, written in hex: accepted, and an IPv6 value.
  EXPECT_EQ(ip("::ffff:7f00:1"), IpAddr::makeV6(0, 0x0000FFFF7F000001, 128));
}

TEST(IpAddrTest, RejectsBadIpv4Syntax) {
  for (const char *text :
       {"256.0.0.0", "1.2.3.256", "01.2.3.4", "1.2.3.04", "1.2.3.00",
        "1.2.3.0004", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3",
        " 1.2.3.4", "1.2.3.4 ", "0x1.2.3.4", "1.2.3.-4", "1.2.3.4:80", "",
        "localhost", "1.2.3.4\n", "+1.2.3.4", "1.2.3.a"})
    EXPECT_EQ(errorOf(text), ExtErrorKind::IpInvalidAddress) << text;
}

TEST(IpAddrTest, RejectsBadIpv6Syntax) {
  for (const char *text :
       {"1:2:3:4:5:6:7:8::", "1::2::3", ":1::", "1:::", ":::", "12345::",
        "g::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "::0:0:0:0:0:0:0:0",
        "fe80::1%eth0", "[::1]", ":", "1:", "::1 ", "::-1", "::+1"})
    EXPECT_EQ(errorOf(text), ExtErrorKind::IpInvalidAddress) << text;
}

TEST(IpAddrTest, RejectsIpv4EmbeddedInIpv6) {
  EXPECT_EQ(errorOf("::ffff:192.168.0.1"), ExtErrorKind::IpEmbeddedIpv4);
  EXPECT_EQ(errorOf("::127.0.0.1"), ExtErrorKind::IpEmbeddedIpv4);
  EXPECT_EQ(errorOf("::ffff:1.2.3.4/128"), ExtErrorKind::IpEmbeddedIpv4);
  // The test is purely textual and covers the prefix too.
  EXPECT_EQ(errorOf("::1/1.2.3"), ExtErrorKind::IpEmbeddedIpv4);
  EXPECT_EQ(errorOf("1.2.3.4/1:2:3"), ExtErrorKind::IpEmbeddedIpv4);
  EXPECT_EQ(errorOf("a:b:.."), ExtErrorKind::IpEmbeddedIpv4);
  // One dot, or one colon, is not enough to trigger it.
  EXPECT_EQ(errorOf("::1.2"), ExtErrorKind::IpInvalidAddress);
  EXPECT_EQ(errorOf("1.2.3.4:5"), ExtErrorKind::IpInvalidAddress);
}

TEST(IpAddrTest, LengthLimitIs43Bytes) {
  std::string longest = "ABCD:EF01:2345:6789:ABCD:EF01:2345:6789/128";
  ASSERT_EQ(longest.size(), 43u);
  EXPECT_EQ(ip(longest),
            IpAddr::makeV6(0xABCDEF0123456789, 0xABCDEF0123456789, 128));
  EXPECT_EQ(errorOf("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789/0128"),
            ExtErrorKind::IpTooLong);
  // Checked before anything else.
  EXPECT_EQ(errorOf(std::string(44, '.') + "::"), ExtErrorKind::IpTooLong);
}

TEST(IpAddrTest, PrefixRules) {
  EXPECT_EQ(errorOf("10.0.0.0/33"), ExtErrorKind::IpPrefixAboveLimit);
  EXPECT_EQ(errorOf("10.0.0.0/99"), ExtErrorKind::IpPrefixAboveLimit);
  EXPECT_EQ(errorOf("10.0.0.0/100"), ExtErrorKind::IpPrefixTooLong);
  EXPECT_EQ(errorOf("10.0.0.0/"), ExtErrorKind::IpPrefixEmpty);
  EXPECT_EQ(errorOf("10.0.0.0/08"), ExtErrorKind::IpPrefixLeadingZero);
  EXPECT_EQ(errorOf("10.0.0.0/00"), ExtErrorKind::IpPrefixLeadingZero);
  EXPECT_EQ(errorOf("10.0.0.0/+8"), ExtErrorKind::IpPrefixNonDigit);
  EXPECT_EQ(errorOf("10.0.0.0/a"), ExtErrorKind::IpPrefixNonDigit);
  EXPECT_EQ(errorOf("10.0.0.0/ 8"), ExtErrorKind::IpPrefixNonDigit);
  // Length is checked first, so this is "too long", not "non-digit".
  EXPECT_EQ(errorOf("10.0.0.0/8/8"), ExtErrorKind::IpPrefixTooLong);
  EXPECT_EQ(errorOf("::/129"), ExtErrorKind::IpPrefixAboveLimit);
  EXPECT_EQ(errorOf("::/256"), ExtErrorKind::IpPrefixTooLargeForByte);
  EXPECT_EQ(errorOf("::/999"), ExtErrorKind::IpPrefixTooLargeForByte);
  EXPECT_EQ(errorOf("::/1000"), ExtErrorKind::IpPrefixTooLong);
  EXPECT_EQ(errorOf("::/012"), ExtErrorKind::IpPrefixLeadingZero);
  EXPECT_EQ(ip("::/128").prefix, 128);
  EXPECT_EQ(ip("::1/99").prefix, 99);
  EXPECT_EQ(errorOf("/24"), ExtErrorKind::IpInvalidAddressWithPrefix);
  EXPECT_EQ(errorOf("10.0.0/24"), ExtErrorKind::IpInvalidAddressWithPrefix);
  // The address is parsed before the prefix.
  EXPECT_EQ(errorOf("10.0.0/abc"), ExtErrorKind::IpInvalidAddressWithPrefix);
}

TEST(IpAddrTest, ErrorMessagesMatchCedar) {
  EXPECT_EQ(messageOf("1.2.3"), "invalid IP address: 1.2.3");
  EXPECT_EQ(messageOf("10.0.0/24"), "error parsing IP address from the string "
                                    "`10.0.0`: invalid IP address syntax");
  EXPECT_EQ(messageOf("::ffff:1.2.3.4"),
            "error parsing IP address from string: We do not accept IPv4 "
            "embedded in IPv6 (e.g., ::ffff:127.0.0.1). Found: "
            "`::ffff:1.2.3.4`");
  std::string tooLong(44, '1');
  EXPECT_EQ(messageOf(tooLong), "error parsing IP address from string `" +
                                    tooLong + "`: string length is too large");
  EXPECT_EQ(messageOf("10.0.0.0/100"),
            "error parsing prefix: string length 3 is too large");
  EXPECT_EQ(messageOf("10.0.0.0/x"),
            "error parsing prefix `x`: encountered non-digit");
  EXPECT_EQ(messageOf("10.0.0.0/01"),
            "error parsing prefix `01`: leading zero(s)");
  EXPECT_EQ(messageOf("10.0.0.0/"), "error parsing prefix from the string ``: "
                                    "cannot parse integer from empty string");
  EXPECT_EQ(messageOf("::/300"), "error parsing prefix from the string `300`: "
                                 "number too large to fit in target type");
  EXPECT_EQ(messageOf("10.0.0.0/33"),
            "error parsing prefix: 33 is larger than the limit 32");
  EXPECT_EQ(messageOf("::/129"),
            "error parsing prefix: 129 is larger than the limit 128");

  auto r = IpAddr::parse("nope");
  EXPECT_EQ(getExtErrorFunctionName(r.error), "ipaddr");
  EXPECT_EQ(getExtErrorHelp(r.error),
            "valid IP strings are IPv4/IPv6 addresses or CIDR ranges like "
            "`127.0.0.1`, `127.0.0.1/24`, or `ffee::/64`");
}

TEST(IpAddrTest, VersionPredicates) {
  EXPECT_TRUE(ip("127.0.0.1").isIpv4());
  EXPECT_FALSE(ip("127.0.0.1").isIpv6());
  EXPECT_TRUE(ip("::1").isIpv6());
  EXPECT_FALSE(ip("::1").isIpv4());
  EXPECT_TRUE(ip("::ffff:7f00:1").isIpv6());
}

TEST(IpAddrTest, Loopback) {
  EXPECT_TRUE(ip("127.0.0.1").isLoopback());
  EXPECT_TRUE(ip("127.255.255.255").isLoopback());
  EXPECT_TRUE(ip("127.0.0.0/8").isLoopback());
  EXPECT_TRUE(ip("127.1.2.3/24").isLoopback());
  EXPECT_FALSE(ip("127.0.0.0/7").isLoopback());
  EXPECT_FALSE(ip("128.0.0.1").isLoopback());
  EXPECT_FALSE(ip("126.255.255.255").isLoopback());
  EXPECT_TRUE(ip("::1").isLoopback());
  EXPECT_FALSE(ip("::1/127").isLoopback());
  EXPECT_FALSE(ip("::").isLoopback());
  EXPECT_FALSE(ip("::2").isLoopback());
  // The IPv4-mapped loopback is not an IPv6 loopback.
  EXPECT_FALSE(ip("::ffff:7f00:1").isLoopback());
}

TEST(IpAddrTest, Multicast) {
  EXPECT_TRUE(ip("224.0.0.0/4").isMulticast());
  EXPECT_TRUE(ip("224.0.0.1").isMulticast());
  EXPECT_TRUE(ip("239.255.255.255").isMulticast());
  EXPECT_TRUE(ip("230.1.2.3/4").isMulticast());
  EXPECT_FALSE(ip("224.0.0.0/3").isMulticast());
  EXPECT_FALSE(ip("240.0.0.0").isMulticast());
  EXPECT_FALSE(ip("223.255.255.255").isMulticast());
  EXPECT_TRUE(ip("ff00::/8").isMulticast());
  EXPECT_TRUE(ip("ff02::1").isMulticast());
  EXPECT_TRUE(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").isMulticast());
  EXPECT_FALSE(ip("ff00::/7").isMulticast());
  EXPECT_FALSE(ip("fe00::").isMulticast());
  EXPECT_FALSE(ip("::ffff:e000:1").isMulticast());
}

TEST(IpAddrTest, IsInRangeIpv4) {
  EXPECT_TRUE(ip("192.168.0.1").isInRange(ip("192.168.0.1/24")));
  EXPECT_TRUE(ip("192.168.0.1").isInRange(ip("192.168.0.1/28")));
  EXPECT_TRUE(ip("192.168.0.10/24").isInRange(ip("192.168.0.1/24")));
  EXPECT_TRUE(ip("192.168.0.0/24").isInRange(ip("192.168.0.0/24")));
  EXPECT_TRUE(ip("192.168.0.1").isInRange(ip("192.168.0.1")));
  EXPECT_FALSE(ip("192.168.0.1").isInRange(ip("192.168.0.2")));
  EXPECT_FALSE(ip("192.168.0.1/24").isInRange(ip("192.168.0.1/28")));
  EXPECT_FALSE(ip("192.168.1.1").isInRange(ip("192.168.0.0/24")));
  EXPECT_TRUE(ip("10.0.0.0/8").isInRange(ip("0.0.0.0/0")));
  EXPECT_TRUE(ip("255.255.255.255").isInRange(ip("0.0.0.0/0")));
  EXPECT_FALSE(ip("0.0.0.0/0").isInRange(ip("10.0.0.0/8")));
  EXPECT_TRUE(ip("127.0.0.1").isInRange(ip("127.0.0.0/8")));
  EXPECT_FALSE(ip("128.0.0.1").isInRange(ip("127.0.0.0/8")));
  EXPECT_TRUE(ip("128.0.0.0/1").isInRange(ip("255.0.0.0/1")));
  EXPECT_FALSE(ip("127.0.0.0/1").isInRange(ip("255.0.0.0/1")));
}

TEST(IpAddrTest, IsInRangeIpv6) {
  EXPECT_TRUE(ip("1:2:3:4::").isInRange(ip("1:2:3:4::/48")));
  EXPECT_FALSE(ip("1:2:3:4::/48").isInRange(ip("1:2:3:4::")));
  EXPECT_TRUE(ip("::1").isInRange(ip("::/0")));
  EXPECT_TRUE(ip("7fff::").isInRange(ip("::/1")));
  EXPECT_FALSE(ip("ffff::").isInRange(ip("::/1")));
  // Prefixes past the first 64 bits.
  EXPECT_TRUE(ip("1::1:2").isInRange(ip("1::1:0/112")));
  EXPECT_FALSE(ip("1::2:2").isInRange(ip("1::1:0/112")));
  EXPECT_TRUE(ip("0:0:0:0:7fff::").isInRange(ip("::/65")));
  EXPECT_FALSE(ip("0:0:0:0:8000::").isInRange(ip("::/65")));
  EXPECT_TRUE(ip("::1").isInRange(ip("::1/128")));
  EXPECT_FALSE(ip("::2").isInRange(ip("::1/128")));
  EXPECT_TRUE(ip("::1/128").isInRange(ip("::/127")));
  EXPECT_FALSE(ip("::2/127").isInRange(ip("::/127")));
}

TEST(IpAddrTest, IsInRangeAcrossVersionsIsFalse) {
  EXPECT_FALSE(ip("127.0.0.1").isInRange(ip("::/0")));
  EXPECT_FALSE(ip("::1").isInRange(ip("0.0.0.0/0")));
  EXPECT_FALSE(ip("::ffff:7f00:1").isInRange(ip("127.0.0.0/8")));
}

TEST(IpAddrTest, EqualityComparesAddressAndPrefixWithoutMasking) {
  EXPECT_NE(ip("10.0.0.1/24"), ip("10.0.0.2/24"));
  EXPECT_NE(ip("10.0.0.0/24"), ip("10.0.0.0/25"));
  EXPECT_EQ(ip("10.0.0.1"), ip("10.0.0.1/32"));
  EXPECT_EQ(ip("::1"), ip("0:0:0:0:0:0:0:1/128"));
  EXPECT_EQ(ip("::A"), ip("::a"));
  EXPECT_NE(ip("127.0.0.1"), ip("::ffff:7f00:1"));
  EXPECT_NE(ip("0.0.0.0"), ip("::"));
}

TEST(IpAddrTest, OrderingPutsIpv4First) {
  EXPECT_LT(ip("255.255.255.255"), ip("::"));
  EXPECT_LT(ip("10.0.0.1"), ip("10.0.0.2"));
  EXPECT_LT(ip("10.0.0.1/8"), ip("10.0.0.1/9"));
  EXPECT_LT(ip("10.0.0.1/32"), ip("10.0.0.2/8"));
  EXPECT_LT(ip("::1"), ip("1::"));
}

TEST(IpAddrTest, DisplayForm) {
  EXPECT_EQ(ip("10.0.0.1").toString(), "10.0.0.1/32");
  EXPECT_EQ(ip("192.168.1.0/24").toString(), "192.168.1.0/24");
  EXPECT_EQ(ip("::").toString(), "::/128");
  EXPECT_EQ(ip("::1").toString(), "::1/128");
  EXPECT_EQ(ip("1::").toString(), "1::/128");
  EXPECT_EQ(ip("2001:DB8:0:0:0:0:0:1").toString(), "2001:db8::1/128");
  EXPECT_EQ(ip("0001:0002:0003:0004:0005:0006:0007:0008/64").toString(),
            "1:2:3:4:5:6:7:8/64");
  // Longest zero run wins; on a tie the first; a lone zero stays.
  EXPECT_EQ(ip("1:0:0:1:0:0:0:1").toString(), "1:0:0:1::1/128");
  EXPECT_EQ(ip("1:0:0:1:1:0:0:1").toString(), "1::1:1:0:0:1/128");
  EXPECT_EQ(ip("1:0:1:1:1:1:1:1").toString(), "1:0:1:1:1:1:1:1/128");
  EXPECT_EQ(ip("1:2:3:4:5:6:7::").toString(), "1:2:3:4:5:6:7:0/128");
  EXPECT_EQ(ip("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789/128").toString(),
            "abcd:ef01:2345:6789:abcd:ef01:2345:6789/128");
  // IPv4-compatible addresses print in hex; IPv4-mapped ones in dotted form,
  // which ip() would then reject.
  EXPECT_EQ(ip("::102:304").toString(), "::102:304/128");
  EXPECT_EQ(ip("::ffff:102:304").toString(), "::ffff:1.2.3.4/128");
  EXPECT_EQ(ip("::ffff:0:0/96").toString(), "::ffff:0.0.0.0/96");
  EXPECT_FALSE(IpAddr::parse(ip("::ffff:102:304").toString()).ok());
}

TEST(IpAddrTest, DisplayRoundTripsOtherwise) {
  for (const char *text :
       {"10.0.0.1", "0.0.0.0/0", "::/0", "fe80::1:2/10", "1:0:0:1:0:0:0:1",
        "ff02::1", "2001:db8:85a3::8a2e:370:7334/64"}) {
    IpAddr a = ip(text);
    auto again = IpAddr::parse(a.toString());
    ASSERT_TRUE(again.ok()) << text;
    EXPECT_EQ(again.value, a) << text;
  }
}

} // namespace
