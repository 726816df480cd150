#!/usr/bin/env python3
"""Probes for the cluster benchmark (bench/run.sh cluster).

  cluster_probe.py routed URL...                  messages routed so far: the sum of every server's
                                                  tubemail_messages_routed_total (its Prometheus /metrics)
  cluster_probe.py wait-routed TARGET SECONDS URL...
                                                  waits (polling every 20 ms) until that sum reaches TARGET;
                                                  exits 1 after SECONDS
  cluster_probe.py cpu SPEC...                    CPU seconds (user + system, from /proc) used so far by:
                                                  pid:PID        one process
                                                  tree:PID       a process and its descendants, with the
                                                                 children they reaped (Postfix's master)
                                                  pg:PID:DB      PostgreSQL under postmaster PID: the backends
                                                                 connected to database DB, plus the server's
                                                                 own processes (postmaster, WAL writer,
                                                                 checkpointer, ...), which every database shares
"""
import os
import re
import sys
import time
import urllib.request

HZ = os.sysconf("SC_CLK_TCK")
ROUTED = re.compile(r"^tubemail_messages_routed_total\{.*\}\s+([0-9.eE+]+)$", re.M)


def routed(urls):
    total = 0.0
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as r:
            total += sum(float(v) for v in ROUTED.findall(r.read().decode()))
    return int(total)


def stat(pid):
    """(ppid, ticks used by the process itself and by the children it reaped)."""
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return int(fields[1]), sum(int(x) for x in fields[11:15])


def processes():
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                out[int(d)] = stat(d)
            except (OSError, ValueError, IndexError):
                pass  # gone meanwhile
    return out


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(procs, root):
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu(specs):
    procs = processes()
    ticks = 0
    for spec in specs:
        kind, _, rest = spec.partition(":")
        if kind == "pid":
            pids = [int(rest)]
        elif kind == "tree":
            pids = descendants(procs, int(rest))
        elif kind == "pg":
            master, _, db = rest.partition(":")
            pids = []
            for p in descendants(procs, int(master)):
                title = cmdline(p)
                # a client backend's title is "postgres: USER DATABASE HOST(PORT) ACTIVITY"
                backend = re.match(r"postgres: \S+ (\S+) \d+\.\d+\.\d+\.\d+\(\d+\)", title)
                if backend is None or backend.group(1) == db:
                    pids.append(p)
        else:
            raise SystemExit(f"unknown CPU spec {spec!r}: pid:PID, tree:PID or pg:PID:DB")
        ticks += sum(procs[p][1] for p in pids if p in procs)
    return ticks / HZ


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "routed":
        print(routed(args))
    elif cmd == "wait-routed":
        target, deadline, urls = int(args[0]), time.monotonic() + float(args[1]), args[2:]
        while routed(urls) < target:
            if time.monotonic() > deadline:
                print(f"routed {routed(urls)} of {target} after {args[1]} s", file=sys.stderr)
                sys.exit(1)
            time.sleep(0.02)
    elif cmd == "cpu":
        print(f"{cpu(args):.2f}")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
