// Schema: the resolved model's types, equality, lookups and dump.
// Entry points are the members declared in schema.h.
#include "compiler/schema/schema.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cassert>

namespace larch::schema {

llvm::StringRef getExtensionName(ExtensionKind kind) {
  switch (kind) {
  case ExtensionKind::Decimal:
    return "decimal";
  case ExtensionKind::IpAddr:
    return "ipaddr";
  case ExtensionKind::Datetime:
    return "datetime";
  case ExtensionKind::Duration:
    return "duration";
  }
  return "decimal";
}

std::optional<ExtensionKind> lookupExtension(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ExtensionKind>>(name)
      .Case("decimal", ExtensionKind::Decimal)
      .Case("ipaddr", ExtensionKind::IpAddr)
      .Case("datetime", ExtensionKind::Datetime)
      .Case("duration", ExtensionKind::Duration)
      .Default(std::nullopt);
}

// ---- Type ----

TypeRef Type::getBool() {
  static const TypeRef t(new Type(TypeKind::Bool));
  return t;
}
TypeRef Type::getLong() {
  static const TypeRef t(new Type(TypeKind::Long));
  return t;
}
TypeRef Type::getString() {
  static const TypeRef t(new Type(TypeKind::String));
  return t;
}

TypeRef Type::getSet(TypeRef element) {
  assert(element && "set of nothing");
  auto *t = new Type(TypeKind::Set);
  t->element = std::move(element);
  return TypeRef(t);
}

TypeRef Type::getRecord(std::vector<Attribute> attrs) {
  std::stable_sort(attrs.begin(), attrs.end(),
                   [](const Attribute &a, const Attribute &b) {
                     return a.name < b.name;
                   });
  auto *t = new Type(TypeKind::Record);
  t->attrs = std::move(attrs);
  return TypeRef(t);
}

TypeRef Type::getEntity(std::string qualifiedName) {
  auto *t = new Type(TypeKind::Entity);
  t->name = std::move(qualifiedName);
  return TypeRef(t);
}

TypeRef Type::getExtension(ExtensionKind kind) {
  auto *t = new Type(TypeKind::Extension);
  t->extension = kind;
  return TypeRef(t);
}

const Attribute *Type::getAttribute(llvm::StringRef attrName) const {
  auto it = std::lower_bound(
      attrs.begin(), attrs.end(), attrName,
      [](const Attribute &a, llvm::StringRef n) { return a.name < n; });
  if (it != attrs.end() && it->name == attrName)
    return &*it;
  return nullptr;
}

static bool needsQuotes(llvm::StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return true;
  return !llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

std::string Type::str() const {
  switch (kind) {
  case TypeKind::Bool:
    return "Bool";
  case TypeKind::Long:
    return "Long";
  case TypeKind::String:
    return "String";
  case TypeKind::Set:
    return "Set<" + element->str() + ">";
  case TypeKind::Entity:
    return name;
  case TypeKind::Extension:
    return getExtensionName(extension).str();
  case TypeKind::Record: {
    std::string out = "{";
    bool first = true;
    for (const Attribute &a : attrs) {
      out += first ? "" : ", ";
      first = false;
      out += needsQuotes(a.name) ? quoteString(a.name) : a.name;
      out += a.required ? ": " : "?: ";
      out += a.type->str();
    }
    return out + "}";
  }
  }
  return "";
}

bool typesEqual(const TypeRef &a, const TypeRef &b) {
  if (a == b)
    return true;
  if (!a || !b)
    return false;
  return *a == *b;
}

bool operator==(const Attribute &a, const Attribute &b) {
  return a.name == b.name && a.required == b.required &&
         a.annotations == b.annotations && typesEqual(a.type, b.type);
}

bool operator==(const Type &a, const Type &b) {
  if (a.kind != b.kind)
    return false;
  switch (a.kind) {
  case TypeKind::Bool:
  case TypeKind::Long:
  case TypeKind::String:
    return true;
  case TypeKind::Set:
    return typesEqual(a.element, b.element);
  case TypeKind::Record:
    return a.attrs == b.attrs;
  case TypeKind::Entity:
    return a.name == b.name;
  case TypeKind::Extension:
    return a.extension == b.extension;
  }
  return false;
}

// ---- declarations ----

std::string quoteString(llvm::StringRef text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\0': out += "\\0"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        out += "\\u{";
        out += llvm::utohexstr(c, /*LowerCase=*/true);
        out += "}";
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

std::string ActionUid::str() const { return type + "::" + quoteString(id); }

bool operator==(const EntityType &a, const EntityType &b) {
  return a.name == b.name && a.memberOfTypes == b.memberOfTypes &&
         a.ancestorTypes == b.ancestorTypes && typesEqual(a.shape, b.shape) &&
         typesEqual(a.tags, b.tags) && a.enumIds == b.enumIds &&
         a.annotations == b.annotations;
}

bool operator==(const Action &a, const Action &b) {
  return a.uid == b.uid && a.memberOf == b.memberOf &&
         a.ancestors == b.ancestors && a.principalTypes == b.principalTypes &&
         a.resourceTypes == b.resourceTypes &&
         typesEqual(a.context, b.context) && a.annotations == b.annotations;
}

bool operator==(const CommonType &a, const CommonType &b) {
  return a.name == b.name && typesEqual(a.type, b.type) &&
         a.annotations == b.annotations;
}

bool operator==(const Schema &a, const Schema &b) {
  return a.namespaces == b.namespaces && a.entityTypes == b.entityTypes &&
         a.actions == b.actions && a.commonTypes == b.commonTypes;
}

// ---- lookups ----

const EntityType *Schema::getEntityType(llvm::StringRef name) const {
  auto it = entityTypes.find(name.str());
  return it == entityTypes.end() ? nullptr : &it->second;
}

bool Schema::isActionType(llvm::StringRef name) const {
  return std::binary_search(actionTypes.begin(), actionTypes.end(), name.str());
}

bool Schema::isKnownEntityType(llvm::StringRef name) const {
  return getEntityType(name) || isActionType(name);
}

const Action *Schema::getAction(const ActionUid &uid) const {
  auto it = actions.find(uid);
  return it == actions.end() ? nullptr : &it->second;
}

const CommonType *Schema::getCommonType(llvm::StringRef name) const {
  auto it = commonTypes.find(name.str());
  return it == commonTypes.end() ? nullptr : &it->second;
}

const Attribute *Schema::getAttributeType(llvm::StringRef entityType,
                                          llvm::StringRef attr) const {
  const EntityType *et = getEntityType(entityType);
  if (!et || !et->shape)
    return nullptr;
  return et->shape->getAttribute(attr);
}

const Type *Schema::getTagType(llvm::StringRef entityType) const {
  const EntityType *et = getEntityType(entityType);
  return et ? et->tags.get() : nullptr;
}

const Type *Schema::getContextType(const ActionUid &action) const {
  const Action *a = getAction(action);
  return a ? a->context.get() : nullptr;
}

bool Schema::mayBeMemberOf(llvm::StringRef child, llvm::StringRef parent) const {
  const EntityType *et = getEntityType(child);
  if (!et)
    return false;
  return std::binary_search(et->memberOfTypes.begin(), et->memberOfTypes.end(),
                            parent.str());
}

bool Schema::isActionInGroup(const ActionUid &action,
                             const ActionUid &group) const {
  if (action == group)
    return true;
  const Action *a = getAction(action);
  return a && std::binary_search(a->ancestors.begin(), a->ancestors.end(), group);
}

std::vector<ActionUid> Schema::getActionsInGroup(const ActionUid &group) const {
  std::vector<ActionUid> out;
  for (const auto &[uid, action] : actions)
    if (uid == group ||
        std::binary_search(action.ancestors.begin(), action.ancestors.end(), group))
      out.push_back(uid);
  return out;
}

// ---- dump ----

static void dumpAnnotations(std::string &out, const Annotations &annotations,
                            llvm::StringRef indent) {
  for (const auto &[k, v] : annotations)
    out += indent.str() + "@" + k + "(" + quoteString(v) + ")\n";
}

static std::string joinNames(llvm::ArrayRef<std::string> names) {
  std::string out = "["; // built step by step: GCC 12 misreports `"[" + s` (-Wrestrict)
  out += llvm::join(names, ", ");
  out += "]";
  return out;
}

// Built with separate appends: GCC 12 misreports `"lit" + std::string`
// temporaries as overlapping copies (-Wrestrict).
std::string Schema::dump() const {
  std::string out;
  for (const auto &[name, ns] : namespaces) {
    dumpAnnotations(out, ns.annotations, "");
    out += "namespace ";
    out += (name.empty() ? std::string("\"\"") : name) + "\n";
  }
  for (const auto &[name, ct] : commonTypes) {
    dumpAnnotations(out, ct.annotations, "");
    out += "type ";
    out += name + " = " + ct.type->str() + "\n";
  }
  for (const auto &[name, et] : entityTypes) {
    dumpAnnotations(out, et.annotations, "");
    out += "entity ";
    out += name;
    if (et.enumIds) {
      std::vector<std::string> quoted;
      for (const auto &id : *et.enumIds)
        quoted.push_back(quoteString(id));
      out += " enum [";
      out += llvm::join(quoted, ", ") + "]\n";
      continue;
    }
    if (!et.memberOfTypes.empty()) {
      out += " in ";
      out += joinNames(et.memberOfTypes);
    }
    out += " ";
    out += et.shape->str();
    if (et.tags) {
      out += " tags ";
      out += et.tags->str();
    }
    if (!et.ancestorTypes.empty()) {
      out += " ancestors ";
      out += joinNames(et.ancestorTypes);
    }
    out += "\n";
  }
  for (const auto &[uid, action] : actions) {
    dumpAnnotations(out, action.annotations, "");
    out += "action ";
    out += uid.str();
    if (!action.memberOf.empty()) {
      std::vector<std::string> parents;
      for (const auto &p : action.memberOf)
        parents.push_back(p.str());
      out += " in [";
      out += llvm::join(parents, ", ") + "]";
    }
    out += " principal ";
    out += joinNames(action.principalTypes);
    out += " resource ";
    out += joinNames(action.resourceTypes);
    out += " context ";
    out += action.context->str();
    out += "\n";
  }
  return out;
}

} // namespace larch::schema
