// The shared extension-function table (used by the evaluator and by JSON
// `__extn` escapes): lookup, arity and type errors, each function's result.
#include "runtime/extension_functions.h"

#include <gtest/gtest.h>

using namespace larch::runtime;
namespace ext = larch::ext;

namespace {

Value ip(const char *s) { return Value::ipaddr(ext::IpAddr::parse(s).value); }
Value dec(const char *s) { return Value::decimal(ext::Decimal::parse(s).value); }

} // namespace

TEST(ExtensionFunctionsTest, Lookup) {
  ASSERT_TRUE(lookupExtensionFunction("ip"));
  EXPECT_TRUE(lookupExtensionFunction("ip")->isConstructor);
  EXPECT_FALSE(lookupExtensionFunction("isInRange")->isConstructor);
  EXPECT_EQ(lookupExtensionFunction("contains"), nullptr); // built-in, not extension
  EXPECT_EQ(getConstructorFor(ValueKind::Duration)->name, "duration");
  EXPECT_EQ(getConstructorFor(ValueKind::Long), nullptr);
}

TEST(ExtensionFunctionsTest, CallsAndErrors) {
  EXPECT_EQ(callExtensionFunction("isIpv4", {ip("1.2.3.4")}).get(), Value::boolean(true));
  EXPECT_EQ(callExtensionFunction("lessThan", {dec("1.0"), dec("1.5")}).get(),
            Value::boolean(true));
  EvalResult r = callExtensionFunction("isIpv4", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.getError(), "wrong number of arguments to `isIpv4`: expected 1, got 0");
  r = callExtensionFunction("lessThan", {dec("1.0"), Value::integer(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.getError(), "type error: expected decimal, got long");
  r = callExtensionFunction("nope", {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.getError().find("unknown extension function `nope`"), std::string::npos);
  r = callExtensionFunction("ip", {Value::string("1.2.3")});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.getError().find("error while evaluating `ipaddr` extension function"),
            std::string::npos)
      << r.getError();
  r = callExtensionFunction("toDate", {Value::datetime(ext::Datetime::fromMillis(INT64_MIN))});
  ASSERT_FALSE(r.ok()) << r->str();
  EXPECT_EQ(callExtensionFunction("toDate", {Value::datetime(ext::Datetime::fromMillis(-1))})
                .get(),
            Value::datetime(ext::Datetime::fromMillis(-86400000)));
}
