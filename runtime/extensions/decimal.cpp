//===- runtime/extensions/decimal.cpp - Cedar decimal values -----------------===//
//
// Phase: runtime.
// Entry points: Decimal::parse, Decimal::print (see decimal.h).
// Depends on nothing but the C++ standard library and LLVM Support.
//
//===----------------------------------------------------------------------===//

#include "runtime/extensions/decimal.h"

#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <iterator>

namespace larch::ext {
namespace {

struct CodePointRange {
  uint32_t first;
  uint32_t last;
};

/// Unicode general category Nd (decimal digit), Unicode 16.0: what Cedar's
/// regex crate matches with `\d`. Sorted and disjoint.
constexpr CodePointRange DecimalDigitRanges[] = {
    {0x30, 0x39},       {0x660, 0x669},     {0x6F0, 0x6F9},
    {0x7C0, 0x7C9},     {0x966, 0x96F},     {0x9E6, 0x9EF},
    {0xA66, 0xA6F},     {0xAE6, 0xAEF},     {0xB66, 0xB6F},
    {0xBE6, 0xBEF},     {0xC66, 0xC6F},     {0xCE6, 0xCEF},
    {0xD66, 0xD6F},     {0xDE6, 0xDEF},     {0xE50, 0xE59},
    {0xED0, 0xED9},     {0xF20, 0xF29},     {0x1040, 0x1049},
    {0x1090, 0x1099},   {0x17E0, 0x17E9},   {0x1810, 0x1819},
    {0x1946, 0x194F},   {0x19D0, 0x19D9},   {0x1A80, 0x1A89},
    {0x1A90, 0x1A99},   {0x1B50, 0x1B59},   {0x1BB0, 0x1BB9},
    {0x1C40, 0x1C49},   {0x1C50, 0x1C59},   {0xA620, 0xA629},
    {0xA8D0, 0xA8D9},   {0xA900, 0xA909},   {0xA9D0, 0xA9D9},
    {0xA9F0, 0xA9F9},   {0xAA50, 0xAA59},   {0xABF0, 0xABF9},
    {0xFF10, 0xFF19},   {0x104A0, 0x104A9}, {0x10D30, 0x10D39},
    {0x10D40, 0x10D49}, {0x11066, 0x1106F}, {0x110F0, 0x110F9},
    {0x11136, 0x1113F}, {0x111D0, 0x111D9}, {0x112F0, 0x112F9},
    {0x11450, 0x11459}, {0x114D0, 0x114D9}, {0x11650, 0x11659},
    {0x116C0, 0x116C9}, {0x116D0, 0x116E3}, {0x11730, 0x11739},
    {0x118E0, 0x118E9}, {0x11950, 0x11959}, {0x11BF0, 0x11BF9},
    {0x11C50, 0x11C59}, {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9},
    {0x11F50, 0x11F59}, {0x16130, 0x16139}, {0x16A60, 0x16A69},
    {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59}, {0x16D70, 0x16D79},
    {0x1CCF0, 0x1CCF9}, {0x1D7CE, 0x1D7FF}, {0x1E140, 0x1E149},
    {0x1E2F0, 0x1E2F9}, {0x1E4F0, 0x1E4F9}, {0x1E5F1, 0x1E5FA},
    {0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9},
};

bool isUnicodeDecimalDigit(uint32_t cp) {
  const auto *it = std::upper_bound(
      std::begin(DecimalDigitRanges), std::end(DecimalDigitRanges), cp,
      [](uint32_t c, const CodePointRange &r) { return c < r.first; });
  if (it == std::begin(DecimalDigitRanges))
    return false;
  return cp <= std::prev(it)->last;
}

/// Decodes one UTF-8 code point at `text[pos]`; returns its byte length, or
/// 0 if the bytes there are not well-formed UTF-8.
size_t decodeUtf8(llvm::StringRef text, size_t pos, uint32_t &cp) {
  auto byteAt = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  uint8_t lead = byteAt(pos);
  size_t len;
  uint32_t min;
  if (lead < 0x80) {
    cp = lead;
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    len = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + len > text.size())
    return 0;
  for (size_t i = 1; i < len; ++i) {
    uint8_t b = byteAt(pos + i);
    if ((b & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

/// Consumes a run of Unicode decimal digits starting at `pos`. Returns the
/// end of the run; `allAscii` tells whether every digit was 0-9.
size_t scanDigits(llvm::StringRef text, size_t pos, bool &allAscii) {
  allAscii = true;
  while (pos < text.size()) {
    uint32_t cp;
    size_t len = decodeUtf8(text, pos, cp);
    if (len == 0 || !isUnicodeDecimalDigit(cp))
      break;
    if (cp > 0x7F)
      allAscii = false;
    pos += len;
  }
  return pos;
}

/// Parses ASCII digits as an i64 the way Rust's `i64::from_str` does for
/// `-?[0-9]+` (the caller has checked the shape). Returns false on overflow.
bool parseI64(llvm::StringRef digits, bool negative, int64_t &out) {
  int64_t acc = 0;
  for (char c : digits) {
    int64_t d = c - '0';
    // Accumulate toward the sign so that i64::MIN is reachable.
    if (llvm::MulOverflow(acc, int64_t{10}, acc))
      return false;
    if (negative ? llvm::SubOverflow(acc, d, acc)
                 : llvm::AddOverflow(acc, d, acc))
      return false;
  }
  out = acc;
  return true;
}

} // namespace

ExtResult<Decimal> Decimal::parse(llvm::StringRef text) {
  using Result = ExtResult<Decimal>;
  // Shape: ^(-?\d+)\.(\d+)$ with Unicode \d.
  bool negative = text.startswith("-");
  size_t intBegin = negative ? 1 : 0;
  bool intAscii, fracAscii;
  size_t intEnd = scanDigits(text, intBegin, intAscii);
  if (intEnd == intBegin || intEnd >= text.size() || text[intEnd] != '.')
    return Result::failure(ExtErrorKind::DecimalMalformed);
  size_t fracBegin = intEnd + 1;
  size_t fracEnd = scanDigits(text, fracBegin, fracAscii);
  if (fracEnd == fracBegin || fracEnd != text.size())
    return Result::failure(ExtErrorKind::DecimalMalformed);

  // Cedar's order of checks: integer part first (non-ASCII digits fail
  // Rust's integer parse and are reported as overflow), then the number of
  // fractional digits, counted in bytes, then the fractional value.
  int64_t intPart;
  if (!intAscii ||
      !parseI64(text.slice(intBegin, intEnd), negative, intPart) ||
      llvm::MulOverflow(intPart, Scale, intPart))
    return Result::failure(ExtErrorKind::DecimalOverflow);

  llvm::StringRef frac = text.slice(fracBegin, fracEnd);
  if (frac.size() > FractionDigits)
    return Result::failure(ExtErrorKind::DecimalTooManyDigits);
  if (!fracAscii)
    return Result::failure(ExtErrorKind::DecimalOverflow);
  int64_t fracPart = 0;
  for (char c : frac)
    fracPart = fracPart * 10 + (c - '0');
  for (size_t i = frac.size(); i < FractionDigits; ++i)
    fracPart *= 10;

  int64_t value;
  if (negative ? llvm::SubOverflow(intPart, fracPart, value)
               : llvm::AddOverflow(intPart, fracPart, value))
    return Result::failure(ExtErrorKind::DecimalOverflow);
  return Result::success(Decimal{value});
}

void Decimal::print(llvm::raw_ostream &os) const {
  // Magnitude as unsigned so that i64::MIN has one.
  uint64_t magnitude = scaled < 0 ? uint64_t{0} - static_cast<uint64_t>(scaled)
                                  : static_cast<uint64_t>(scaled);
  if (scaled < 0)
    os << '-';
  uint64_t frac = magnitude % Scale;
  os << magnitude / Scale << '.';
  char digits[FractionDigits];
  for (unsigned i = FractionDigits; i-- > 0; frac /= 10)
    digits[i] = static_cast<char>('0' + frac % 10);
  os.write(digits, FractionDigits);
}

std::string Decimal::toString() const {
  std::string out;
  llvm::raw_string_ostream os(out);
  print(os);
  os.flush();
  return out;
}

} // namespace larch::ext
