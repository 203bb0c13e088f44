// Compiler phase (AST -> IR): the ir::Module's symbol tables and its
// hash-consed node store. Entry point: Module (see ir.h). Depends on
// runtime/value.h for Cedar's text form of entity uids only.
#include "compiler/ir/ir.h"

#include "runtime/value.h"

#include <cassert>

namespace larch::ir {

SymbolId Module::intern(llvm::StringMap<SymbolId> &ids,
                        std::vector<std::string> &names, llvm::StringRef s) {
  auto [it, inserted] = ids.try_emplace(s, static_cast<SymbolId>(names.size()));
  if (inserted)
    names.push_back(s.str());
  return it->second;
}

SymbolId Module::internEntity(llvm::StringRef type, llvm::StringRef id) {
  SymbolId t = internType(type);
  auto [it, inserted] = entityIds.try_emplace({t, id.str()},
                                              static_cast<SymbolId>(entities.size()));
  if (inserted)
    entities.push_back({t, id.str()});
  return it->second;
}

uint32_t Module::internPattern(std::vector<PatternElem> pattern) {
  // Key: each element as a tag byte, then for literals the length and bytes.
  std::string key;
  for (const PatternElem &e : pattern) {
    key += e.isWildcard ? '*' : 'L';
    if (!e.isWildcard) {
      key += std::to_string(e.literal.size()) + ':';
      key += e.literal;
    }
  }
  auto [it, inserted] =
      patternIds.try_emplace(key, static_cast<uint32_t>(patterns.size()));
  if (inserted)
    patterns.push_back(std::move(pattern));
  return it->second;
}

std::string Module::getEntityText(SymbolId s) const {
  const EntityUidSym &e = entities[s];
  return runtime::EntityUid{types[e.type], e.id}.str();
}

NodeId Module::makeNode(Op op, uint32_t payload, int64_t longValue,
                        llvm::ArrayRef<NodeId> ops, SourceRange range,
                        llvm::ArrayRef<SymbolId> keys) {
  assert((keys.empty() || keys.size() == ops.size()) && "one key per record value");
  // Fixed-width binary key: every field is a number, so no escaping needed.
  std::string key;
  auto put = [&key](const void *p, size_t n) {
    key.append(static_cast<const char *>(p), n);
  };
  uint32_t opNum = static_cast<uint32_t>(op);
  uint32_t n = static_cast<uint32_t>(ops.size());
  put(&opNum, 4);
  put(&payload, 4);
  put(&longValue, 8);
  put(&n, 4);
  for (NodeId x : ops)
    put(&x, 4);
  for (SymbolId k : keys)
    put(&k, 4);
  auto [it, inserted] = nodeIds.try_emplace(key, static_cast<NodeId>(nodes.size()));
  if (!inserted)
    return it->second;
  Node node;
  node.op = op;
  node.payload = payload;
  node.longValue = longValue;
  node.first = static_cast<uint32_t>(operands.size());
  node.count = n;
  node.keysFirst = static_cast<uint32_t>(recordKeys.size());
  node.range = range;
  operands.insert(operands.end(), ops.begin(), ops.end());
  recordKeys.insert(recordKeys.end(), keys.begin(), keys.end());
  nodes.push_back(node);
  return it->second;
}

} // namespace larch::ir
