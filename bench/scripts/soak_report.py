#!/usr/bin/env python3
"""Turns the raw files of bench/soak.sh into a report (Markdown) and a plot (PNG, by gnuplot).

Usage: soak_report.py RAW_DIR REPORT.md PLOT.png

Lost: (message id, recipient) pairs answered 250 that no handler ever recorded. Latency: from the
client reading 250 to the handler recording the recipient (first time). Leak check: least-squares
slope of heap after GC, threads and file descriptors against time, for each server process, after
its first minute (warm-up; the whole of it when a process ran less than two minutes).
"""
import re
import subprocess
import sys
from pathlib import Path

# A leak shows as a slope above these, per minute. Heap: 1 MiB/min is 30 bytes kept per message at
# 600 messages/s; threads and descriptors: one more every two minutes.
LIMITS = {"heap_mib": 1.0, "threads": 0.5, "fds": 0.5}


def read_pairs(path):
    pairs = {}
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 3:
                pairs.setdefault((parts[0], parts[1]), []).append(int(parts[2]))
    return pairs


def slope(points):
    if len(points) < 3:
        return None
    n = len(points)
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    var = sum((p[0] - mx) ** 2 for p in points)
    if var == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in points) / var


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main(raw, report, plot):
    raw = Path(raw)
    events = [l.split() for l in (raw / "events.txt").read_text().splitlines() if l.strip()]
    starts = [(float(t), pid) for t, kind, pid in events if kind == "start"]
    kills = [float(t) for t, kind, _ in events if kind == "kill"]
    t0 = starts[0][0]

    samples = []
    lines = (raw / "samples.tsv").read_text().splitlines()[1:]
    for line in lines:
        t, pid, threads, fds, acc, routed = line.split("\t")
        if threads == "NA":
            continue
        samples.append({"t": float(t) - t0, "pid": pid, "threads": int(threads), "fds": int(fds),
                        "accepted": int(acc), "routed": int(routed)})

    # heap after each GC, per server start (gc-N.log; uptime seconds since that JVM started)
    heap = []
    for i, (start, pid) in enumerate(starts, 1):
        log = raw / f"gc-{i}.log"
        if not log.exists():
            continue
        for m in re.finditer(r"\[(\d+\.\d+)s\].*?(\d+)M->(\d+)M\(", log.read_text()):
            heap.append({"t": start + float(m.group(1)) - t0, "pid": pid, "mib": int(m.group(3))})

    accepted = read_pairs(raw / "accepted.log")
    routed = read_pairs(raw / "routed.log")
    lost = [k for k in accepted if k not in routed]
    twice = sum(1 for k, v in routed.items() if len(v) > 1)
    latencies = [max(0, min(routed[k]) - accepted[k][0]) for k in accepted if k in routed]
    client = (raw / "client.txt").read_text().strip()
    machine = (raw / "machine.txt").read_text().strip()

    # per-process slopes after warm-up
    rows = []
    for start, pid in starts:
        s_pid = [s for s in samples if s["pid"] == pid]
        h_pid = [h for h in heap if h["pid"] == pid]
        if not s_pid:
            continue
        span = s_pid[-1]["t"] - (start - t0)
        warm = (start - t0) + (60 if span >= 120 else 0)
        fits = {
            "heap_mib": slope([(h["t"] / 60, h["mib"]) for h in h_pid if h["t"] >= warm]),
            "threads": slope([(s["t"] / 60, s["threads"]) for s in s_pid if s["t"] >= warm]),
            "fds": slope([(s["t"] / 60, s["fds"]) for s in s_pid if s["t"] >= warm]),
        }
        rows.append((pid, round(span), fits, max((h["mib"] for h in h_pid), default=0),
                     max(s["threads"] for s in s_pid), max(s["fds"] for s in s_pid)))

    leak = any(v is not None and v > LIMITS[k] for _, _, fits, *_ in rows for k, v in fits.items())

    # plot data: one line per sample, heap as the lowest after-GC value since the previous sample
    data = raw / "plot.dat"
    with data.open("w") as f:
        prev = 0.0
        for s in samples:
            window = [h["mib"] for h in heap if prev < h["t"] <= s["t"]]
            f.write(f"{s['t']:.1f} {min(window) if window else 'NaN'} {s['threads']} {s['fds']} "
                    f"{max(0, s['accepted'] - s['routed'])} {s['accepted']} {s['routed']}\n")
            prev = s["t"]
    lat_file = raw / "latency.dat"
    buckets = {}
    for k, times in accepted.items():
        if k in routed:
            b = int((times[0] / 1000 - t0) // 10) * 10
            buckets.setdefault(b, []).append(max(0, min(routed[k]) - times[0]))
    with lat_file.open("w") as f:
        for b in sorted(buckets):
            f.write(f"{b} {percentile(buckets[b], 0.5)} {percentile(buckets[b], 0.99)}\n")
    kill_lines = "".join(f"set arrow from {k - t0:.1f}, graph 0 to {k - t0:.1f}, graph 1 nohead lc rgb 'red' dt 2\n"
                         for k in kills)
    script = f"""
set terminal pngcairo size 1100,1300 font ',10'
set output '{plot}'
set multiplot layout 5,1 title 'Tubemail soak run (red: kill -9 and restart)'
set xlabel 'seconds'
set grid
{kill_lines}
set ylabel 'MiB'
plot '{data}' using 1:2 with linespoints pt 7 ps 0.4 title 'heap after GC'
set ylabel 'count'
plot '{data}' using 1:3 with lines lw 2 title 'threads', '' using 1:4 with lines lw 2 title 'file descriptors'
set ylabel 'recipients'
plot '{data}' using 1:5 with lines lw 2 title 'accepted, not yet routed (spool depth)'
set ylabel 'recipients'
plot '{data}' using 1:6 with lines lw 2 title 'accepted', '' using 1:7 with lines lw 2 title 'routed'
set ylabel 'ms'
set logscale y
plot '{lat_file}' using 1:($2+0.1) with lines lw 2 title 'p50 acceptance to routing', '' using 1:($3+0.1) with lines lw 2 title 'p99'
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)

    def fmt(v):
        return "n/a" if v is None else f"{v:+.3f}"

    out = ["# Soak run", "", "```", machine, "```", "",
           f"Client: `{client}`", "",
           "| measure | value |", "| --- | --- |",
           f"| recipients accepted (250) | {len(accepted):,} |",
           f"| recipients routed | {len([k for k in accepted if k in routed]):,} |",
           f"| **lost** (accepted, never routed) | **{len(lost)}** |",
           f"| routed more than once (at least once, across the kill) | {twice} |",
           f"| acceptance to routing, p50 / p99 | {percentile(latencies, 0.5)} ms / {percentile(latencies, 0.99)} ms |",
           f"| server restarts after kill -9 | {len(kills)} |", "",
           "Trend per server process after its first minute (least-squares slope per minute; "
           f"limits: heap {LIMITS['heap_mib']} MiB/min, threads {LIMITS['threads']}/min, descriptors {LIMITS['fds']}/min):", "",
           "| process | ran (s) | heap after GC slope (MiB/min) | threads slope | fds slope | max heap after GC (MiB) | max threads | max fds |",
           "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for pid, span, fits, mh, mt, mf in rows:
        out.append(f"| {pid} | {span} | {fmt(fits['heap_mib'])} | {fmt(fits['threads'])} | {fmt(fits['fds'])} | {mh} | {mt} | {mf} |")
    out += ["", f"Verdict: {'0 lost' if not lost else str(len(lost)) + ' LOST'}; "
            f"{'a slope exceeds its limit: possible leak' if leak else 'no slope exceeds its limit'}.", "",
            f"![soak plot]({Path(plot).name})", ""]
    if lost:
        out += ["First lost pairs: " + ", ".join(f"{i} {r}" for i, r in lost[:10]), ""]
    Path(report).write_text("\n".join(out))
    print("\n".join(out))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
