// Validation phase: policy-level validation (see validate.h). The scope is
// rebuilt as an expression (`principal == E && action in [..] && ...`, as
// Cedar's `Template::condition` does) so the typechecker sees exactly what
// Cedar's does, then the condition is typed in every request environment.
#include "compiler/validate/validate.h"

#include "compiler/validate/schema_index.h"
#include "compiler/validate/typecheck.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace larch::validate {

namespace {

using schema::ActionUid;

/// Calls `onUid` for every entity literal and `onType` for every `is` type
/// name in `e` (depth is bounded by the parser's nesting limit).
template <typename UidFn, typename TypeFn>
void walk(const ast::Expr *e, UidFn &onUid, TypeFn &onType) {
  using namespace ast;
  switch (e->getKind()) {
  case ExprKind::BoolLit:
  case ExprKind::LongLit:
  case ExprKind::StringLit:
  case ExprKind::Var:
    return;
  case ExprKind::EntityLit:
    onUid(llvm::cast<EntityLit>(e)->getUid());
    return;
  case ExprKind::Unary:
    walk(llvm::cast<Unary>(e)->getOperand(), onUid, onType);
    return;
  case ExprKind::Binary:
    walk(llvm::cast<Binary>(e)->getLhs(), onUid, onType);
    walk(llvm::cast<Binary>(e)->getRhs(), onUid, onType);
    return;
  case ExprKind::If: {
    auto *i = llvm::cast<If>(e);
    walk(i->getCond(), onUid, onType);
    walk(i->getThen(), onUid, onType);
    walk(i->getElse(), onUid, onType);
    return;
  }
  case ExprKind::Has:
    walk(llvm::cast<Has>(e)->getObject(), onUid, onType);
    return;
  case ExprKind::Like:
    walk(llvm::cast<Like>(e)->getObject(), onUid, onType);
    return;
  case ExprKind::Is: {
    auto *i = llvm::cast<Is>(e);
    walk(i->getObject(), onUid, onType);
    onType(i->getType());
    if (i->getIn())
      walk(i->getIn(), onUid, onType);
    return;
  }
  case ExprKind::GetAttr:
    walk(llvm::cast<GetAttr>(e)->getObject(), onUid, onType);
    return;
  case ExprKind::MethodCall:
    walk(llvm::cast<MethodCall>(e)->getReceiver(), onUid, onType);
    for (const Expr *a : llvm::cast<MethodCall>(e)->getArgs())
      walk(a, onUid, onType);
    return;
  case ExprKind::Call:
    for (const Expr *a : llvm::cast<Call>(e)->getArgs())
      walk(a, onUid, onType);
    return;
  case ExprKind::SetLit:
    for (const Expr *a : llvm::cast<SetLit>(e)->getElements())
      walk(a, onUid, onType);
    return;
  case ExprKind::RecordLit:
    for (const RecordEntry &r : llvm::cast<RecordLit>(e)->getEntries())
      walk(r.value, onUid, onType);
    return;
  }
}

std::string closestName(llvm::StringRef name, llvm::ArrayRef<std::string> candidates) {
  std::string best;
  unsigned bestDist = ~0u;
  for (const std::string &c : candidates) {
    unsigned d = llvm::StringRef(c).edit_distance(name, true, 4);
    if (d < bestDist && d <= std::max<size_t>(1, name.size() / 3)) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

SourceRange joinRanges(SourceRange a, SourceRange b) {
  if (!a.isValid())
    return b;
  if (!b.isValid())
    return a;
  return {a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

class PolicyValidator {
public:
  PolicyValidator(const SchemaIndex &index, const ast::Policy &policy,
                  DiagnosticEngine &diags, const ValidateOptions &options)
      : index(index), schema(index.getSchema()), policy(policy), diags(diags),
        options(options) {}

  bool run() {
    unsigned before = diags.getNumErrors();
    checkNames();
    checkActionApplication();
    typecheckAllEnvironments();
    return diags.getNumErrors() == before;
  }

private:
  // ---- names -------------------------------------------------------------
  void checkType(const ast::Name &name) {
    std::string type = name.str();
    if (index.isKnownEntityType(type))
      return;
    std::string best = closestName(type, index.getEntityTypeNames());
    diags.error(DiagCode::ValidateUnknownEntityType, name.range,
                "entity type `" + escapeForMessage(type) + "` is not declared in the schema")
        .help = best.empty() ? "" : "did you mean `" + best + "`?";
  }

  void checkUid(const ast::EntityUid &uid) {
    checkType(uid.type);
    std::string type = uid.type.str();
    if (isActionTypeName(type)) {
      if (!schema.getAction(type, uid.id)) {
        std::vector<std::string> ids;
        for (const auto &[a, _] : schema.getActions())
          if (a.type == type)
            ids.push_back(a.id);
        std::string best = closestName(uid.id, ids);
        diags.error(DiagCode::ValidateUnknownAction, uid.range,
                    "action `" + escapeForMessage(type) + "::" +
                        schema::quoteString(uid.id) + "` is not declared in the schema")
            .help = best.empty() ? "" : "did you mean `" + type + "::" +
                                            schema::quoteString(best) + "`?";
      }
      return;
    }
    const schema::EntityType *ety = schema.getEntityType(type);
    if (ety && ety->isEnum()) {
      const auto &ids = *ety->enumIds;
      if (std::find(ids.begin(), ids.end(), uid.id.str()) == ids.end()) {
        std::string list;
        for (const std::string &id : ids)
          list += (list.empty() ? "" : ", ") + schema::quoteString(id);
        diags.error(DiagCode::ValidateInvalidEnumEntity, uid.range,
                    "`" + escapeForMessage(type) + "::" + schema::quoteString(uid.id) +
                        "` is not one of the enumerated ids of `" + escapeForMessage(type) + "`")
            .help = "the ids of `" + type + "` are " + list;
      }
    }
  }

  void checkNames() {
    auto scopeNames = [&](const ast::EntityScope &s) {
      if (s.op == ast::EntityScope::Op::Is || s.op == ast::EntityScope::Op::IsIn)
        checkType(s.type);
      if ((s.op == ast::EntityScope::Op::Eq || s.op == ast::EntityScope::Op::In ||
           s.op == ast::EntityScope::Op::IsIn) &&
          !s.target.isSlot)
        checkUid(s.target.uid);
    };
    scopeNames(policy.principal);
    for (const ast::EntityUid &u : policy.action.uids)
      checkUid(u);
    scopeNames(policy.resource);
    auto onUid = [&](const ast::EntityUid &u) { checkUid(u); };
    auto onType = [&](const ast::Name &n) { checkType(n); };
    for (const ast::Condition &c : policy.conditions)
      walk(c.body, onUid, onType);
  }

  // ---- scope -------------------------------------------------------------
  std::vector<const schema::Action *> getScopeActions() const {
    std::vector<const schema::Action *> out;
    switch (policy.action.op) {
    case ast::ActionScope::Op::Any:
      for (const auto &[uid, a] : schema.getActions())
        out.push_back(&a);
      break;
    case ast::ActionScope::Op::Eq:
      if (const schema::Action *a =
              schema.getAction(policy.action.uids[0].type.str(), policy.action.uids[0].id))
        out.push_back(a);
      break;
    case ast::ActionScope::Op::In:
    case ast::ActionScope::Op::InList: {
      std::vector<ActionUid> groups;
      for (const ast::EntityUid &u : policy.action.uids)
        groups.push_back({u.type.str(), u.id.str()});
      if (auto members = index.getActionsInSet(groups))
        for (const ActionUid &m : *members)
          if (const schema::Action *a = schema.getAction(m))
            out.push_back(a);
      break;
    }
    }
    return out;
  }

  std::set<std::string> getScopeTypes(const ast::EntityScope &s) const {
    std::set<std::string> out;
    const auto &all = index.getEntityTypeNames();
    switch (s.op) {
    case ast::EntityScope::Op::Any:
      out.insert(all.begin(), all.end());
      break;
    case ast::EntityScope::Op::Eq:
      if (s.target.isSlot)
        out.insert(all.begin(), all.end());
      else
        out.insert(s.target.uid.type.str());
      break;
    case ast::EntityScope::Op::In:
      if (s.target.isSlot) {
        out.insert(all.begin(), all.end());
      } else {
        for (std::string &t : index.getEntityTypesIn(s.target.uid.type.str()))
          out.insert(std::move(t));
      }
      break;
    case ast::EntityScope::Op::Is:
      if (index.isKnownEntityType(s.type.str()))
        out.insert(s.type.str());
      break;
    case ast::EntityScope::Op::IsIn:
      if (s.target.isSlot) {
        if (index.isKnownEntityType(s.type.str()))
          out.insert(s.type.str());
      } else {
        for (const std::string &t : index.getEntityTypesIn(s.target.uid.type.str()))
          if (t == s.type.str())
            out.insert(t);
      }
      break;
    }
    return out;
  }

public:
  /// Checks only what a link adds (Cedar's `validate_slots`); `policy` is
  /// the template with its slots replaced by the bound entities.
  bool runForLink(llvm::StringRef linkId,
                  llvm::ArrayRef<const ast::EntityUid *> boundUids) {
    unsigned before = diags.getNumErrors();
    for (const ast::EntityUid *u : boundUids) {
      std::string type = u->type.str();
      if (!index.isKnownEntityType(type))
        diags.error(DiagCode::ValidateUnknownEntityType, policy.range,
                    "link `" + escapeForMessage(linkId) + "` binds a slot to entity type `" +
                        escapeForMessage(type) + "`, which is not declared in the schema");
    }
    linkName = linkId.str();
    checkActionApplication();
    return diags.getNumErrors() == before;
  }

private:
  void checkActionApplication() {
    std::set<std::string> principals = getScopeTypes(policy.principal);
    std::set<std::string> resources = getScopeTypes(policy.resource);
    for (const schema::Action *a : getScopeActions()) {
      bool p = std::any_of(a->principalTypes.begin(), a->principalTypes.end(),
                           [&](const std::string &t) { return principals.count(t); });
      bool r = std::any_of(a->resourceTypes.begin(), a->resourceTypes.end(),
                           [&](const std::string &t) { return resources.count(t); });
      if (p && r)
        return;
    }
    SourceRange range = joinRanges(joinRanges(policy.principal.range, policy.action.range),
                                   policy.resource.range);
    if (!range.isValid())
      range = policy.range;
    diags.error(DiagCode::ValidateImpossibleScope, range,
                (linkName.empty() ? std::string()
                                  : "in link `" + escapeForMessage(linkName) + "`: ") +
                    "no action in the scope applies to the principal and resource types the "
                    "scope allows")
        .help = "check the action's `appliesTo` in the schema; a `==` that should be `in` "
                "(or the reverse) is a common cause";
  }

  // ---- typing ------------------------------------------------------------
  const ast::Expr *scopeTarget(const ast::ScopeTarget &t, ast::SlotKind which) {
    if (!t.isSlot)
      return ctx.make<ast::EntityLit>(t.range, t.uid);
    static const llvm::StringRef principalPath[] = {PrincipalSlotMarker};
    static const llvm::StringRef resourcePath[] = {ResourceSlotMarker};
    (void)which;
    ast::EntityUid uid;
    uid.type.path = t.slot == ast::SlotKind::Principal ? llvm::ArrayRef(principalPath)
                                                       : llvm::ArrayRef(resourcePath);
    uid.type.range = t.range;
    uid.range = t.range;
    return ctx.make<ast::EntityLit>(t.range, uid);
  }

  const ast::Expr *entityScopeExpr(const ast::EntityScope &s, ast::VarKind var,
                                   ast::SlotKind slot) {
    SourceRange r = s.range.isValid() ? s.range : policy.range;
    const ast::Expr *v = ctx.make<ast::Var>(r, var);
    switch (s.op) {
    case ast::EntityScope::Op::Any:
      return ctx.make<ast::BoolLit>(r, true);
    case ast::EntityScope::Op::Eq:
      return ctx.make<ast::Binary>(r, ast::BinaryOp::Eq, v, scopeTarget(s.target, slot));
    case ast::EntityScope::Op::In:
      return ctx.make<ast::Binary>(r, ast::BinaryOp::In, v, scopeTarget(s.target, slot));
    case ast::EntityScope::Op::Is:
      return ctx.make<ast::Is>(r, v, s.type, nullptr);
    case ast::EntityScope::Op::IsIn:
      return ctx.make<ast::Is>(r, v, s.type, scopeTarget(s.target, slot));
    }
    return nullptr;
  }

  const ast::Expr *actionScopeExpr() {
    const ast::ActionScope &s = policy.action;
    SourceRange r = s.range.isValid() ? s.range : policy.range;
    const ast::Expr *v = ctx.make<ast::Var>(r, ast::VarKind::Action);
    switch (s.op) {
    case ast::ActionScope::Op::Any:
      return ctx.make<ast::BoolLit>(r, true);
    case ast::ActionScope::Op::Eq:
      return ctx.make<ast::Binary>(r, ast::BinaryOp::Eq, v,
                                   ctx.make<ast::EntityLit>(s.uids[0].range, s.uids[0]));
    case ast::ActionScope::Op::In:
    case ast::ActionScope::Op::InList: {
      std::vector<const ast::Expr *> elems;
      for (const ast::EntityUid &u : s.uids)
        elems.push_back(ctx.make<ast::EntityLit>(u.range, u));
      const ast::Expr *set = ctx.make<ast::SetLit>(r, ctx.copy(llvm::ArrayRef(elems)));
      return ctx.make<ast::Binary>(r, ast::BinaryOp::In, v, set);
    }
    }
    return nullptr;
  }

  /// Cedar's `Template::condition`: scope && (when/unless clauses).
  const ast::Expr *buildCondition() {
    const ast::Expr *body = nullptr;
    for (size_t i = policy.conditions.size(); i-- > 0;) {
      const ast::Condition &c = policy.conditions[i];
      const ast::Expr *e = c.body;
      if (!c.isWhen)
        e = ctx.make<ast::Unary>(c.range, ast::UnaryOp::Not, e);
      body = body ? ctx.make<ast::Binary>(joinRanges(c.range, body->getRange()),
                                          ast::BinaryOp::And, e, body)
                  : e;
    }
    if (!body)
      body = ctx.make<ast::BoolLit>(policy.range, true);
    const ast::Expr *r = entityScopeExpr(policy.resource, ast::VarKind::Resource,
                                         ast::SlotKind::Resource);
    const ast::Expr *a = actionScopeExpr();
    const ast::Expr *p = entityScopeExpr(policy.principal, ast::VarKind::Principal,
                                         ast::SlotKind::Principal);
    const ast::Expr *rb = ctx.make<ast::Binary>(policy.range, ast::BinaryOp::And, r, body);
    const ast::Expr *arb = ctx.make<ast::Binary>(policy.range, ast::BinaryOp::And, a, rb);
    return ctx.make<ast::Binary>(policy.range, ast::BinaryOp::And, p, arb);
  }

  /// The types a slot may be linked to when its variable has type `var`
  /// (Cedar's `possible_slot_links`): "" when the slot is not used.
  std::vector<std::string> slotLinks(const ast::EntityScope &s, const std::string &var) const {
    bool usesSlot = (s.op == ast::EntityScope::Op::Eq || s.op == ast::EntityScope::Op::In ||
                     s.op == ast::EntityScope::Op::IsIn) &&
                    s.target.isSlot;
    if (!usesSlot)
      return {""};
    if (s.op == ast::EntityScope::Op::Eq)
      return {var};
    std::vector<std::string> out;
    for (const std::string &t : index.getEntityTypeNames())
      if (t != var && index.mayBeIn(var, t))
        out.push_back(t);
    out.push_back(var);
    return out;
  }

  void typecheckAllEnvironments() {
    const ast::Expr *condition = buildCondition();
    std::vector<TypeError> errors;
    bool allFalse = true;
    for (const auto &[uid, action] : schema.getActions()) {
      VTypeRef context = fromSchemaType(*action.context);
      for (const std::string &p : action.principalTypes)
        for (const std::string &r : action.resourceTypes)
          for (const std::string &ps : slotLinks(policy.principal, p))
            for (const std::string &rs : slotLinks(policy.resource, r)) {
              RequestEnv env{&action, p, r, context, ps, rs};
              Typechecker checker(index, env, errors);
              Answer a = checker.checkCondition(condition);
              if (!(a.type && a.type->getKind() == VKind::False))
                allFalse = false;
            }
    }
    std::set<std::tuple<unsigned, uint32_t, uint32_t, std::string>> seen;
    for (TypeError &e : errors) {
      if (!seen.insert({static_cast<unsigned>(e.code), e.range.begin, e.range.end, e.message})
               .second)
        continue;
      diags.error(e.code, e.range, std::move(e.message)).help = std::move(e.help);
    }
    if (allFalse && options.warnImpossiblePolicies)
      diags.warning(DiagCode::ValidateImpossiblePolicy,
                    joinRanges(policy.effectRange, policy.resource.range),
                    "policy `" + escapeForMessage(policy.id) +
                        "` can never apply to a request the schema allows");
  }

  const SchemaIndex &index;
  const schema::Schema &schema;
  const ast::Policy &policy;
  DiagnosticEngine &diags;
  const ValidateOptions &options;
  ast::Context ctx; ///< the scope rebuilt as expressions
  std::string linkName; ///< set when validating a link
};

/// Replaces a slot target by the bound entity (names saved in `ctx`).
void bindSlot(ast::EntityScope &scope, const std::optional<SlotBinding> &binding,
              ast::Context &ctx, std::vector<const ast::EntityUid *> &bound) {
  if (!scope.target.isSlot || !binding)
    return;
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(binding->type).split(parts, "::");
  for (llvm::StringRef &p : parts)
    p = ctx.save(p);
  scope.target.isSlot = false;
  scope.target.uid.type.path = ctx.copy(llvm::ArrayRef<llvm::StringRef>(parts));
  scope.target.uid.type.range = scope.target.range;
  scope.target.uid.id = ctx.save(binding->id);
  scope.target.uid.range = scope.target.range;
  bound.push_back(&scope.target.uid);
}

} // namespace

bool validatePolicy(const SchemaIndex &index, const ast::Policy &policy,
                    DiagnosticEngine &diags, const ValidateOptions &options) {
  return PolicyValidator(index, policy, diags, options).run();
}

bool validateLink(const SchemaIndex &index, const ast::Policy &templatePolicy,
                  llvm::StringRef linkId, const std::optional<SlotBinding> &principal,
                  const std::optional<SlotBinding> &resource, DiagnosticEngine &diags) {
  ast::Context ctx;
  ast::Policy linked = templatePolicy;
  std::vector<const ast::EntityUid *> bound;
  bindSlot(linked.principal, principal, ctx, bound);
  bindSlot(linked.resource, resource, ctx, bound);
  ValidateOptions options;
  return PolicyValidator(index, linked, diags, options).runForLink(linkId, bound);
}

bool validatePolicies(const schema::Schema &schema, const ast::PolicySet &set,
                      DiagnosticEngine &diags, const ValidateOptions &options) {
  SchemaIndex index(schema);
  bool ok = true;
  for (const ast::Policy &p : set.policies)
    ok = validatePolicy(index, p, diags, options) && ok;
  return ok;
}

} // namespace larch::validate
