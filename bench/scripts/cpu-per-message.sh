#!/bin/bash
# Server CPU per message, per thread, for A/B comparisons of the SMTP path on a shared machine
# (where messages/s are noisy but CPU per message is not). Usage:
#   bench/scripts/cpu-per-message.sh ROUNDS JAR[@JVM_OPTION] ...
# e.g. bench/scripts/cpu-per-message.sh 3 /tmp/main.jar bench/target/benchmarks.jar@-Dtubemail.monitor=none
# Starts one TubemailSmtp per JAR (each with its own work folder), warms each up with 20,000
# messages per mode, then, round after round and server after server, sends N (default 20,000)
# messages with smtp-source (20 sessions, 2 KiB; new connection per message, then reused with -d),
# waits until the spool is empty, and prints the process's CPU per message (utime+stime from
# /proc/PID/stat), that of the SMTP threads (/proc/PID/task/*/stat) and their context switches
# per message.
set -u
ROUNDS=$1; shift; N=${N:-20000}
HZ=$(getconf CLK_TCK)
SRC=(smtp-source -s 20 -l 2048 -N -f bench@senders.example.org -t rcpt@example.com)
TMP=$(mktemp -d)
PIDS=(); PORTS=(); WORKS=(); NAMES=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"' EXIT
for spec in "$@"; do
    jar=${spec%%@*}; jopt=""; [ "$spec" != "$jar" ] && jopt=${spec#*@}
    port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
    work=$(mktemp -d "$TMP/work.XXXX")
    java -Xmx1g $jopt -cp "$jar" org.tubemail.bench.TubemailSmtp "$port" "$work" > "$work/server.log" 2>&1 &
    PIDS+=($!); PORTS+=("$port"); WORKS+=("$work"); NAMES+=("$(basename "$jar" .jar)${jopt:+ $jopt}")
done
for w in "${WORKS[@]}"; do
    for _ in $(seq 150); do grep -q READY "$w/server.log" 2>/dev/null && break; sleep 0.2; done
done
drain() { timeout 600 bash -c 'echo drain > "$1/drain-request" && read -r _ < "$1/drain-answer"' _ "$1"; }
# per thread group (numbered threads summed): name, CPU ticks, context switches (a thread started
# between two snapshots counts from zero: routing threads come and go)
snap() {
    for t in /proc/$1/task/*; do
        name=$(cat "$t/comm" 2>/dev/null) || continue; s=$(cat "$t/stat" 2>/dev/null) || continue
        s=${s#*) }; set -- $s
        cs=$(awk '/ctxt_switches/ { c += $2 } END { print c + 0 }' "$t/status" 2>/dev/null)
        echo "${name// /_} $(( ${12} + ${13} )) ${cs:-0}"
    done | sed -E 's/^(smtp-route|smtp-loop|smtp-spooler)[-0-9]* /\1 /' \
        | awk '{ a[$1] += $2; c[$1] += $3 } END { for (k in a) print k, a[k], c[k] }' | sort
}
proc() { s=$(cat /proc/$1/stat); s=${s#*) }; set -- $s; echo $(( ${12} + ${13} )); }
for i in "${!PIDS[@]}"; do
    timeout 60 "${SRC[@]}" -d -m 20000 "127.0.0.1:${PORTS[$i]}"
    timeout 60 "${SRC[@]}" -m 20000 "127.0.0.1:${PORTS[$i]}"
    drain "${WORKS[$i]}"
done
sync; sleep 1
for r in $(seq "$ROUNDS"); do for mode in new reused; do for i in "${!PIDS[@]}"; do
    opt=(); [ $mode = reused ] && opt=(-d)
    p=${PIDS[$i]}
    snap "$p" > "$TMP/a"; p0=$(proc "$p"); t0=$(date +%s.%N)
    "${SRC[@]}" "${opt[@]}" -m "$N" "127.0.0.1:${PORTS[$i]}"; drain "${WORKS[$i]}"
    t1=$(date +%s.%N); p1=$(proc "$p"); snap "$p" > "$TMP/b"
    threads=$(join -a 2 -e 0 -o 0,1.2,1.3,2.2,2.3 "$TMP/a" "$TMP/b" | awk -v n="$N" -v hz="$HZ" '$1 ~ /^(smtp-loop|smtp-spooler|smtp-route|tubemail-state-)/ {
        printf "%s %.1f µs %.2f cs; ", $1, ($4 - $2) * 1e6 / hz / n, ($5 - $3) / n }')
    awk -v r="$r" -v m="$mode" -v s="${NAMES[$i]}" -v a="$p0" -v b="$p1" -v n="$N" -v hz="$HZ" -v t0="$t0" -v t1="$t1" \
        -v th="$threads" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
        'BEGIN { printf "round %s %s [%s]: process %.1f µs/msg (%.0f msg/s, load %s) | %s\n", r, m, s, (b - a) * 1e6 / hz / n, n / (t1 - t0), l, th }'
    sync; sleep 1
done; done; done
