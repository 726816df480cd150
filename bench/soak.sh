#!/usr/bin/env bash
# A soak run: Tubemail under steady SMTP load for a long time, killed with SIGKILL and restarted in
# the middle, watched for lost mail and for leaks. Writes bench/results/soak.md and soak.png (raw
# samples and logs in bench/results/soak/).
#
# Usage: bench/soak.sh [--quick]      30 minutes by default, 2 minutes with --quick
# Environment: SOAK_SECONDS (run length; overrides --quick), SOAK_RATE (messages/s; default half of
#              the rate measured in a 20 s calibration run), SOAK_SAMPLE (seconds between samples,
#              default 5), SOAK_SKIP_BUILD=1 (use the jars already built), SOAK_CP (the server's class
#              path, default the bench jar; e.g. ../target/classes:target/benchmarks.jar), BENCH_NOTE.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
JAR=$BENCH/target/benchmarks.jar
OUT=$BENCH/results/soak
SECONDS_TOTAL=1800
[ "${1:-}" = "--quick" ] && SECONDS_TOTAL=120
SECONDS_TOTAL=${SOAK_SECONDS:-$SECONDS_TOTAL}
SAMPLE=${SOAK_SAMPLE:-5}

log() { echo "[soak] $*" >&2; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

command -v gnuplot > /dev/null || { log "gnuplot is missing (Debian package gnuplot)"; exit 2; }
if [ "${SOAK_SKIP_BUILD:-0}" != 1 ]; then
    log "building Tubemail and the benchmarks"
    (cd "$ROOT" && mvn -q -B -DskipTests -f bench/reactor.xml package) # as bench/run.sh: nothing goes into ~/.m2
fi

rm -rf "$OUT" && mkdir -p "$OUT"
HOME_DIR=$(mktemp -d /tmp/tubemail-soak.XXXXXX)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RESTARTS=0

# start_server: starts the server in the background (GC log per start), waits for READY.
start_server() {
    RESTARTS=$((RESTARTS + 1))
    java -Xmx256m -XX:+ExitOnOutOfMemoryError -Xlog:gc:file="$OUT/gc-$RESTARTS.log":uptime \
        -cp "${SOAK_CP:-$JAR}" org.tubemail.bench.SoakServer "$PORT" "$HOME_DIR" >> "$OUT/server.log" 2>&1 &
    SERVER=$!
    PIDS+=("$SERVER")
    for _ in $(seq 1 240); do
        if [ "$(grep -c READY "$OUT/server.log")" -ge "$RESTARTS" ]; then
            echo "$(date +%s.%N) start $SERVER" >> "$OUT/events.txt"
            return 0
        fi
        kill -0 "$SERVER" 2>/dev/null || { log "server exited:"; tail -20 "$OUT/server.log" >&2; exit 1; }
        sleep 0.25
    done
    log "server not ready after 60 s"; exit 1
}

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)"
    echo "cores: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "memory: $(free -h | awk '/^Mem:/ {print $2 " total"}')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "note: ${BENCH_NOTE:-none}"
    echo "command: bench/soak.sh $*"
} > "$OUT/machine.txt"

if [ -z "${SOAK_RATE:-}" ]; then
    log "calibrating: as fast as 16 sessions can for 20 s"
    start_server
    java -cp "$JAR" org.tubemail.bench.SoakClient "$PORT" 0 20 "$OUT/calibration-accepted.log" > "$OUT/calibration.txt"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
    rm -rf "$HOME_DIR" && mkdir -p "$HOME_DIR"
    : > "$OUT/events.txt"
    RESTARTS=0
    : > "$OUT/server.log"
    rm -f "$OUT"/gc-*.log
    SOAK_RATE=$(sed -n 's/.*rate=\([0-9]*\).*/\1/p' "$OUT/calibration.txt" | awk '{print int($1 / 2)}')
    log "capacity $(sed -n 's/.*rate=\([0-9]*\).*/\1/p' "$OUT/calibration.txt") msg/s; soaking at $SOAK_RATE msg/s"
fi
echo "rate: $SOAK_RATE messages/s for $SECONDS_TOTAL s" >> "$OUT/machine.txt"

start_server
ROUTED=$HOME_DIR/run/data/routed.log
java -cp "$JAR" org.tubemail.bench.SoakClient "$PORT" "$SOAK_RATE" "$SECONDS_TOTAL" "$OUT/accepted.log" > "$OUT/client.txt" &
CLIENT=$!
PIDS+=("$CLIENT")
START=$(date +%s)
KILLED=0
printf 'time\tpid\tthreads\tfds\taccepted\trouted\n' > "$OUT/samples.tsv"
while kill -0 "$CLIENT" 2>/dev/null; do
    sleep "$SAMPLE"
    now=$(date +%s.%N)
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$SERVER/status" 2>/dev/null || echo NA)
    fds=$(ls "/proc/$SERVER/fd" 2>/dev/null | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$now" "$SERVER" "$threads" "$fds" "$(wc -l < "$OUT/accepted.log")" \
        "$( [ -f "$ROUTED" ] && wc -l < "$ROUTED" || echo 0)" >> "$OUT/samples.tsv"
    if [ "$KILLED" = 0 ] && [ $(( $(date +%s) - START )) -ge $((SECONDS_TOTAL / 2)) ]; then
        log "kill -9 $SERVER, then restart"
        echo "$(date +%s.%N) kill $SERVER" >> "$OUT/events.txt"
        kill -9 "$SERVER"; wait "$SERVER" 2>/dev/null || true
        start_server
        KILLED=1
    fi
done
wait "$CLIENT" || true
log "load done: $(cat "$OUT/client.txt"); waiting for the spool to drain"
for _ in $(seq 1 240); do
    [ "$(wc -l < "$ROUTED")" -ge "$(wc -l < "$OUT/accepted.log")" ] && break
    sleep 0.5
done
sleep 2
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
cp "$ROUTED" "$OUT/routed.log"
python3 "$BENCH/scripts/soak_report.py" "$OUT" "$BENCH/results/soak.md" "$BENCH/results/soak.png"
rm -rf "$HOME_DIR"
log "report: bench/results/soak.md, plot: bench/results/soak.png"
