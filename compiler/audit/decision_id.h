// Audit: decision ids and record timestamps. Entry points: DecisionIdGenerator
// (time-ordered unique ids in the UUID version 7 layout of RFC 9562) and
// formatTimestamp (RFC 3339, UTC, microseconds). Depends on nothing of ours.
#ifndef LARCH_COMPILER_AUDIT_DECISION_ID_H
#define LARCH_COMPILER_AUDIT_DECISION_ID_H

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace larch::audit {

using Clock = std::chrono::system_clock;

/// Makes decision ids: 36-character lowercase UUIDs, version 7.
///
///   bits 0-47    Unix time in milliseconds (big-endian)
///   bits 48-51   version, 0111
///   bits 52-63   a counter within the millisecond (RFC 9562 section 6.2,
///                method 1), started at a random value below 2048 each new
///                millisecond and incremented for each id in it
///   bits 64-65   variant, 10
///   bits 66-127  random (from a generator seeded by the OS per instance)
///
/// INVARIANT: ids from one generator strictly increase, both as 128-bit
/// numbers and as strings, even if the clock steps back (the last
/// millisecond is reused) or 2048+ ids are made in one millisecond (the
/// counter carries into the millisecond). Thread-safe.
class DecisionIdGenerator {
public:
  DecisionIdGenerator();

  /// The next id for a decision made at `now`.
  std::string next(Clock::time_point now);

  /// The Unix time in milliseconds an id was made at, or -1 if `id` is not
  /// a version-7 UUID in canonical text form.
  static int64_t getUnixMillis(const std::string &id);

private:
  std::mutex mutex;
  std::mt19937_64 random;
  int64_t lastMillis = -1;
  uint32_t counter = 0; // 12 bits used
};

/// `2026-11-28T19:32:33.123456Z`: RFC 3339 in UTC with exactly six fraction
/// digits, so timestamps of one log sort as strings.
std::string formatTimestamp(Clock::time_point time);

} // namespace larch::audit

#endif // LARCH_COMPILER_AUDIT_DECISION_ID_H
