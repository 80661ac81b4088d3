// mailcheck CLI (CONTRACTS.md §2): a thin main over the mailcheck library.
//
//   mailcheck [--policy FILE] [--json] [--rewrite OUT] [--from ADDR] [--rcpt ADDR]...
//             MESSAGE.eml|-
//   mailcheck --check-config [--policy FILE]
//
// Exit status: 0 allow/convert, 1 prompt, 2 block, 3 error.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "doccheck/checker.h"
#include "mailcheck/decide.h"
#include "mailcheck/policy.h"
#include "mailcheck/report_writer.h"

namespace {

constexpr int kExitError = 3;

constexpr char kUsage[] =
    "usage: mailcheck [--policy FILE] [--json] [--rewrite OUT] [--from ADDR] [--rcpt ADDR]...\n"
    "                 MESSAGE.eml|-\n"
    "       mailcheck --check-config [--policy FILE]\n"
    "Decides allow / convert / prompt / block for a message under a policy.\n"
    "  --policy FILE    policy JSON (default: PREFIX/share/sendguard/default_policy.json,\n"
    "                   else the built-in default)\n"
    "  --json           print the decision as JSON\n"
    "  --rewrite OUT    write the bytes that would be transmitted (not written on block);\n"
    "                   - writes them to stdout and the report to stderr\n"
    "  --from ADDR      envelope sender (default: From)\n"
    "  --rcpt ADDR      envelope recipient, repeatable (default: To, Cc, Bcc)\n"
    "  --check-config   validate the policy, print \"configuration OK\", and exit\n"
    "Exit: 0 allow/convert, 1 prompt, 2 block, 3 error.\n";

struct Args {
  std::string policy_path;
  bool json = false;
  bool check_config = false;
  std::string rewrite_path;
  mailcheck::Envelope envelope;
  std::string message_path;
};

int Fail(const std::string& message) {
  std::cerr << "mailcheck: " << message << "\n";
  return kExitError;
}

// Parses argv into `args`; returns false with `error` set on a usage problem.
bool ParseArgs(int argc, char** argv, Args* args, std::string* error) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *error = arg + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    if (arg == "--policy") {
      if (!value(&args->policy_path)) return false;
    } else if (arg == "--json") {
      args->json = true;
    } else if (arg == "--check-config") {
      args->check_config = true;
    } else if (arg == "--rewrite") {
      if (!value(&args->rewrite_path)) return false;
    } else if (arg == "--from") {
      if (!value(&args->envelope.mail_from)) return false;
    } else if (arg == "--rcpt") {
      std::string rcpt;
      if (!value(&rcpt)) return false;
      args->envelope.rcpt_to.push_back(rcpt);
    } else if (arg == "-" || arg.empty() || arg[0] != '-') {
      positional.push_back(arg);
    } else if (arg == "--") {
      for (++i; i < argc; ++i) positional.push_back(argv[i]);
    } else {
      *error = "unknown option " + arg;
      return false;
    }
  }
  if (args->check_config) return true;
  if (positional.size() != 1) {
    *error = "give exactly one MESSAGE (or - for stdin)";
    return false;
  }
  args->message_path = positional[0];
  return true;
}

// PREFIX/share/sendguard/default_policy.json next to the installed binary, or "".
std::string InstalledDefaultPolicy() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string exe(buf, static_cast<std::size_t>(n));
  std::size_t slash = exe.rfind('/');
  if (slash == std::string::npos) return "";
  std::string candidate = exe.substr(0, slash) + "/../share/sendguard/default_policy.json";
  return access(candidate.c_str(), R_OK) == 0 ? candidate : "";
}

mailcheck::Result<std::shared_ptr<const mailcheck::Policy>> LoadPolicy(const Args& args) {
  if (!args.policy_path.empty()) return mailcheck::LoadPolicyFile(args.policy_path);
  std::string installed = InstalledDefaultPolicy();
  if (!installed.empty()) return mailcheck::LoadPolicyFile(installed);
  return mailcheck::DefaultPolicy();
}

bool ReadAll(const std::string& path, std::string* out) {
  if (path == "-") {
    out->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return !std::cin.bad();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  return !out.fail();
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  Args args;
  std::string error;
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (!ParseArgs(argc, argv, &args, &error)) {
    std::cerr << "mailcheck: " << error << "\n" << kUsage;
    return kExitError;
  }

  auto policy = LoadPolicy(args);
  if (!policy.ok()) return Fail(policy.error());
  if (args.check_config) {
    std::cout << "configuration OK\n";
    return 0;
  }

  std::string message;
  if (!ReadAll(args.message_path, &message)) {
    return Fail(args.message_path + ": cannot be read");
  }

  doccheck::Checker checker(policy.value()->doccheck_options());
  auto decision = mailcheck::Decide(*policy.value(), checker, message, args.envelope);
  if (!decision.ok()) return Fail(args.message_path + ": " + decision.error());
  const mailcheck::Decision& d = decision.value();

  // "--rewrite -" sends the message to stdout; the report then goes to stderr.
  const bool rewrite_to_stdout = args.rewrite_path == "-";
  const std::string report =
      args.json ? mailcheck::DecisionToJson(d) : mailcheck::DecisionToText(d);
  if (!args.rewrite_path.empty() && d.verdict != mailcheck::Verdict::kBlock) {
    if (rewrite_to_stdout) {
      std::cout.write(d.transmit_bytes.data(),
                      static_cast<std::streamsize>(d.transmit_bytes.size()));
    } else if (!WriteAll(args.rewrite_path, d.transmit_bytes)) {
      return Fail(args.rewrite_path + ": cannot be written");
    }
  }
  (rewrite_to_stdout ? std::cerr : std::cout) << report;
  std::cout.flush();
  if (!std::cout) return Fail("stdout: cannot be written");
  return mailcheck::ExitCodeFor(d.verdict);
}
