// Validation phase: typing of method calls, tags and extension functions
// (part of the Typechecker, see typecheck.h).
#include "compiler/validate/typecheck_support.h"

#include "runtime/extensions/datetime.h"
#include "runtime/extensions/decimal.h"
#include "runtime/extensions/ipaddr.h"

namespace larch::validate {

using namespace detail;
using schema::ExtensionKind;

namespace {


// Extension functions: argument and result types (Cedar's extension schemas).
struct ExtSignature {
  llvm::StringRef name;
  bool isMethod;
  std::vector<ExtensionKind> args; // a constructor takes one String instead
  bool constructor;
  enum class Result { Ext, Bool, Long } result;
  ExtensionKind resultExt;
};

const std::vector<ExtSignature> &getExtSignatures() {
  using R = ExtSignature::Result;
  using K = ExtensionKind;
  static const std::vector<ExtSignature> sigs = {
      {"decimal", false, {}, true, R::Ext, K::Decimal},
      {"ip", false, {}, true, R::Ext, K::IpAddr},
      {"datetime", false, {}, true, R::Ext, K::Datetime},
      {"duration", false, {}, true, R::Ext, K::Duration},
      {"lessThan", true, {K::Decimal, K::Decimal}, false, R::Bool, K::Decimal},
      {"lessThanOrEqual", true, {K::Decimal, K::Decimal}, false, R::Bool, K::Decimal},
      {"greaterThan", true, {K::Decimal, K::Decimal}, false, R::Bool, K::Decimal},
      {"greaterThanOrEqual", true, {K::Decimal, K::Decimal}, false, R::Bool, K::Decimal},
      {"isIpv4", true, {K::IpAddr}, false, R::Bool, K::IpAddr},
      {"isIpv6", true, {K::IpAddr}, false, R::Bool, K::IpAddr},
      {"isLoopback", true, {K::IpAddr}, false, R::Bool, K::IpAddr},
      {"isMulticast", true, {K::IpAddr}, false, R::Bool, K::IpAddr},
      {"isInRange", true, {K::IpAddr, K::IpAddr}, false, R::Bool, K::IpAddr},
      {"offset", true, {K::Datetime, K::Duration}, false, R::Ext, K::Datetime},
      {"durationSince", true, {K::Datetime, K::Datetime}, false, R::Ext, K::Duration},
      {"toDate", true, {K::Datetime}, false, R::Ext, K::Datetime},
      {"toTime", true, {K::Datetime}, false, R::Ext, K::Duration},
      {"toMilliseconds", true, {K::Duration}, false, R::Long, K::Duration},
      {"toSeconds", true, {K::Duration}, false, R::Long, K::Duration},
      {"toMinutes", true, {K::Duration}, false, R::Long, K::Duration},
      {"toHours", true, {K::Duration}, false, R::Long, K::Duration},
      {"toDays", true, {K::Duration}, false, R::Long, K::Duration},
  };
  return sigs;
}

/// Why the constructor literal `text` does not parse, or "".
std::string checkConstructorLiteral(ExtensionKind kind, llvm::StringRef text) {
  ext::ExtError err;
  switch (kind) {
  case ExtensionKind::Decimal:
    err = ext::Decimal::parse(text).error;
    break;
  case ExtensionKind::IpAddr:
    err = ext::IpAddr::parse(text).error;
    break;
  case ExtensionKind::Datetime:
    err = ext::Datetime::parse(text).error;
    break;
  case ExtensionKind::Duration:
    err = ext::Duration::parse(text).error;
    break;
  }
  return err.isError() ? ext::getExtErrorMessage(err, text) : std::string();
}

} // namespace

Answer Typechecker::checkMethod(const ast::MethodCall *e, const Caps &prior) {
  llvm::StringRef m = e->getMethod();
  const ast::Expr *recv = e->getReceiver();
  if (m == "contains" || m == "containsAll" || m == "containsAny") {
    Answer s = expect(recv, VType::getSet(nullptr), prior,
                      "`contains` works on sets; for entities use `in`, for strings `like`");
    Answer x = m == "contains"
                   ? check(e->getArgs()[0], prior)
                   : expect(e->getArgs()[0], VType::getSet(nullptr), prior);
    Answer out = success(VType::getBool());
    VTypeRef a = m == "contains" ? (s.type ? s.type->getElement() : nullptr) : s.type;
    if (a && x.type && !leastUpperBound(a, x.type)) {
      error(DiagCode::ValidateIncompatibleTypes, e->getRange(),
            "`" + m.str() + "` compares `" + a->str() + "` with `" + x.type->str() +
                "`, which have no common type",
            "in strict validation the elements compared must have the same type");
      out.ok = false;
    }
    return after(s, after(x, std::move(out)));
  }
  if (m == "isEmpty") {
    Answer s = expect(recv, VType::getSet(nullptr), prior);
    return after(s, success(VType::getBool()));
  }
  if (m == "getTag" || m == "hasTag")
    return checkTag(e, m == "getTag", prior);
  llvm::SmallVector<const ast::Expr *> args;
  args.push_back(recv);
  args.append(e->getArgs().begin(), e->getArgs().end());
  return checkExtension(m, args, e->getRange(), prior);
}

Answer Typechecker::checkTag(const ast::MethodCall *e, bool isGet, const Caps &prior) {
  Answer obj = expect(e->getReceiver(), VType::getAnyEntity(), prior);
  Answer key = expect(e->getArgs()[0], VType::getString(), prior);
  if (!obj.type || !key.type)
    return failure(isGet ? nullptr : VType::getBool());
  std::vector<VTypeRef> tagTypes;
  if (obj.type->getKind() == VKind::Entity) {
    if (VTypeRef t = index.getTagType(obj.type->getEntityName()))
      tagTypes.push_back(t);
  } else {
    tagTypes = index.getAllTagTypes();
  }
  std::string cap = tagCap(keyOf(e->getReceiver()), keyOf(e->getArgs()[0]));
  bool guarded = prior.count(cap) != 0;
  if (!isGet) {
    VTypeRef t = tagTypes.empty() ? VType::getFalse()
                 : guarded        ? VType::getTrue()
                                  : VType::getBool();
    return after(obj, after(key, success(t, {cap})));
  }
  if (!guarded) {
    error(DiagCode::ValidateUnsafeTagAccess, e->getRange(),
          "a tag of " + describe(*obj.type) + " is read without checking that it exists",
          "guard the read with `.hasTag(...)` on the same entity and key, e.g. "
          "`e.hasTag(k) && e.getTag(k) ...`");
    return failure(nullptr);
  }
  if (tagTypes.empty()) {
    error(DiagCode::ValidateNoTags, e->getRange(),
          describe(*obj.type) + " has no tags");
    return failure(nullptr);
  }
  VTypeRef t = lub(tagTypes, e->getRange(), "the tags of the entity types");
  if (!t)
    return failure(nullptr);
  return after(obj, after(key, success(t)));
}

Answer Typechecker::checkExtension(llvm::StringRef name, llvm::ArrayRef<const ast::Expr *> args,
                                   SourceRange range, const Caps &prior) {
  const auto &sigs = getExtSignatures();
  auto it = std::find_if(sigs.begin(), sigs.end(),
                         [&](const ExtSignature &s) { return s.name == name; });
  if (it == sigs.end()) {
    error(DiagCode::ValidateUnknownFunction, range,
          "`" + escapeForMessage(name) + "` is not an extension function");
    for (const ast::Expr *a : args)
      check(a, prior);
    return failure(nullptr);
  }
  const ExtSignature &sig = *it;
  VTypeRef ret = sig.result == ExtSignature::Result::Bool   ? VType::getBool()
                 : sig.result == ExtSignature::Result::Long ? VType::getLong()
                                                            : VType::getExtension(sig.resultExt);
  size_t wantArgs = sig.constructor ? 1 : sig.args.size();
  bool failed = false;
  if (args.size() != wantArgs) {
    error(DiagCode::ValidateUnexpectedType, range,
          "`" + name.str() + "` takes " + std::to_string(wantArgs) + " argument(s), given " +
              std::to_string(args.size()));
    failed = true;
  }
  if (sig.constructor && !args.empty()) {
    if (auto *s = llvm::dyn_cast<ast::StringLit>(args[0])) {
      std::string why = checkConstructorLiteral(sig.resultExt, s->getValue());
      if (!why.empty()) {
        error(DiagCode::ValidateInvalidExtensionArgument, range, why);
        failed = true;
      }
    }
    if (!std::all_of(args.begin(), args.end(), isLiteral)) {
      error(DiagCode::ValidateNonLiteralExtension, range,
            "`" + name.str() + "` must be called with a literal string",
            "strict validation checks extension values when policies load, so their text "
            "must be written in the policy");
      failed = true;
    }
  }
  if (failed) {
    for (const ast::Expr *a : args)
      check(a, prior);
    return failure(ret);
  }
  bool ok = true;
  for (size_t i = 0; i < args.size(); ++i) {
    VTypeRef want = sig.constructor ? VType::getString() : VType::getExtension(sig.args[i]);
    Answer a = expect(args[i], want, prior);
    ok = ok && a.ok;
  }
  Answer out = success(ret);
  out.ok = ok;
  return out;
}

} // namespace larch::validate
