// Signed policy updates: only a policy signed with the pinned key, valid, consistent and
// newer is adopted; anything else leaves the policy in force where it is.
#include "agent/policy_updater.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "agent/outbox.h"
#include "doccheck/report_format.h"
#include "mailcheck/policy.h"

namespace agent {
namespace {

namespace fs = std::filesystem;

std::string Base64(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string PolicyText(int version) {
  return std::regex_replace(std::string(mailcheck::DefaultPolicyJson()),
                            std::regex("\"version\": *1"),
                            "\"version\": " + std::to_string(version));
}

struct KeyPair {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  KeyPair() { crypto_sign_keypair(pk, sk); }
  std::string Public() const { return std::string(reinterpret_cast<const char*>(pk), sizeof pk); }
  std::string Sign(const std::string& text) const {
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(text.data()),
                         text.size(), sk);
    return Base64(sig, sizeof sig);
  }
};

std::string Envelope(int version, const std::string& text, const std::string& signature) {
  std::string out = "{\"version\":" + std::to_string(version) + ",\"policy\":";
  doccheck::AppendJsonString(text, &out);
  out += ",\"signature\":\"" + signature + "\",\"published_at\":\"2026-11-29T14:00:00Z\"}";
  return out;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class PolicyUpdaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    dir_ = fs::temp_directory_path() /
           ("sendguard_policy_updater_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto box = Outbox::Open((dir_ / "outbox").string());
    ASSERT_TRUE(box.ok());
    outbox_ = std::move(box).value();
    updater_ =
        std::make_unique<PolicyUpdater>(store_, key_.Public(), dir_.string(),
                                        EventContext{"u", "h", "0.1.0"}, outbox_.get(), nullptr);
  }
  void TearDown() override {
    updater_.reset();
    outbox_.reset();
    fs::remove_all(dir_);
  }
  std::string Kinds() {
    std::string kinds;
    for (const auto& item : outbox_->NextBatch()) {
      const std::size_t at = item.json.find("\"kind\":\"") + 8;
      kinds += item.json.substr(at, item.json.find('"', at) - at) + " ";
    }
    return kinds;
  }
  // Expects `envelope` to be refused with an error containing `why`, nothing saved.
  void ExpectRefused(const std::string& envelope, const std::string& why) {
    const int before = store_.Get()->version();
    const mailcheck::Status s = updater_->Apply(envelope);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find(why), std::string::npos) << s.message();
    EXPECT_EQ(store_.Get()->version(), before);
    EXPECT_EQ(Kinds(), "policy_rejected ");
  }

  fs::path dir_;
  KeyPair key_;
  PolicyStore store_{mailcheck::DefaultPolicy()};
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<PolicyUpdater> updater_;
};

TEST_F(PolicyUpdaterTest, GoodSignatureAndNewerVersionIsAdoptedAndSaved) {
  const std::string text = PolicyText(2);
  ASSERT_TRUE(updater_->Apply(Envelope(2, text, key_.Sign(text))).ok());
  EXPECT_EQ(store_.Get()->version(), 2);
  EXPECT_EQ(Read(dir_ / "policy.json"), text);
  EXPECT_EQ(Read(dir_ / "policy.json.sig"), key_.Sign(text) + "\n");
  EXPECT_FALSE(fs::exists(dir_ / "policy.json.tmp"));
  EXPECT_EQ(Kinds(), "policy_updated ");
}

TEST_F(PolicyUpdaterTest, TamperedPolicyByteIsRefused) {
  const std::string text = PolicyText(2);
  std::string tampered = text;
  tampered[tampered.find("city.honjo")] = 'x';  // another internal domain, same signature
  ExpectRefused(Envelope(2, tampered, key_.Sign(text)), "signature");
  EXPECT_FALSE(fs::exists(dir_ / "policy.json"));
}

TEST_F(PolicyUpdaterTest, TamperedSignatureIsRefused) {
  const std::string text = PolicyText(2);
  std::string sig = key_.Sign(text);
  sig[5] = sig[5] == 'A' ? 'B' : 'A';
  ExpectRefused(Envelope(2, text, sig), "signature");
}

TEST_F(PolicyUpdaterTest, WrongKeyIsRefused) {
  const KeyPair other;
  const std::string text = PolicyText(2);
  ExpectRefused(Envelope(2, text, other.Sign(text)), "does not verify");
}

TEST_F(PolicyUpdaterTest, OlderAndSameVersionsAreRefused) {
  const std::string v3 = PolicyText(3);
  ASSERT_TRUE(updater_->Apply(Envelope(3, v3, key_.Sign(v3))).ok());
  EXPECT_EQ(Kinds(), "policy_updated ");
  outbox_->Remove({outbox_->NextBatch()[0].sequence});
  const std::string v2 = PolicyText(2);
  ExpectRefused(Envelope(2, v2, key_.Sign(v2)), "not newer");
  outbox_->Remove({outbox_->NextBatch()[0].sequence});
  ExpectRefused(Envelope(3, v3, key_.Sign(v3)), "not newer");
  EXPECT_EQ(Read(dir_ / "policy.json"), v3);
}

TEST_F(PolicyUpdaterTest, InnerVersionDifferentFromTheEnvelopeIsRefused) {
  const std::string text = PolicyText(2);
  ExpectRefused(Envelope(5, text, key_.Sign(text)), "published as version 5");
}

TEST_F(PolicyUpdaterTest, SignedButInvalidPolicyIsRefused) {
  const std::string text = "{\"version\": 2}";  // no internal_domains
  ExpectRefused(Envelope(2, text, key_.Sign(text)), "does not validate");
}

TEST_F(PolicyUpdaterTest, NotASignedPolicyIsRefused) {
  ExpectRefused("<html>proxy login</html>", "not a signed policy");
}

TEST_F(PolicyUpdaterTest, TheSameRefusalIsReportedOnce) {
  const KeyPair other;
  const std::string text = PolicyText(2);
  ExpectRefused(Envelope(2, text, other.Sign(text)), "signature");
  EXPECT_FALSE(updater_->Apply(Envelope(2, text, other.Sign(text))).ok());
  EXPECT_EQ(Kinds(), "policy_rejected ");
}

TEST_F(PolicyUpdaterTest, SavedPolicyIsUsedAtStartOnlyWhenItVerifiesAndIsNewer) {
  const std::string text = PolicyText(4);
  ASSERT_TRUE(updater_->Apply(Envelope(4, text, key_.Sign(text))).ok());
  {
    PolicyStore fresh(mailcheck::DefaultPolicy());
    PolicyUpdater restarted(fresh, key_.Public(), dir_.string(), {}, nullptr, nullptr);
    EXPECT_EQ(restarted.LoadSaved(), 4);
    EXPECT_EQ(fresh.Get()->version(), 4);
  }
  {
    auto v5 = mailcheck::ParsePolicy(PolicyText(5));
    ASSERT_TRUE(v5.ok());
    PolicyStore newer(v5.value());  // the --policy file is newer than the saved one
    PolicyUpdater restarted(newer, key_.Public(), dir_.string(), {}, nullptr, nullptr);
    EXPECT_EQ(restarted.LoadSaved(), 0);
    EXPECT_EQ(newer.Get()->version(), 5);
  }
  {
    const KeyPair other;
    PolicyStore fresh(mailcheck::DefaultPolicy());
    PolicyUpdater restarted(fresh, other.Public(), dir_.string(), {}, nullptr, nullptr);
    EXPECT_EQ(restarted.LoadSaved(), 0);
    EXPECT_EQ(fresh.Get()->version(), 1);
  }
  {
    std::ofstream(dir_ / "policy.json", std::ios::app) << " ";  // one byte more
    PolicyStore fresh(mailcheck::DefaultPolicy());
    PolicyUpdater restarted(fresh, key_.Public(), dir_.string(), {}, nullptr, nullptr);
    EXPECT_EQ(restarted.LoadSaved(), 0);
    EXPECT_EQ(fresh.Get()->version(), 1);
  }
}

TEST_F(PolicyUpdaterTest, KeyFileIsOneLineOfBase64) {
  std::ofstream(dir_ / "good.pub") << Base64(key_.pk, sizeof key_.pk) << "\n";
  auto good = PolicyUpdater::LoadPublicKey((dir_ / "good.pub").string());
  ASSERT_TRUE(good.ok()) << good.error();
  EXPECT_EQ(good.value(), key_.Public());
  std::ofstream(dir_ / "short.pub") << Base64(key_.pk, 16) << "\n";
  auto bad = PolicyUpdater::LoadPublicKey((dir_ / "short.pub").string());
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("short.pub"), std::string::npos);
  EXPECT_FALSE(PolicyUpdater::LoadPublicKey((dir_ / "missing.pub").string()).ok());
}

}  // namespace
}  // namespace agent
