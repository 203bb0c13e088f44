// Support: owns the text of every loaded source and maps byte offsets to
// line and column lazily, only when a diagnostic is printed.
// Depends on nothing but LLVM ADT.
#ifndef LARCH_SUPPORT_SOURCE_MANAGER_H
#define LARCH_SUPPORT_SOURCE_MANAGER_H

#include "larch/diagnostic.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace larch {

/// A 1-based line and column (column counted in bytes).
struct LineColumn {
  uint32_t line = 0;
  uint32_t column = 0;
};

/// Holds the sources of one session. File ids start at 1 (0 = no file).
/// Buffers are stable: StringRefs into a file's text live as long as the manager.
class SourceManager {
public:
  /// Adds a buffer and returns its id. `name` is what diagnostics print.
  uint32_t addFile(std::string name, std::string text);

  llvm::StringRef getName(uint32_t file) const;
  llvm::StringRef getText(uint32_t file) const;
  size_t getNumFiles() const { return files.size(); }

  /// Line and column of a byte offset (offsets past the end clamp to it).
  LineColumn getLineColumn(uint32_t file, uint32_t offset) const;
  /// The text of line `line` (1-based), without its newline.
  llvm::StringRef getLine(uint32_t file, uint32_t line) const;

private:
  struct File {
    std::string name;
    std::string text;
    mutable std::vector<uint32_t> lineStarts; // computed on first use
  };
  const File &get(uint32_t file) const;
  const std::vector<uint32_t> &lineStarts(const File &f) const;

  std::vector<std::unique_ptr<File>> files;
};

} // namespace larch

#endif
