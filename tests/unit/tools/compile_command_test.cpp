// `larch compile --dump` end to end: runs the built CLI on a policy file.
#include "testlib/run_cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

using larch::testlib::CliRun;

CliRun runLarch(const std::string &args) {
  return larch::testlib::runLarch("compile " + args);
}

std::string writePolicies(const std::string &name, const std::string &text) {
  std::string path = std::filesystem::temp_directory_path().string() + "/larch_compile_" +
                     std::to_string(::getpid()) + "_" + name + ".cedar";
  std::ofstream(path) << text;
  return path;
}

} // namespace

TEST(CompileCommandTest, DumpsSharedNodesAndPolicies) {
  std::string path = writePolicies(
      "ok", "permit(principal, action, resource) when { context.risk < 50 };\n"
            "forbid(principal, action, resource is Doc) unless { context.risk < 50 };\n");
  CliRun r = runLarch("--dump " + path);
  std::remove(path.c_str());
  EXPECT_EQ(r.exitCode, 0) << r.out;
  // One `lt` node serves both policies.
  size_t first = r.out.find("= lt ");
  ASSERT_NE(first, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("= lt ", first + 1), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("policy0 permit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("policy1 forbid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("resource is Doc"), std::string::npos) << r.out;
}

TEST(CompileCommandTest, ErrorsAndUsage) {
  std::string path = writePolicies("bad", "permit(principal, action);\n");
  CliRun bad = runLarch("--dump " + path);
  std::remove(path.c_str());
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_NE(bad.out.find("error:"), std::string::npos) << bad.out;
  EXPECT_EQ(runLarch("").exitCode, 2);
  EXPECT_EQ(runLarch("--bogus x").exitCode, 2);
  CliRun help = runLarch("--help");
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.out.find("usage: larch compile"), std::string::npos);
}

TEST(CompileCommandTest, DumpsTheDecisionIndex) {
  std::string path = writePolicies("index", R"(@id("any") permit(principal, action, resource);
@id("eq") permit(principal == User::"alice", action == Action::"read", resource);
@id("in") permit(principal in Group::"staff", action in [Action::"read", Action::"write"], resource);
@id("is") permit(principal is User, action in Action::"all", resource is Doc);
@id("isin") forbid(principal is User in Group::"staff", action, resource in Folder::"f");
@id("res") permit(principal, action, resource == Doc::"d1");
)");
  CliRun r = runLarch("--dump --only index " + path);
  EXPECT_EQ(r.exitCode, 0) << r.out;
  EXPECT_EQ(r.out, R"(index
  action == Action::"read"
    principal == User::"alice"
      resource any: eq
  action any
    principal any
      resource == Doc::"d1": res
      resource any: any
    principal is User
      in Group::"staff"
        resource in Folder::"f": isin
  action in Action::"all"
    principal is User
      (any)
        resource is Doc
          (any): is
  action in Action::"read"
    principal in Group::"staff"
      resource any: in
  action in Action::"write"
    principal in Group::"staff"
      resource any: in
)");
  // Every stage, under its heading.
  CliRun all = runLarch("--dump " + path);
  for (const char *heading : {"== ir ==\n", "== index ==\n", "== program ==\n"})
    EXPECT_NE(all.out.find(heading), std::string::npos) << heading;
  EXPECT_EQ(runLarch("--dump --only bogus " + path).exitCode, 2);
}
