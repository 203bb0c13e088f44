// Compiler phase: policy loading and id assignment (see policy_loader.h).
#include "compiler/policy_loader.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>

namespace larch {

static bool isPolicyFile(llvm::StringRef path) {
  return llvm::sys::path::extension(path) == ".cedar";
}

std::vector<std::string> collectPolicyFiles(llvm::ArrayRef<std::string> paths,
                                            DiagnosticEngine &diags) {
  std::vector<std::string> files;
  for (const std::string &path : paths) {
    llvm::sys::fs::file_status status;
    if (std::error_code ec = llvm::sys::fs::status(path, status)) {
      diags.error(DiagCode::FileNotReadable, {},
                  "cannot read `" + path + "`: " + ec.message());
      continue;
    }
    if (!llvm::sys::fs::is_directory(status)) {
      files.push_back(path); // an explicit file counts whatever its extension
      continue;
    }
    size_t before = files.size();
    std::error_code ec;
    for (llvm::sys::fs::recursive_directory_iterator it(path, ec), end;
         it != end && !ec; it.increment(ec)) {
      if (it->type() != llvm::sys::fs::file_type::directory_file &&
          isPolicyFile(it->path()))
        files.push_back(it->path());
    }
    if (ec)
      diags.error(DiagCode::FileNotReadable, {},
                  "cannot read directory `" + path + "`: " + ec.message());
    else if (files.size() == before)
      diags.error(DiagCode::NoPolicyFiles, {},
                  "directory `" + path + "` holds no `.cedar` files");
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

static bool parseInto(SourceManager &sm, uint32_t file, LoadedPolicies &out,
                      DiagnosticEngine &diags, const LoadOptions &options) {
  return parsePolicies(sm, file, *out.context, out.set.policies, diags,
                       options.parse);
}

bool loadPolicyPaths(llvm::ArrayRef<std::string> paths, SourceManager &sm,
                     LoadedPolicies &out, DiagnosticEngine &diags,
                     const LoadOptions &options) {
  unsigned errorsBefore = diags.getNumErrors();
  for (const std::string &path : collectPolicyFiles(paths, diags)) {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      diags.error(DiagCode::FileNotReadable, {},
                  "cannot read `" + path + "`: " + buffer.getError().message());
      continue;
    }
    uint32_t file = sm.addFile(path, (*buffer)->getBuffer().str());
    out.files.push_back(path);
    parseInto(sm, file, out, diags, options);
  }
  assignPolicyIds(out.set.policies, options.idMode, diags);
  return diags.getNumErrors() == errorsBefore;
}

bool loadPolicyText(llvm::StringRef name, llvm::StringRef text,
                    SourceManager &sm, LoadedPolicies &out,
                    DiagnosticEngine &diags, const LoadOptions &options) {
  unsigned errorsBefore = diags.getNumErrors();
  uint32_t file = sm.addFile(name.str(), text.str());
  out.files.push_back(name.str());
  parseInto(sm, file, out, diags, options);
  assignPolicyIds(out.set.policies, options.idMode, diags);
  return diags.getNumErrors() == errorsBefore;
}

bool assignPolicyIds(std::vector<ast::Policy> &policies, PolicyIdMode mode,
                     DiagnosticEngine &diags) {
  bool ok = true;
  llvm::StringMap<size_t> seen; // id -> index of the first policy using it
  for (size_t i = 0; i < policies.size(); ++i) {
    ast::Policy &p = policies[i];
    SourceRange where = p.range;
    const ast::Annotation *idAnnotation =
        mode == PolicyIdMode::Annotation ? p.findAnnotation("id") : nullptr;
    if (idAnnotation) {
      where = idAnnotation->range;
      if (idAnnotation->value.empty()) {
        diags.error(DiagCode::DuplicatePolicyId, where,
                    "policy id given by `@id` must not be empty");
        ok = false;
      }
      p.id = idAnnotation->value.str();
    } else {
      p.id = "policy" + std::to_string(i);
    }
    auto [it, inserted] = seen.try_emplace(p.id, i);
    if (!inserted) {
      ok = false;
      Diagnostic &d = diags.error(DiagCode::DuplicatePolicyId, where,
                                  "duplicate policy id `" +
                                      escapeForMessage(p.id) + "`");
      d.notes.push_back("policy number " + std::to_string(it->second) +
                        " in load order already has this id");
      d.help = "give each policy a unique `@id(\"...\")` annotation";
    }
  }
  return ok;
}

} // namespace larch
