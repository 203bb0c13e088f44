// Agent envelope times. Entry points: parseTime, appendCanonicalTime,
// isCanonicalRange, readClockMillis (see envelope_time.h).
//
// RFC 3339 text is rewritten into the form Cedar's datetime parser reads
// (`T`, exactly three millisecond digits, `+hhmm`) and handed to it, so both
// notations are validated by one parser.
#include "compiler/agent/envelope_time.h"

#include "runtime/extensions/datetime.h"

#include <chrono>

namespace larch::agent {
namespace {

// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z.
constexpr int64_t MinMillis = -62167219200000;
constexpr int64_t EndMillis = 253402300800000;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// Rewrites an RFC 3339 date-time into Cedar's datetime syntax; false if
/// `text` does not have RFC 3339's shape (then it is given to Cedar as is).
bool rewriteRfc3339(llvm::StringRef text, std::string &out) {
  // YYYY-MM-DDThh:mm:ss
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't'))
    return false;
  out.assign(text.data(), 10);
  out += 'T';
  out.append(text.data() + 11, 8);
  size_t pos = 19;
  if (text[pos] == '.') {
    size_t begin = ++pos;
    while (pos < text.size() && isDigit(text[pos]))
      ++pos;
    if (pos == begin)
      return false;
    out += '.';
    for (size_t i = 0; i < 3; ++i)
      out += begin + i < pos ? text[begin + i] : '0';
  } else {
    out += ".000";
  }
  llvm::StringRef zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    out += 'Z';
    return true;
  }
  // +hh:mm
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    out.append(zone.data(), 3);
    out.append(zone.data() + 4, 2);
    return true;
  }
  // +hhmm (Cedar's own offset form)
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    out += zone.str();
    return true;
  }
  return false;
}

} // namespace

bool parseTime(llvm::StringRef text, int64_t &millis, std::string &why) {
  std::string rewritten;
  llvm::StringRef cedarText = rewriteRfc3339(text, rewritten) ? llvm::StringRef(rewritten) : text;
  ext::ExtResult<ext::Datetime> r = ext::Datetime::parse(cedarText);
  if (!r.ok()) {
    why = "`" + text.str() +
          "` is not a time: expected RFC 3339 such as `2026-11-28T19:30:00Z` or "
          "`2026-11-28T21:30:00.250+02:00`";
    return false;
  }
  if (!isCanonicalRange(r.value.millis)) {
    why = "`" + text.str() + "` is outside the years 0000-9999 in UTC";
    return false;
  }
  millis = r.value.millis;
  return true;
}

bool isCanonicalRange(int64_t millis) { return millis >= MinMillis && millis < EndMillis; }

void appendCanonicalTime(std::string &out, int64_t millis) {
  int64_t days = millis / 86400000, rest = millis % 86400000;
  if (rest < 0) {
    rest += 86400000;
    --days;
  }
  // Civil date from days since 1970-01-01, in 400-year eras of years that
  // start on March 1 (the inverse of the datetime parser's day count).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;                                 // [0, 146096]
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // [0, 399]
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          // [0, 365]
  int64_t mp = (5 * doy + 2) / 153;                               // [0, 11]
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  auto put = [&](int64_t v, int width) {
    char buf[8];
    for (int i = width - 1; i >= 0; --i) {
      buf[i] = char('0' + v % 10);
      v /= 10;
    }
    out.append(buf, width);
  };
  put(year, 4);
  out += '-';
  put(month, 2);
  out += '-';
  put(day, 2);
  out += 'T';
  put(rest / 3600000, 2);
  out += ':';
  put(rest / 60000 % 60, 2);
  out += ':';
  put(rest / 1000 % 60, 2);
  out += '.';
  put(rest % 1000, 3);
  out += 'Z';
}

int64_t readClockMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace larch::agent
