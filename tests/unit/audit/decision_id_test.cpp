// Tests for compiler/audit/decision_id.h: UUIDv7 layout, order, uniqueness,
// and timestamps.
#include "compiler/audit/decision_id.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace larch::audit {
namespace {

Clock::time_point at(int64_t millis) {
  return Clock::time_point(std::chrono::milliseconds(millis));
}

TEST(DecisionId, LayoutIsUuidVersion7) {
  DecisionIdGenerator ids;
  std::string id = ids.next(at(0x0193'8f4e'1a2bLL));
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id.substr(0, 13), "01938f4e-1a2b");
  EXPECT_EQ(id[14], '7');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  EXPECT_EQ(DecisionIdGenerator::getUnixMillis(id), 0x0193'8f4e'1a2bLL);
  EXPECT_EQ(DecisionIdGenerator::getUnixMillis("not-an-id"), -1);
  EXPECT_EQ(DecisionIdGenerator::getUnixMillis(
                "01938f4e-1a2b-4c3d-8e4f-0123456789ab"), // version 4
            -1);
}

TEST(DecisionId, StrictlyIncreasingWithinAMillisecondAndAcrossOverflow) {
  DecisionIdGenerator ids;
  std::string last;
  // 10,000 ids in the same millisecond overflow the 12-bit counter more
  // than once: the generator borrows the following milliseconds.
  for (int i = 0; i < 10000; ++i) {
    std::string id = ids.next(at(1'700'000'000'000LL));
    ASSERT_GT(id, last) << i;
    last = id;
  }
  EXPECT_GT(DecisionIdGenerator::getUnixMillis(last), 1'700'000'000'000LL);
}

TEST(DecisionId, ClockSteppingBackKeepsOrder) {
  DecisionIdGenerator ids;
  std::string a = ids.next(at(2'000'000'000'000LL));
  std::string b = ids.next(at(1'000'000'000'000LL));
  EXPECT_GT(b, a);
  EXPECT_EQ(DecisionIdGenerator::getUnixMillis(b), 2'000'000'000'000LL);
}

TEST(DecisionId, UniqueAcrossThreadsAndGenerators) {
  DecisionIdGenerator shared, other;
  std::vector<std::vector<std::string>> perThread(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i)
        perThread[t].push_back(shared.next(Clock::now()));
    });
  for (std::thread &thread : threads)
    thread.join();
  std::set<std::string> all;
  for (const auto &ids : perThread) {
    for (size_t i = 1; i < ids.size(); ++i)
      EXPECT_GT(ids[i], ids[i - 1]); // each thread sees increasing ids
    all.insert(ids.begin(), ids.end());
  }
  for (int i = 0; i < 2000; ++i)
    all.insert(other.next(Clock::now()));
  EXPECT_EQ(all.size(), 10000u);
}

TEST(DecisionId, FormatTimestamp) {
  EXPECT_EQ(formatTimestamp(Clock::time_point(std::chrono::microseconds(0))),
            "1970-01-01T00:00:00.000000Z");
  // 2026-11-28T19:32:33.123456Z
  EXPECT_EQ(formatTimestamp(
                Clock::time_point(std::chrono::microseconds(1'795'894'353'123'456LL))),
            "2026-11-28T19:32:33.123456Z");
}

} // namespace
} // namespace larch::audit
