#!/usr/bin/env python3
"""Memory check client for bench/run.sh.

Opens IDLE SMTP connections to 127.0.0.1:PORT and leaves them silent, sends one message from each of
SENDERS distinct senders (over a few busy connections), then checks that every idle connection still
answers NOOP. Prints a JSON summary. Bounded: every socket has a timeout, nothing is retried.
"""
import argparse
import json
import smtplib
import socket
import time
from concurrent.futures import ThreadPoolExecutor

HOST = "127.0.0.1"
BODY = "Subject: memory check\r\n\r\n" + ("All work and no play makes Jack a dull boy.\r\n" * 12)


def read_reply(f):
    """Reads one SMTP reply (possibly multi-line) and returns its last line."""
    while True:
        line = f.readline().decode("ascii", "replace")
        if not line:
            raise ConnectionError("connection closed")
        if len(line) < 4 or line[3] != "-":
            return line.strip()


def open_idle(port):
    s = socket.create_connection((HOST, port), timeout=30)
    f = s.makefile("rb")
    if not read_reply(f).startswith("220"):
        raise ConnectionError("no greeting")
    s.sendall(b"EHLO idle.example.org\r\n")
    if not read_reply(f).startswith("250"):
        raise ConnectionError("EHLO refused")
    return s, f


def still_alive(conn):
    s, f = conn
    try:
        s.sendall(b"NOOP\r\n")
        ok = read_reply(f).startswith("250")
        s.sendall(b"QUIT\r\n")
        return ok
    except OSError:
        return False
    finally:
        s.close()


def send_range(port, senders):
    accepted, refused = 0, []
    with smtplib.SMTP(HOST, port, timeout=60) as smtp:
        for i in senders:
            sender = f"sender{i}@client{i % 97}.example.org"
            try:
                smtp.sendmail(sender, ["box@example.com"], f"From: <{sender}>\r\nTo: <box@example.com>\r\n" + BODY)
                accepted += 1
            except smtplib.SMTPException as e:
                refused.append(f"{sender}: {e}")
    return accepted, refused


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--idle", type=int, default=100)
    p.add_argument("--senders", type=int, default=10000)
    p.add_argument("--busy", type=int, default=4, help="connections that send the mail")
    a = p.parse_args()

    idle = [open_idle(a.port) for _ in range(a.idle)]
    t0 = time.monotonic()
    with ThreadPoolExecutor(a.busy) as pool:
        parts = list(pool.map(lambda b: send_range(a.port, range(b, a.senders, a.busy)), range(a.busy)))
    seconds = time.monotonic() - t0
    accepted = sum(n for n, _ in parts)
    refused = [r for _, rs in parts for r in rs]
    alive = sum(1 for c in idle if still_alive(c))
    print(json.dumps({
        "idle_opened": len(idle),
        "idle_alive_after": alive,
        "senders": a.senders,
        "accepted": accepted,
        "refused": len(refused),
        "first_refusals": refused[:5],
        "seconds": round(seconds, 3),
    }, indent=2))


if __name__ == "__main__":
    main()
