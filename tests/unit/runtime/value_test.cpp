// Runtime values: canonical sets and records, equality, ordering, text.
#include "runtime/value.h"

#include <gtest/gtest.h>

using namespace larch::runtime;
namespace ext = larch::ext;

TEST(ValueTest, SetsAreCanonical) {
  Value a = Value::set({Value::integer(2), Value::integer(1), Value::integer(2)});
  Value b = Value::set({Value::integer(1), Value::integer(2)});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.getSet().size(), 2u);
  EXPECT_TRUE(a.setContains(Value::integer(1)));
  EXPECT_FALSE(a.setContains(Value::string("1")));
  // Equal extension values collapse in a set, whatever their spelling.
  Value d = Value::set({Value::decimal(ext::Decimal::parse("1.0").value),
                        Value::decimal(ext::Decimal::parse("1.0000").value)});
  EXPECT_EQ(d.getSet().size(), 1u);
}

TEST(ValueTest, RecordsAreSortedAndStructural) {
  Value r = Value::recordFromEntries({{"b", Value::integer(1)}, {"a", Value::boolean(true)}});
  ASSERT_EQ(r.getRecord().size(), 2u);
  EXPECT_EQ(r.getRecord()[0].first, "a");
  EXPECT_EQ(*r.findField("b"), Value::integer(1));
  EXPECT_EQ(r.findField("c"), nullptr);
  EXPECT_EQ(r, Value::record({{"a", Value::boolean(true)}, {"b", Value::integer(1)}}));
  EXPECT_NE(r, Value::record({{"a", Value::boolean(true)}}));
}

TEST(ValueTest, DifferentKindsAreUnequal) {
  EXPECT_NE(Value::integer(1), Value::string("1"));
  EXPECT_NE(Value::boolean(false), Value::integer(0));
  EXPECT_NE(Value::entity("A", "x"), Value::entity("B", "x"));
  EXPECT_NE(Value::set({}), Value::record(std::map<std::string, Value>{}));
  EXPECT_NE(Value::datetime(ext::Datetime::fromMillis(5)),
            Value::duration(ext::Duration::fromMillis(5)));
}

TEST(ValueTest, OrderIsTotalAndConsistentWithEquality) {
  std::vector<Value> vs = {Value::boolean(true), Value::integer(-1), Value::string("a"),
                           Value::entity("A", "x"), Value::set({Value::integer(1)}),
                           Value::record({{"k", Value::integer(1)}}),
                           Value::ipaddr(ext::IpAddr::parse("10.0.0.1").value)};
  for (size_t i = 0; i < vs.size(); ++i)
    for (size_t j = 0; j < vs.size(); ++j) {
      int c = compareValues(vs[i], vs[j]);
      EXPECT_EQ(c == 0, vs[i] == vs[j]);
      EXPECT_EQ(c, -compareValues(vs[j], vs[i]));
    }
}

TEST(ValueTest, CedarText) {
  EXPECT_EQ(Value::string("a\"b\n").str(), "\"a\\\"b\\n\"");
  EXPECT_EQ(Value::entity("NS::User", "al\"ice").str(), "NS::User::\"al\\\"ice\"");
  EXPECT_EQ(Value::set({Value::integer(2), Value::integer(1)}).str(), "[1, 2]");
  EXPECT_EQ(Value::record({{"a", Value::boolean(false)}}).str(), "{\"a\": false}");
  EXPECT_EQ(Value::decimal(ext::Decimal::parse("1.5").value).str(), "decimal(\"1.5000\")");
  EXPECT_EQ(getValueKindName(ValueKind::IpAddr), "ipaddr");
  EXPECT_EQ(typeErrorMessage("long", Value::entity("User", "a")),
            "type error: expected long, got (entity of type `User`)");
}

TEST(ValueTest, ActionTypes) {
  EXPECT_TRUE(isActionType("Action"));
  EXPECT_TRUE(isActionType("NS::Action"));
  EXPECT_FALSE(isActionType("Actions"));
  EXPECT_FALSE(isActionType("Action::X"));
}

TEST(EvalResultTest, ValueOrError) {
  EvalResult ok = Value::integer(3);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.get(), Value::integer(3));
  EvalResult bad = EvalResult::error("boom");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.getError(), "boom");
}
