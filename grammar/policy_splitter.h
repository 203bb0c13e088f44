// Grammar phase: the token pre-scan that runs before any parsing. Entry
// point: splitPolicies, which splits a file's tokens into policies (at `;`,
// and before an `@` or `permit(`/`forbid(` that cannot continue the current
// policy) so that each is parsed, and its errors recovered from, on its own;
// reports the first lexer error of each policy; and measures bracket and
// `if` nesting so that no deeper input reaches the recursive-descent parser.
// Depends on lexer.h, utf8.h and syntax_checks.h; never on ANTLR.
#ifndef LARCH_GRAMMAR_POLICY_SPLITTER_H
#define LARCH_GRAMMAR_POLICY_SPLITTER_H

#include "grammar/lexer.h"
#include "grammar/syntax_checks.h"
#include "grammar/utf8.h"
#include "support/source_manager.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <vector>

namespace larch {

/// One policy's tokens, [begin, end) in the token list.
struct PolicySegment {
  size_t begin = 0;
  size_t end = 0;
  /// The pre-scan found an error, to be reported in order with the others.
  bool failed = false;
  SyntaxProblem problem;
  SourceRange errorRange;
};

/// Splits `tokens` (of `text`, file `file`, without the end of input) into
/// policies; with `split` false the whole input is one segment. Empty
/// segments are dropped.
std::vector<PolicySegment> splitPolicies(llvm::ArrayRef<LexedToken> tokens,
                                         const CodePointOffsets &offsets, uint32_t file,
                                         llvm::StringRef text, uint32_t maxNestingDepth,
                                         bool split);

} // namespace larch

#endif
