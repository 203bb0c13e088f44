// Grammar phase helper: Cedar string and pattern unescaping (see unescape.h).
// Works on bytes; text outside escapes is copied unchanged, so UTF-8 input
// stays UTF-8. Depends on LLVM ADT only.
#include "grammar/unescape.h"

#include <algorithm>


namespace larch {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

void appendUtf8(std::string &out, uint32_t cp) {
  char buf[4];
  char *p = buf;
  if (cp < 0x80) {
    *p++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *p++ = static_cast<char>(0xC0 | (cp >> 6));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (cp >> 12));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (cp >> 18));
    *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  out.append(buf, p);
}

/// What the scanner found at one position.
struct Piece {
  enum Kind { Raw, CodePoint, StarEscape } kind;
  llvm::StringRef raw; // Raw: bytes copied as written
  uint32_t cp = 0;     // CodePoint: an escaped character
};

/// Scans `s`, calling `emit(Piece)` for every character or escape and
/// recording invalid escapes in `errors`. `allowStarEscape` accepts `\*`.
template <typename Emit>
bool scan(llvm::StringRef s, bool allowStarEscape,
          llvm::SmallVectorImpl<UnescapeError> &errors, Emit emit) {
  size_t errorsBefore = errors.size();
  auto fail = [&](size_t begin, size_t end, std::string help = {}) {
    end = std::min(end, s.size());
    UnescapeError e;
    e.begin = static_cast<uint32_t>(begin);
    e.end = static_cast<uint32_t>(end);
    e.message = "the input `" + s.slice(begin, end).str() + "` is not a valid escape";
    e.help = std::move(help);
    errors.push_back(std::move(e));
  };
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\r') {
      UnescapeError e;
      e.begin = static_cast<uint32_t>(i);
      e.end = static_cast<uint32_t>(i + 1);
      e.message = "a bare carriage return is not allowed in a string literal";
      e.help = "write it as `\\r`";
      errors.push_back(std::move(e));
      ++i;
      continue;
    }
    if (c != '\\') {
      // Copy a run of ordinary bytes at once.
      size_t j = i;
      while (j < s.size() && s[j] != '\\' && s[j] != '\r')
        ++j;
      emit(Piece{Piece::Raw, s.slice(i, j), 0});
      i = j;
      continue;
    }
    size_t start = i;
    if (i + 1 >= s.size()) {
      fail(start, i + 1);
      break;
    }
    char e = s[i + 1];
    i += 2;
    switch (e) {
    case 'n': emit(Piece{Piece::CodePoint, {}, '\n'}); break;
    case 'r': emit(Piece{Piece::CodePoint, {}, '\r'}); break;
    case 't': emit(Piece{Piece::CodePoint, {}, '\t'}); break;
    case '\\': emit(Piece{Piece::CodePoint, {}, '\\'}); break;
    case '0': emit(Piece{Piece::CodePoint, {}, 0}); break;
    case '\'': emit(Piece{Piece::CodePoint, {}, '\''}); break;
    case '"': emit(Piece{Piece::CodePoint, {}, '"'}); break;
    case '\n':
      // Rust would read this as a line continuation, but Cedar's string token
      // (`\\.` with a regex `.` that excludes `\n`) never lexes it: reject.
      fail(start, i, "write the line break without the backslash, or use `\\n`");
      errors.back().message = "a line break cannot follow `\\` in a string";
      break;
    case '*':
      if (allowStarEscape)
        emit(Piece{Piece::StarEscape, {}, '*'});
      else
        fail(start, i, "`\\*` is only an escape inside a `like` pattern");
      break;
    case 'x': {
      int hi = i < s.size() ? hexValue(s[i]) : -1;
      if (hi < 0) {
        fail(start, i < s.size() ? i + 1 : i,
             "a `\\x` escape needs two hex digits, as in `\\x41`");
        if (i < s.size())
          ++i;
        break;
      }
      ++i;
      int lo = i < s.size() ? hexValue(s[i]) : -1;
      if (lo < 0) {
        fail(start, i < s.size() ? i + 1 : i,
             "a `\\x` escape needs two hex digits, as in `\\x41`");
        if (i < s.size())
          ++i;
        break;
      }
      ++i;
      uint32_t v = static_cast<uint32_t>(hi * 16 + lo);
      if (v > 0x7F)
        fail(start, i, "`\\x` escapes go up to `\\x7F`; use `\\u{...}` for other characters");
      else
        emit(Piece{Piece::CodePoint, {}, v});
      break;
    }
    case 'u': {
      const char *help = "a unicode escape looks like `\\u{1F600}`: 1 to 6 hex digits in braces";
      if (i >= s.size() || s[i] != '{') {
        fail(start, i, help);
        break;
      }
      ++i;
      if (i >= s.size()) {
        fail(start, i, help);
        break;
      }
      if (s[i] == '_' || s[i] == '}' || hexValue(s[i]) < 0) {
        fail(start, i + 1, help);
        ++i;
        break;
      }
      uint32_t value = static_cast<uint32_t>(hexValue(s[i]));
      unsigned digits = 1;
      ++i;
      bool ok = false, closed = false;
      while (i < s.size()) {
        char d = s[i];
        if (d == '_') {
          ++i;
          continue;
        }
        if (d == '}') {
          ++i;
          closed = true;
          ok = true;
          break;
        }
        int h = hexValue(d);
        if (h < 0) {
          ++i;
          break;
        }
        ++digits;
        if (digits <= 6)
          value = value * 16 + static_cast<uint32_t>(h);
        ++i;
      }
      if (!ok || !closed) {
        fail(start, i, help);
        break;
      }
      if (digits > 6) {
        fail(start, i, help);
        break;
      }
      if (value >= 0xD800 && value <= 0xDFFF) {
        fail(start, i, "surrogate code points cannot be escaped");
        break;
      }
      if (value > 0x10FFFF) {
        fail(start, i, "unicode escapes go up to `\\u{10FFFF}`");
        break;
      }
      emit(Piece{Piece::CodePoint, {}, value});
      break;
    }
    default: {
      // Include a whole UTF-8 character in the message.
      size_t end = i;
      while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        ++end;
      fail(start, end);
      i = end;
      break;
    }
    }
  }
  return errors.size() == errorsBefore;
}

} // namespace

bool unescapeString(llvm::StringRef body, std::string &out,
                    llvm::SmallVectorImpl<UnescapeError> &errors) {
  out.clear();
  out.reserve(body.size());
  return scan(body, /*allowStarEscape=*/false, errors, [&](const Piece &p) {
    if (p.kind == Piece::Raw)
      out.append(p.raw.data(), p.raw.size());
    else
      appendUtf8(out, p.cp);
  });
}

bool unescapePattern(llvm::StringRef body, std::vector<PatternPiece> &out,
                     llvm::SmallVectorImpl<UnescapeError> &errors) {
  out.clear();
  auto literal = [&]() -> std::string & {
    if (out.empty() || out.back().isWildcard)
      out.push_back(PatternPiece{});
    return out.back().literal;
  };
  auto wildcard = [&] { out.push_back(PatternPiece{true, {}}); };
  return scan(body, /*allowStarEscape=*/true, errors, [&](const Piece &p) {
    switch (p.kind) {
    case Piece::StarEscape:
      literal() += '*';
      break;
    case Piece::CodePoint:
      // As in Cedar, an escaped character that is `*` (`\u{2a}`) is a
      // wildcard: only `\*` makes a literal star.
      if (p.cp == '*')
        wildcard();
      else
        appendUtf8(literal(), p.cp);
      break;
    case Piece::Raw: {
      llvm::StringRef rest = p.raw;
      while (!rest.empty()) {
        size_t star = rest.find('*');
        if (star != 0)
          literal().append(rest.data(), std::min(star, rest.size()));
        if (star == llvm::StringRef::npos)
          break;
        wildcard();
        rest = rest.drop_front(star + 1);
      }
      break;
    }
    }
  });
}

} // namespace larch
