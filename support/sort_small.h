//===- support/sort_small.h - Sorting a few elements ---------------*- C++ -*-===//
//
// A decision sorts its few reasons and errors, and decoding a request sorts
// each record's fields by key and each set's elements: mostly a handful of
// elements, where std::sort's set-up costs more than the sort.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_SUPPORT_SORT_SMALL_H
#define LARCH_SUPPORT_SORT_SMALL_H

#include <algorithm>
#include <iterator>
#include <utility>

namespace larch {

/// Sorts [first, last) by `less`: up to 16 elements by insertion, more with
/// std::sort.
template <typename It, typename Less> void sortSmall(It first, It last, Less less) {
  if (last - first > 16) {
    std::sort(first, last, less);
    return;
  }
  if (first == last)
    return;
  for (It i = std::next(first); i != last; ++i) {
    typename std::iterator_traits<It>::value_type moving = std::move(*i);
    It j = i;
    for (; j != first && less(moving, *std::prev(j)); --j)
      *j = std::move(*std::prev(j));
    *j = std::move(moving);
  }
}

} // namespace larch

#endif // LARCH_SUPPORT_SORT_SMALL_H
