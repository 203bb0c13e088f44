//===- runtime/extensions/ipaddr.h - Cedar ipaddr values -----------*- C++ -*-===//
//
// Phase: runtime.
// Entry points: IpAddr::parse (Cedar `ip("...")`), isIpv4, isIpv6,
// isLoopback, isMulticast, isInRange, IpAddr::toString (Cedar's Display).
// Depends on nothing but the C++ standard library and LLVM Support.
//
// An ipaddr is an IPv4 or IPv6 address plus a prefix length; a host address
// has prefix 32 or 128. The address bits are kept as written, never masked,
// so equality compares address and prefix: ip("10.0.0.1/24") is not
// ip("10.0.0.2/24"). IPv4 and IPv6 values are never equal and never in each
// other's range.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_EXTENSIONS_IPADDR_H
#define LARCH_RUNTIME_EXTENSIONS_IPADDR_H

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

/// A Cedar `ipaddr` value.
struct IpAddr {
  /// INVARIANT: the declaration order (version, high, low, prefix) is Cedar's
  /// ordering of ipaddr values: every IPv4 before every IPv6, then by address,
  /// then by prefix length. The defaulted operator<=> relies on it.
  enum class Version : uint8_t { V4, V6 };

  Version version = Version::V4;
  /// The 128 address bits, most significant first. An IPv4 address is in the
  /// low 32 bits of `low`, and `high` is 0.
  uint64_t high = 0;
  uint64_t low = 0;
  /// Prefix length: 0..32 for IPv4, 0..128 for IPv6.
  uint8_t prefix = 0;

  /// Longest string Cedar accepts, in bytes
  /// ("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789/128").
  static constexpr size_t MaxTextLength = 43;

  /// Cedar's `ip(text)`: an address in Rust's std syntax, optionally followed
  /// by `/prefix`. Rejects text over 43 bytes, any text with two or more `:`
  /// and two or more `.` (IPv4 embedded in IPv6), IPv4 octets with leading
  /// zeros, zone ids, and prefixes that are empty, non-decimal, have a
  /// leading zero or exceed 32/128.
  static ExtResult<IpAddr> parse(llvm::StringRef text);

  static constexpr IpAddr makeV4(uint32_t addr, uint8_t prefix = 32) {
    return IpAddr{Version::V4, 0, addr, prefix};
  }
  static constexpr IpAddr makeV6(uint64_t high, uint64_t low,
                                 uint8_t prefix = 128) {
    return IpAddr{Version::V6, high, low, prefix};
  }

  bool isIpv4() const { return version == Version::V4; }
  bool isIpv6() const { return version == Version::V6; }
  /// 127.0.0.0/8 with prefix >= 8, or exactly ::1/128.
  bool isLoopback() const;
  /// 224.0.0.0/4 with prefix >= 4, or ff00::/8 with prefix >= 8.
  bool isMulticast() const;
  /// Whether every address of this range lies in `range`. False when the IP
  /// versions differ. (Cedar's experimental variadic form is true iff this is
  /// true for any of the arguments.)
  bool isInRange(const IpAddr &range) const;

  /// Cedar's Display form "<address>/<prefix>", always with the prefix.
  /// IPv6 follows Rust's formatting (RFC 5952 zero compression, lowercase),
  /// except that an IPv4-mapped address prints as "::ffff:a.b.c.d", a form
  /// ip() itself rejects.
  std::string toString() const;
  void print(llvm::raw_ostream &os) const;

  friend constexpr bool operator==(const IpAddr &, const IpAddr &) = default;
  friend constexpr std::strong_ordering operator<=>(const IpAddr &,
                                                    const IpAddr &) = default;
};

static_assert(std::is_trivially_copyable_v<IpAddr>);

} // namespace larch::ext

#endif // LARCH_RUNTIME_EXTENSIONS_IPADDR_H
