// Agents: checking and reading agent annotations (see annotations.h).
#include "compiler/agent/annotations.h"

#include "runtime/extensions/datetime.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>

namespace larch::agent {

namespace {

constexpr llvm::StringLiteral MaxTtl = "max_credential_ttl";
constexpr llvm::StringLiteral Scopes = "credential_scopes";
constexpr llvm::StringLiteral Approval = "approval_required";
constexpr llvm::StringLiteral LogContext = "log_context";

/// Splits at ASCII whitespace, dropping empty pieces.
llvm::SmallVector<llvm::StringRef, 4> splitWords(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef, 4> words;
  while (true) {
    text = text.ltrim(" \t\r\n");
    if (text.empty())
      return words;
    size_t end = text.find_first_of(" \t\r\n");
    words.push_back(text.take_front(end));
    text = text.drop_front(std::min(end, text.size()));
  }
}

bool isIdentifier(llvm::StringRef s) {
  if (s.empty() || !(llvm::isAlpha(s[0]) || s[0] == '_'))
    return false;
  return llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// The TTL in milliseconds, or a reason it is not a positive duration.
bool parseTtl(llvm::StringRef text, int64_t &millis, std::string &why) {
  auto d = ext::Duration::parse(text);
  if (!d.ok()) {
    why = "is not a Cedar duration such as \"15m\" or \"1h30m\"";
    return false;
  }
  millis = d.value.toMilliseconds();
  if (millis < ext::Duration::MillisPerSecond) {
    why = millis <= 0 ? "is not a positive duration" : "is shorter than one second";
    return false;
  }
  return true;
}

void checkPolicy(const ast::Policy &policy, DiagnosticEngine &diags) {
  bool isForbid = policy.effect == ast::Effect::Forbid;
  for (const ast::Annotation &a : policy.annotations) {
    bool ttl = a.key == MaxTtl, scopes = a.key == Scopes, approval = a.key == Approval,
         logContext = a.key == LogContext;
    if (!ttl && !scopes && !approval && !logContext)
      continue;
    std::string name = "`@" + a.key.str() + "`";
    if ((ttl || scopes) && isForbid) {
      diags.error(DiagCode::AgentAnnotationMisplaced, a.range,
                  name + " on a forbid policy")
          .help = "credential obligations come from the permits that allow a call";
      continue;
    }
    if (approval && !isForbid) {
      diags.error(DiagCode::AgentAnnotationMisplaced, a.range,
                  name + " on a permit policy")
          .help = "`@approval_required` marks a forbid that an approval can lift";
      continue;
    }
    std::string value = "\"" + escapeForMessage(a.value) + "\"";
    if (ttl) {
      int64_t millis = 0;
      std::string why;
      if (!parseTtl(a.value, millis, why))
        diags.error(DiagCode::AgentAnnotationInvalid, a.range, name + " value " + value + " " + why)
            .help = "write a positive Cedar duration such as \"15m\" or \"1h30m\"";
    } else if (scopes) {
      if (splitWords(a.value).empty())
        diags.error(DiagCode::AgentAnnotationInvalid, a.range, name + " has no scope")
            .help = "list the scopes separated by spaces, e.g. \"repo:read repo:write\"";
    } else if (approval) {
      if (a.value.trim(" \t\r\n").empty())
        diags.error(DiagCode::AgentAnnotationInvalid, a.range, name + " does not say who may approve")
            .help = "name the approvers, e.g. @approval_required(\"release-managers\")";
    } else {
      auto keys = splitWords(a.value);
      if (keys.empty())
        diags.error(DiagCode::AgentAnnotationInvalid, a.range, name + " names no context key")
            .help = "list top-level context keys separated by spaces, e.g. \"risk amount_cents\"";
      for (llvm::StringRef k : keys)
        if (!isIdentifier(k)) {
          diags.error(DiagCode::AgentAnnotationInvalid, a.range,
                      name + " key `" + escapeForMessage(k) + "` is not an identifier")
              .help = "list top-level context keys separated by spaces, e.g. \"risk amount_cents\"";
          break;
        }
    }
  }
}

std::vector<std::string> sortedUnique(llvm::ArrayRef<llvm::StringRef> words) {
  std::vector<std::string> out(words.begin(), words.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace

bool checkAgentAnnotations(const ast::PolicySet &set, DiagnosticEngine &diags) {
  unsigned before = diags.getNumErrors();
  for (const ast::Policy &p : set.policies)
    checkPolicy(p, diags);
  return diags.getNumErrors() == before;
}

PolicyAnnotations readAgentAnnotations(const ast::Policy &policy) {
  PolicyAnnotations out;
  bool isForbid = policy.effect == ast::Effect::Forbid;
  for (const ast::Annotation &a : policy.annotations) {
    if (a.key == MaxTtl && !isForbid) {
      int64_t millis = 0;
      std::string why;
      if (parseTtl(a.value, millis, why))
        out.maxCredentialTtlSeconds = millis / ext::Duration::MillisPerSecond;
    } else if (a.key == Scopes && !isForbid) {
      out.credentialScopes = sortedUnique(splitWords(a.value));
    } else if (a.key == Approval && isForbid) {
      out.approvers = a.value.trim(" \t\r\n").str();
      out.approvalRequired = !out.approvers.empty();
    } else if (a.key == LogContext) {
      for (llvm::StringRef k : splitWords(a.value))
        if (std::find(out.logContext.begin(), out.logContext.end(), k) == out.logContext.end())
          out.logContext.push_back(k.str());
    }
  }
  return out;
}

} // namespace larch::agent
