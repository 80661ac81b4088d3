#!/usr/bin/python3
"""A tiny SMTP server for tests that need an upstream which behaves in one precise way.

usage: scripted_upstream.py PORT DIR [--greeting-host HOST] [--ehlo LINE]...

It greets as HOST (default auth.pipelining.starttls.example: a host name made of
extension keywords that it does not offer), answers EHLO with "250-HOST" followed by the
--ehlo lines (default none: no extension at all), and accepts any MAIL, RCPT and DATA.
Every command line it receives is appended to DIR/commands.log; a command that arrived
while earlier bytes were still unanswered is logged as "PIPELINED <command>". AUTH,
STARTTLS and BDAT are answered 502 (they were not offered). Each message is written to
DIR/msgN.eml.
"""
import argparse
import os
import socket
import threading

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

    def send(text):
        conn.sendall(text.encode() + b"\r\n")

    def lines():
        nonlocal buffer
        while True:
            while b"\n" not in buffer:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            line, buffer = buffer.split(b"\n", 1)
            yield line.rstrip(b"\r").decode("utf-8", "replace"), bool(buffer)

    send("220 %s ESMTP scripted" % args.greeting_host)
    it = lines()
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
                conn.sendall(("\r\n".join(out) + "\r\n").encode())
        elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
            send("250 2.0.0 Ok")
        elif verb == "DATA":
            send("354 End data with <CR><LF>.<CR><LF>")
            body = []
            for data_line, _ in it:
                if data_line == ".":
                    break
                body.append(data_line)
            with lock:
                count += 1
                n = count
            with open(os.path.join(args.dir, "msg%d.eml" % n), "w", encoding="utf-8",
                      errors="replace") as f:
                f.write("\n".join(body) + "\n")
            send("250 2.0.0 Ok: queued as %d" % n)
        elif verb == "QUIT":
            send("221 2.0.0 Bye")
            break
        else:
            send("502 5.5.1 Not offered")
    conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("dir")
    parser.add_argument("--greeting-host", default="auth.pipelining.starttls.example")
    parser.add_argument("--ehlo", action="append", default=[])
    args = parser.parse_args()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", args.port))
    server.listen(16)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, args), daemon=True).start()


if __name__ == "__main__":
    main()
