//===- runtime/value.cpp - Cedar values ---------------------------------------===//
//
// Phase: runtime (evaluation data).
// Entry points: the Value factories, compareValues, Value::str (see value.h).
// Depends on runtime/extensions and LLVM ADT only.
//
//===----------------------------------------------------------------------===//

#include "runtime/value.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace larch::runtime {

std::string quoteCedarString(llvm::StringRef text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\0':
      out += "\\0";
      break;
    default:
      if (c < 0x20 || c == 0x7f) {
        llvm::raw_string_ostream os(out);
        os << "\\u{" << llvm::format_hex_no_prefix(c, 0) << "}";
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
  return out;
}

std::string EntityUid::str() const { return type + "::" + quoteCedarString(id); }

bool isActionType(llvm::StringRef type) {
  size_t pos = type.rfind("::");
  llvm::StringRef last = pos == llvm::StringRef::npos ? type : type.substr(pos + 2);
  return last == "Action";
}

llvm::StringRef getValueKindName(ValueKind kind) {
  switch (kind) {
  case ValueKind::Bool:
    return "bool";
  case ValueKind::Long:
    return "long";
  case ValueKind::String:
    return "string";
  case ValueKind::Entity:
    return "entity";
  case ValueKind::Set:
    return "set";
  case ValueKind::Record:
    return "record";
  case ValueKind::Decimal:
    return "decimal";
  case ValueKind::IpAddr:
    return "ipaddr";
  case ValueKind::Datetime:
    return "datetime";
  case ValueKind::Duration:
    return "duration";
  }
  return "value";
}

Value Value::entity(EntityUid uid) {
  return Value(Data(std::make_shared<const EntityUid>(std::move(uid))));
}

Value Value::set(std::vector<Value> elements) {
  std::sort(elements.begin(), elements.end(), ValueLess());
  elements.erase(std::unique(elements.begin(), elements.end()), elements.end());
  return Value(Data(std::make_shared<const std::vector<Value>>(std::move(elements))));
}

Value Value::record(const std::map<std::string, Value> &entries) {
  std::vector<RecordEntry> v(entries.begin(), entries.end());
  return Value(Data(std::make_shared<const std::vector<RecordEntry>>(std::move(v))));
}

Value Value::recordFromEntries(std::vector<RecordEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const RecordEntry &a, const RecordEntry &b) { return a.first < b.first; });
  assert(std::adjacent_find(entries.begin(), entries.end(),
                            [](const RecordEntry &a, const RecordEntry &b) {
                              return a.first == b.first;
                            }) == entries.end() &&
         "record keys must be unique");
  return Value(Data(std::make_shared<const std::vector<RecordEntry>>(std::move(entries))));
}

const Value *Value::findField(llvm::StringRef key) const {
  llvm::ArrayRef<RecordEntry> entries = getRecord();
  auto it = std::lower_bound(entries.begin(), entries.end(), key,
                             [](const RecordEntry &e, llvm::StringRef k) {
                               return llvm::StringRef(e.first) < k;
                             });
  if (it == entries.end() || it->first != key)
    return nullptr;
  return &it->second;
}

bool Value::setContains(const Value &v) const {
  llvm::ArrayRef<Value> elems = getSet();
  return std::binary_search(elems.begin(), elems.end(), v, ValueLess());
}

namespace {

template <typename T> int cmp3(const T &a, const T &b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int compareStrings(const std::string &a, const std::string &b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

} // namespace

int compareValues(const Value &a, const Value &b) {
  if (a.getKind() != b.getKind())
    return cmp3(static_cast<int>(a.getKind()), static_cast<int>(b.getKind()));
  switch (a.getKind()) {
  case ValueKind::Bool:
    return cmp3(a.getBool(), b.getBool());
  case ValueKind::Long:
    return cmp3(a.getLong(), b.getLong());
  case ValueKind::String:
    return compareStrings(a.getString(), b.getString());
  case ValueKind::Entity: {
    const EntityUid &x = a.getEntity(), &y = b.getEntity();
    if (int c = compareStrings(x.type, y.type))
      return c;
    return compareStrings(x.id, y.id);
  }
  case ValueKind::Set: {
    llvm::ArrayRef<Value> x = a.getSet(), y = b.getSet();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (int c = compareValues(x[i], y[i]))
        return c;
    return cmp3(x.size(), y.size());
  }
  case ValueKind::Record: {
    llvm::ArrayRef<RecordEntry> x = a.getRecord(), y = b.getRecord();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (int c = compareStrings(x[i].first, y[i].first))
        return c;
      if (int c = compareValues(x[i].second, y[i].second))
        return c;
    }
    return cmp3(x.size(), y.size());
  }
  case ValueKind::Decimal:
    return cmp3(a.getDecimal(), b.getDecimal());
  case ValueKind::IpAddr:
    return cmp3(a.getIpAddr(), b.getIpAddr());
  case ValueKind::Datetime:
    return cmp3(a.getDatetime(), b.getDatetime());
  case ValueKind::Duration:
    return cmp3(a.getDuration(), b.getDuration());
  }
  return 0;
}

bool operator==(const Value &a, const Value &b) {
  if (a.getKind() != b.getKind())
    return false;
  // Shared storage is equal without a walk.
  if (a.data.index() == b.data.index()) {
    if (const auto *p = std::get_if<Value::SetPtr>(&a.data))
      if (*p == std::get<Value::SetPtr>(b.data))
        return true;
    if (const auto *p = std::get_if<Value::RecordPtr>(&a.data))
      if (*p == std::get<Value::RecordPtr>(b.data))
        return true;
  }
  return compareValues(a, b) == 0;
}

std::string Value::str() const {
  switch (getKind()) {
  case ValueKind::Bool:
    return getBool() ? "true" : "false";
  case ValueKind::Long:
    return std::to_string(getLong());
  case ValueKind::String:
    return quoteCedarString(getString());
  case ValueKind::Entity:
    return getEntity().str();
  case ValueKind::Set: {
    std::string out = "[";
    bool first = true;
    for (const Value &v : getSet()) {
      if (!first)
        out += ", ";
      first = false;
      out += v.str();
    }
    return out + "]";
  }
  case ValueKind::Record: {
    std::string out = "{";
    bool first = true;
    for (const RecordEntry &e : getRecord()) {
      if (!first)
        out += ", ";
      first = false;
      out += quoteCedarString(e.first) + ": " + e.second.str();
    }
    return out + "}";
  }
  case ValueKind::Decimal:
    return "decimal(\"" + getDecimal().toString() + "\")";
  case ValueKind::IpAddr:
    return "ip(\"" + getIpAddr().toString() + "\")";
  case ValueKind::Datetime:
    return getDatetime().toCedarExpr();
  case ValueKind::Duration:
    return "duration(\"" + getDuration().toString() + "\")";
  }
  return "";
}

std::string typeErrorMessage(llvm::StringRef expected, const Value &got) {
  std::string gotName = getValueKindName(got.getKind()).str();
  if (got.is(ValueKind::Entity))
    gotName = "(entity of type `" + got.getEntity().type + "`)";
  return "type error: expected " + expected.str() + ", got " + gotName;
}

} // namespace larch::runtime
