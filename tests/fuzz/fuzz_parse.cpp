// libFuzzer target for the policy parser and printer. For any input the parser
// must return (no crash, hang, leak or sanitizer report), and whatever parses
// must round-trip: equal(parse(print(p)), p).
#include "compiler/policy_loader.h"
#include "grammar/ast_printer.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>

using namespace larch;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) // bigger inputs only slow the search down
    return 0;
  FuzzedDataProvider provider(data, size);
  LoadOptions options;
  options.idMode = provider.ConsumeBool() ? PolicyIdMode::Positional
                                          : PolicyIdMode::Annotation;
  options.parse.maxNestingDepth = provider.ConsumeIntegralInRange<uint32_t>(1, 300);
  options.parse.maxErrors = provider.ConsumeIntegralInRange<uint32_t>(1, 60);
  std::string text = provider.ConsumeRemainingBytesAsString();

  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies first;
  loadPolicyText("fuzz.cedar", text, sm, first, diags, options);
  (void)formatDiagnostics(diags.getDiagnostics(), sm);
  if (first.set.policies.empty())
    return 0;

  // Round trip what parsed (ids may clash; only the parse matters here).
  std::string printed = ast::print(first.set);
  DiagnosticEngine diags2;
  LoadedPolicies second;
  LoadOptions positional = options;
  positional.idMode = PolicyIdMode::Positional;
  positional.parse.maxNestingDepth = 1000; // printing may add parentheses
  positional.parse.maxErrors = 50;
  if (!loadPolicyText("printed.cedar", printed, sm, second, diags2, positional) ||
      !ast::equal(first.set, second.set)) {
    std::fprintf(stderr, "round trip failed:\n--- input\n%s\n--- printed\n%s\n%s\n",
                 text.c_str(), printed.c_str(),
                 formatDiagnostics(diags2.getDiagnostics(), sm).c_str());
    std::abort();
  }
  return 0;
}
