#!/usr/bin/python3
"""agent-launch: the per-user address and ports, the machine config, the user's upstream.
With AGENT_BIN set (the real sendguard-agent), also that the agent accepts what the
launcher gives it (--check-config)."""

import os
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCH = os.path.join(HERE, "..", "..", "installer", "agent-launch")
POLICY = os.path.join(HERE, "..", "..", "mailcheck", "default_policy.json")


class AgentLaunchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        self.conf = os.path.join(d, "agent.conf")
        with open(self.conf, "w") as f:
            f.write(f"# machine\npolicy = {POLICY}\n")
        self.fake = os.path.join(d, "fake-agent")
        with open(self.fake, "w") as f:
            f.write('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n')
        os.chmod(self.fake, 0o755)
        self.env = dict(os.environ, HOME=d, SENDGUARD_AGENT_CONF=self.conf,
                        SENDGUARD_AGENT_BIN=self.fake)
        for k in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "STATE_DIRECTORY",
                  "SENDGUARD_AGENT_PORT_BASE"):
            self.env.pop(k, None)
        self.user_conf_dir = os.path.join(d, ".config", "sendguard")
        os.makedirs(self.user_conf_dir)

    def tearDown(self):
        self.tmp.cleanup()

    def launch(self, *args):
        return subprocess.run(["/bin/sh", LAUNCH, *args], env=self.env, capture_output=True,
                               text=True, timeout=30)

    def uid_address(self):
        low = os.getuid() & 0xFFFFFF
        if low == 0:
            return "127.0.0.1"  # root: not the network address 127.0.0.0
        return f"127.{(low >> 16) & 255}.{(low >> 8) & 255}.{low & 255}"

    def test_without_a_mail_server_it_says_so_and_does_not_start(self):
        r = self.launch("0")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout, "")
        self.assertIn("送信先のメールサーバーが未設定です", r.stderr)

    def test_user_upstream_and_uid_address(self):
        with open(os.path.join(self.user_conf_dir, "upstream-1.conf"), "w") as f:
            f.write("# written by sendguard-adopt\nupstream = mail.example.lg.jp:465\n"
                    "  upstream-tls = tls\n")
        r = self.launch("1")
        self.assertEqual(r.returncode, 0, r.stderr)
        args = r.stdout.splitlines()
        a = self.uid_address()
        self.assertEqual(args[:2], ["--config", self.conf])
        self.assertEqual(args[args.index("--listen") + 1], f"{a}:2527")
        self.assertEqual(args[args.index("--control-listen") + 1], f"{a}:2528")
        self.assertEqual(args[args.index("--upstream") + 1], "mail.example.lg.jp:465")
        self.assertEqual(args[args.index("--upstream-tls") + 1], "tls")
        state = args[args.index("--state-dir") + 1]
        self.assertTrue(state.endswith("/.local/state/sendguard/agent-1"))
        with open(os.path.join(state, "listen")) as f:
            self.assertEqual(f.read(), f"{a}:2527\n")
        self.assertEqual(os.stat(state).st_mode & 0o777, 0o700)

    def test_machine_upstream_is_enough(self):
        with open(self.conf, "a") as f:
            f.write("upstream = mail.example.lg.jp:587\n")
        r = self.launch("0", "--check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("--check-config", r.stdout.splitlines())

    @unittest.skipUnless(os.environ.get("AGENT_BIN"), "AGENT_BIN not set")
    def test_the_real_agent_accepts_the_launch(self):
        self.env["SENDGUARD_AGENT_BIN"] = os.environ["AGENT_BIN"]
        with open(os.path.join(self.user_conf_dir, "upstream-0.conf"), "w") as f:
            f.write("upstream = mail.example.lg.jp:587\nupstream-tls = starttls\n")
        r = self.launch("0", "--check-config")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.assertIn("configuration OK", r.stdout)


if __name__ == "__main__":
    unittest.main()
