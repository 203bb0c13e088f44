// Agent envelope (docs/agents.md): the times of a request. Entry points:
// parseTime (RFC 3339 or Cedar `datetime` text to Unix milliseconds),
// appendCanonicalTime (the canonical UTC form `2026-11-28T19:30:00.000Z`),
// readClockMillis. Depends on runtime/extensions/datetime.h.
#ifndef LARCH_COMPILER_AGENT_ENVELOPE_TIME_H
#define LARCH_COMPILER_AGENT_ENVELOPE_TIME_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace larch::agent {

/// Parses a time: RFC 3339 (`2026-11-28T19:30:00Z`, `t`/`z` in either case,
/// any number of fractional digits, offsets `+02:00`, `-0530`) or any text
/// Cedar's `datetime` accepts. Fractional digits past milliseconds are
/// dropped. The instant must fall in the years 0000-9999 UTC (so that its
/// canonical form is again a Cedar `datetime` literal). On failure returns
/// false with a message in `why`.
bool parseTime(llvm::StringRef text, int64_t &millis, std::string &why);

/// Appends `YYYY-MM-DDThh:mm:ss.SSSZ` for an instant in years 0000-9999.
void appendCanonicalTime(std::string &out, int64_t millis);
inline std::string canonicalTime(int64_t millis) {
  std::string s;
  appendCanonicalTime(s, millis);
  return s;
}

/// True if `millis` falls in years 0000-9999 UTC.
bool isCanonicalRange(int64_t millis);

/// The system clock, Unix milliseconds.
int64_t readClockMillis();

} // namespace larch::agent

#endif // LARCH_COMPILER_AGENT_ENVELOPE_TIME_H
