#!/usr/bin/env python3
"""Idle-connection check for bench/run.sh's memory step.

Opens IDLE connections to 127.0.0.1:PORT, a share of them upgraded with STARTTLS, each greeted and
past EHLO, and leaves them silent. With all of them open, a new client connects PROBES times, one
after another, and the time from connecting to the EHLO reply is measured. Then the server's heap
after a full GC is read with jcmd (--server-pid), and every idle connection must still answer NOOP.
Prints a JSON summary. Bounded: every socket has a timeout, nothing is retried.
"""
import argparse
import json
import socket
import ssl
import statistics
import subprocess
import time

HOST = "127.0.0.1"


def read_reply(f):
    """Reads one SMTP reply (possibly multi-line) and returns its last line."""
    while True:
        line = f.readline().decode("ascii", "replace")
        if not line:
            raise ConnectionError("connection closed")
        if len(line) < 4 or line[3] != "-":
            return line.strip()


def command(s, f, line, code):
    s.sendall(line.encode("ascii") + b"\r\n")
    reply = read_reply(f)
    if not reply.startswith(code):
        raise ConnectionError(f"{line}: {reply}")


def open_session(port, tls, context):
    s = socket.create_connection((HOST, port), timeout=60)
    f = s.makefile("rb")
    if not read_reply(f).startswith("220"):
        raise ConnectionError("no greeting")
    command(s, f, "EHLO idle.example.org", "250")
    if tls:
        command(s, f, "STARTTLS", "220")
        s = context.wrap_socket(s, server_hostname="bench.localdomain")
        f = s.makefile("rb")
        command(s, f, "EHLO idle.example.org", "250")
    return s, f


def still_alive(conn):
    s, f = conn
    try:
        command(s, f, "NOOP", "250")
        return True
    except (OSError, ConnectionError):
        return False
    finally:
        s.close()


def heap(pid):
    if not pid:
        return ""
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=120)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=120).stdout
    return "\n".join(out.splitlines()[1:])


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--idle", type=int, default=10000)
    p.add_argument("--tls-share", type=float, default=0.5)
    p.add_argument("--probes", type=int, default=20)
    p.add_argument("--server-pid", type=int, default=0)
    a = p.parse_args()

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    tls_every = round(1 / a.tls_share) if a.tls_share > 0 else 0
    idle, errors = [], []
    t0 = time.monotonic()
    for i in range(a.idle):
        try:
            idle.append(open_session(a.port, tls_every and i % tls_every == 0, context))
        except (OSError, ConnectionError) as e:
            errors.append(str(e))
            if len(errors) > 20:
                break
    opened_in = time.monotonic() - t0
    probes = []
    for _ in range(a.probes):
        t = time.monotonic()
        s, f = open_session(a.port, False, context)
        probes.append((time.monotonic() - t) * 1000)
        command(s, f, "QUIT", "221")
        s.close()
    heap_info = heap(a.server_pid)
    alive = sum(1 for c in idle if still_alive(c))
    print(json.dumps({
        "idle_wanted": a.idle,
        "idle_opened": len(idle),
        "idle_tls": sum(1 for s, _ in idle if isinstance(s, ssl.SSLSocket)),
        "opened_in_seconds": round(opened_in, 1),
        "first_errors": errors[:5],
        "new_client_ms_median": round(statistics.median(probes), 1),
        "new_client_ms_max": round(max(probes), 1),
        "idle_alive_after": alive,
        "heap_after_gc": heap_info,
    }, indent=2))


if __name__ == "__main__":
    main()
