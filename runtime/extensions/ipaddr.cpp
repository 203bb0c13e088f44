//===- runtime/extensions/ipaddr.cpp - Cedar ipaddr values -------------------===//
//
// Phase: runtime.
// Entry points: IpAddr::parse, the IpAddr predicates, IpAddr::print (see
// ipaddr.h).
// Depends on nothing but the C++ standard library and LLVM Support.
//
// Cedar hands the address text to Rust's `std::net::IpAddr` parser, so the
// accepted syntax is that parser's, reproduced here: IPv4 is exactly four
// decimal octets of 1-3 digits with no leading zero; IPv6 is colon-separated
// groups of 1-4 hex digits (either case, leading zeros allowed) with at most
// one `::`, which stands for at least one zero group. There are no zone ids,
// no brackets, no whitespace, and no short IPv4 forms.
//
//===----------------------------------------------------------------------===//

#include "runtime/extensions/ipaddr.h"

#include "llvm/Support/raw_ostream.h"

#include <array>

namespace larch::ext {
namespace {

/// A recursive-descent reader over address text. Each read* method either
/// consumes what it read and succeeds, or leaves the position untouched.
class AddrReader {
public:
  explicit AddrReader(llvm::StringRef text) : text(text) {}

  bool atEnd() const { return pos == text.size(); }

  /// An IPv4 address: four octets separated by `.`.
  bool readIpv4(uint32_t &out) {
    size_t start = pos;
    uint32_t addr = 0;
    for (unsigned i = 0; i < 4; ++i) {
      uint32_t octet;
      if ((i > 0 && !readChar('.')) ||
          !readNumber(10, 3, /*allowLeadingZero=*/false, 0xFF, octet)) {
        pos = start;
        return false;
      }
      addr = (addr << 8) | octet;
    }
    out = addr;
    return true;
  }

  /// An IPv6 address as eight 16-bit groups.
  bool readIpv6(std::array<uint16_t, 8> &out) {
    size_t start = pos;
    std::array<uint16_t, 8> head{};
    bool headHasIpv4;
    size_t headSize = readGroups(head.data(), 8, headHasIpv4);
    if (headSize == 8) {
      out = head;
      return true;
    }
    // An embedded IPv4 address may only come last, after any `::`.
    if (headHasIpv4 || !readChar(':') || !readChar(':')) {
      pos = start;
      return false;
    }
    // `::` stands for at least one zero group, so at most 7 remain.
    std::array<uint16_t, 7> tail{};
    bool tailHasIpv4;
    size_t tailSize = readGroups(tail.data(), 7 - headSize, tailHasIpv4);
    for (size_t i = 0; i < tailSize; ++i)
      head[8 - tailSize + i] = tail[i];
    out = head;
    return true;
  }

private:
  llvm::StringRef text;
  size_t pos = 0;

  bool readChar(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }

  static bool digitValue(char c, unsigned radix, uint32_t &value) {
    if (c >= '0' && c <= '9')
      value = static_cast<uint32_t>(c - '0');
    else if (radix == 16 && c >= 'a' && c <= 'f')
      value = static_cast<uint32_t>(c - 'a' + 10);
    else if (radix == 16 && c >= 'A' && c <= 'F')
      value = static_cast<uint32_t>(c - 'A' + 10);
    else
      return false;
    return true;
  }

  /// A number of 1..maxDigits digits in `radix`, at most `maxValue`. With
  /// !allowLeadingZero, a multi-digit number may not start with 0.
  bool readNumber(unsigned radix, unsigned maxDigits, bool allowLeadingZero,
                  uint32_t maxValue, uint32_t &out) {
    size_t start = pos;
    bool leadingZero = pos < text.size() && text[pos] == '0';
    uint32_t value = 0;
    unsigned digits = 0;
    uint32_t d;
    while (pos < text.size() && digitValue(text[pos], radix, d)) {
      value = value * radix + d;
      ++pos;
      if (++digits > maxDigits) {
        pos = start;
        return false;
      }
    }
    if (digits == 0 || (!allowLeadingZero && leadingZero && digits > 1) ||
        value > maxValue) {
      pos = start;
      return false;
    }
    out = value;
    return true;
  }

  /// Up to `limit` `:`-separated groups; the last two slots may instead be
  /// filled by a trailing dotted IPv4 address. Returns the number of groups
  /// read; stops, without consuming, at the first thing that is not a group.
  size_t readGroups(uint16_t *groups, size_t limit, bool &sawIpv4) {
    sawIpv4 = false;
    for (size_t i = 0; i < limit; ++i) {
      size_t start = pos;
      if (i + 1 < limit) {
        uint32_t v4;
        if ((i == 0 || readChar(':')) && readIpv4(v4)) {
          groups[i] = static_cast<uint16_t>(v4 >> 16);
          groups[i + 1] = static_cast<uint16_t>(v4 & 0xFFFF);
          sawIpv4 = true;
          return i + 2;
        }
        pos = start;
      }
      uint32_t group;
      if ((i > 0 && !readChar(':')) ||
          !readNumber(16, 4, /*allowLeadingZero=*/true, 0xFFFF, group)) {
        pos = start;
        return i;
      }
      groups[i] = static_cast<uint16_t>(group);
    }
    return limit;
  }
};

/// Rust's `IpAddr::from_str`: IPv4 first, then IPv6, and the whole text
/// must be consumed.
bool parseAddress(llvm::StringRef text, IpAddr &out) {
  AddrReader v4Reader(text);
  uint32_t v4;
  if (v4Reader.readIpv4(v4)) {
    // A valid IPv4 prefix followed by more text never parses as IPv6 either.
    if (!v4Reader.atEnd())
      return false;
    out = IpAddr::makeV4(v4);
    return true;
  }
  AddrReader v6Reader(text);
  std::array<uint16_t, 8> groups;
  if (!v6Reader.readIpv6(groups) || !v6Reader.atEnd())
    return false;
  uint64_t high = 0, low = 0;
  for (size_t i = 0; i < 4; ++i) {
    high = (high << 16) | groups[i];
    low = (low << 16) | groups[i + 4];
  }
  out = IpAddr::makeV6(high, low);
  return true;
}

/// Cedar's `parse_prefix`, with its order of checks.
ExtResult<uint8_t> parsePrefix(llvm::StringRef text, unsigned max,
                               size_t maxLength) {
  using Result = ExtResult<uint8_t>;
  if (text.size() > maxLength)
    return Result::failure(ExtErrorKind::IpPrefixTooLong,
                           static_cast<int64_t>(text.size()));
  for (char c : text)
    if (c < '0' || c > '9')
      return Result::failure(ExtErrorKind::IpPrefixNonDigit);
  if (text.startswith("0") && text != "0")
    return Result::failure(ExtErrorKind::IpPrefixLeadingZero);
  if (text.empty())
    return Result::failure(ExtErrorKind::IpPrefixEmpty);
  unsigned value = 0;
  for (char c : text)
    value = value * 10 + static_cast<unsigned>(c - '0');
  if (value > 0xFF)
    return Result::failure(ExtErrorKind::IpPrefixTooLargeForByte);
  if (value > max)
    return Result::failure(ExtErrorKind::IpPrefixAboveLimit, value, max);
  return Result::success(static_cast<uint8_t>(value));
}

/// The 128-bit mask with the top `prefix` bits set, as (high, low).
void networkMask(unsigned prefix, uint64_t &high, uint64_t &low) {
  auto topBits = [](unsigned n) -> uint64_t {
    return n == 0 ? 0 : n >= 64 ? ~uint64_t{0} : ~uint64_t{0} << (64 - n);
  };
  high = topBits(prefix);
  low = topBits(prefix > 64 ? prefix - 64 : 0);
}

} // namespace

ExtResult<IpAddr> IpAddr::parse(llvm::StringRef text) {
  using Result = ExtResult<IpAddr>;
  if (text.size() > MaxTextLength)
    return Result::failure(ExtErrorKind::IpTooLong);
  // Cedar refuses IPv4 embedded in IPv6 by a rough textual test, applied to
  // the whole text (prefix included) before any parsing.
  if (text.count(':') >= 2 && text.count('.') >= 2)
    return Result::failure(ExtErrorKind::IpEmbeddedIpv4);

  size_t slash = text.find('/');
  IpAddr addr;
  if (slash == llvm::StringRef::npos) {
    if (!parseAddress(text, addr))
      return Result::failure(ExtErrorKind::IpInvalidAddress);
    return Result::success(addr);
  }
  if (!parseAddress(text.take_front(slash), addr))
    return Result::failure(ExtErrorKind::IpInvalidAddressWithPrefix);
  // Everything after the first `/`, so a second `/` is a non-digit.
  ExtResult<uint8_t> prefix =
      addr.isIpv4() ? parsePrefix(text.drop_front(slash + 1), 32, 2)
                    : parsePrefix(text.drop_front(slash + 1), 128, 3);
  if (!prefix.ok())
    return Result{IpAddr{}, prefix.error};
  addr.prefix = prefix.value;
  return Result::success(addr);
}

bool IpAddr::isLoopback() const {
  if (isIpv4())
    return (low >> 24) == 127 && prefix >= 8;
  return high == 0 && low == 1 && prefix >= 128;
}

bool IpAddr::isMulticast() const {
  if (isIpv4()) {
    uint64_t first = low >> 24;
    return first >= 224 && first <= 239 && prefix >= 4;
  }
  return (high >> 56) == 0xFF && prefix >= 8;
}

bool IpAddr::isInRange(const IpAddr &range) const {
  if (version != range.version)
    return false;
  // Cedar: range.network <= self.network && self.broadcast <= range.broadcast,
  // where network clears the host bits and broadcast sets them.
  if (isIpv4()) {
    auto mask = [](unsigned p) -> uint32_t {
      return p == 0 ? 0 : ~uint32_t{0} << (32 - p);
    };
    uint32_t self = static_cast<uint32_t>(low);
    uint32_t other = static_cast<uint32_t>(range.low);
    uint32_t selfMask = mask(prefix), otherMask = mask(range.prefix);
    return (other & otherMask) <= (self & selfMask) &&
           (self | ~selfMask) <= (other | ~otherMask);
  }
  uint64_t selfMaskHigh, selfMaskLow, otherMaskHigh, otherMaskLow;
  networkMask(prefix, selfMaskHigh, selfMaskLow);
  networkMask(range.prefix, otherMaskHigh, otherMaskLow);
  auto lessEq = [](uint64_t ah, uint64_t al, uint64_t bh, uint64_t bl) {
    return ah < bh || (ah == bh && al <= bl);
  };
  bool networkInside =
      lessEq(range.high & otherMaskHigh, range.low & otherMaskLow,
             high & selfMaskHigh, low & selfMaskLow);
  bool broadcastInside =
      lessEq(high | ~selfMaskHigh, low | ~selfMaskLow,
             range.high | ~otherMaskHigh, range.low | ~otherMaskLow);
  return networkInside && broadcastInside;
}

void IpAddr::print(llvm::raw_ostream &os) const {
  auto printDotted = [&os](uint32_t v4) {
    os << (v4 >> 24) << '.' << ((v4 >> 16) & 0xFF) << '.' << ((v4 >> 8) & 0xFF)
       << '.' << (v4 & 0xFF);
  };
  if (isIpv4()) {
    printDotted(static_cast<uint32_t>(low));
    os << '/' << unsigned(prefix);
    return;
  }

  std::array<uint16_t, 8> groups;
  for (size_t i = 0; i < 4; ++i) {
    groups[i] = static_cast<uint16_t>(high >> (48 - 16 * i));
    groups[i + 4] = static_cast<uint16_t>(low >> (48 - 16 * i));
  }
  if (high == 0 && (low >> 32) == 0xFFFF) {
    // Rust prints IPv4-mapped addresses in dotted form.
    os << "::ffff:";
    printDotted(static_cast<uint32_t>(low));
    os << '/' << unsigned(prefix);
    return;
  }
  // Compress the longest run of zero groups (the first, on a tie) if it is
  // at least two groups long.
  size_t bestStart = 0, bestLen = 0;
  for (size_t i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < 8 && groups[j] == 0)
      ++j;
    if (j - i > bestLen)
      bestStart = i, bestLen = j - i;
    i = j;
  }
  auto printGroups = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (i != from)
        os << ':';
      os.write_hex(groups[i]);
    }
  };
  if (bestLen > 1) {
    printGroups(0, bestStart);
    os << "::";
    printGroups(bestStart + bestLen, 8);
  } else {
    printGroups(0, 8);
  }
  os << '/' << unsigned(prefix);
}

std::string IpAddr::toString() const {
  std::string out;
  llvm::raw_string_ostream os(out);
  print(os);
  os.flush();
  return out;
}

} // namespace larch::ext
