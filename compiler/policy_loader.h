// Compiler phase, first step: turns policy paths or text into one ordered
// ast::PolicySet with ids assigned. Entry points: loadPolicyPaths,
// loadPolicyText, assignPolicyIds. Depends on grammar and support only.
#ifndef LARCH_COMPILER_POLICY_LOADER_H
#define LARCH_COMPILER_POLICY_LOADER_H

#include "grammar/ast.h"
#include "grammar/parse.h"
#include "support/diagnostic_engine.h"
#include "support/source_manager.h"

#include "llvm/ADT/ArrayRef.h"

#include <memory>
#include <string>
#include <vector>

namespace larch {

/// How policies get their ids.
enum class PolicyIdMode {
  /// `@id("...")` when present (as the Cedar CLI does), else `policyN`.
  Annotation,
  /// Always `policyN` by position, ignoring annotations (Cedar's corpus).
  Positional,
};

struct LoadOptions {
  PolicyIdMode idMode = PolicyIdMode::Annotation;
  ParseOptions parse;
};

/// A loaded policy set together with the arena its nodes live in.
struct LoadedPolicies {
  std::unique_ptr<ast::Context> context = std::make_unique<ast::Context>();
  ast::PolicySet set;
  /// The files read, in load order.
  std::vector<std::string> files;
};

/// Expands files and directories (recursively, `.cedar` files only) into a
/// sorted, de-duplicated list of files. Unreadable paths are reported.
std::vector<std::string> collectPolicyFiles(llvm::ArrayRef<std::string> paths,
                                            DiagnosticEngine &diags);

/// Reads and parses every policy file under `paths` in sorted path order, then
/// assigns ids. Returns true when there were no errors. Policies of files with
/// errors are still loaded where they parsed, so callers can report them all.
bool loadPolicyPaths(llvm::ArrayRef<std::string> paths, SourceManager &sm,
                     LoadedPolicies &out, DiagnosticEngine &diags,
                     const LoadOptions &options = {});

/// Parses one in-memory source named `name` and assigns ids.
bool loadPolicyText(llvm::StringRef name, llvm::StringRef text,
                    SourceManager &sm, LoadedPolicies &out,
                    DiagnosticEngine &diags, const LoadOptions &options = {});

/// Assigns Policy::id to every policy, in order, and reports duplicates.
/// Returns true when every id is unique and well-formed.
bool assignPolicyIds(std::vector<ast::Policy> &policies, PolicyIdMode mode,
                     DiagnosticEngine &diags);

} // namespace larch

#endif
