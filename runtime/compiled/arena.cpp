// Runtime: the bump allocator of compiled values (see arena.h).
#include "runtime/compiled/arena.h"

#include <algorithm>
#include <cassert>
#include <new>

namespace larch::rt {

namespace {

/// Largest slab the doubling makes on its own (a bigger request gets a slab
/// of its own size).
constexpr size_t MaxGrownSlab = 1 << 20;

} // namespace

Arena::~Arena() {
  for (const Slab &s : slabs)
    ::operator delete(s.begin);
}

Arena::Arena(Arena &&other) noexcept
    : slabs(std::move(other.slabs)), cur(other.cur), end(other.end),
      nextSlab(other.nextSlab), nextSpare(other.nextSpare) {
  assert(!other.inlineBegin && "an arena with an inline buffer stays where it is");
  other.slabs.clear();
  other.cur = other.end = nullptr;
}

Arena &Arena::operator=(Arena &&other) noexcept {
  assert(!inlineBegin && !other.inlineBegin && "an arena with an inline buffer stays where it is");
  if (this != &other) {
    for (const Slab &s : slabs)
      ::operator delete(s.begin);
    slabs = std::move(other.slabs);
    cur = other.cur;
    end = other.end;
    nextSlab = other.nextSlab;
    nextSpare = other.nextSpare;
    other.slabs.clear();
    other.cur = other.end = nullptr;
  }
  return *this;
}

void Arena::reset() {
  if (slabs.size() > 1) {
    auto largest = std::max_element(
        slabs.begin(), slabs.end(), [](const Slab &a, const Slab &b) { return a.size < b.size; });
    Slab keep = *largest;
    for (const Slab &s : slabs)
      if (s.begin != keep.begin)
        ::operator delete(s.begin);
    slabs.assign(1, keep);
  }
  if (inlineBegin) {
    // The kept slab waits for the buffer to fill.
    cur = inlineBegin;
    end = inlineBegin + inlineSize;
    nextSpare = 0;
  } else if (!slabs.empty()) {
    cur = slabs[0].begin;
    end = cur + slabs[0].size;
    nextSpare = 1;
  }
}

void *Arena::allocateSlow(size_t bytes) {
  if (nextSpare < slabs.size() && slabs[nextSpare].size >= bytes) {
    const Slab &s = slabs[nextSpare++];
    cur = s.begin + bytes;
    end = s.begin + s.size;
    return s.begin;
  }
  // operator new aligns for every type an arena holds (arena.h asserts
  // it), and unlike malloc it is what the allocation counter counts.
  size_t size = std::max(nextSlab, bytes);
  char *p = static_cast<char *>(::operator new(size));
  slabs.push_back(Slab{p, size});
  nextSpare = slabs.size();
  nextSlab = std::min(std::max(nextSlab * 2, size), MaxGrownSlab);
  cur = p + bytes;
  end = p + size;
  return p;
}

size_t Arena::getBytesAllocated() const {
  size_t total = 0;
  for (const Slab &s : slabs)
    total += s.size;
  return total;
}

} // namespace larch::rt
