// Grammar phase helper: shared wording of parse diagnostics (see
// syntax_messages.h). Depends on support for escaping user text.
#include "grammar/syntax_messages.h"

#include "support/diagnostic_engine.h"

namespace larch {

const char *const kScopeHelp = "policy scopes must contain a `principal`, `action`, and "
                               "`resource` element in that order";
const char *const kReservedHelp = "reserved identifiers are `true`, `false`, `if`, `then`, "
                                  "`else`, `in`, `has`, `like`, and `is`";

std::string snippet(llvm::StringRef text) {
  std::string s = escapeForMessage(text);
  if (s.size() > 60)
    s = s.substr(0, 57) + "...";
  return s;
}

std::string quoteSnippet(llvm::StringRef text) {
  std::string out = "`";
  out += snippet(text);
  out += '`';
  return out;
}

std::string listAlternatives(llvm::ArrayRef<std::string> words, size_t maxWords) {
  if (words.empty() || words.size() > maxWords)
    return {};
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i)
      out += words.size() == 2 ? " or " : (i + 1 == words.size() ? ", or " : ", ");
    out += words[i];
  }
  return out;
}

} // namespace larch
