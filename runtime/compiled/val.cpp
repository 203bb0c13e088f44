// Val ordering, equality and canonical construction (see val.h, arena.h).
#include "runtime/compiled/arena.h"
#include "runtime/compiled/val.h"
#include "support/same_bytes.h"
#include "support/sort_small.h"

#include <algorithm>

namespace larch::rt {

namespace {

template <typename T> int cmp3(const T &a, const T &b) { return a < b ? -1 : (b < a ? 1 : 0); }

} // namespace

int compareVals(const Val &a, const Val &b) {
  if (a.kind != b.kind)
    return cmp3(static_cast<int>(a.kind), static_cast<int>(b.kind));
  switch (a.kind) {
  case Kind::Bool:
    return cmp3(a.b, b.b);
  case Kind::Long:
  case Kind::Decimal:
  case Kind::Datetime:
  case Kind::Duration:
    return cmp3(a.i, b.i);
  case Kind::String:
    return a.getString().compare(b.getString());
  case Kind::Entity:
    return cmp3(a.entity, b.entity);
  case Kind::Set: {
    size_t n = std::min(a.n, b.n);
    for (size_t k = 0; k < n; ++k)
      if (int c = compareVals(a.elems[k], b.elems[k]))
        return c;
    return cmp3(a.n, b.n);
  }
  case Kind::Record: {
    size_t n = std::min(a.n, b.n);
    for (size_t k = 0; k < n; ++k) {
      if (int c = cmp3(a.fields[k].key, b.fields[k].key))
        return c;
      if (int c = compareVals(a.fields[k].value, b.fields[k].value))
        return c;
    }
    return cmp3(a.n, b.n);
  }
  case Kind::IpAddr: {
    auto c = *a.ip <=> *b.ip;
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  }
  return 0;
}

bool equalVals(const Val &a, const Val &b) {
  if (a.kind != b.kind)
    return false;
  switch (a.kind) {
  case Kind::Bool:
    return a.b == b.b;
  case Kind::Long:
  case Kind::Decimal:
  case Kind::Datetime:
  case Kind::Duration:
    return a.i == b.i;
  case Kind::Entity:
    return a.entity == b.entity;
  case Kind::String:
    return sameText(a.getString(), b.getString());
  case Kind::Set:
  case Kind::Record:
  case Kind::IpAddr:
    if (a.n != b.n)
      return false;
    return compareVals(a, b) == 0;
  }
  return false;
}

bool setContains(const Val &set, const Val &v) {
  llvm::ArrayRef<Val> xs = set.getSet();
  auto it = std::lower_bound(xs.begin(), xs.end(), v,
                             [](const Val &x, const Val &y) { return compareVals(x, y) < 0; });
  return it != xs.end() && equalVals(*it, v);
}

const Val *Val::findField(uint32_t key) const { return findFieldByKey(getRecord(), key); }

Val makeSet(Val *elems, uint32_t n) {
  // Sets in requests are mostly a few elements, as records are.
  sortSmall(elems, elems + n, [](const Val &x, const Val &y) { return compareVals(x, y) < 0; });
  Val *end = std::unique(elems, elems + n, equalVals);
  return Val::set(elems, static_cast<uint32_t>(end - elems));
}

bool makeRecord(Field *fields, uint32_t n, Val &out, uint32_t &dupKey) {
  // Records are mostly a few fields (std::sort's set-up was 2% of decoding
  // a request).
  sortSmall(fields, fields + n, [](const Field &x, const Field &y) { return x.key < y.key; });
  for (uint32_t k = 1; k < n; ++k)
    if (fields[k].key == fields[k - 1].key) {
      dupKey = fields[k].key;
      return false;
    }
  out = Val::record(fields, n);
  return true;
}

} // namespace larch::rt
