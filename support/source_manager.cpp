// Support: SourceManager. Line tables are built on first use, because most
// sources never produce a diagnostic.
#include "support/source_manager.h"

#include <algorithm>
#include <cassert>

namespace larch {

uint32_t SourceManager::addFile(std::string name, std::string text) {
  auto f = std::make_unique<File>();
  f->name = std::move(name);
  f->text = std::move(text);
  files.push_back(std::move(f));
  return static_cast<uint32_t>(files.size());
}

const SourceManager::File &SourceManager::get(uint32_t file) const {
  assert(file >= 1 && file <= files.size() && "invalid file id");
  return *files[file - 1];
}

llvm::StringRef SourceManager::getName(uint32_t file) const {
  return get(file).name;
}

llvm::StringRef SourceManager::getText(uint32_t file) const {
  return get(file).text;
}

const std::vector<uint32_t> &SourceManager::lineStarts(const File &f) const {
  if (f.lineStarts.empty()) {
    f.lineStarts.push_back(0);
    for (uint32_t i = 0; i < f.text.size(); ++i)
      if (f.text[i] == '\n')
        f.lineStarts.push_back(i + 1);
  }
  return f.lineStarts;
}

LineColumn SourceManager::getLineColumn(uint32_t file, uint32_t offset) const {
  const File &f = get(file);
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(f.text.size()));
  const auto &starts = lineStarts(f);
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - starts.begin()); // 1-based
  return {line, offset - starts[line - 1] + 1};
}

llvm::StringRef SourceManager::getLine(uint32_t file, uint32_t line) const {
  const File &f = get(file);
  const auto &starts = lineStarts(f);
  if (line == 0 || line > starts.size())
    return {};
  uint32_t begin = starts[line - 1];
  uint32_t end = line < starts.size() ? starts[line] - 1
                                      : static_cast<uint32_t>(f.text.size());
  llvm::StringRef text(f.text.data() + begin, end - begin);
  return text.rtrim("\r");
}

} // namespace larch
