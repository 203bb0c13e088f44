// Audit: decision ids and timestamps (see decision_id.h).
#include "compiler/audit/decision_id.h"

#include "llvm/ADT/StringExtras.h"

#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace larch::audit {

DecisionIdGenerator::DecisionIdGenerator() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(),
                     static_cast<unsigned>(::getpid())};
  random.seed(seed);
}

std::string DecisionIdGenerator::next(Clock::time_point now) {
  int64_t millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch())
          .count();
  if (millis < 0)
    millis = 0;
  uint64_t randomBits;
  uint32_t sequence; // this id's counter, read under the lock
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (millis > lastMillis) {
      lastMillis = millis;
      counter = static_cast<uint32_t>(random() & 0x7FF);
    } else if (++counter > 0xFFF) {
      // Same (or an earlier) millisecond: count on; on overflow borrow the
      // next millisecond, which keeps ids increasing.
      ++lastMillis;
      counter = static_cast<uint32_t>(random() & 0x7FF);
    }
    millis = lastMillis;
    sequence = counter;
    randomBits = random();
  }
  uint8_t bytes[16];
  for (int i = 0; i < 6; ++i)
    bytes[i] = static_cast<uint8_t>(millis >> (8 * (5 - i)));
  bytes[6] = static_cast<uint8_t>(0x70 | ((sequence >> 8) & 0x0F));
  bytes[7] = static_cast<uint8_t>(sequence & 0xFF);
  for (int i = 0; i < 8; ++i)
    bytes[8 + i] = static_cast<uint8_t>(randomBits >> (8 * (7 - i)));
  bytes[8] = static_cast<uint8_t>(0x80 | (bytes[8] & 0x3F));

  std::string id;
  id.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      id += '-';
    id += llvm::hexdigit(bytes[i] >> 4, /*LowerCase=*/true);
    id += llvm::hexdigit(bytes[i] & 0xF, /*LowerCase=*/true);
  }
  return id;
}

int64_t DecisionIdGenerator::getUnixMillis(const std::string &id) {
  if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' ||
      id[23] != '-' || id[14] != '7')
    return -1;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23)
      continue;
    char c = id[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return -1;
  }
  if (id[19] != '8' && id[19] != '9' && id[19] != 'a' && id[19] != 'b')
    return -1;
  int64_t millis = 0;
  for (size_t i = 0; i < 13; ++i) {
    if (i == 8)
      continue;
    millis = millis * 16 + llvm::hexDigitValue(id[i]);
  }
  return millis;
}

std::string formatTimestamp(Clock::time_point time) {
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch())
          .count();
  int64_t seconds = micros / 1000000;
  int64_t fraction = micros % 1000000;
  if (fraction < 0) {
    fraction += 1000000;
    --seconds;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[128]; // room for any int fields, so no truncation is possible
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec, static_cast<long long>(fraction));
  return buf;
}

} // namespace larch::audit
