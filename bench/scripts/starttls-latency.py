"""Time from connecting to the EHLO reply inside TLS, for a client that leaves Nagle's algorithm on
(as Python's smtplib and many MTAs do) and for one that turns it off (TCP_NODELAY).

A server whose TLS stack sends nothing after the client's Finished message leaves that segment to the
kernel's delayed acknowledgement (about 40 ms on Linux); a Nagle client holds its next command until
then. Usage: python3 starttls-latency.py PORT [SESSIONS]  (median of SESSIONS, default 40, each mode)
"""
import socket
import ssl
import sys
import time


def reply(f):
    while True:
        line = f.readline()
        if len(line) < 4 or line[3:4] != b"-":
            return line


def session(port, nodelay, context):
    t = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    if nodelay:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = s.makefile("rb")
    reply(f)
    s.sendall(b"EHLO latency.example.org\r\n")
    reply(f)
    s.sendall(b"STARTTLS\r\n")
    reply(f)
    s = context.wrap_socket(s)
    f = s.makefile("rb")
    s.sendall(b"EHLO latency.example.org\r\n")
    if not reply(f).startswith(b"250"):
        raise ConnectionError("no 250 to EHLO inside TLS")
    s.close()
    return time.monotonic() - t


def main():
    port = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for nodelay in (False, True):
        times = sorted(session(port, nodelay, context) for _ in range(n))
        print(f"{'TCP_NODELAY' if nodelay else 'Nagle on   '}: median {times[n // 2] * 1000:.1f} ms, "
              f"slowest {times[-1] * 1000:.1f} ms over {n} STARTTLS sessions")


main()
