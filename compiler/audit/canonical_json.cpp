// Audit: the canonical JSON writer (see canonical_json.h for the form).
#include "compiler/audit/canonical_json.h"

#include "support/json_escape.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cstring>

namespace larch::audit {

bool isValidUtf8(llvm::StringRef text) {
  const auto *p = reinterpret_cast<const unsigned char *>(text.data());
  const unsigned char *end = p + text.size();
  while (p < end) {
    // ASCII eight bytes at a time.
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    unsigned len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false; // a continuation byte, 0xC0/0xC1 (overlong) or over 0xF4
    }
    if (static_cast<size_t>(end - p) < len)
      return false;
    for (unsigned i = 1; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    p += len;
  }
  return true;
}

namespace {

class CanonicalWriter {
public:
  explicit CanonicalWriter(std::string &out) : out(out) {}

  llvm::Error write(const nlohmann::json &value, unsigned depth) {
    using VT = nlohmann::json::value_t;
    if (depth > kMaxCanonicalDepth)
      return fail("nesting deeper than " + std::to_string(kMaxCanonicalDepth) +
                  " levels");
    switch (value.type()) {
    case VT::null:
      out += "null";
      return llvm::Error::success();
    case VT::boolean:
      out += value.get<bool>() ? "true" : "false";
      return llvm::Error::success();
    case VT::number_integer:
      out += std::to_string(value.get<int64_t>());
      return llvm::Error::success();
    case VT::number_unsigned:
      out += std::to_string(value.get<uint64_t>());
      return llvm::Error::success();
    case VT::number_float:
      return fail("a floating-point number (only integers are allowed)");
    case VT::string:
      return writeString(value.get_ref<const std::string &>());
    case VT::array: {
      out += '[';
      size_t index = 0;
      for (const auto &element : value) {
        if (index)
          out += ',';
        path.push_back("[" + std::to_string(index++) + "]");
        if (llvm::Error e = write(element, depth + 1))
          return e;
        path.pop_back();
      }
      out += ']';
      return llvm::Error::success();
    }
    case VT::object: {
      // Sort explicitly rather than trusting the container's order, so the
      // form does not depend on which JSON object type the caller used.
      llvm::SmallVector<std::pair<const std::string *, const nlohmann::json *>> sorted;
      for (const auto &member : value.get_ref<const nlohmann::json::object_t &>())
        sorted.emplace_back(&member.first, &member.second);
      std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
        return compareBytes(*a.first, *b.first) < 0;
      });
      out += '{';
      for (size_t i = 0; i < sorted.size(); ++i) {
        if (i)
          out += ',';
        path.push_back("." + *sorted[i].first);
        if (llvm::Error e = writeString(*sorted[i].first))
          return e;
        out += ':';
        if (llvm::Error e = write(*sorted[i].second, depth + 1))
          return e;
        path.pop_back();
      }
      out += '}';
      return llvm::Error::success();
    }
    case VT::binary:
      return fail("a binary value");
    case VT::discarded:
      return fail("a discarded value");
    }
    return fail("an unknown value type");
  }

private:
  static int compareBytes(const std::string &a, const std::string &b) {
    size_t n = std::min(a.size(), b.size());
    if (int c = n ? std::memcmp(a.data(), b.data(), n) : 0)
      return c; // memcmp compares as unsigned char
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
  }

  llvm::Error writeString(const std::string &s) {
    if (!isValidUtf8(s))
      return fail("a string that is not valid UTF-8");
    appendJsonString(out, s);
    return llvm::Error::success();
  }

  llvm::Error fail(const std::string &what) {
    std::string where;
    for (const std::string &segment : path)
      where += segment;
    if (where.empty())
      where = "the top level";
    else if (where.front() == '.')
      where.erase(0, 1);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot canonicalise JSON: %s at `%s`", what.c_str(),
                                   where.c_str());
  }

  std::string &out;
  std::vector<std::string> path;
};

} // namespace

llvm::Error writeCanonicalJson(const nlohmann::json &value, std::string &out) {
  return CanonicalWriter(out).write(value, 0);
}

llvm::Error writeCanonicalJson(const nlohmann::json &value, std::string &out,
                               unsigned depth) {
  return CanonicalWriter(out).write(value, depth);
}

llvm::Expected<std::string> toCanonicalJson(const nlohmann::json &value) {
  std::string out;
  if (llvm::Error e = writeCanonicalJson(value, out))
    return e;
  return out;
}

} // namespace larch::audit
