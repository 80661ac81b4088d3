#!/usr/bin/python3
"""An upstream SMTP server for the agent's tests: aiosmtpd saving each accepted message as
a file. By default it requires AUTH (user "staff", password "secret"); with TLS options it
offers STARTTLS (required before MAIL) or speaks implicit TLS, with the given certificate.

usage: auth_upstream.py PORT OUTDIR [--starttls CERT KEY | --smtps CERT KEY] [--no-auth]
                        [--slow-rcpt SECONDS]
"""
import asyncio
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Saver:
    def __init__(self, outdir, rcpt_delay=0.0):
        self.outdir = outdir
        self.count = 0
        self.rcpt_delay = rcpt_delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)  # an upstream that is slow to accept
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.outdir, f"msg{self.count}.eml")
        with open(path, "wb") as f:
            if session.auth_data:
                f.write(b"X-Auth-User: " + bytes(session.auth_data.login) + b"\r\n")
            tls = session.ssl or server.transport.get_extra_info("ssl_object") is not None
            f.write(b"X-TLS: " + (b"yes" if tls else b"no") + b"\r\n")
            f.write(b"X-Peer-Port: " + str(session.peer[1]).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        return "250 2.0.0 Ok"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"staff" and auth_data.password == b"secret"
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def main():
    port, outdir, rest = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    kwargs = dict(hostname="127.0.0.1", port=port)
    if "--no-auth" not in rest:
        kwargs.update(authenticator=authenticator, auth_require_tls=False, auth_required=True)
    for option in ("--starttls", "--smtps"):
        if option in rest:
            i = rest.index(option)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(rest[i + 1], rest[i + 2])
            if option == "--starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
    delay = float(rest[rest.index("--slow-rcpt") + 1]) if "--slow-rcpt" in rest else 0.0
    controller = Controller(Saver(outdir, delay), **kwargs)
    controller.start()
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
