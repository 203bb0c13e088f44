//===- runtime/value.h - Cedar values ------------------------------*- C++ -*-===//
//
// Phase: runtime (evaluation data).
// Entry points: Value (the factories Value::boolean ... Value::duration),
// EntityUid, compareValues, EvalResult.
// Depends on runtime/extensions and LLVM ADT only; never on grammar/ or
// compiler/.
//
// A Value is one of Cedar's run-time values: Bool, Long (int64), String, an
// entity reference, Set, Record, or one of the extension types decimal,
// ipaddr, datetime and duration. Values are immutable; sets and records share
// their storage, so copying a Value is cheap.
//
// INVARIANT: a Set's elements are sorted by compareValues and unique, and a
// Record's entries are sorted by key with unique keys. So set equality is
// element-wise equality and `[1, 1, 2] == [2, 1]` holds, as in Cedar.
// Equality never errors: values of different kinds are simply unequal.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_VALUE_H
#define LARCH_RUNTIME_VALUE_H

#include "runtime/extensions/datetime.h"
#include "runtime/extensions/decimal.h"
#include "runtime/extensions/ipaddr.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cassert>
#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace larch::runtime {

/// An entity reference: a (possibly namespaced) type name such as `NS::User`
/// and an id, which may be any string.
struct EntityUid {
  std::string type;
  std::string id;

  /// Cedar's text form `NS::User::"id"`, the id quoted with Cedar's escapes.
  std::string str() const;

  friend bool operator==(const EntityUid &, const EntityUid &) = default;
  friend std::strong_ordering operator<=>(const EntityUid &,
                                          const EntityUid &) = default;
};

/// True if `type`'s last `::` component is `Action` (Cedar's `is_action`).
bool isActionType(llvm::StringRef type);

// ORDER ValueKind: compareValues orders values of different kinds by this
// enumeration; getValueKindName names each.
enum class ValueKind {
  Bool,
  Long,
  String,
  Entity,
  Set,
  Record,
  Decimal,
  IpAddr,
  Datetime,
  Duration,
};

/// Cedar's name of a type in messages: `bool`, `long`, `string`, `entity`,
/// `set`, `record`, `decimal`, `ipaddr`, `datetime`, `duration`.
llvm::StringRef getValueKindName(ValueKind kind);

class Value;

/// A record entry. Records keep these sorted by key.
using RecordEntry = std::pair<std::string, Value>;

class Value {
public:
  /// The default value is `false`, so containers of values can be resized.
  Value() : data(false) {}

  static Value boolean(bool b) { return Value(Data(b)); }
  static Value integer(int64_t i) { return Value(Data(i)); }
  static Value string(std::string s) { return Value(Data(std::move(s))); }
  static Value entity(EntityUid uid);
  static Value entity(std::string type, std::string id) {
    return entity(EntityUid{std::move(type), std::move(id)});
  }
  /// Sorts and de-duplicates `elements`.
  static Value set(std::vector<Value> elements);
  /// Builds a record; the map already has unique, sorted keys.
  static Value record(const std::map<std::string, Value> &entries);
  /// Builds a record from entries that must have unique keys (asserted);
  /// they need not be sorted.
  static Value recordFromEntries(std::vector<RecordEntry> entries);
  static Value decimal(ext::Decimal d) { return Value(Data(d)); }
  static Value ipaddr(ext::IpAddr ip) { return Value(Data(ip)); }
  static Value datetime(ext::Datetime dt) { return Value(Data(dt)); }
  static Value duration(ext::Duration d) { return Value(Data(d)); }

  ValueKind getKind() const { return static_cast<ValueKind>(data.index()); }
  bool is(ValueKind k) const { return getKind() == k; }

  // Accessors; each asserts the kind.
  bool getBool() const { return std::get<bool>(data); }
  int64_t getLong() const { return std::get<int64_t>(data); }
  const std::string &getString() const { return std::get<std::string>(data); }
  const EntityUid &getEntity() const { return *std::get<EntityPtr>(data); }
  /// Sorted, unique elements.
  llvm::ArrayRef<Value> getSet() const { return *std::get<SetPtr>(data); }
  /// Entries sorted by key.
  llvm::ArrayRef<RecordEntry> getRecord() const {
    return *std::get<RecordPtr>(data);
  }
  ext::Decimal getDecimal() const { return std::get<ext::Decimal>(data); }
  const ext::IpAddr &getIpAddr() const { return std::get<ext::IpAddr>(data); }
  ext::Datetime getDatetime() const { return std::get<ext::Datetime>(data); }
  ext::Duration getDuration() const { return std::get<ext::Duration>(data); }

  /// The value of record key `key`, or null (Record only).
  const Value *findField(llvm::StringRef key) const;
  /// Set membership by equality (Set only); logarithmic.
  bool setContains(const Value &v) const;

  /// Cedar-like text for messages: `true`, `-3`, `"a\"b"`, `User::"x"`,
  /// `[1, 2]`, `{"a": 1}`, `decimal("1.5000")`, `ip("10.0.0.0/8")`, ...
  std::string str() const;

  friend bool operator==(const Value &a, const Value &b);
  friend bool operator!=(const Value &a, const Value &b) { return !(a == b); }

private:
  using EntityPtr = std::shared_ptr<const EntityUid>;
  using SetPtr = std::shared_ptr<const std::vector<Value>>;
  using RecordPtr = std::shared_ptr<const std::vector<RecordEntry>>;
  // ORDER ValueKind: the alternatives follow the enumeration.
  using Data = std::variant<bool, int64_t, std::string, EntityPtr, SetPtr,
                            RecordPtr, ext::Decimal, ext::IpAddr, ext::Datetime,
                            ext::Duration>;
  explicit Value(Data d) : data(std::move(d)) {}

  Data data;

  friend int compareValues(const Value &a, const Value &b);
};

/// A total order on values consistent with `==`: first by kind (in ValueKind
/// order), then by content (numbers numerically, strings and names by bytes,
/// sets and records lexicographically). Returns <0, 0 or >0.
int compareValues(const Value &a, const Value &b);

/// Orders values by compareValues, for sorted containers.
struct ValueLess {
  bool operator()(const Value &a, const Value &b) const {
    return compareValues(a, b) < 0;
  }
};

/// The outcome of evaluating something: a value or an error message (Cedar
/// style: lowercase, no final period). Evaluation errors are values, never
/// exceptions.
class EvalResult {
public:
  EvalResult(Value v) : value(std::move(v)) {}
  static EvalResult error(std::string message) {
    EvalResult r;
    r.message = std::move(message);
    return r;
  }

  bool ok() const { return value.has_value(); }
  explicit operator bool() const { return ok(); }
  const Value &get() const {
    assert(ok() && "reading the value of an error");
    return *value;
  }
  Value &get() {
    assert(ok() && "reading the value of an error");
    return *value;
  }
  const Value &operator*() const { return get(); }
  const Value *operator->() const { return &get(); }
  const std::string &getError() const { return message; }

private:
  EvalResult() = default;
  std::optional<Value> value;
  std::string message;
};

/// "type error: expected long, got string" style message.
std::string typeErrorMessage(llvm::StringRef expected, const Value &got);

/// Quotes text the way Cedar prints string literals and entity ids: `"a\"b"`,
/// control characters as `\n`, `\t`, `\u{..}`.
std::string quoteCedarString(llvm::StringRef text);

} // namespace larch::runtime

#endif // LARCH_RUNTIME_VALUE_H
