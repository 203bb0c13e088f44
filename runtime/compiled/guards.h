//===- runtime/compiled/guards.h - Policy guards tested without the VM -----===//
//
// Phase: runtime (load time and evaluation).
//
// Most policies begin with a test of a variable's attribute: a comparison
// with a constant (`resource.sensitivity <= 2 && context.risk < 80`,
// `context.agent.delegation_depth > 4`, `context.now.toTime() < duration
// ("18h")`), `has`, `like`, `isInRange` of a constant range; or `in`,
// `==`, `<`, `<=` or `.contains()` between two values of the request
// (`principal in resource.team`, `resource.owner == principal`,
// `context.now < context.agent.approval.expires`). A guard
// is up to three such leading tests, read back from the policy's code at
// load time, each with the value that ends the policy (`a && b`: a false;
// `a || b`: a true; `unless`: either, negated). A
// decision tests a candidate's guard in place, without a call into the
// interpreter and its chain of dispatch jumps: when a test does not pass,
// or the guard is the whole condition and passes, the guard decides the
// policy.
// Anything else (an attribute missing, a value of another kind, more
// conditions after the guard) runs the policy's code as before, which
// makes the same tests again and so decides exactly as without the guard.
//
//===----------------------------------------------------------------------===//

#ifndef LARCH_RUNTIME_COMPILED_GUARDS_H
#define LARCH_RUNTIME_COMPILED_GUARDS_H

#include "runtime/compiled/pattern_match.h"
#include "runtime/compiled/prepared_request.h"
#include "runtime/compiled/program.h"
#include "runtime/compiled/val.h"
#include "runtime/extensions/ipaddr.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace larch::rt {

/// What a guard says of its policy. Holds: its tests all hold, and the
/// policy's code goes on from PolicyGuard::resume.
/// NotSatisfied and Satisfied come first: a decision tests `<= Satisfied`.
enum class GuardVerdict : uint8_t { NotSatisfied, Satisfied, Holds, Unknown };

/// Reads each policy's guard from its code into Program::getGuards() (one
/// per policy, with what a decision needs of its entry). Call after
/// Program::buildEntries.
void findGuards(Program &program);

/// The value of a variable, as the VM's Var pushes it: the entity of the
/// principal, action or resource, or the context.
inline Val getVarValue(const PreparedRequest &request, VarKind var) {
  switch (var) {
  case VarKind::Principal:
    return Val::entityId(request.getPrincipal());
  case VarKind::Action:
    return Val::entityId(request.getAction());
  case VarKind::Resource:
    return Val::entityId(request.getResource());
  case VarKind::Context:
    break;
  }
  return request.getContext();
}

/// A side of an In or Same test: `var.attr`, or the variable itself (in
/// `self`) when `attr` is GuardTest::Itself; null when the attribute is
/// missing.
[[gnu::always_inline]] inline const Val *getSide(const PreparedRequest &request, unsigned var,
                                                 uint32_t attr,
                                                 const llvm::ArrayRef<Field> (&varAttrs)[4],
                                                 FieldHints &hints, Val &self) {
  if (attr != GuardTest::Itself)
    return hints.find(varAttrs[var], attr);
  self = getVarValue(request, static_cast<VarKind>(var));
  return &self;
}

/// The value a test of one attribute reads (`var.attr`, or with `nested`
/// `var.attr.attr2`), null when the last attribute is missing; false when
/// the code must decide (the record holding a nested attribute missing, or
/// not a record: an entity's attribute is the code's to read).
[[gnu::always_inline]] inline bool findTested(const GuardTest &t,
                                              const llvm::ArrayRef<Field> (&varAttrs)[4],
                                              FieldHints &hints, const Val *&f) {
  f = hints.find(varAttrs[t.var], t.attr);
  if (t.nested) {
    if (!f || f->kind != Kind::Record)
      return false;
    f = hints.find(f->getRecord(), t.attr2);
  }
  return true;
}

/// A `like`, `isInRange`, `toTime()` or Paths test (out of line, to keep
/// testGuard's loop small): 1 if the operation holds, 0 if not, -1 if the
/// code must decide (a missing attribute, a value of another kind: the
/// code words the error).
int testOtherForm(const Program &program, const World &world, const GuardTest &t,
                  const llvm::ArrayRef<Field> (&varAttrs)[4], FieldHints &hints);

/// The guard's verdict, given the attributes of each variable (ORDER
/// VarKind; empty when a variable has none). The context must be a record.
/// A test computes its form (GuardTest::Form) in a few cases, so that a
/// decision's chain of tests takes few branches.
[[gnu::always_inline]] inline GuardVerdict testGuard(const Program &program, const World &world,
                                                     const PolicyGuard &g,
                                                     const llvm::ArrayRef<Field> (&varAttrs)[4],
                                                     FieldHints &hints) {
  const GuardTest *t = g.tests, *end = g.tests + g.numTests;
  for (; t != end; ++t) {
    bool outcome;
    const GuardTest::Form form = t->form;
    if (form <= GuardTest::Form::Has) {
      // A comparison with a number, or `has`: the commonest tests, inline.
      // findTested's steps, written out: calling it here, the compiler laid
      // the loop out worse (N = 100, 1,000 shuffled requests: 249 against
      // 240 ns per decision, median of seven).
      const Val *f = hints.find(varAttrs[t->var], t->attr);
      if (t->nested) {
        // A missing attribute is the code's error to word; an entity's
        // attribute is the code's to read.
        if (!f || f->kind != Kind::Record)
          return GuardVerdict::Unknown;
        f = hints.find(f->getRecord(), t->attr2);
      }
      if (form == GuardTest::Form::Has) {
        // An entity without the attribute, or without a record, has not got it.
        outcome = f != nullptr;
      } else {
        if (!f)
          return GuardVerdict::Unknown;
        const int64_t n = program.getGuardNumbers()[t->operand].value;
        if (form == GuardTest::Form::Below) {
          if (f->kind != t->kind)
            return GuardVerdict::Unknown; // a type error
          outcome = f->i < n;
        } else {
          // Values of different kinds are unequal (never an error).
          outcome = (f->kind == Kind::Long) & (f->i == n);
        }
      }
    } else if (form >= GuardTest::Form::In) {
      // Between two values of the request (`principal in resource.team`,
      // `resource.owner == principal`): inline, the paper scenarios'
      // commonest tests.
      Val leftSelf, rightSelf;
      const Val *left = getSide(world.getRequest(), t->var, t->attr, varAttrs, hints, leftSelf);
      const Val *right =
          getSide(world.getRequest(), t->var2, t->attr2, varAttrs, hints, rightSelf);
      if (!left || !right)
        return GuardVerdict::Unknown;
      if (form == GuardTest::Form::Same) {
        outcome = equalVals(*left, *right); // never an error, as Cedar's `==`
      } else {
        // A set on the right of `in`, or no entity: the code's to decide.
        if (left->kind != Kind::Entity || right->kind != Kind::Entity)
          return GuardVerdict::Unknown;
        outcome = world.isIn(left->entity, right->entity); // reflexive, as Cedar's
      }
    } else {
      const int other = testOtherForm(program, world, *t, varAttrs, hints);
      if (other < 0)
        return GuardVerdict::Unknown;
      outcome = other;
    }
    // The code from a test's ending value to the policy's Return cannot
    // err (it only stores, negates and branches on it).
    if (outcome == static_cast<bool>(t->endsWhen))
      return t->failSatisfies ? GuardVerdict::Satisfied : GuardVerdict::NotSatisfied;
  }
  return g.isWhole ? GuardVerdict::Satisfied : GuardVerdict::Holds;
}

} // namespace larch::rt

#endif // LARCH_RUNTIME_COMPILED_GUARDS_H
