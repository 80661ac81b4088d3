// Ed25519 key files, signing and verification; agent tokens.
#include "central/policy_signer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "test_support.h"

namespace central {
namespace {

using central_test::TempDir;

std::string ReadLine(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(PolicySignerTest, CreatesKeyFilesWithPrivateKeyMode0600) {
  TempDir dir;
  auto signer = PolicySigner::LoadOrCreate((dir.path() / "state").string());
  ASSERT_TRUE(signer.ok()) << signer.error();
  struct stat st {};
  ASSERT_EQ(stat((dir.path() / "state/policy.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ReadLine(dir.path() / "state/policy.pub"), signer.value().PublicKeyBase64());
  EXPECT_EQ(Base64Decode(ReadLine(dir.path() / "state/policy.pub")).value().size(), 32u);
  EXPECT_EQ(Base64Decode(ReadLine(dir.path() / "state/policy.key")).value().size(), 64u);
}

TEST(PolicySignerTest, SignatureVerifiesWithThePublishedKey) {
  TempDir dir;
  auto signer = PolicySigner::LoadOrCreate(dir.path().string());
  ASSERT_TRUE(signer.ok()) << signer.error();
  const std::string policy = R"({"version":3,"organization":"本庄市"})";
  const std::string sig = signer.value().Sign(policy);
  EXPECT_EQ(Base64Decode(sig).value().size(), 64u);
  const std::string pub = ReadLine(dir.path() / "policy.pub");
  EXPECT_TRUE(VerifyPolicySignature(policy, sig, pub));
  EXPECT_FALSE(VerifyPolicySignature(R"({"version":4,"organization":"本庄市"})", sig, pub));
  auto other = PolicySigner::LoadOrCreate((dir.path() / "other").string());
  EXPECT_FALSE(VerifyPolicySignature(policy, sig, other.value().PublicKeyBase64()));
  EXPECT_FALSE(VerifyPolicySignature(policy, "not base64!", pub));
}

TEST(PolicySignerTest, ReloadingGivesTheSameKey) {
  TempDir dir;
  auto first = PolicySigner::LoadOrCreate(dir.path().string());
  auto second = PolicySigner::LoadOrCreate(dir.path().string());
  ASSERT_TRUE(first.ok() && second.ok()) << second.error();
  EXPECT_EQ(first.value().PublicKeyBase64(), second.value().PublicKeyBase64());
  EXPECT_TRUE(
      VerifyPolicySignature("x", second.value().Sign("x"), first.value().PublicKeyBase64()));
}

TEST(PolicySignerTest, ReadableSecretKeyIsRefused) {
  TempDir dir;
  ASSERT_TRUE(PolicySigner::LoadOrCreate(dir.path().string()).ok());
  chmod((dir.path() / "policy.key").c_str(), 0644);
  auto r = PolicySigner::LoadOrCreate(dir.path().string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("chmod 600"), std::string::npos) << r.error();
}

TEST(PolicySignerTest, OnlyOneKeyFileIsRefused) {
  TempDir dir;
  ASSERT_TRUE(PolicySigner::LoadOrCreate(dir.path().string()).ok());
  std::filesystem::remove(dir.path() / "policy.pub");
  EXPECT_FALSE(PolicySigner::LoadOrCreate(dir.path().string()).ok());
}

TEST(PolicySignerTest, MismatchedKeyFilesAreRefused) {
  TempDir a, b;
  ASSERT_TRUE(PolicySigner::LoadOrCreate(a.path().string()).ok());
  ASSERT_TRUE(PolicySigner::LoadOrCreate(b.path().string()).ok());
  std::filesystem::copy_file(b.path() / "policy.pub", a.path() / "policy.pub",
                             std::filesystem::copy_options::overwrite_existing);
  auto r = PolicySigner::LoadOrCreate(a.path().string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("not one key pair"), std::string::npos) << r.error();
}

TEST(AgentTokenTest, FormatIsSgaAnd43Base64UrlCharacters) {
  const std::string token = NewAgentToken();
  EXPECT_TRUE(std::regex_match(token, std::regex("sga_[A-Za-z0-9_-]{43}"))) << token;
  EXPECT_NE(NewAgentToken(), token);
}

TEST(AgentTokenTest, HashIsHexSha256OfTheToken) {
  // SHA-256("abc"), FIPS 180-2 test vector.
  EXPECT_EQ(HashAgentToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(HashAgentToken("sga_a"), HashAgentToken("sga_b"));
}

TEST(Base64Test, RoundTripAndStrictDecoding) {
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64Decode("aGVsbG8=").value(), "hello");
  EXPECT_FALSE(Base64Decode("aGVsbG8").ok());
  EXPECT_FALSE(Base64Decode("aGVs*G8=").ok());
}

}  // namespace
}  // namespace central
