#!/usr/bin/env python3
"""Turns bench/run.sh's raw outputs (JMH JSON, SMTP timings, memory check) into bench/results/latest.md.

Every figure is shown as an absolute number and as a ratio against a baseline measured in the same
run, because the machine is small, shared and noisy. Usage: report.py RAW_DIR > latest.md
"""
import json
import re
import statistics
import sys
from pathlib import Path

ROUTES_TARGET = 3.0        # routes1000 / routes10 per-message time, at most
THREADS_TARGET = 1.6       # 2-thread / 1-thread throughput, at least
DURABLE_TARGET = 20_000    # durable state changes per second, at least
SINK_TARGET = 0.75         # Tubemail / smtp-sink messages per second, at least (issue 14)
GREENMAIL_TARGET = 2.0     # Tubemail / GreenMail messages per second, at least
POSTFIX_TARGET = 5.0       # Tubemail / Postfix full MTA, plaintext, at least
POSTFIX_TLS_TARGET = 2.0   # Tubemail / Postfix full MTA, both with STARTTLS, at least
IDLE_MS_TARGET = 100       # a new client's wait with every idle connection open, at most
ABUSE_DELIVERED_TARGET = 1.0  # share of legitimate messages delivered under attack, at least
ABUSE_P99_TARGET = 2.0     # legitimate p99 time to 250 under attack / quiet, at most
CLUSTER_POSTFIX_TARGET = 1.0  # PostgreSQL spool / Postfix full MTA, messages routed per second, at least


MEDIAN_NOTE = ("Figures are the median of the measurement iterations; JMH's mean and 99.9% error follow, "
               "so that iterations disturbed by other load on the machine show.\n")


def verdict(ok):
    return "met" if ok else "**missed**"


def jmh(raw, name):
    f = raw / f"{name}.json"
    if not f.exists() or f.stat().st_size == 0:
        return []
    return json.loads(f.read_text())


def method(row):
    return row["benchmark"].rsplit(".", 1)[1]


def score(row):
    """The median measurement iteration (robust to a few iterations disturbed by other load) and JMH's mean ± error."""
    m = row["primaryMetric"]
    its = sorted(x for fork in m["rawData"] for x in fork)
    mid = len(its) // 2
    median = its[mid] if len(its) % 2 else (its[mid - 1] + its[mid]) / 2
    return median, m["score"], float(m["scoreError"])  # JMH writes "NaN" when there are too few iterations


def fmt(x):
    return f"{x:,.0f}"


def mean_err(mean, e):
    return f"{mean:,.0f}" + ("" if e != e else f" ± {e:,.0f}")


def cores(raw):
    m = re.search(r"nproc\): (\d+)", (raw / "machine.txt").read_text())
    return int(m.group(1)) if m else 0


def router(raw, out):
    rows = jmh(raw, "router")
    out.append("## 1. Router dispatch (JMH)\n")
    if not rows:
        out.append("Not run.\n")
        return
    out.append(MEDIAN_NOTE)
    out.append("Pre-parsed messages through `Router.deliver` (MemoryStorage, MemoryQueue for undeliverable mail), "
               "10,000 distinct senders cycling, half to stateful routes (state flips each message), half to "
               "stateless routes. Baselines: 10 routes with the same thread count; 1 thread with the same route count.\n")
    by = {(int(r["params"]["routes"]), r["threads"]): score(r) for r in rows}
    out.append("| routes | threads | deliveries/s (median) | mean ± error | µs per delivery (per thread) | vs 10 routes | vs 1 thread |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|")
    for (routes, threads), (s, mean, e) in sorted(by.items()):
        base_routes = by.get((10, threads), (float("nan"),))[0]
        base_threads = by.get((routes, 1), (float("nan"),))[0]
        out.append(f"| {routes:,} | {threads} | {fmt(s)} | {mean_err(mean, e)} | {threads * 1e6 / s:.2f} | "
                   f"{s / base_routes:.2f}x | {s / base_threads:.2f}x |")
    out.append("")
    if (10, 1) in by and (1000, 1) in by:
        r = by[(10, 1)][0] / by[(1000, 1)][0]
        out.append(f"- Per-message time, 1,000 routes / 10 routes (1 thread): **{r:.2f}x** "
                   f"(target ≤ {ROUTES_TARGET:g}x: {verdict(r <= ROUTES_TARGET)})")
    for routes in sorted({k[0] for k in by}):
        if (routes, 1) in by and (routes, 2) in by:
            r = by[(routes, 2)][0] / by[(routes, 1)][0]
            beyond = (f"; more than {cores(raw)} cores can give, so the 1-thread run was slowed by other load"
                      if r > cores(raw) > 0 else "")
            out.append(f"- Throughput, 2 threads / 1 thread, {routes:,} routes: **{r:.2f}x** "
                       f"(target ≥ {THREADS_TARGET:g}x: {verdict(r >= THREADS_TARGET)}{beyond})")
    out.append("")


def storage(raw, out):
    rows = jmh(raw, "storage")
    writers = jmh(raw, "writers")
    out.append("## 2. State storage (JMH)\n")
    if not rows and not writers:
        out.append("Not run.\n")
        return
    by = {(r["params"]["store"], method(r)): score(r) for r in rows}
    if rows:
        out.append(MEDIAN_NOTE)
        out.append("10,000 sender keys; each thread uses its own keys; every set changes the state. "
                   "Baseline: MemoryStorage, same operation and threads.\n")
        out.append("| storage | operation | ops/s (median) | mean ± error | vs memory |")
        out.append("|---|---|---:|---:|---:|")
        for (store, op), (s, mean, e) in sorted(by.items()):
            base = by.get(("memory", op), (float("nan"),))[0]
            out.append(f"| {store} | {op} | {fmt(s)} | {mean_err(mean, e)} | {s / base:.4f}x |")
        out.append("")
    for r in writers:
        s, mean, e = score(r)
        base = by.get(("mapdb", "set1Thread"))
        vs = f"; {s / base[0]:.1f}x one MapDB writer in this run ({fmt(base[0])}/s)" if base else ""
        out.append(f"- Durable MapDB state changes with {r['threads']} writers: **{fmt(s)}/s** (mean {mean_err(mean, e)}){vs} "
                   f"(target ≥ {DURABLE_TARGET:,}/s: {verdict(s >= DURABLE_TARGET)})")
    out.append("")


def tls_client_text(raw):
    """How the starttls-* modes were driven: the native OpenSSL client (default) or the Java SmtpLoad."""
    kind = (raw / "tls-client-kind.txt").read_text().strip() if (raw / "tls-client-kind.txt").exists() else "java"
    common = ("against the servers that speak it, with the same ECDSA P-256 certificate; both servers are warmed up with "
              "STARTTLS sessions too, and each run is timed by the client's own clock after its untimed warm-up messages "
              "(SMTP_TLS_CLIENT_WARMUP, default 500), plus the server's drain. ")
    if kind == "native":
        return ("`starttls-*` modes: bench/tlsload (C on OpenSSL, built by run.sh; smtp-source has no TLS) starts TLS in "
                "every session, a full handshake each time (no session is resumed, for either server), " + common
                + "The client's own CPU per message is listed under the table: it shares the two cores with the server.")
    return ("`starttls-*` modes: the bench's Java SmtpLoad (SMTP_TLS_CLIENT=java) starts TLS in every session, resuming "
            "where the server allows, " + common + "The client JVM's start-up and JIT count for neither server.")


def tls_client_cpu(raw, out):
    """The STARTTLS client's CPU per message, per server and mode (median of the runs)."""
    f = raw / "tls-client.txt"
    if not f.exists():
        return
    cpu = {}
    for line in f.read_text().splitlines():
        parts = line.split("\t")
        m = re.search(r"client CPU ([0-9.]+) ms", line)
        if len(parts) == 3 and m:
            cpu.setdefault((parts[0], parts[1]), []).append(float(m.group(1)))
    for (name, mode), values in sorted(cpu.items()):
        out.append(f"- {mode}: the STARTTLS client's CPU against {name}: {statistics.median(values):.3f} ms per message")


def smtp(raw, out):
    out.append("## 3. SMTP end to end (smtp-source, or a STARTTLS client, 20 sessions, 2 KiB messages)\n")
    f = raw / "smtp.tsv"
    if not f.exists():
        out.append("Not run.\n")
        return
    out.append("`new-connection`: one SMTP session per message (smtp-source's default); `reused-connection`: "
               "sessions send message after message (`-d`). All servers run at once and take turns: in each round "
               "every server gets one run per mode, seconds apart. Ratios are taken within a round (a server's run "
               "against smtp-sink's or GreenMail's run of the same round and mode); the table gives the median run, "
               "the spread, and the median of the per-round ratios. "
               "SubEthaSMTP is a reference point: a maintained Java SMTP library with a thread per connection "
               "(Tubemail's receiver used it before its own event loop), alone, throwing each message away. "
               "Postfix is a whole MTA configured by bench/scripts/postfix-mta.sh: smtpd, cleanup (fsync before 250), "
               "the queue manager and the discard transport; its clock stops when its queue is empty. "
               + tls_client_text(raw) + "\n")
    rows = [line.split("\t") for line in f.read_text().splitlines() if line.strip()]
    runs, by_round, sizes = {}, {}, {}
    for row in rows:
        name, mode, n, secs = row[:4]
        rate = int(n) / float(secs)
        runs.setdefault((name, mode), []).append(rate)
        rnd = row[4] if len(row) > 4 else str(len(runs[(name, mode)]))  # older files: the n-th run of each
        by_round[(name, mode, rnd)] = rate
        sizes[(name, mode)] = int(n)

    def ratios(name, mode, base):
        """The server's rate over the baseline's, round by round (rounds where both ran)."""
        return [rate / by_round[(base, md, rnd)] for (nm, md, rnd), rate in by_round.items()
                if nm == name and md == mode and (base, md, rnd) in by_round]

    def median_ratio(name, mode, base):
        r = ratios(name, mode, base)
        return statistics.median(r) if r else None

    out.append("| server | mode | messages per run | runs | messages/s (median) | slowest - fastest run | vs smtp-sink | vs GreenMail |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for (name, mode), r in runs.items():
        sink, gm = median_ratio(name, mode, "smtp-sink"), median_ratio(name, mode, "GreenMail")
        out.append(f"| {name} | {mode} | {sizes[(name, mode)]:,} | {len(r)} | {fmt(statistics.median(r))} | "
                   f"{fmt(min(r))} - {fmt(max(r))} | {'n/a' if sink is None else f'{sink:.2f}x'} | "
                   f"{'n/a' if gm is None else f'{gm:.2f}x'} |")
    out.append("")
    for mode in dict.fromkeys(m for _, m in runs):
        for base, target in (("smtp-sink", SINK_TARGET), ("GreenMail", GREENMAIL_TARGET)):
            r = ratios("Tubemail", mode, base)
            if r:
                m = statistics.median(r)
                each = ", ".join(f"{x:.2f}x" for x in r)
                out.append(f"- {mode}: Tubemail / {base} **{m:.2f}x** (rounds: {each}; target ≥ {target:g}: "
                           f"{verdict(m >= target)})")
        r = ratios("Tubemail", mode, "Postfix")
        if r:
            target = POSTFIX_TLS_TARGET if mode.startswith("starttls") else POSTFIX_TARGET
            m = statistics.median(r)
            out.append(f"- {mode}: Tubemail / Postfix full MTA **{m:.2f}x** (rounds: {', '.join(f'{x:.2f}x' for x in r)}; "
                       f"target ≥ {target:g}: {verdict(m >= target)})")
        lib, tm = median_ratio("SubEthaSMTP", mode, "smtp-sink"), median_ratio("Tubemail", mode, "SubEthaSMTP")
        if lib is not None and tm is not None:
            out.append(f"- {mode}: SubEthaSMTP alone, storing nothing, reaches {lib:.2f}x smtp-sink; Tubemail, "
                       f"spooling, routing and storing state durably, {tm:.2f}x of that")
    tls_client_cpu(raw, out)
    out.append("")


def memory(raw, out):
    out.append("## 4. Memory: -Xmx256m, 100 idle connections, 10,000 distinct senders\n")
    client, server = raw / "memory.json", raw / "memory-server.txt"
    if not client.exists() or not server.exists():
        out.append("Not run.\n")
        return
    c = json.loads(client.read_text())
    s = server.read_text()
    used = re.search(r"used (\d+)K", s)
    total = re.search(r"total (\d+)K", s)
    alive = "alive: yes" in s
    ok = (alive and c["accepted"] == c["senders"] and c["idle_alive_after"] == c["idle_opened"]
          and "errors in log: 0" in s)
    out.append(f"- Messages accepted: {c['accepted']:,} of {c['senders']:,} senders in {c['seconds']} s "
               f"({c['refused']} refused)")
    out.append(f"- Idle connections still answering afterwards: {c['idle_alive_after']} of {c['idle_opened']}")
    out.append(f"- Server alive: {'yes' if alive else 'no'}; " + s.splitlines()[1])
    if used:
        heap = f"{int(used.group(1)) / 1024:.1f} MiB"
        share = f" ({int(used.group(1)) / (256 * 1024):.0%} of the 256 MiB limit" + \
                (f"; committed {int(total.group(1)) / 1024:.0f} MiB)" if total else ")")
        out.append(f"- Heap used after a full GC: **{heap}**{share}")
    out.append(f"- Verdict: {verdict(ok)}")
    out.append("")


def memory_idle(raw, out):
    f = raw / "memory-idle.json"
    if not f.exists():
        return
    c = json.loads(f.read_text())
    out.append(f"## 5. Idle connections: -Xmx256m, {c['idle_wanted']:,} idle connections, half of them TLS\n")
    used = re.search(r"used (\d+)K", c["heap_after_gc"])
    ok = (c["idle_opened"] == c["idle_wanted"] and c["idle_alive_after"] == c["idle_opened"]
          and c["new_client_ms_max"] <= IDLE_MS_TARGET)
    out.append(f"- Opened: {c['idle_opened']:,} ({c['idle_tls']:,} with STARTTLS) in {c['opened_in_seconds']} s"
               + (f"; errors: {c['first_errors']}" if c["first_errors"] else ""))
    out.append(f"- A new client's connect-to-EHLO-reply time with all of them open: median {c['new_client_ms_median']} ms, "
               f"slowest {c['new_client_ms_max']} ms (target ≤ {IDLE_MS_TARGET} ms)")
    if used:
        out.append(f"- Heap used after a full GC, all connections open: **{int(used.group(1)) / 1024:.1f} MiB**")
    out.append(f"- Still answering NOOP afterwards: {c['idle_alive_after']:,} of {c['idle_opened']:,}")
    out.append(f"- Verdict: {verdict(ok)}")
    out.append("")


def auth(raw, out):
    f = raw / "auth.txt"
    if not f.exists():
        return
    out.append("## 6. Sender checks: SPF, DKIM and DMARC with a warm DNS cache\n")
    out.append("Two Tubemail servers (durable state, log spool), checks on and off, distinct DKIM-signed messages "
               "(each its own Message-ID, Date and body line, signed before its run) over 20 reused connections, "
               "runs interleaved (`AuthCost`); under each run, its CPU per message by thread group. "
               "Target: checks on >= 0.8x checks off.\n")
    lines = [l.strip() for l in f.read_text().splitlines()
             if l.startswith(("checks alone", "round", "RESULT", "  checks off:", "  checks on:"))]
    out.extend(f"- {l}" for l in lines)
    m = re.search(r"median ratio ([0-9.]+)", f.read_text())
    if m:
        out.append(f"- Verdict: {verdict(float(m.group(1)) >= 0.8)}")
    out.append("")

ABUSE_SERVERS = (("tubemail", "Tubemail"), ("postfix", "Postfix postscreen + anvil"))
ATTACKS = (("idle", "idle connections"), ("drip", "slow drips (DATA, 1 byte at a time)"), ("flood", "connection flood"),
           ("dict", "dictionary attack (RCPT to unknown local parts)"), ("early", "early talkers (EHLO before the greeting)"))


def ms(x):
    return "n/a" if x is None else f"{x:,.0f} ms"


def abuse(raw, out):
    runs = {k: json.loads((raw / f"abuse-{k}.json").read_text()) for k, _ in ABUSE_SERVERS
            if (raw / f"abuse-{k}.json").exists() and (raw / f"abuse-{k}.json").stat().st_size}
    if not runs:
        return
    names = [(k, n) for k, n in ABUSE_SERVERS if k in runs]
    cfg = next(iter(runs.values()))["settings"]
    out.append("## 7. Under attack: legitimate mail while the server is attacked\n")
    out.append(
        f"`bench/scripts/abuse.py`: legitimate clients on {cfg.get('legit_source', '127.0.0.1')} send {cfg['legit']} messages, one session each, one every "
        f"{cfg['legit_interval']:g} s, each waiting for its `250` (at most {cfg['legit_timeout']:g} s; after {cfg['warmup']} "
        f"untimed ones), first alone (quiet), then {cfg['ramp']:g} s into a {cfg['duration']:g} s attack from 127.0.0.2-250 "
        f"with everything at once: {cfg['idle']:,} idle connections from {cfg['idle_addrs']} addresses, {cfg['drips']} slow "
        f"drips (`DATA`, then a byte every {cfg['drip_every']:g} s), a flood of {cfg['flood_rate']:g} new connections/s from "
        f"151 addresses, a dictionary attack of {cfg['dict']:,} `RCPT`s to unknown local parts over {cfg['dict_sessions']} "
        f"sessions, and {cfg['early']} early talkers; a session the server ends is opened again after {cfg['reconnect']:g} s. "
        "Tubemail runs from a settings file (`AbuseServer`); Postfix with postscreen in front of smtpd and anvil's per-client "
        "limits (`postfix-mta.sh screen`; 127.0.0.1 is `mynetworks`). Targets: 100% delivered, p99 under attack at most "
        f"{ABUSE_P99_TARGET:g}x quiet.\n")
    cond = raw / "abuse-conditions.txt"
    if cond.exists():
        out.extend(f"- {line}" for line in cond.read_text().splitlines())
        out.append("")
    header = "| | " + " | ".join(n for _, n in names) + " |"
    rule = "|---|" + "---:|" * len(names)

    def row(label, f):
        out.append(f"| {label} | " + " | ".join(f(runs[k]) for k, _ in names) + " |")

    def share(legit):
        return f"{legit['delivered']:,} of {legit['sent']:,} ({legit['delivered'] / legit['sent']:.0%})" if legit["sent"] else "n/a"

    def p99_ratio(r):
        q, a = r["quiet"]["legit"]["p99_ms"], r["attack"]["legit"]["p99_ms"]
        return a / q if q and a else None

    out.append("**Legitimate clients**\n")
    out.append(header)
    out.append(rule)
    row("delivered, quiet", lambda r: share(r["quiet"]["legit"]))
    row("delivered, under attack", lambda r: f"**{share(r['attack']['legit'])}**")
    row("time to 250, quiet: median / p99", lambda r: f"{ms(r['quiet']['legit']['median_ms'])} / {ms(r['quiet']['legit']['p99_ms'])}")
    row("time to 250, under attack: median / p99",
        lambda r: f"{ms(r['attack']['legit']['median_ms'])} / {ms(r['attack']['legit']['p99_ms'])}")
    row("p99 under attack / quiet", lambda r: "n/a (none delivered)" if p99_ratio(r) is None else f"**{p99_ratio(r):.2f}x**")
    row("what the others got", lambda r: ", ".join(f"{k} x{v}" for k, v in r["attack"]["legit"]["failures"].items()) or "-")
    out.append("")
    for k, n in names:
        ex = [line for _, line in runs[k]["attack"]["legit"]["failure_examples"] if line]
        if ex:
            out.append(f"{n} to the legitimate clients: " + "; ".join(f"`{line}`" for line in ex) + "\n")
    out.append("**Server during the attack** (sampled from /proc every "
               f"{cfg['sample_every']:g} s; Postfix: the master and all its processes; memory as PSS, shared pages once)\n")
    out.append(header)
    out.append(rule)
    srv = lambda r: r["attack"]["server"]  # noqa: E731
    row("open file descriptors, most", lambda r: f"{srv(r)['max_fds']:,}" if srv(r)["max_fds"] is not None else "n/a")
    row("processes, most", lambda r: f"{srv(r)['max_processes']}")
    row("memory (PSS), most", lambda r: f"{srv(r)['max_pss_mib']:,.0f} MiB")
    row("JVM heap used, most (from /metrics)", lambda r: "-" if not srv(r).get("max_heap_mib") else f"{srv(r)['max_heap_mib']:,.0f} MiB")
    row("JVM heap after a full GC, attackers connected", lambda r: "-" if srv(r).get("heap_after_gc_mib") is None
        else f"{srv(r)['heap_after_gc_mib']:,.1f} MiB")
    row("attacker connection attempts", lambda r: f"{r['attack']['attempts']:,}")
    row("the driver's own CPU, whole run", lambda r: f"{r['driver_cpu_seconds']:.0f} s" if "driver_cpu_seconds" in r else "n/a")
    alive = raw / "abuse-tubemail-server.txt"
    if alive.exists():
        out.append(f"\nTubemail {alive.read_text().strip()}.")
    out.append("")
    out.append("**Attacker sessions, by the first refusal each got** (or how it ended)\n")
    out.append("| attack | outcome | " + " | ".join(n for _, n in names) + " |")
    out.append("|---|---|" + "---:|" * len(names))
    for key, label in ATTACKS:
        outcomes = {}
        for k, _ in names:
            for o in runs[k]["attack"]["attacks"][key]["sessions"]:
                outcomes.setdefault(o, None)
        for o in outcomes:
            out.append(f"| {label} | {o} | " + " | ".join(
                f"{runs[k]['attack']['attacks'][key]['sessions'].get(o, 0):,}" for k, _ in names) + " |")
        extra = {"dict": ("rcpt_answered", "RCPTs answered"), "drip": ("reached_data", "sessions that reached DATA"),
                 "early": ("messages_accepted", "spam messages accepted")}.get(key)
        if extra:
            out.append(f"| {label} | *{extra[1]}* | " + " | ".join(
                f"{runs[k]['attack']['attacks'][key].get(extra[0], 0):,}" for k, _ in names) + " |")
    out.append("")
    for k, n in names:
        ex = {o: t for a in runs[k]["attack"]["attacks"].values() for o, t in a["examples"].items()}
        if ex:
            out.append(f"{n}'s refusals: " + "; ".join(f"`{t}`" for t in ex.values()))
            out.append("")
    if "tubemail" in runs:
        refused = runs["tubemail"]["attack"]["clients_refused_total"]
        out.append("Tubemail's `tubemail_clients_refused_total{reason}` during the attack: "
                   + (", ".join(f"{r} {v:,.0f}" for r, v in sorted(refused.items())) if refused
                      else "none (no defence reported a refusal)") + "\n")
    log = raw / "abuse-postfix-log.tsv"
    if log.exists():
        counts = [line.split("\t") for line in log.read_text().splitlines() if line.strip()]
        out.append("Postfix's log during the whole step: " + ", ".join(f"{p} {c}" for p, c in counts if c != "0") + "\n")
    verdicts = []
    for k, n in names:
        legit = runs[k]["attack"]["legit"]
        share_ok = legit["sent"] and legit["delivered"] / legit["sent"] >= ABUSE_DELIVERED_TARGET
        r = p99_ratio(runs[k])
        verdicts.append(f"{n}: delivered {legit['delivered'] / max(1, legit['sent']):.0%} under attack "
                        f"(target 100%: {verdict(share_ok)}), p99 under attack {'n/a' if r is None else f'{r:.2f}x'} the quiet one "
                        + (f"(target ≤ {ABUSE_P99_TARGET:g}x: {verdict(r is not None and r <= ABUSE_P99_TARGET)})" if share_ok
                           else f"(target ≤ {ABUSE_P99_TARGET:g}x: not judged, over the {legit['delivered']} delivered only)"))
    out.extend(f"- {v}" for v in verdicts)
    if len(names) == 2:
        a, b = runs["tubemail"]["attack"]["legit"], runs["postfix"]["attack"]["legit"]
        ra, rb = p99_ratio(runs["tubemail"]), p99_ratio(runs["postfix"])
        out.append(f"- Tubemail / Postfix under attack: delivered {a['delivered']:,} / {b['delivered']:,}"
                   + (f" ({a['delivered'] / b['delivered']:.2f}x)" if b["delivered"] else "")
                   + (f"; p99 {ms(a['p99_ms'])} / {ms(b['p99_ms'])}" if a["p99_ms"] and b["p99_ms"] else "")
                   + (f"; p99 under attack / quiet {ra:.2f}x / {rb:.2f}x" if ra and rb else ""))
    out.append("")


CRYPTO_OPERATIONS = [
    ("ecdsaP256Sign", "ECDSA P-256 sign (1 KiB)"),
    ("ecdheP256", "ECDHE P-256: key pair + agreement"),
    ("ecdheX25519", "ECDHE X25519: key pair + agreement (the JDK's in both: no XDH in ACCP)"),
    ("rsa2048Sign", "RSA-2048 sign, SHA-256 (1 KiB)"),
    ("rsa2048Verify", "RSA-2048 verify, SHA-256 (1 KiB)"),
    ("ed25519Sign", "Ed25519 sign (32 bytes, as DKIM)"),
    ("hmacSha256", "HMAC-SHA256 (1 KiB)"),
    ("tls13Handshake", "TLS 1.3 full handshake, client + server, x25519 (client default)"),
    ("tls13HandshakeP256", "TLS 1.3 full handshake, client + server, P-256 only"),
    ("dkimRelayRsa2048", "DKIM-signing relay, RSA-2048, 3 KB reply"),
    ("dkimRelayEd25519", "DKIM-signing relay, Ed25519, 3 KB reply"),
]


def cluster(raw, out):
    f = raw / "cluster.tsv"
    if not f.exists() or not f.read_text().strip():
        return
    out.append("## Several servers: 1, 2 and 3 Tubemail JVMs behind HAProxy, log and PostgreSQL spool, and Postfix\n")
    n_cores = cores(raw)
    out.append(f"**This machine has {n_cores} cores**: the 2 and 3 server JVMs, PostgreSQL, HAProxy and the load client "
               "share them, so more servers cannot add cores here; what adding servers costs shows in the CPU per message, "
               "and the msgs/CPU-s column (messages per second of CPU used by the servers and PostgreSQL) is the per-core "
               "figure: what one core would carry. Each configuration is N server JVMs (`tubemail start` from its own "
               "settings, MailboxHandler, states in PostgreSQL, one database per configuration) behind a frontend of one "
               "HAProxy (tcp, round robin, `send-proxy-v2`); Postfix (postfix-mta.sh: smtpd, cleanup with fsync, qmgr, "
               "discard) is behind a frontend of the same HAProxy. PostgreSQL runs with fsync on. The load is many "
               "smtp-source processes at once, each one sender with one session, a new connection per message; the clock "
               "stops when every message is routed (the servers' `tubemail_messages_routed_total`; Postfix: its queue is "
               "empty). All configurations run at once and take turns, round after round; ratios are taken within a round, "
               "then the median. CPU from /proc: the servers' JVMs (Postfix: all its processes), PostgreSQL (the "
               "configuration's backends and the server's own processes); HAProxy's is listed apart, it is the same for all.\n")
    cond = raw / "cluster-conditions.txt"
    if cond.exists():
        out.extend(f"- {line}" for line in cond.read_text().splitlines())
        out.append("")
    rows = [line.split("\t") for line in f.read_text().splitlines() if line.strip()]
    runs, by_round = {}, {}
    for name, n, secs, rnd, server, db, proxy in rows:
        r = {"n": int(n), "rate": int(n) / float(secs), "server": float(server), "db": float(db), "proxy": float(proxy)}
        runs.setdefault(name, []).append(r)
        by_round[(name, rnd)] = r["rate"]

    def ratio(name, base):
        rs = [rate / by_round[(base, rnd)] for (nm, rnd), rate in by_round.items() if nm == name and (base, rnd) in by_round]
        return statistics.median(rs) if rs else None

    def label(name):
        if name == "Postfix":
            return "Postfix full MTA", ""
        spool, servers = name.rsplit("-", 1)
        return f"{servers} server{'s' if servers != '1' else ''}", spool

    def x(v):
        return "n/a" if v is None else f"{v:.2f}x"

    out.append("| servers | spool | runs | msgs/s (median) | slowest - fastest | vs 1 server, log | PG spool / Postfix "
               "| server CPU ms/msg | PostgreSQL CPU ms/msg | msgs/CPU-s | HAProxy CPU ms/msg |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    order = sorted(runs, key=lambda k: (k == "Postfix", k.rsplit("-", 1)[0] != "log", k))
    for name in order:
        rs = runs[name]
        rates = [r["rate"] for r in rs]
        msgs = sum(r["n"] for r in rs)
        server, db, proxy = (sum(r[k] for r in rs) for k in ("server", "db", "proxy"))
        servers, spool = label(name)
        pg = ratio(name, "Postfix") if spool == "postgres" else None
        per_cpu = msgs / (server + db) if server + db > 0 else float("nan")
        out.append(f"| {servers} | {spool or '-'} | {len(rs)} | {fmt(statistics.median(rates))} | {fmt(min(rates))} - "
                   f"{fmt(max(rates))} | {x(ratio(name, 'log-1'))} | "
                   f"{x(pg) if spool == 'postgres' else '-'} | {server * 1000 / msgs:.2f} | {db * 1000 / msgs:.2f} | "
                   f"{fmt(per_cpu)} | {proxy * 1000 / msgs:.2f} |")
    out.append("")
    for name in order:
        if name.startswith("postgres-"):
            r = ratio(name, "Postfix")
            if r is not None:
                out.append(f"- {label(name)[0]}, PostgreSQL spool / Postfix full MTA: **{r:.2f}x** (target ≥ "
                           f"{CLUSTER_POSTFIX_TARGET:g}: {verdict(r >= CLUSTER_POSTFIX_TARGET)}); every accepted message is "
                           "committed in PostgreSQL, which another server routes if this one dies with its disk; Postfix's "
                           "queue is on its own machine's disk")
    errors = raw / "cluster-server-errors.txt"
    if errors.exists() and errors.read_text().strip():
        out.append("\nErrors in the servers' logs (first lines):\n\n```")
        out.extend(errors.read_text().splitlines()[:20])
        out.append("```")
    out.append("")


def crypto(raw, out):
    rows = jmh(raw, "crypto")
    if not rows:
        return
    out.append("## 8. Crypto: the JDK's providers and Amazon Corretto Crypto Provider (JMH)\n")
    out.append(MEDIAN_NOTE)
    out.append("One thread, each operation as JSSE or the DKIM code does it (`getInstance` per operation, no provider named); "
               "the handshakes between two in-memory SSLEngines with the server's self-signed ECDSA P-256 certificate.\n")
    by = {(method(r), r["params"]["provider"]): score(r) for r in rows}
    out.append("| operation | JDK µs/op (median) | native µs/op (median) | JDK / native | native per second |")
    out.append("|---|---:|---:|---:|---:|")
    for name, label in CRYPTO_OPERATIONS:
        jdk, nat = by.get((name, "jdk")), by.get((name, "native"))
        if jdk and nat:
            out.append(f"| {label} | {jdk[0]:,.1f} | {nat[0]:,.1f} | {jdk[0] / nat[0]:.1f}x | {1e6 / nat[0]:,.0f} |")
    out.append("")


def profile(raw, out):
    f = raw / "router-profile.txt"
    if not f.exists():
        return
    out.append("## Profile (JMH stack profiler, 1,000 routes)\n")
    out.append("Hottest stacks of the RUNNABLE threads, as JMH printed them:\n")
    out.append("```")
    keep = False
    for line in f.read_text().splitlines():
        if line.startswith("Secondary result") and "stack" in line:
            keep = True
        elif line.startswith("# Run complete") or line.startswith("# Warmup Iteration"):
            keep = False
        if keep:
            out.append(line)
    out.append("```\n")


def main():
    raw = Path(sys.argv[1])
    out = ["# Tubemail benchmark results\n"]
    out.append("Written by `bench/run.sh`. Absolute figures come with a ratio against a baseline measured in the "
               "same run: the machine is small and shared, so compare ratios across runs, not absolute numbers.\n")
    out.append("## Machine\n")
    out.extend(f"- {line}" for line in (raw / "machine.txt").read_text().splitlines())
    out.append("")
    router(raw, out)
    storage(raw, out)
    smtp(raw, out)
    memory(raw, out)
    memory_idle(raw, out)
    auth(raw, out)
    abuse(raw, out)
    cluster(raw, out)
    crypto(raw, out)
    profile(raw, out)
    out.append("## Commands\n")
    out.append("```")
    out.extend((raw / "commands.txt").read_text().splitlines())
    out.append("```")
    print("\n".join(out))


if __name__ == "__main__":
    main()
