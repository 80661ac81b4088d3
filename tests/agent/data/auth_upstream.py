#!/usr/bin/python3
"""An upstream SMTP server that requires AUTH (user "staff", password "secret"), for the
agent's AUTH tests: aiosmtpd with an authenticator, saving each accepted message as a file.

usage: auth_upstream.py PORT OUTDIR
"""
import asyncio
import os
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Saver:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.outdir, f"msg{self.count}.eml")
        with open(path, "wb") as f:
            f.write(b"X-Auth-User: " + str(session.auth_data.login, "ascii").encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        return "250 2.0.0 Ok"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"staff" and auth_data.password == b"secret"
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def main():
    port, outdir = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Saver(outdir), hostname="127.0.0.1", port=port,
                            authenticator=authenticator, auth_require_tls=False,
                            auth_required=True)
    controller.start()
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
