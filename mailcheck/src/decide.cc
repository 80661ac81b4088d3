#include "mailcheck/decide.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "fast_path.h"
#include "raw_header.h"
#include "reason_text.h"
#include "rule.h"
#include "vmime_adapter.h"

namespace mailcheck {
namespace {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "<A@B.example>" -> "a@b.example"; what the envelope and headers are compared by.
std::string CanonicalAddress(std::string_view address) {
  while (!address.empty() && (address.front() == '<' || address.front() == ' ')) {
    address.remove_prefix(1);
  }
  while (!address.empty() && (address.back() == '>' || address.back() == ' ')) {
    address.remove_suffix(1);
  }
  return AsciiLower(address);
}

// Header recipients and envelope recipients merged into one list of distinct addresses.
class RecipientCollector {
 public:
  // Adds the mailboxes of one To/Cc/Bcc field.
  void AddField(RecipientField field, const std::vector<ParsedMailbox>& mailboxes) {
    for (const ParsedMailbox& mbox : mailboxes) {
      std::string address = CanonicalAddress(mbox.Address());
      if (address.empty()) continue;
      if (field == RecipientField::kTo && std::find(to_.begin(), to_.end(), address) == to_.end()) {
        to_.push_back(address);
      }
      if (index_.count(address) != 0) continue;  // listed under its first field
      index_[address] = recipients_.size();
      Recipient r;
      r.address = address;
      r.display_name = mbox.display_name;
      r.field = field;
      recipients_.push_back(std::move(r));
    }
  }

  // With an explicit envelope only its recipients receive the message; envelope
  // recipients named in no header are blind copies.
  void ApplyEnvelope(const std::vector<std::string>& rcpt_to) {
    if (rcpt_to.empty()) return;
    for (Recipient& r : recipients_) r.in_envelope = false;
    for (const std::string& raw : rcpt_to) {
      std::string address = CanonicalAddress(raw);
      if (address.empty()) continue;
      auto it = index_.find(address);
      if (it != index_.end()) {
        recipients_[it->second].in_envelope = true;
        continue;
      }
      index_[address] = recipients_.size();
      Recipient r;
      r.address = address;
      r.field = RecipientField::kBcc;
      recipients_.push_back(std::move(r));
    }
  }

  std::vector<Recipient>& recipients() { return recipients_; }
  const std::vector<std::string>& to() const { return to_; }

 private:
  std::vector<Recipient> recipients_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> to_;
};

// Decide without its guard: may throw MimeReaderUnavailable.
Result<Decision> DecideReadable(const Policy& policy, const doccheck::Checker& checker,
                                std::string_view raw_message, const Envelope& envelope,
                                const DecideOptions& options) {
  // Input without header fields (a bare text) is still decided: it has no recipients
  // in its headers and passes through unchanged.
  const RawHeader header = SplitHeader(raw_message);

  Decision decision;
  decision.policy_version = policy.version();

  // Recipients, subject and sender come from the raw fields, the same bytes the rewrite
  // edits; vmime only reads each field value.
  RecipientCollector collector;
  bool has_bcc_field = false;
  std::string from_address;
  const bool fast = options.fast_paths;
  // The From header only names the sender when the envelope does not: with a MAIL FROM
  // it is not read at all (the fast path's answer; the reference reads it as before).
  const bool from_needed = !fast || envelope.mail_from.empty();
  for (const RawField& field : header.fields) {
    if (FieldNameIs(field, "To")) {
      collector.AddField(RecipientField::kTo, ParseAddressList(field.value, fast));
    } else if (FieldNameIs(field, "Cc")) {
      collector.AddField(RecipientField::kCc, ParseAddressList(field.value, fast));
    } else if (FieldNameIs(field, "Bcc")) {
      has_bcc_field = true;
      collector.AddField(RecipientField::kBcc, ParseAddressList(field.value, fast));
    } else if (FieldNameIs(field, "From") && from_needed && from_address.empty()) {
      std::vector<ParsedMailbox> from = ParseAddressList(field.value, fast);
      if (!from.empty()) from_address = CanonicalAddress(from.front().Address());
    } else if (FieldNameIs(field, "Subject") && decision.subject.empty()) {
      decision.subject = DecodeHeaderText(field.value, fast);
    }
  }
  collector.ApplyEnvelope(envelope.rcpt_to);
  decision.sender =
      envelope.mail_from.empty() ? from_address : CanonicalAddress(envelope.mail_from);

  MessageFacts facts;
  facts.to_addresses = collector.to();
  facts.sender = decision.sender;
  std::vector<std::string> all_domains;
  for (const Recipient& r : collector.recipients()) all_domains.push_back(DomainOf(r.address));
  const std::vector<std::optional<Lookalike>> lookalikes =
      policy.domains().FindLookalikes(all_domains);
  for (std::size_t i = 0; i < collector.recipients().size(); ++i) {
    Recipient& r = collector.recipients()[i];
    RecipientFacts rf;
    r.external = all_domains[i].empty() || !policy.domains().IsInternal(all_domains[i]);
    if (r.external) rf.lookalike = lookalikes[i];
    r.lookalike = rf.lookalike.has_value();
    rf.recipient = r;
    facts.recipients.push_back(std::move(rf));
  }
  decision.recipients = std::move(collector.recipients());
  const auto all_allow = [](const AttachmentActions& a) {
    return a.my_number == Verdict::kAllow && a.class1 == Verdict::kAllow &&
           a.class2 == Verdict::kAllow && a.unscannable == Verdict::kAllow;
  };
  bool scan_needed = !options.scan_only_when_needed || decision.recipients.empty();
  for (const Recipient& r : decision.recipients) {
    if (!r.in_envelope) continue;
    if (!all_allow(r.external ? policy.external_attachments() : policy.internal_attachments())) {
      scan_needed = true;
    }
  }

  // Bodies and attachments, each checked on its own so reasons can name it.
  // More parts than doccheck's entry limit are not scanned one by one: the rest is one
  // unscannable attachment, so a message cannot buy time with thousands of parts.
  // Parts that are only listed (nothing to scan) of a single-part text message need no
  // MIME tree: it is one body.
  std::optional<std::vector<MessagePart>> listed;
  if (fast && !scan_needed) listed = ListSinglePartText(raw_message, header);
  std::vector<MessagePart> parts =
      listed ? std::move(*listed) : ExtractParts(raw_message, 16, /*with_content=*/scan_needed);
  const std::size_t max_parts =
      static_cast<std::size_t>(std::max<std::uint64_t>(1, checker.options().limits.max_entries));
  std::size_t skipped = 0;
  if (parts.size() > max_parts) {
    skipped = parts.size() - max_parts;
    parts.resize(max_parts);
    MessagePart rest;
    rest.name = "(" + std::to_string(skipped) + " more parts)";
    parts.push_back(std::move(rest));
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const MessagePart& part = parts[i];
    doccheck::FileReport report;
    if (skipped > 0 && i + 1 == parts.size()) {
      report.format = "unknown";
      report.errors.push_back({doccheck::ErrorCode::kLimit,
                               "the message has more than " + std::to_string(max_parts) +
                                   " parts; " + std::to_string(skipped) + " were not checked"});
    } else if (!scan_needed) {
      report.format = "not_checked";
    } else {
      report = checker.CheckBytes(part.name, part.content);
    }
    report.path = part.name;
    (part.is_body ? decision.body_parts : decision.attachments).push_back(std::move(report));
  }
  std::size_t body_index = 0, attachment_index = 0;
  for (const MessagePart& part : parts) {
    const doccheck::FileReport* report = part.is_body ? &decision.body_parts[body_index++]
                                                      : &decision.attachments[attachment_index++];
    facts.parts.push_back(ScannedPart{part.name, part.is_body, report});
  }

  for (const Rule* rule : AllRules()) {
    RuleOutcome outcome = rule->Evaluate(policy, facts);
    if (outcome.bcc_conversion) decision.bcc_conversion = std::move(*outcome.bcc_conversion);
    for (Reason& reason : outcome.reasons) {
      decision.verdict = Strictest(decision.verdict, reason.verdict);
      decision.reasons.push_back(std::move(reason));
    }
  }

  HeaderEdit edit;
  edit.remove_bcc = true;
  if (decision.bcc_conversion.applied) edit.new_to = decision.bcc_conversion.to_header;
  decision.bcc_header_removed = has_bcc_field;
  if (edit.new_to || has_bcc_field) {
    decision.transmit_bytes = RewriteHeader(raw_message, header, edit);
  } else {
    decision.transmit_bytes.assign(raw_message);
  }
  return decision;
}

}  // namespace

Result<Decision> Decide(const Policy& policy, const doccheck::Checker& checker,
                        std::string_view raw_message, const Envelope& envelope,
                        const DecideOptions& options) {
  if (raw_message.empty()) return Result<Decision>::Error("the message is empty");
  try {
    return DecideReadable(policy, checker, raw_message, envelope, options);
  } catch (const MimeReaderUnavailable& e) {
    // A message that needs vmime's parser is not decided without it: its recipients or
    // parts would be missing, and an empty list must not pass for "nothing to check".
    return Result<Decision>::Error(e.what());
  }
}

}  // namespace mailcheck
