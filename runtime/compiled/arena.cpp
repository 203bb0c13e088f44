// Runtime: the bump allocator of compiled values (see arena.h).
#include "runtime/compiled/arena.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace larch::rt {

namespace {

/// Largest slab the doubling makes on its own (a bigger request gets a slab
/// of its own size).
constexpr size_t MaxGrownSlab = 1 << 20;

} // namespace

Arena::~Arena() {
  for (const Slab &s : slabs)
    std::free(s.begin);
}

Arena::Arena(Arena &&other) noexcept
    : slabs(std::move(other.slabs)), cur(other.cur), end(other.end),
      nextSlab(other.nextSlab) {
  other.slabs.clear();
  other.cur = other.end = nullptr;
}

Arena &Arena::operator=(Arena &&other) noexcept {
  if (this != &other) {
    for (const Slab &s : slabs)
      std::free(s.begin);
    slabs = std::move(other.slabs);
    cur = other.cur;
    end = other.end;
    nextSlab = other.nextSlab;
    other.slabs.clear();
    other.cur = other.end = nullptr;
  }
  return *this;
}

void Arena::reset() {
  if (slabs.empty())
    return;
  auto largest = std::max_element(slabs.begin(), slabs.end(),
                                  [](const Slab &a, const Slab &b) { return a.size < b.size; });
  Slab keep = *largest;
  for (const Slab &s : slabs)
    if (s.begin != keep.begin)
      std::free(s.begin);
  slabs.assign(1, keep);
  cur = keep.begin;
  end = keep.begin + keep.size;
}

void *Arena::allocateSlow(size_t bytes) {
  // malloc aligns for every type an arena holds (arena.h asserts it).
  size_t size = std::max(nextSlab, bytes);
  char *p = static_cast<char *>(std::malloc(size));
  if (!p)
    throw std::bad_alloc();
  slabs.push_back(Slab{p, size});
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
