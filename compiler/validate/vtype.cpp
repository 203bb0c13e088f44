// Validation phase: validator types, subtyping and upper bounds (see vtype.h).
#include "compiler/validate/vtype.h"

#include <algorithm>

namespace larch::validate {

VTypeRef VType::getNever() {
  static const VTypeRef t = VTypeRef(new VType(VKind::Never));
  return t;
}
VTypeRef VType::getTrue() {
  static const VTypeRef t = VTypeRef(new VType(VKind::True));
  return t;
}
VTypeRef VType::getFalse() {
  static const VTypeRef t = VTypeRef(new VType(VKind::False));
  return t;
}
VTypeRef VType::getBool() {
  static const VTypeRef t = VTypeRef(new VType(VKind::Bool));
  return t;
}
VTypeRef VType::getLong() {
  static const VTypeRef t = VTypeRef(new VType(VKind::Long));
  return t;
}
VTypeRef VType::getString() {
  static const VTypeRef t = VTypeRef(new VType(VKind::String));
  return t;
}
VTypeRef VType::getAnyEntity() {
  static const VTypeRef t = VTypeRef(new VType(VKind::AnyEntity));
  return t;
}

VTypeRef VType::getSet(VTypeRef element) {
  std::shared_ptr<VType> t(new VType(VKind::Set));
  t->element = std::move(element);
  return t;
}

VTypeRef VType::getRecord(std::vector<VAttr> attrs, bool open) {
  std::shared_ptr<VType> t(new VType(VKind::Record));
  std::sort(attrs.begin(), attrs.end(),
            [](const VAttr &a, const VAttr &b) { return a.name < b.name; });
  t->attrs = std::move(attrs);
  t->open = open;
  return t;
}

VTypeRef VType::getEntity(std::string name) {
  std::shared_ptr<VType> t(new VType(VKind::Entity));
  t->name = std::move(name);
  return t;
}

VTypeRef VType::getExtension(schema::ExtensionKind kind) {
  std::shared_ptr<VType> t(new VType(VKind::Extension));
  t->extension = kind;
  return t;
}

const VAttr *VType::getAttribute(llvm::StringRef attrName) const {
  auto it = std::lower_bound(
      attrs.begin(), attrs.end(), attrName,
      [](const VAttr &a, llvm::StringRef n) { return llvm::StringRef(a.name) < n; });
  if (it == attrs.end() || it->name != attrName)
    return nullptr;
  return &*it;
}

std::string VType::str() const {
  switch (kind) {
  case VKind::Never:
    return "Never";
  case VKind::True:
    return "true";
  case VKind::False:
    return "false";
  case VKind::Bool:
    return "Bool";
  case VKind::Long:
    return "Long";
  case VKind::String:
    return "String";
  case VKind::Set:
    return "Set<" + (element ? element->str() : std::string("_")) + ">";
  case VKind::Record: {
    std::string out = "{";
    bool first = true;
    for (const VAttr &a : attrs) {
      out += first ? " " : ", ";
      first = false;
      out += a.name;
      out += a.required ? ": " : "?: ";
      out += a.type->str();
    }
    if (open)
      out += first ? " .." : ", ..";
    return out + (attrs.empty() && !open ? "}" : " }");
  }
  case VKind::Entity:
    return name;
  case VKind::AnyEntity:
    return "entity";
  case VKind::Extension:
    return schema::getExtensionName(extension).str();
  }
  return "?";
}

bool equal(const VType &a, const VType &b) {
  if (a.getKind() != b.getKind())
    return false;
  switch (a.getKind()) {
  case VKind::Set:
    if (!a.getElement() || !b.getElement())
      return !a.getElement() && !b.getElement();
    return equal(*a.getElement(), *b.getElement());
  case VKind::Record: {
    if (a.isOpen() != b.isOpen() ||
        a.getAttributes().size() != b.getAttributes().size())
      return false;
    for (size_t i = 0; i < a.getAttributes().size(); ++i) {
      const VAttr &x = a.getAttributes()[i], &y = b.getAttributes()[i];
      if (x.name != y.name || x.required != y.required || !equal(*x.type, *y.type))
        return false;
    }
    return true;
  }
  case VKind::Entity:
    return a.getEntityName() == b.getEntityName();
  case VKind::Extension:
    return a.getExtensionKind() == b.getExtensionKind();
  default:
    return true;
  }
}

static bool attrSubtype(const VAttr &a, const VAttr &b, bool strict) {
  bool qualifier = strict ? a.required == b.required : (a.required || !b.required);
  return qualifier && isSubtype(*a.type, *b.type, strict);
}

/// Every attribute of `b` is in `a` with a subtype.
static bool attrsSubtype(const VType &a, const VType &b, bool strict) {
  for (const VAttr &y : b.getAttributes()) {
    const VAttr *x = a.getAttribute(y.name);
    if (!x || !attrSubtype(*x, y, strict))
      return false;
  }
  return true;
}

static bool sameKeys(const VType &a, const VType &b) {
  if (a.getAttributes().size() != b.getAttributes().size())
    return false;
  for (size_t i = 0; i < a.getAttributes().size(); ++i)
    if (a.getAttributes()[i].name != b.getAttributes()[i].name)
      return false;
  return true;
}

bool isSubtype(const VType &a, const VType &b, bool strict) {
  if (a.getKind() == VKind::Never)
    return true;
  switch (b.getKind()) {
  case VKind::Bool:
    return a.isBoolean();
  case VKind::True:
  case VKind::False:
  case VKind::Long:
  case VKind::String:
  case VKind::Never:
    return a.getKind() == b.getKind();
  case VKind::Set:
    if (a.getKind() != VKind::Set)
      return false;
    if (!b.getElement())
      return true;
    if (!a.getElement())
      return false;
    return isSubtype(*a.getElement(), *b.getElement(), strict);
  case VKind::Record:
    if (a.getKind() != VKind::Record)
      return false;
    if (a.isOpen() && !b.isOpen())
      return false;
    if (b.isOpen() && !strict && attrsSubtype(a, b, strict))
      return true;
    return sameKeys(a, b) && attrsSubtype(a, b, strict);
  case VKind::Entity:
    return a.getKind() == VKind::Entity && a.getEntityName() == b.getEntityName();
  case VKind::AnyEntity:
    return a.getKind() == VKind::AnyEntity || (a.getKind() == VKind::Entity && !strict);
  case VKind::Extension:
    return a.getKind() == VKind::Extension &&
           a.getExtensionKind() == b.getExtensionKind();
  }
  return false;
}

VTypeRef leastUpperBound(const VTypeRef &a, const VTypeRef &b) {
  if (isSubtype(*a, *b, true))
    return b;
  if (isSubtype(*b, *a, true))
    return a;
  if (a->isBoolean() && b->isBoolean())
    return VType::getBool();
  if (a->getKind() == VKind::Set && b->getKind() == VKind::Set) {
    if (!a->getElement() || !b->getElement())
      return VType::getSet(nullptr);
    VTypeRef elem = leastUpperBound(a->getElement(), b->getElement());
    return elem ? VType::getSet(elem) : nullptr;
  }
  if (a->getKind() == VKind::Record && b->getKind() == VKind::Record) {
    // Strict: the same attributes, each with the same qualifier.
    if (!sameKeys(*a, *b))
      return nullptr;
    std::vector<VAttr> attrs;
    for (size_t i = 0; i < a->getAttributes().size(); ++i) {
      const VAttr &x = a->getAttributes()[i], &y = b->getAttributes()[i];
      if (x.required != y.required)
        return nullptr;
      VTypeRef t = leastUpperBound(x.type, y.type);
      if (!t)
        return nullptr;
      attrs.push_back({x.name, t, x.required});
    }
    return VType::getRecord(std::move(attrs), a->isOpen() || b->isOpen());
  }
  return nullptr;
}

bool areDisjoint(const VType &a, const VType &b) {
  return a.getKind() == VKind::Entity && b.getKind() == VKind::Entity &&
         a.getEntityName() != b.getEntityName();
}

VTypeRef fromSchemaType(const schema::Type &type) {
  switch (type.getKind()) {
  case schema::TypeKind::Bool:
    return VType::getBool();
  case schema::TypeKind::Long:
    return VType::getLong();
  case schema::TypeKind::String:
    return VType::getString();
  case schema::TypeKind::Set:
    return VType::getSet(fromSchemaType(*type.getElement()));
  case schema::TypeKind::Record: {
    std::vector<VAttr> attrs;
    for (const schema::Attribute &a : type.getAttributes())
      attrs.push_back({a.name, fromSchemaType(*a.type), a.required});
    return VType::getRecord(std::move(attrs));
  }
  case schema::TypeKind::Entity:
    return VType::getEntity(type.getEntityName().str());
  case schema::TypeKind::Extension:
    return VType::getExtension(type.getExtensionKind());
  }
  return VType::getNever();
}

bool isActionTypeName(llvm::StringRef name) {
  size_t pos = name.rfind("::");
  llvm::StringRef base = pos == llvm::StringRef::npos ? name : name.substr(pos + 2);
  return base == "Action";
}

} // namespace larch::validate
