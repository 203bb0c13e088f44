// Tests for compiler/audit/digest.h: SHA-256 against the FIPS 180-2 test
// vectors, and the digest text form.
#include "compiler/audit/digest.h"

#include <gtest/gtest.h>

namespace larch::audit {
namespace {

TEST(Digest, Sha256KnownVectors) {
  EXPECT_EQ(sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256Hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                      "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Digest, BinaryInputAndPrefix) {
  std::string bytes("\0\xff\x80", 3);
  EXPECT_EQ(sha256Digest(bytes), "sha256:" + sha256Hex(bytes));
  EXPECT_TRUE(isDigest(sha256Digest(bytes)));
}

TEST(Digest, IsDigest) {
  EXPECT_TRUE(isDigest("sha256:" + std::string(64, '0')));
  EXPECT_FALSE(isDigest("sha256:" + std::string(63, '0')));
  EXPECT_FALSE(isDigest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(isDigest("sha512:" + std::string(64, '0')));
  EXPECT_FALSE(isDigest(std::string(64, '0')));
}

TEST(Digest, CanonicalDigestIgnoresKeyOrderAndWhitespace) {
  auto a = canonicalDigest(nlohmann::json::parse(R"({"b":1,"a":"x"})"));
  auto b = canonicalDigest(nlohmann::json::parse("{ \"a\" : \"x\",\n \"b\" : 1 }"));
  ASSERT_TRUE(bool(a));
  ASSERT_TRUE(bool(b));
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, sha256Digest(R"({"a":"x","b":1})"));
  auto bad = canonicalDigest(nlohmann::json::parse("[0.5]"));
  EXPECT_FALSE(bool(bad));
  llvm::consumeError(bad.takeError());
}

} // namespace
} // namespace larch::audit
