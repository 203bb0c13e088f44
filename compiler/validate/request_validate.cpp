// Validation phase: request validation against a schema (see
// request_validate.h).
#include "compiler/validate/request_validate.h"

#include <algorithm>

namespace larch::validate {

using runtime::Value;
using runtime::ValueKind;

namespace {

std::string expectedButFound(const schema::Type &type, const Value &value) {
  return "expected a value of type `" + type.str() + "`, found `" + value.str() + "`";
}

bool extensionMatches(schema::ExtensionKind kind, ValueKind v) {
  switch (kind) {
  case schema::ExtensionKind::Decimal:
    return v == ValueKind::Decimal;
  case schema::ExtensionKind::IpAddr:
    return v == ValueKind::IpAddr;
  case schema::ExtensionKind::Datetime:
    return v == ValueKind::Datetime;
  case schema::ExtensionKind::Duration:
    return v == ValueKind::Duration;
  }
  return false;
}

std::string checkEntity(const schema::Schema &schema, const runtime::EntityUid &uid,
                        const char *role) {
  if (runtime::isActionType(uid.type))
    return "";
  const schema::EntityType *ety = schema.getEntityType(uid.type);
  if (!ety)
    return std::string(role) + " type `" + uid.type + "` is not declared in the schema";
  if (ety->isEnum() &&
      std::find(ety->enumIds->begin(), ety->enumIds->end(), uid.id) == ety->enumIds->end())
    return std::string(role) + " `" + uid.str() + "` is not one of the enumerated ids of `" +
           uid.type + "`";
  return "";
}

} // namespace

std::string checkValueType(const Value &value, const schema::Type &type) {
  switch (type.getKind()) {
  case schema::TypeKind::Bool:
    return value.is(ValueKind::Bool) ? "" : expectedButFound(type, value);
  case schema::TypeKind::Long:
    return value.is(ValueKind::Long) ? "" : expectedButFound(type, value);
  case schema::TypeKind::String:
    return value.is(ValueKind::String) ? "" : expectedButFound(type, value);
  case schema::TypeKind::Entity:
    return value.is(ValueKind::Entity) && value.getEntity().type == type.getEntityName()
               ? ""
               : expectedButFound(type, value);
  case schema::TypeKind::Extension:
    return extensionMatches(type.getExtensionKind(), value.getKind())
               ? ""
               : expectedButFound(type, value);
  case schema::TypeKind::Set:
    if (!value.is(ValueKind::Set))
      return expectedButFound(type, value);
    for (const Value &v : value.getSet())
      if (std::string why = checkValueType(v, *type.getElement()); !why.empty())
        return why;
    return "";
  case schema::TypeKind::Record: {
    if (!value.is(ValueKind::Record))
      return expectedButFound(type, value);
    for (const runtime::RecordEntry &e : value.getRecord()) {
      const schema::Attribute *a = type.getAttribute(e.first);
      if (!a)
        return "attribute `" + e.first + "` is not declared in `" + type.str() + "`";
      if (std::string why = checkValueType(e.second, *a->type); !why.empty())
        return "in attribute `" + e.first + "`: " + why;
    }
    for (const schema::Attribute &a : type.getAttributes())
      if (a.required && !value.findField(a.name))
        return "required attribute `" + a.name + "` is missing";
    return "";
  }
  }
  return "";
}

std::string validateRequest(const schema::Schema &schema, const runtime::Request &request) {
  const schema::Action *action = schema.getAction(request.action.type, request.action.id);
  if (!action)
    return "request's action `" + request.action.str() + "` is not declared in the schema";
  if (std::string why = checkEntity(schema, request.principal, "principal"); !why.empty())
    return why;
  if (std::string why = checkEntity(schema, request.resource, "resource"); !why.empty())
    return why;
  const auto &ps = action->principalTypes, &rs = action->resourceTypes;
  if (std::find(ps.begin(), ps.end(), request.principal.type) == ps.end())
    return "principal type `" + request.principal.type + "` is not valid for action `" +
           request.action.str() + "`";
  if (std::find(rs.begin(), rs.end(), request.resource.type) == rs.end())
    return "resource type `" + request.resource.type + "` is not valid for action `" +
           request.action.str() + "`";
  if (std::string why = checkValueType(request.context, *action->context); !why.empty())
    return "context does not match the context type of `" + request.action.str() + "`: " + why;
  return "";
}

} // namespace larch::validate
