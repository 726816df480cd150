#!/usr/bin/env python3
"""The attack benchmark's driver (bench/run.sh abuse): legitimate mail while the server is attacked.

Legitimate clients connect from 127.0.0.1 (--legit-source) and send one message per session, each
waiting for its 250, on a fixed schedule (--legit messages, one every --legit-interval seconds, each bounded by
--legit-timeout). They run twice: first alone ("quiet"), then while every attack runs at once
("attack"), started --ramp seconds after the attackers. The attackers bind loopback source addresses
127.0.0.2-127.0.0.250 (all of 127/8 is local on Linux):

  idle    --idle connections from --idle-addrs addresses, greeted then silent
  drip    --drips sessions: EHLO, MAIL, RCPT, DATA, then one byte every --drip-every seconds
  flood   --flood-rate new connections per second from many addresses: read the greeting, close
  dict    a dictionary attack: --dict RCPTs to unknown local parts over --dict-sessions sessions
  early   --early sessions that send EHLO, MAIL, RCPT and DATA before the greeting

A session the server ends is opened again after --reconnect seconds (idle, drip, early, dict), until
the attack ends. Every loop is bounded in count and time: the attack stops at --duration seconds (or
once the last legitimate client has its answer, if that is later; at most --legit-timeout after the
last one starts), every read has a timeout, and the attackers' connection attempts are capped
(--max-attempts).
For each attack, the first refusal each session got is counted by reply code and enhanced code.
Traffic goes only to 127.0.0.0/8 (--host is checked). Stdlib only; prints a JSON summary.

While the attack runs, the server's open file descriptors and memory (PSS) are sampled every
--sample-every seconds from /proc (--pid, with --tree all its descendant processes, e.g. Postfix's
master), its heap from --metrics (Tubemail's Prometheus /metrics, jvm_memory_used_bytes{area="heap"}),
and once the legitimate clients are done (attackers still connected) the heap after a full GC with
jcmd (--jvm). The counters tubemail_clients_refused_total{reason} of --metrics are read before and
after the attack.

--self-test runs everything with tiny numbers against a stub SMTP server in this process.
"""
import argparse
import asyncio
import ipaddress
import json
import math
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter

LEGIT_FROM = "legit@sender.example.org"
LEGIT_TO = "soak-legit@example.com"
DRIP_TO = "soak-drip@example.com"
SPAM_TO = "soak-spam@example.com"
REPLY = re.compile(r"^(\d{3})([ -])(?:(\d\.\d{1,3}\.\d{1,3})\b)?")


# a reset discards what the client had not read yet, a refusal included (a server that closes without
# reading what an early talker sent resets the connection)
CLOSED_RESET = "reset by the server (a reply may be lost)"


class Closed(Exception):
    """The server closed the connection (or it broke) before a whole reply."""


async def read_reply(reader, timeout):
    """One SMTP reply, possibly multi-line: (code, enhanced code or '', last line's text)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise asyncio.TimeoutError()
        try:
            line = await asyncio.wait_for(reader.readline(), left)
        except asyncio.TimeoutError:  # an OSError too, from Python 3.11 on
            raise
        except ConnectionResetError:
            raise Closed("reset")
        except (ConnectionError, OSError) as e:
            raise Closed(str(e))
        if not line:
            raise Closed("end of stream")
        text = line.decode("ascii", "replace").rstrip("\r\n")
        m = REPLY.match(text)
        if not m:
            continue  # not a reply line; skip it
        if m.group(2) == " ":
            return m.group(1), m.group(3) or "", text


def refusal(reply):
    """'421 4.7.0' for a reply that refuses (4xx or 5xx), else None."""
    code, enh, _ = reply
    return f"{code} {enh}".strip() if code[0] in "45" else None


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]  # nearest rank


class Seen:
    """The replies of one attacker session: the first refusal and the last reply."""

    def __init__(self):
        self.first = None
        self.last = None

    def add(self, reply):
        self.last = reply
        if self.first is None and refusal(reply):
            self.first = (refusal(reply), reply[2])
        return reply


class Attack:
    """One attack's counters: sessions, their first refusal, examples of the refusal texts."""

    def __init__(self, name):
        self.name = name
        self.attempts = 0
        self.connect_failed = 0
        self.outcomes = Counter()     # per session: its first refusal, or how it ended otherwise
        self.examples = {}            # refusal -> one full reply line
        self.extra = Counter()        # attack-specific counts

    def ended(self, outcome, line=None):
        self.outcomes[outcome] += 1
        if line and outcome not in self.examples:
            self.examples[outcome] = line[:160]

    def summary(self):
        return {"attempts": self.attempts, "connect_failed": self.connect_failed,
                "sessions": dict(self.outcomes.most_common()), "examples": self.examples, **self.extra}


class Bench:
    def __init__(self, a):
        self.a = a
        self.stop_at = 0.0
        self.attempts = 0
        self.attacks = {n: Attack(n) for n in ("idle", "drip", "flood", "dict", "early")}

    def running(self):
        return time.monotonic() < self.stop_at and self.attempts < self.a.max_attempts

    async def connect(self, attack, source):
        """A connection from source, or None (counted) when it cannot be made."""
        self.attempts += 1
        attack.attempts += 1
        try:
            return await asyncio.wait_for(asyncio.open_connection(
                self.a.host, self.a.port, local_addr=(source, 0), limit=65536), self.a.timeout)
        except (OSError, asyncio.TimeoutError):
            attack.connect_failed += 1
            return None

    async def session_loop(self, attack, source, body, more=lambda: True):
        """Runs body(reader, writer, seen) in fresh sessions until the attack ends. body returns the
        session's outcome (outcome, line); seen collects the replies, so that a session the server
        closes after refusing it counts under its first refusal. more() false ends the loop too."""
        while self.running() and more():
            conn = await self.connect(attack, source)
            if conn is None:
                await asyncio.sleep(self.a.reconnect)
                continue
            reader, writer = conn
            seen = Seen()
            try:
                outcome, line = await body(reader, writer, seen)
            except Closed as e:
                outcome, line = seen.first or (CLOSED_RESET if str(e) == "reset" else "closed without a reply", None)
            except asyncio.TimeoutError:
                outcome, line = seen.first or ("no reply in time", None)
            finally:
                writer.close()
            attack.ended(outcome, line)
            if self.running():
                await asyncio.sleep(self.a.reconnect)

    async def until_end(self, reader, seen):
        """Waits, reading, until the attack ends or the server speaks or closes; returns its reply, if any."""
        while self.running():
            try:
                return seen.add(await read_reply(reader, min(1.0, max(0.01, self.stop_at - time.monotonic()))))
            except asyncio.TimeoutError:
                continue
        return None

    async def steps(self, reader, writer, seen, commands):
        """Sends each command (None: only read, for the greeting) and reads its reply; True if none refused."""
        for cmd in commands:
            if cmd:
                writer.write(cmd.encode() + b"\r\n")
            if refusal(seen.add(await read_reply(reader, self.a.timeout))):
                return False
        return True

    # --- the attacks ---------------------------------------------------------------------

    async def idle(self, reader, writer, seen):
        if await self.steps(reader, writer, seen, [None]) and await self.until_end(reader, seen) is None:
            return "held until the attack ended", None
        return seen.first or ("server spoke, not a refusal", seen.last[2])

    async def drip(self, reader, writer, seen):
        attack = self.attacks["drip"]
        if not await self.steps(reader, writer, seen, [None, "EHLO drip.example.net", "MAIL FROM:<drip@drip.example.net>",
                                                      f"RCPT TO:<{DRIP_TO}>", "DATA"]):
            return seen.first
        attack.extra["reached_data"] += 1
        started = time.monotonic()
        body = b"Subject: drip\r\n\r\n" + b"x" * 100000
        i = 0
        try:
            while self.running() and i < len(body):
                writer.write(body[i:i + 1])
                i += 1
                attack.extra["bytes_dripped"] += 1
                try:
                    seen.add(await read_reply(reader, max(0.01, min(self.a.drip_every, self.stop_at - time.monotonic()))))
                    return seen.first or ("server spoke, not a refusal", seen.last[2])
                except asyncio.TimeoutError:
                    pass
        finally:
            held = int(time.monotonic() - started)
            attack.extra["longest_drip_seconds"] = max(attack.extra["longest_drip_seconds"], held)
        return "held until the attack ended", None

    async def dictionary(self, reader, writer, seen, budget):
        """RCPTs to unknown local parts, one at a time, until the budget is spent or the server ends the session."""
        attack = self.attacks["dict"]
        if not await self.steps(reader, writer, seen, [None, "EHLO dict.example.net", "MAIL FROM:<dict@dict.example.net>"]):
            return seen.first
        while budget[0] > 0 and self.running():
            budget[0] -= 1
            local = "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
            writer.write(f"RCPT TO:<{local}@example.com>\r\n".encode())
            reply = seen.add(await read_reply(reader, self.a.timeout))
            attack.extra["rcpt_answered"] += 1
            attack.extra[f"rcpt {refusal(reply) or reply[0]}"] += 1
            if reply[0] == "421":
                break
        writer.write(b"QUIT\r\n")
        return seen.first or ("no refusal", None)

    async def early(self, reader, writer, seen):
        """Talks before the greeting: the whole envelope at once, then the message if DATA is accepted."""
        writer.write(f"EHLO early.example.net\r\nMAIL FROM:<early@early.example.net>\r\nRCPT TO:<{SPAM_TO}>\r\nDATA\r\n".encode())
        for _ in range(5):  # greeting, EHLO, MAIL, RCPT, DATA
            if seen.add(await read_reply(reader, self.a.timeout))[0] == "354":
                writer.write(b"Subject: early\r\n\r\nspam\r\n.\r\n")
                if seen.add(await read_reply(reader, self.a.timeout))[0] == "250":
                    self.attacks["early"].extra["messages_accepted"] += 1
                break
        return seen.first or ("no refusal", None)

    async def flood_one(self, source):
        attack = self.attacks["flood"]
        conn = await self.connect(attack, source)
        if conn is None:
            return
        reader, writer = conn
        try:
            reply = await read_reply(reader, self.a.timeout)
            attack.ended(refusal(reply) or "greeted", reply[2] if refusal(reply) else None)
        except Closed as e:
            attack.ended(CLOSED_RESET if str(e) == "reset" else "closed without a reply")
        except asyncio.TimeoutError:
            attack.ended("no reply in time")
        finally:
            writer.close()

    async def flood(self, sources):
        tasks = set()
        interval = 1.0 / self.a.flood_rate if self.a.flood_rate > 0 else None
        i = 0
        next_at = time.monotonic()
        while interval and self.running():
            t = asyncio.ensure_future(self.flood_one(sources[i % len(sources)]))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
            i += 1
            next_at += interval
            await asyncio.sleep(max(0, next_at - time.monotonic()))
        if tasks:
            await asyncio.wait(tasks, timeout=self.a.timeout + 1)

    # --- legitimate clients ----------------------------------------------------------------

    async def legit_one(self, i, results):
        t0 = time.monotonic()
        reply = None
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(
                self.a.host, self.a.port, local_addr=(self.a.legit_source, 0)), self.a.legit_timeout)
        except (OSError, asyncio.TimeoutError) as e:
            results.append({"ok": False, "reply": f"connect: {type(e).__name__}"})
            return
        deadline = t0 + self.a.legit_timeout
        try:
            body = (f"From: <{LEGIT_FROM}>\r\nTo: <{LEGIT_TO}>\r\nSubject: legit {i}\r\nX-Soak-Id: legit-{i}\r\n\r\n"
                    + "A message that must arrive.\r\n" * 20 + ".\r\n")
            for cmd, want in ((None, "220"), ("EHLO legit.example.org", "250"), (f"MAIL FROM:<{LEGIT_FROM}>", "250"),
                              (f"RCPT TO:<{LEGIT_TO}>", "250"), ("DATA", "354"), (body, "250")):
                if cmd is not None:
                    writer.write(cmd.encode() + (b"" if cmd is body else b"\r\n"))
                reply = await read_reply(reader, max(0.01, deadline - time.monotonic()))
                if reply[0] != want:
                    results.append({"ok": False, "reply": f"{reply[0]} {reply[1]}".strip(), "line": reply[2][:160]})
                    return
            results.append({"ok": True, "ms": (time.monotonic() - t0) * 1000})
            writer.write(b"QUIT\r\n")
        except Closed:
            results.append({"ok": False, "reply": "closed"})
        except asyncio.TimeoutError:
            results.append({"ok": False, "reply": f"no 250 within {self.a.legit_timeout:g} s"})
        finally:
            writer.close()

    async def legit(self, n=None):
        n = self.a.legit if n is None else n
        results, tasks = [], []
        start = time.monotonic()
        for i in range(n):
            await asyncio.sleep(max(0, start + i * self.a.legit_interval - time.monotonic()))
            tasks.append(asyncio.ensure_future(self.legit_one(i, results)))
        await asyncio.wait(tasks, timeout=self.a.legit_timeout + 5)
        ms = [r["ms"] for r in results if r["ok"]]
        return {
            "sent": n,
            "delivered": len(ms),
            "seconds": round(time.monotonic() - start, 1),
            "median_ms": round(statistics.median(ms), 1) if ms else None,
            "p99_ms": round(percentile(ms, 99), 1) if ms else None,
            "max_ms": round(max(ms), 1) if ms else None,
            "failures": dict(Counter(r["reply"] for r in results if not r["ok"]).most_common()),
            "failure_examples": list({r["reply"]: r.get("line", "") for r in results if not r["ok"]}.items())[:5],
        }

    # --- the attack phase ------------------------------------------------------------------

    async def attack(self, sampler):
        a = self.a
        # the attack lasts --duration, and at least until the last legitimate client has its answer
        started = time.monotonic()
        self.stop_at = started + a.duration + a.legit * a.legit_interval + a.legit_timeout + 10  # a bound, made exact below
        tasks = []
        spread = lambda n, first, count: [f"127.0.0.{first + i % count}" for i in range(n)]  # noqa: E731
        for src in spread(a.idle, 2, a.idle_addrs):
            tasks.append(self.session_loop(self.attacks["idle"], src, self.idle))
        for src in spread(a.drips, 10, 50):
            tasks.append(self.session_loop(self.attacks["drip"], src, self.drip))
        budget = [a.dict]
        for src in spread(a.dict_sessions, 60, 10):
            tasks.append(self.session_loop(self.attacks["dict"], src, lambda r, w, seen: self.dictionary(r, w, seen, budget),
                                            lambda: budget[0] > 0))
        for src in spread(a.early, 70, 20):
            tasks.append(self.session_loop(self.attacks["early"], src, self.early))
        # start the sessions in a mixed order (fixed seed), spread over the first seconds, not all in one burst
        random.Random(23).shuffle(tasks)
        stagger = min(a.ramp, 5.0) / max(1, len(tasks))
        running = []
        for i, t in enumerate(tasks):
            running.append(asyncio.ensure_future(self.delayed(i * stagger, t)))
        running.append(asyncio.ensure_future(self.flood([f"127.0.0.{i}" for i in range(100, 251)])))
        await asyncio.sleep(a.ramp)
        legit = await self.legit()
        heap_after_gc = await asyncio.get_running_loop().run_in_executor(None, sampler.heap_after_gc)
        still_open = sampler.sample()
        self.stop_at = max(started + a.duration, time.monotonic())
        # the attack goes on until --duration; then every session ends within the read timeouts
        await asyncio.wait(running, timeout=max(0, self.stop_at - time.monotonic()) + a.timeout + 5)
        for t in running:
            t.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        dict_attack = self.attacks["dict"]
        dict_attack.extra["rcpt_budget_left"] = budget[0]
        return legit, heap_after_gc, still_open

    async def delayed(self, delay, coro):
        await asyncio.sleep(delay)
        await coro


class Sampler:
    """Open descriptors and memory of the server's processes, and its heap from /metrics."""

    def __init__(self, a):
        self.a = a
        self.samples = []

    def pids(self):
        if not self.a.pid:
            return []
        if not self.a.tree:
            return [self.a.pid]
        children = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(d))
                except (OSError, ValueError, IndexError):
                    pass
        out, todo = [], [self.a.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    def sample(self):
        fds = pss = procs = 0
        for p in self.pids():
            try:
                fds += len(os.listdir(f"/proc/{p}/fd"))
                with open(f"/proc/{p}/smaps_rollup") as f:  # proportional: pages shared by processes count once
                    pss += next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
                procs += 1
            except (OSError, StopIteration):
                pass
        s = {"fds": fds, "pss_mib": round(pss / 1024, 1), "processes": procs}
        heap = self.metric_heap()
        if heap is not None:
            s["heap_mib"] = heap
        return s

    def metrics(self):
        if not self.a.metrics:
            return ""
        try:
            with urllib.request.urlopen(self.a.metrics, timeout=5) as r:
                return r.read().decode()
        except OSError:
            return ""

    def metric_heap(self):
        text = self.metrics() if self.a.metrics else ""
        used = [float(l.rsplit(" ", 1)[1]) for l in text.splitlines()
                if l.startswith("jvm_memory_used_bytes") and 'area="heap"' in l]
        return round(sum(used) / 2 ** 20, 1) if used else None

    def refused(self):
        """tubemail_clients_refused_total by reason."""
        out = {}
        for l in self.metrics().splitlines():
            if l.startswith("tubemail_clients_refused_total"):
                m = re.search(r'reason="([^"]*)"', l)
                out[m.group(1) if m else "?"] = float(l.rsplit(" ", 1)[1])
        return out

    def heap_after_gc(self):
        if not (self.a.jvm and self.a.pid):
            return None
        try:
            subprocess.run(["jcmd", str(self.a.pid), "GC.run"], capture_output=True, timeout=60)
            info = subprocess.run(["jcmd", str(self.a.pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
        except (OSError, subprocess.TimeoutExpired):
            return None
        m = re.search(r"used (\d+)K", info)
        return round(int(m.group(1)) / 1024, 1) if m else None

    async def run(self, until):
        while time.monotonic() < until:
            s = await asyncio.get_running_loop().run_in_executor(None, self.sample)
            s["t"] = round(time.monotonic() - self.t0, 1)
            self.samples.append(s)
            await asyncio.sleep(self.a.sample_every)


async def main_async(a):
    sampler = Sampler(a)
    out = {"settings": {k: v for k, v in vars(a).items() if k != "self_test"}}
    if a.warmup:  # untimed: the server's first sessions (a JVM's JIT) count for neither phase
        out["warmup"] = await Bench(a).legit(a.warmup)
    quiet = Bench(a)
    out["quiet"] = {"legit": await quiet.legit(), "server": sampler.sample()}
    await asyncio.sleep(a.pause)
    before = sampler.refused()
    bench = Bench(a)
    sampler.t0 = time.monotonic()
    sampling = asyncio.ensure_future(sampler.run(sampler.t0 + a.duration + a.legit * a.legit_interval + a.legit_timeout + a.timeout + 20))
    legit, heap, still_open = await bench.attack(sampler)
    sampling.cancel()
    after = sampler.refused()
    samples = sampler.samples
    out["attack"] = {
        "legit": legit,
        "attacks": {n: x.summary() for n, x in bench.attacks.items()},
        "attempts": bench.attempts,
        "server": {
            "max_fds": max((s["fds"] for s in samples), default=None),
            "max_pss_mib": max((s["pss_mib"] for s in samples), default=None),
            "max_processes": max((s["processes"] for s in samples), default=None),
            "max_heap_mib": max((s.get("heap_mib", 0) for s in samples), default=None) if a.metrics else None,
            "heap_after_gc_mib": heap,
            "at_end_of_legit": still_open,
            "samples": samples,
        },
        "clients_refused_total": {k: after[k] - before.get(k, 0) for k in after},
    }
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["driver_cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 1)  # the load the driver itself put on the machine
    return out


def check_args(a):
    if not ipaddress.ip_address(a.host).is_loopback:
        sys.exit(f"--host {a.host}: this benchmark only sends to 127.0.0.0/8")
    legit, first, last = (ipaddress.ip_address(x) for x in (a.legit_source, "127.0.0.2", "127.0.0.250"))
    if not legit.is_loopback or first <= legit <= last:
        sys.exit(f"--legit-source {a.legit_source}: 127.0.0.1 or 127.x.y.z outside the attackers' 127.0.0.2-250")
    if not 1 <= a.idle_addrs <= 4 + 4:  # 127.0.0.2 .. 127.0.0.9
        sys.exit("--idle-addrs: 1 to 8 (the idle attackers use 127.0.0.2-127.0.0.9)")


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def parser():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int)
    p.add_argument("--legit", type=int, default=200, help="legitimate messages per phase")
    p.add_argument("--legit-interval", type=float, default=0.2, help="seconds between legitimate sessions")
    p.add_argument("--legit-source", default="127.0.0.1",
                   help="the legitimate clients' address: 127.0.0.1 (trusted: Postfix's mynetworks) or e.g. 127.0.0.251, a stranger")
    p.add_argument("--warmup", type=int, default=100, help="untimed legitimate messages before the quiet phase")
    p.add_argument("--legit-timeout", type=float, default=30, help="a legitimate message without 250 by then failed")
    p.add_argument("--duration", type=float, default=60, help="seconds the attack lasts")
    p.add_argument("--ramp", type=float, default=10, help="seconds of attack before the legitimate clients start")
    p.add_argument("--idle", type=int, default=2000)
    p.add_argument("--idle-addrs", type=int, default=4)
    p.add_argument("--drips", type=int, default=500)
    p.add_argument("--drip-every", type=float, default=5)
    p.add_argument("--flood-rate", type=float, default=50, help="new connections per second, 127.0.0.100-250")
    p.add_argument("--dict", type=int, default=10000, help="RCPTs to unknown local parts")
    p.add_argument("--dict-sessions", type=int, default=10)
    p.add_argument("--early", type=int, default=100)
    p.add_argument("--reconnect", type=float, default=10, help="seconds before an attacker opens a new session")
    p.add_argument("--timeout", type=float, default=15, help="attackers' read timeout")
    p.add_argument("--max-attempts", type=int, default=200000, help="cap on attacker connections")
    p.add_argument("--pause", type=float, default=3, help="seconds between the quiet and the attack phase")
    p.add_argument("--pid", type=int, default=0, help="the server's process, for /proc samples")
    p.add_argument("--tree", action="store_true", help="sample --pid and all its descendants (Postfix)")
    p.add_argument("--jvm", action="store_true", help="--pid is a JVM: read its heap after a full GC with jcmd")
    p.add_argument("--metrics", default="", help="Prometheus /metrics URL (Tubemail's HTTP listener)")
    p.add_argument("--sample-every", type=float, default=2)
    p.add_argument("--self-test", action="store_true", help="tiny run against a stub server in this process")
    return p


# --- self test -------------------------------------------------------------------------------

async def stub_server():
    """A minimal SMTP responder: accepts soak-* recipients, refuses others with 550 5.1.1."""
    async def serve(reader, writer):
        writer.write(b"220 stub ESMTP\r\n")
        data = False
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                if data:
                    if line == b".\r\n":
                        data = False
                        writer.write(b"250 2.0.0 Ok\r\n")
                    continue
                verb = line[:4].upper()
                if verb == b"RCPT":
                    writer.write(b"250 2.1.5 Ok\r\n" if b"soak-" in line else b"550 5.1.1 no such recipient\r\n")
                elif verb == b"DATA":
                    data = True
                    writer.write(b"354 go ahead\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 2.0.0 Bye\r\n")
                    break
                else:
                    writer.write(b"250 Ok\r\n")
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()
    return await asyncio.start_server(serve, "127.0.0.1", 0)


async def self_test():
    server = await stub_server()
    port = server.sockets[0].getsockname()[1]
    a = parser().parse_args(["--port", str(port), "--legit", "5", "--legit-interval", "0.05", "--duration", "4",
                             "--ramp", "1", "--warmup", "2", "--idle", "8", "--drips", "4", "--drip-every", "0.5", "--flood-rate", "10",
                             "--dict", "50", "--dict-sessions", "2", "--early", "3", "--reconnect", "0.5",
                             "--timeout", "2", "--pause", "0", "--pid", str(os.getpid()), "--sample-every", "0.5"])
    out = await main_async(a)
    server.close()
    att = out["attack"]
    problems = []
    if out["quiet"]["legit"]["delivered"] != 5 or att["legit"]["delivered"] != 5:
        problems.append("legitimate messages not all delivered by the stub")
    if att["attacks"]["dict"]["rcpt_answered"] != 50 or att["attacks"]["dict"].get("rcpt 550 5.1.1") != 50:
        problems.append("the dictionary attack did not spend its 50 RCPTs on 550 5.1.1")
    if att["attacks"]["idle"]["sessions"].get("held until the attack ended") != 8:
        problems.append("the idle connections were not held")
    if att["attacks"]["drip"].get("reached_data") != 4 or att["attacks"]["drip"].get("bytes_dripped", 0) < 4:
        problems.append("the drips did not drip")
    if att["attacks"]["early"].get("messages_accepted", 0) < 3:
        problems.append("the early talkers' messages were not counted")
    if att["attacks"]["flood"]["sessions"].get("greeted", 0) < 10:
        problems.append("the flood was not greeted")
    if not att["server"]["samples"] or not att["server"]["max_fds"]:
        problems.append("no /proc samples")
    print(json.dumps(out["attack"]["attacks"], indent=1))
    if problems:
        sys.exit("self-test FAILED: " + "; ".join(problems))
    print("self-test passed")


def main():
    a = parser().parse_args()
    raise_fd_limit()
    if a.self_test:
        asyncio.run(self_test())
        return
    if not a.port:
        sys.exit("--port is required")
    check_args(a)
    print(json.dumps(asyncio.run(main_async(a)), indent=2))


if __name__ == "__main__":
    main()
