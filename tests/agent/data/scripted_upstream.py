#!/usr/bin/python3
"""A tiny SMTP server for tests that need an upstream which behaves in one precise way.

usage: scripted_upstream.py PORT DIR [--greeting-host HOST] [--ehlo LINE]...
       [--refuse-rcpt ADDRESS]... [--refuse-mail] [--data-354-always] [--drop-on-mail N]

It greets as HOST (default auth.pipelining.starttls.example: a host name made of
extension keywords that it does not offer), answers EHLO with "250-HOST" followed by the
--ehlo lines (default none: no extension at all), and accepts any MAIL, RCPT and DATA.
Every command line it receives is appended to DIR/commands.log; a command that arrived
while earlier bytes were still unanswered is logged as "PIPELINED <command>". AUTH,
STARTTLS and BDAT are answered 502 (they were not offered). Each message is written to
DIR/msgN.eml.

A hostile or strict upstream, for the pipelined relay: each connection is logged as
"CONNECT"; --refuse-rcpt ADDRESS answers RCPT TO:<ADDRESS> with 550; --refuse-mail answers
every MAIL with 550 (and RCPT and DATA after it with 503); DATA is answered 554 when no
recipient of the transaction was accepted (RFC 2920 §3.1), or 354 regardless with
--data-354-always (a server that does not follow that); --drop-on-mail N closes the
connection without a reply when the N-th MAIL of a connection arrives. A message whose
connection ends before its final dot is not stored; "DATA ABORTED after K lines" is logged.

How replies travel, for a relay that must read them whatever their shape:
--reply-bytes-apart sends every reply one byte per TCP segment, 2 ms apart (a reply, even
its code, split anywhere); --coalesce-replies holds replies until every command received
so far is answered and then sends them in one write (a pipelined group's replies
together, several in one segment); --multiline-replies answers MAIL, RCPT and the final
dot with two-line replies ("250-..." then "250 ...", "550-..." then "550 ...").
"""
import argparse
import os
import socket
import threading
import time

lock = threading.Lock()
count = 0


def log(directory, line):
    with lock:
        with open(os.path.join(directory, "commands.log"), "a", encoding="utf-8",
                  errors="replace") as f:
            f.write(line + "\n")


def serve(conn, args):
    global count
    buffer = b""
    held = []
    if args.reply_bytes_apart:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(data):
        if args.coalesce_replies:
            held.append(data)
        elif args.reply_bytes_apart:
            for i in range(len(data)):
                conn.sendall(data[i:i + 1])
                time.sleep(0.002)
        else:
            conn.sendall(data)

    def flush():
        if held:
            conn.sendall(b"".join(held))
            held.clear()

    def send(text):
        write(text.encode() + b"\r\n")

    def send_two(code, first, last):
        if args.multiline_replies:
            send("%s-%s" % (code, first))
        send("%s %s" % (code, last))

    def lines():
        nonlocal buffer
        while True:
            while b"\n" not in buffer:
                flush()  # every command received so far is answered
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            line, buffer = buffer.split(b"\n", 1)
            yield line.rstrip(b"\r").decode("utf-8", "replace"), bool(buffer)

    send("220 %s ESMTP scripted" % args.greeting_host)
    log(args.dir, "CONNECT")
    it = lines()
    mails = 0
    mail_ok = False
    accepted = 0
    for line, more in it:
        verb = line.split(" ", 1)[0].upper()
        log(args.dir, ("PIPELINED " if more and verb != "QUIT" else "") + line)
        if verb in ("EHLO", "HELO"):
            if verb == "HELO" or not args.ehlo:
                send("250 %s" % args.greeting_host)
            else:
                out = ["250-%s" % args.greeting_host]
                for i, ext in enumerate(args.ehlo):
                    out.append(("250 " if i == len(args.ehlo) - 1 else "250-") + ext)
                write(("\r\n".join(out) + "\r\n").encode())
        elif verb == "MAIL":
            mails += 1
            if mails == args.drop_on_mail:
                break
            mail_ok = not args.refuse_mail
            accepted = 0
            if mail_ok:
                send_two("250", "2.1.0 Sender looks fine", "2.1.0 Ok")
            else:
                send_two("550", "5.7.1 Policy says no", "5.7.1 Sender refused")
        elif verb == "RCPT":
            address = line[line.find("<") + 1:line.find(">")] if "<" in line else ""
            if not mail_ok:
                send("503 5.5.1 Need MAIL command")
            elif address in args.refuse_rcpt:
                send_two("550", "5.1.1 Unknown here",
                         "5.1.1 <%s>: Recipient address rejected" % address)
            else:
                accepted += 1
                send_two("250", "2.1.5 Recipient looks fine", "2.1.5 Ok")
        elif verb == "RSET":
            mail_ok = False
            accepted = 0
            send("250 2.0.0 Ok")
        elif verb == "NOOP":
            send("250 2.0.0 Ok")
        elif verb == "DATA":
            if not mail_ok:
                send("503 5.5.1 Need MAIL command")
                continue
            if accepted == 0 and not args.data_354_always:
                send("554 5.5.1 Error: no valid recipients")
                continue
            send("354 End data with <CR><LF>.<CR><LF>")
            mail_ok = False
            accepted = 0
            body = []
            ended = False
            for data_line, _ in it:
                if data_line == ".":
                    ended = True
                    break
                body.append(data_line)
            if not ended:
                log(args.dir, "DATA ABORTED after %d lines" % len(body))
                break
            with lock:
                count += 1
                n = count
            with open(os.path.join(args.dir, "msg%d.eml" % n), "w", encoding="utf-8",
                      errors="replace") as f:
                f.write("\n".join(body) + "\n")
            send_two("250", "2.0.0 Accepted", "2.0.0 Ok: queued as %d" % n)
        elif verb == "QUIT":
            send("221 2.0.0 Bye")
            break
        else:
            send("502 5.5.1 Not offered")
    flush()
    conn.close()


def serve_logged(conn, args):
    try:
        serve(conn, args)
    except OSError as e:  # the relay closed the connection while a reply was on its way
        log(args.dir, "CONNECTION LOST: %s" % e)
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("dir")
    parser.add_argument("--greeting-host", default="auth.pipelining.starttls.example")
    parser.add_argument("--ehlo", action="append", default=[])
    parser.add_argument("--refuse-rcpt", action="append", default=[])
    parser.add_argument("--refuse-mail", action="store_true")
    parser.add_argument("--data-354-always", action="store_true")
    parser.add_argument("--drop-on-mail", type=int, default=0)
    parser.add_argument("--reply-bytes-apart", action="store_true")
    parser.add_argument("--coalesce-replies", action="store_true")
    parser.add_argument("--multiline-replies", action="store_true")
    args = parser.parse_args()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", args.port))
    server.listen(16)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve_logged, args=(conn, args), daemon=True).start()


if __name__ == "__main__":
    main()
