// Schema: name resolution and well-formedness checks, RawSchema -> Schema.
// Entry point: resolveSchema. Reports every problem it finds (not only the
// first, as Cedar does) and returns nothing if any was an error.
#include "compiler/schema/schema_resolve.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <functional>
#include <set>

namespace larch::schema {

// ---- name helpers ----

bool isIdentifier(llvm::StringRef id) {
  if (id.empty() || !(llvm::isAlpha(id[0]) || id[0] == '_'))
    return false;
  return llvm::all_of(id, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

bool isReservedIdentifier(llvm::StringRef id) {
  return id == "true" || id == "false" || id == "if" || id == "then" ||
         id == "else" || id == "in" || id == "is" || id == "like" ||
         id == "has";
}

bool isReservedCommonTypeName(llvm::StringRef id) {
  return id == "Bool" || id == "Boolean" || id == "Entity" ||
         id == "Extension" || id == "Long" || id == "Record" || id == "Set" ||
         id == "String";
}

bool usesCedarNamespace(llvm::StringRef name) {
  llvm::SmallVector<llvm::StringRef> parts;
  name.split(parts, "::");
  return llvm::is_contained(parts, "__cedar");
}

namespace {

std::string qualify(llvm::StringRef ns, llvm::StringRef basename) {
  return ns.empty() ? basename.str() : (ns + "::" + basename).str();
}

llvm::StringRef basenameOf(llvm::StringRef name) {
  size_t pos = name.rfind("::");
  return pos == llvm::StringRef::npos ? name : name.substr(pos + 2);
}

bool isQualified(llvm::StringRef name) { return name.contains("::"); }

std::string tick(llvm::StringRef s) { return "`" + escapeForMessage(s) + "`"; }

/// A user common type waiting to be inlined.
struct CommonDef {
  const RawCommonTypeDecl *decl = nullptr;
  std::string ns;
  TypeRef resolved;
  enum class State { Pending, Active, Done, Failed } state = State::Pending;
};

const char *const kPrimitiveNames[] = {"Bool", "Long", "String"};

} // namespace

/// Builds a Schema; the friend of Schema that may fill its maps.
class SchemaBuilder {
public:
  SchemaBuilder(const RawSchema &raw, DiagnosticEngine &diags)
      : raw(raw), diags(diags) {}

  std::optional<Schema> run();

private:
  void collectDefinitions();
  void checkShadowing();
  void addBuiltins();
  std::optional<std::string> resolveName(const RawName &name, RefKind kind,
                                         llvm::StringRef ns, bool &isCommon);
  TypeRef convert(const RawType &t, llvm::StringRef ns);
  TypeRef getCommon(const std::string &name, SourceRange useLoc);
  std::optional<std::string> resolveEntityTypeRef(const RawName &name,
                                                  llvm::StringRef ns);
  void buildEntityTypes();
  void buildActions();
  void buildActionHierarchy();
  void buildEntityHierarchy();

  const RawSchema &raw;
  DiagnosticEngine &diags;
  Schema out;

  std::set<std::string> entityDefs; ///< user entity types
  std::set<std::string> actionTypeDefs;
  std::set<ActionUid> actionDefs;
  std::map<std::string, CommonDef> commonDefs; ///< user common types
  std::map<std::string, TypeRef> builtinCommon; ///< `__cedar::X` and aliases
  std::map<std::string, std::pair<const RawEntityDecl *, std::string>> entityDecls;
  std::map<ActionUid, std::pair<const RawActionDecl *, std::string>> actionDecls;
};

void SchemaBuilder::collectDefinitions() {
  for (const RawNamespace &ns : raw.namespaces) {
    if (!ns.name.empty() && usesCedarNamespace(ns.name))
      diags.error(DiagCode::SchemaReservedName, ns.loc,
                  "use of the reserved `__cedar` namespace")
          .help = "names containing `__cedar` are reserved";
    Namespace &outNs = out.namespaces[ns.name];
    outNs.name = ns.name;
    if (!outNs.loc.isValid())
      outNs.loc = ns.loc;
    for (const auto &[k, v] : ns.annotations)
      outNs.annotations[k] = v;

    for (const RawEntityDecl &e : ns.entityTypes) {
      if (e.name.text == "__cedar") {
        diags.error(DiagCode::SchemaReservedName, e.name.loc,
                    "use of the reserved `__cedar` namespace")
            .help = "names containing `__cedar` are reserved";
        continue;
      }
      if (e.name.text == "Action") {
        diags.error(DiagCode::SchemaActionEntityType, e.name.loc,
                    "entity type `Action` declared in `entityTypes` list")
            .help = "`Action` is the type of actions; declare actions with "
                    "`action` instead";
        continue;
      }
      std::string q = qualify(ns.name, e.name.text);
      if (!entityDecls.emplace(q, std::make_pair(&e, ns.name)).second) {
        diags.error(DiagCode::SchemaDuplicateDeclaration, e.name.loc,
                    "duplicate entity type " + tick(q));
        continue;
      }
      entityDefs.insert(q);
    }
    for (const RawCommonTypeDecl &c : ns.commonTypes) {
      if (c.name.text == "__cedar") {
        diags.error(DiagCode::SchemaReservedName, c.name.loc,
                    "use of the reserved `__cedar` namespace")
            .help = "names containing `__cedar` are reserved";
        continue;
      }
      if (isReservedCommonTypeName(c.name.text)) {
        diags.error(DiagCode::SchemaReservedTypeName, c.name.loc,
                    "this uses a reserved schema keyword: " + tick(c.name.text))
            .help = "keywords such as `Entity`, `Extension`, `Set` and "
                    "`Record` cannot be used as common type names";
        continue;
      }
      std::string q = qualify(ns.name, c.name.text);
      CommonDef def;
      def.decl = &c;
      def.ns = ns.name;
      if (!commonDefs.emplace(q, std::move(def)).second)
        diags.error(DiagCode::SchemaDuplicateDeclaration, c.name.loc,
                    "duplicate common type " + tick(q));
    }
    std::string actionType = qualify(ns.name, "Action");
    for (const RawActionDecl &a : ns.actions) {
      ActionUid uid{actionType, a.name.text};
      if (!actionDecls.emplace(uid, std::make_pair(&a, ns.name)).second) {
        diags.error(DiagCode::SchemaDuplicateDeclaration, a.name.loc,
                    "duplicate action " + tick(uid.str()));
        continue;
      }
      actionDefs.insert(uid);
      actionTypeDefs.insert(actionType);
    }
  }
}

void SchemaBuilder::checkShadowing() {
  // RFC 70: nothing declared in a namespace may have the basename of an
  // entity or common type declared in the empty namespace (an entity and a
  // common type may share a name within one namespace).
  std::map<std::string, std::pair<std::string, SourceRange>> qualifiedByBase;
  auto addQualified = [&](const std::string &name, SourceRange loc) {
    if (isQualified(name) && !usesCedarNamespace(name))
      qualifiedByBase.emplace(basenameOf(name).str(), std::make_pair(name, loc));
  };
  for (const auto &name : entityDefs)
    addQualified(name, entityDecls[name].first->name.loc);
  for (const auto &[name, def] : commonDefs)
    addQualified(name, def.decl->name.loc);
  auto check = [&](const std::string &name) {
    if (isQualified(name))
      return;
    auto it = qualifiedByBase.find(name);
    if (it == qualifiedByBase.end())
      return;
    diags.error(DiagCode::SchemaIllegalShadowing, it->second.second,
                "definition of " + tick(it->second.first) +
                    " illegally shadows the existing definition of " +
                    tick(name))
        .help = "try renaming one of the definitions, or moving " +
                tick(name) + " to a different namespace";
  };
  for (const auto &name : entityDefs)
    check(name);
  for (const auto &[name, def] : commonDefs)
    check(name);

  std::map<std::string, ActionUid> qualifiedActions;
  for (const ActionUid &uid : actionDefs)
    if (isQualified(uid.type))
      qualifiedActions.emplace(uid.id, uid);
  for (const ActionUid &uid : actionDefs) {
    if (isQualified(uid.type))
      continue;
    auto it = qualifiedActions.find(uid.id);
    if (it == qualifiedActions.end())
      continue;
    diags.error(DiagCode::SchemaIllegalShadowing,
                actionDecls[it->second].first->name.loc,
                "definition of " + tick(it->second.str()) +
                    " illegally shadows the existing definition of " +
                    tick(uid.str()))
        .help = "try renaming one of the actions, or moving " +
                tick(uid.str()) + " to a different namespace";
  }
}

void SchemaBuilder::addBuiltins() {
  std::vector<std::pair<std::string, TypeRef>> builtins = {
      {"Bool", Type::getBool()},
      {"Long", Type::getLong()},
      {"String", Type::getString()}};
  for (ExtensionKind k : {ExtensionKind::Decimal, ExtensionKind::IpAddr,
                          ExtensionKind::Datetime, ExtensionKind::Duration})
    builtins.emplace_back(getExtensionName(k).str(), Type::getExtension(k));
  for (auto &[name, type] : builtins) {
    builtinCommon["__cedar::" + name] = type;
    // The unqualified alias exists only if the user did not take the name
    // in the empty namespace.
    if (!entityDefs.count(name) && !commonDefs.count(name))
      builtinCommon[name] = type;
  }
  // Warn about declarations that hide a built-in name, as Cedar does.
  for (const RawNamespace &ns : raw.namespaces) {
    auto warn = [&](const RawName &n) {
      if (!builtinCommon.count("__cedar::" + n.text))
        return;
      diags.warning(DiagCode::SchemaShadowsBuiltin, n.loc,
                    "the name " + tick(n.text) +
                        " shadows a built-in Cedar type name")
          .help = "refer to the built-in type as `__cedar::" + n.text + "`";
    };
    for (const RawEntityDecl &e : ns.entityTypes)
      warn(e.name);
    for (const RawCommonTypeDecl &c : ns.commonTypes)
      if (!isReservedCommonTypeName(c.name.text))
        warn(c.name);
  }
}

std::optional<std::string> SchemaBuilder::resolveName(const RawName &name,
                                                      RefKind kind,
                                                      llvm::StringRef ns,
                                                      bool &isCommon) {
  llvm::SmallVector<std::string, 2> candidates;
  if (isQualified(name.text) || ns.empty()) {
    candidates.push_back(name.text);
  } else {
    candidates.push_back(qualify(ns, name.text));
    candidates.push_back(name.text);
  }
  bool allowCommon = kind != RefKind::Entity;
  bool allowEntity = kind != RefKind::Common;
  for (const std::string &c : candidates) {
    if (allowCommon && (commonDefs.count(c) || builtinCommon.count(c))) {
      isCommon = true;
      return c;
    }
    if (allowEntity && (entityDefs.count(c) || actionTypeDefs.count(c))) {
      isCommon = false;
      return c;
    }
  }
  const char *what = kind == RefKind::Common   ? "as a common type"
                     : kind == RefKind::Entity ? "as an entity type"
                                               : "as a common or entity type";
  Diagnostic &d = diags.error(DiagCode::SchemaUndefinedType, name.loc,
                              "failed to resolve type: " + tick(name.text));
  if (candidates.size() == 1)
    d.help = tick(candidates[0]) + " has not been declared " + what;
  else
    d.help = "neither " + tick(candidates[0]) + " nor " + tick(candidates[1]) +
             " refers to anything that has been declared " + what;
  return std::nullopt;
}

TypeRef SchemaBuilder::getCommon(const std::string &name, SourceRange useLoc) {
  auto bit = builtinCommon.find(name);
  if (bit != builtinCommon.end())
    return bit->second;
  auto it = commonDefs.find(name);
  if (it == commonDefs.end())
    return nullptr;
  CommonDef &def = it->second;
  switch (def.state) {
  case CommonDef::State::Done:
    return def.resolved;
  case CommonDef::State::Failed:
    return nullptr;
  case CommonDef::State::Active:
    diags.error(DiagCode::SchemaCommonTypeCycle, def.decl->name.loc,
                "cycle in common type references containing " + tick(name))
        .help = "a common type may not be defined in terms of itself";
    def.state = CommonDef::State::Failed;
    return nullptr;
  case CommonDef::State::Pending:
    break;
  }
  def.state = CommonDef::State::Active;
  TypeRef t = convert(def.decl->type, def.ns);
  // A cycle found below marks this definition Failed; keep that state.
  CommonDef &again = commonDefs.find(name)->second;
  if (again.state == CommonDef::State::Failed)
    return nullptr;
  again.resolved = t;
  again.state = t ? CommonDef::State::Done : CommonDef::State::Failed;
  return t;
}

TypeRef SchemaBuilder::convert(const RawType &t, llvm::StringRef ns) {
  switch (t.kind) {
  case RawType::Kind::Bool:
    return Type::getBool();
  case RawType::Kind::Long:
    return Type::getLong();
  case RawType::Kind::String:
    return Type::getString();
  case RawType::Kind::Set: {
    TypeRef elem = t.element ? convert(*t.element, ns) : nullptr;
    return elem ? Type::getSet(std::move(elem)) : nullptr;
  }
  case RawType::Kind::Extension: {
    if (auto k = lookupExtension(t.name.text))
      return Type::getExtension(*k);
    diags.error(DiagCode::SchemaUnknownExtension, t.name.loc,
                "unknown extension type " + tick(t.name.text))
        .help = "the extension types are `decimal`, `ipaddr`, `datetime` and "
                "`duration`";
    return nullptr;
  }
  case RawType::Kind::Ref: {
    bool isCommon = false;
    auto name = resolveName(t.name, t.refKind, ns, isCommon);
    if (!name)
      return nullptr;
    if (isCommon)
      return getCommon(*name, t.name.loc);
    return Type::getEntity(*name);
  }
  case RawType::Kind::Record: {
    if (t.additionalAttributes) {
      diags.error(DiagCode::SchemaUnsupportedFeature, t.loc,
                  "records and entities with `additionalAttributes` are "
                  "experimental, but the experimental `partial-validate` "
                  "feature is not enabled");
      return nullptr;
    }
    std::vector<Attribute> attrs;
    std::map<std::string, size_t> index;
    bool ok = true;
    for (const RawAttribute &a : t.attrs) {
      TypeRef at = convert(a.type, ns);
      if (!at) {
        ok = false;
        continue;
      }
      Attribute attr{a.name, std::move(at), a.required, a.annotations, a.loc};
      auto [it, inserted] = index.emplace(a.name, attrs.size());
      if (inserted) {
        attrs.push_back(std::move(attr));
        continue;
      }
      // Cedar keeps the last declaration of a repeated attribute.
      diags.warning(DiagCode::SchemaDuplicateAttribute, a.loc,
                    "attribute " + tick(a.name) +
                        " is declared more than once in this record")
          .help = "the last declaration is used";
      attrs[it->second] = std::move(attr);
    }
    return ok ? Type::getRecord(std::move(attrs)) : nullptr;
  }
  }
  return nullptr;
}

std::optional<std::string>
SchemaBuilder::resolveEntityTypeRef(const RawName &name, llvm::StringRef ns) {
  bool isCommon = false;
  auto resolved = resolveName(name, RefKind::Entity, ns, isCommon);
  if (!resolved)
    return std::nullopt;
  if (!entityDefs.count(*resolved)) {
    // Action types resolve as entity types but are no entity declaration.
    diags.error(DiagCode::SchemaUndefinedType, name.loc,
                "undeclared entity type: " + tick(*resolved))
        .help = "any entity types appearing anywhere in a schema need to be "
                "declared in `entityTypes`";
    return std::nullopt;
  }
  return resolved;
}

static void sortUnique(std::vector<std::string> &v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

void SchemaBuilder::buildEntityTypes() {
  for (const auto &[name, declAndNs] : entityDecls) {
    const RawEntityDecl &decl = *declAndNs.first;
    const std::string &ns = declAndNs.second;
    EntityType et;
    et.name = name;
    et.annotations = decl.annotations;
    et.loc = decl.name.loc;
    et.enumIds = decl.enumIds;
    bool ok = true;
    for (const RawName &parent : decl.memberOfTypes) {
      if (auto p = resolveEntityTypeRef(parent, ns))
        et.memberOfTypes.push_back(*p);
      else
        ok = false;
    }
    sortUnique(et.memberOfTypes);
    if (decl.shape) {
      et.shape = convert(*decl.shape, ns);
      if (et.shape && !et.shape->isRecord()) {
        diags.error(DiagCode::SchemaNotRecord, decl.shape->loc,
                    "the shape of entity type " + tick(name) +
                        " is declared with a type other than `Record`")
            .help = "entity shapes must be records";
        et.shape = nullptr;
      }
      ok &= et.shape != nullptr;
    } else {
      et.shape = Type::getRecord({});
    }
    if (decl.tags) {
      et.tags = convert(*decl.tags, ns);
      ok &= et.tags != nullptr;
    }
    if (ok)
      out.entityTypes.emplace(name, std::move(et));
  }
}

void SchemaBuilder::buildActions() {
  for (const auto &[uid, declAndNs] : actionDecls) {
    const RawActionDecl &decl = *declAndNs.first;
    const std::string &ns = declAndNs.second;
    Action action;
    action.uid = uid;
    action.annotations = decl.annotations;
    action.loc = decl.name.loc;
    bool ok = true;
    for (const RawName &p : decl.principalTypes) {
      if (auto r = resolveEntityTypeRef(p, ns))
        action.principalTypes.push_back(*r);
      else
        ok = false;
    }
    for (const RawName &p : decl.resourceTypes) {
      if (auto r = resolveEntityTypeRef(p, ns))
        action.resourceTypes.push_back(*r);
      else
        ok = false;
    }
    sortUnique(action.principalTypes);
    sortUnique(action.resourceTypes);
    if (decl.context) {
      action.context = convert(*decl.context, ns);
      if (action.context && !action.context->isRecord()) {
        diags.error(DiagCode::SchemaNotRecord, decl.context->loc,
                    "the context of action " + tick(uid.str()) +
                        " is declared with a type other than `Record`")
            .help = "action contexts must be records";
        action.context = nullptr;
      }
      ok &= action.context != nullptr;
    } else {
      action.context = Type::getRecord({});
    }
    for (const RawActionRef &ref : decl.memberOf) {
      // `"id"` means `Action::"id"`; an unqualified type is looked up in the
      // enclosing namespace first, then in the empty namespace.
      std::string written = ref.type ? ref.type->text : "Action";
      llvm::SmallVector<std::string, 2> candidates;
      if (isQualified(written) || ns.empty())
        candidates.push_back(written);
      else {
        candidates.push_back(qualify(ns, written));
        candidates.push_back(written);
      }
      std::optional<ActionUid> found;
      for (const std::string &c : candidates)
        if (actionDefs.count(ActionUid{c, ref.id})) {
          found = ActionUid{c, ref.id};
          break;
        }
      if (!found) {
        diags.error(DiagCode::SchemaUndefinedAction, ref.loc,
                    "undeclared action " +
                        tick(ActionUid{written, ref.id}.str()))
            .help = "any actions appearing as parents need to be declared as "
                    "actions";
        ok = false;
        continue;
      }
      action.memberOf.push_back(*found);
    }
    std::sort(action.memberOf.begin(), action.memberOf.end());
    action.memberOf.erase(
        std::unique(action.memberOf.begin(), action.memberOf.end()),
        action.memberOf.end());
    if (ok)
      out.actions.emplace(uid, std::move(action));
  }
}

void SchemaBuilder::buildActionHierarchy() {
  // Depth-first search for cycles, then the transitive closure per action.
  enum class Mark { None, Active, Done };
  std::map<ActionUid, Mark> marks;
  bool cyclic = false;
  std::function<void(const ActionUid &)> visit = [&](const ActionUid &uid) {
    Mark &m = marks[uid];
    if (m == Mark::Done)
      return;
    if (m == Mark::Active) {
      if (!cyclic) {
        auto it = actionDecls.find(uid);
        diags.error(DiagCode::SchemaActionCycle,
                    it != actionDecls.end() ? it->second.first->name.loc
                                            : SourceRange(),
                    "cycle in action hierarchy containing " + tick(uid.str()))
            .help = "an action may not be a member of itself";
      }
      cyclic = true;
      return;
    }
    m = Mark::Active;
    if (const Action *a = out.getAction(uid))
      for (const ActionUid &p : a->memberOf)
        visit(p);
    marks[uid] = Mark::Done;
  };
  for (const auto &[uid, action] : out.actions)
    visit(uid);
  if (cyclic)
    return;
  for (auto &[uid, action] : out.actions) {
    std::set<ActionUid> seen;
    std::vector<ActionUid> work(action.memberOf.begin(), action.memberOf.end());
    while (!work.empty()) {
      ActionUid cur = work.back();
      work.pop_back();
      if (!seen.insert(cur).second)
        continue;
      if (const Action *p = out.getAction(cur))
        work.insert(work.end(), p->memberOf.begin(), p->memberOf.end());
    }
    action.ancestors.assign(seen.begin(), seen.end());
  }
}

void SchemaBuilder::buildEntityHierarchy() {
  // Cedar allows cycles among entity types; the closure simply saturates.
  for (auto &[name, et] : out.entityTypes) {
    std::set<std::string> seen;
    std::vector<std::string> work(et.memberOfTypes.begin(),
                                  et.memberOfTypes.end());
    while (!work.empty()) {
      std::string cur = work.back();
      work.pop_back();
      if (!seen.insert(cur).second)
        continue;
      if (const EntityType *p = out.getEntityType(cur))
        work.insert(work.end(), p->memberOfTypes.begin(),
                    p->memberOfTypes.end());
    }
    et.ancestorTypes.assign(seen.begin(), seen.end());
  }
}

std::optional<Schema> SchemaBuilder::run() {
  unsigned errorsBefore = diags.getNumErrors();
  collectDefinitions();
  checkShadowing();
  addBuiltins();
  out.actionTypes.assign(actionTypeDefs.begin(), actionTypeDefs.end());
  // Inline every common type, so unused ones are checked too.
  for (auto &[name, def] : commonDefs) {
    TypeRef t = getCommon(name, def.decl->name.loc);
    if (t)
      out.commonTypes.emplace(
          name, CommonType{name, t, def.decl->annotations, def.decl->name.loc});
  }
  buildEntityTypes();
  buildActions();
  buildActionHierarchy();
  buildEntityHierarchy();
  if (diags.getNumErrors() != errorsBefore)
    return std::nullopt;
  return std::move(out);
}

std::optional<Schema> resolveSchema(const RawSchema &raw,
                                    DiagnosticEngine &diags) {
  SchemaBuilder builder(raw, diags);
  return builder.run();
}

} // namespace larch::schema
