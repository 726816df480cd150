#!/usr/bin/env bash
# Runs Tubemail's benchmarks and writes bench/results/latest.md (raw outputs in bench/results/raw/).
#
# Usage: bench/run.sh [STEP...]     steps: router storage smtp memory profile (default: all but profile)
#   router   JMH: router dispatch, 10/100/1000 routes, 1 and 2 threads
#   storage  JMH: MemoryStorage vs MapDbStorage get/set, 1 and 2 threads; 64 durable MapDB writers
#   smtp     smtp-source against smtp-sink, GreenMail, bare SubEthaSMTP and Tubemail (installs Postfix's tools if missing)
#   memory   Tubemail in -Xmx256m: 100 idle connections + mail from 10,000 distinct senders
#   profile  JMH stack profile of the 1,000-route dispatch, 1 and 2 threads
# Environment: SMTP_MESSAGES (default 10000), SMTP_WARMUP (default 20000, per mode, at most 30 s), JMH_OPTS (default "-wi 3 -i 3 -w 3s -r 2s -f 1"),
#              BENCH_NOTE (a line about the conditions, e.g. other load on the machine).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
RESULTS=$BENCH/results
RAW=$RESULTS/raw
JAR=$BENCH/target/benchmarks.jar
JMH_OPTS=${JMH_OPTS:--wi 3 -i 3 -w 3s -r 2s -f 1}
SMTP_MESSAGES=${SMTP_MESSAGES:-10000}
SMTP_WARMUP=${SMTP_WARMUP:-20000}
SMTP_REPEAT=${SMTP_REPEAT:-3}
STEPS=("$@")
[ ${#STEPS[@]} -eq 0 ] && STEPS=(router storage smtp memory)

STARTED_PIDS=()
cleanup() {
    for pid in "${STARTED_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

log() { echo "[bench] $*" >&2; }

# Runs a command and records it in the commands list of the report.
run() {
    echo "$*" >> "$RAW/commands.txt"
    "$@"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME LOGFILE COMMAND...: starts a server in the background, waits until it prints READY.
start_server() {
    local name=$1 logfile=$2
    shift 2
    echo "$* &" >> "$RAW/commands.txt"
    "$@" > "$logfile" 2>&1 &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    for _ in $(seq 1 120); do
        if grep -q READY "$logfile" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            log "$name exited before it was ready; its log:"
            cat "$logfile" >&2
            return 1
        fi
        sleep 0.5
    done
    log "$name was not ready after 60 s"
    return 1
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
}

build() {
    log "building Tubemail and the benchmarks"
    (cd "$ROOT" && run mvn -q -DskipTests install)
    (cd "$BENCH" && run mvn -q package)
}

describe_machine() {
    {
        echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
        echo "cores (nproc): $(nproc)"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
        echo "topology: $(lscpu | grep -E '^(Socket|Core|Thread|Hypervisor vendor)' | sed 's/  */ /g' | paste -sd ';' -)"
        echo "memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
        echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "java: $(java -version 2>&1 | tr '\n' ' ')"
        echo "note: ${BENCH_NOTE:-none}"
    } > "$RAW/machine.txt"
}

jmh() {
    local out=$1
    shift
    # shellcheck disable=SC2086 # JMH_OPTS is a list of options
    run java -jar "$JAR" "$@" $JMH_OPTS -rf json -rff "$RAW/$out.json" > "$RAW/$out.txt"
}

step_router() {
    log "router dispatch (JMH)"
    jmh router 'RouterBench'
}

step_storage() {
    log "state storage (JMH)"
    jmh storage 'StorageBench'
    jmh writers 'DurableWritersBench'
}

step_profile() {
    log "profiling 1,000-route dispatch (JMH stack profiler)"
    # shellcheck disable=SC2086
    run java -jar "$JAR" 'RouterBench' -p routes=1000 -prof "stack:lines=3;top=15" $JMH_OPTS > "$RAW/router-profile.txt"
}

ensure_postfix_tools() {
    if command -v smtp-source > /dev/null && command -v smtp-sink > /dev/null; then
        return
    fi
    log "installing Postfix for smtp-source and smtp-sink (the daemon is not configured or started)"
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix > /dev/null
    # Only the tools are wanted: make sure no Postfix daemon is left running or bound to port 25.
    postfix stop > /dev/null 2>&1 || true
}

# load NAME PORT [SPOOL]: warms the server up (see SMTP_WARMUP), then times smtp-source sending SMTP_MESSAGES messages twice:
# one connection per message (smtp-source's default, like mail from many MTAs) and connections reused (-d).
# With SPOOL (Tubemail's work folder), the clock stops only once every accepted message is routed:
# a log spool publishes its size in spool-count, a maildir spool is empty when new/ and cur/ are.
drain() {
    # waits until the Tubemail server under test has routed everything it accepted (see TubemailSmtp)
    local work=$1
    [ -z "$work" ] && return 0
    if ! timeout 600 bash -c 'echo drain > "$1/drain-request" && read -r _ < "$1/drain-answer"' _ "$work"; then
        log "the server did not report an empty spool within 600 s"
        return 1
    fi
}

load() {
    local name=$1 port=$2 spool=${3:-}
    local src=(smtp-source -s 20 -l 2048 -N -f bench@senders.example.org -t rcpt@example.com)
    # Warm-up, the same for every server: up to SMTP_WARMUP messages or 30 s in each mode, so that
    # the JVM servers are measured after their JIT has compiled the per-connection paths too.
    timeout 30 "${src[@]}" -d -m "$SMTP_WARMUP" "127.0.0.1:$port" || true
    timeout 30 "${src[@]}" -m "$SMTP_WARMUP" "127.0.0.1:$port" || true
    drain "$spool"
    local mode opts t0 t1
    for mode in new-connection reused-connection; do
        opts=()
        [ "$mode" = reused-connection ] && opts=(-d)
        echo "${src[*]} ${opts[*]} -m $SMTP_MESSAGES 127.0.0.1:$port  # $SMTP_REPEAT times" >> "$RAW/commands.txt"
        for _ in $(seq "$SMTP_REPEAT"); do
            t0=$(date +%s.%N)
            "${src[@]}" "${opts[@]}" -m "$SMTP_MESSAGES" "127.0.0.1:$port"
            drain "$spool"
            t1=$(date +%s.%N)
            awk -v n="$name" -v o="$mode" -v m="$SMTP_MESSAGES" -v a="$t0" -v b="$t1" \
                'BEGIN { printf "%s\t%s\t%s\t%.3f\n", n, o, m, b - a }' >> "$RAW/smtp.tsv"
        done
    done
}

step_smtp() {
    ensure_postfix_tools
    : > "$RAW/smtp.tsv"
    local port work
    log "SMTP: smtp-sink (ceiling baseline)"
    port=$(free_port)
    echo "smtp-sink -u nobody 127.0.0.1:$port 256 &" >> "$RAW/commands.txt"
    smtp-sink -u nobody "127.0.0.1:$port" 256 > "$RAW/smtp-sink.log" 2>&1 &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    sleep 1
    load smtp-sink "$port"
    stop_server

    log "SMTP: GreenMail (second baseline)"
    port=$(free_port)
    start_server GreenMail "$RAW/greenmail.log" java -Xmx1g -cp "$JAR" org.tubemail.bench.GreenMailSmtp "$port"
    load GreenMail "$port"
    stop_server

    log "SMTP: SubEthaSMTP discarding (reference: a thread-per-connection Java SMTP library, alone)"
    port=$(free_port)
    start_server SubEthaSMTP "$RAW/subethasmtp.log" java -Xmx1g -cp "$JAR" org.tubemail.bench.SubEthaSmtpDiscard "$port"
    load SubEthaSMTP "$port"
    stop_server

    log "SMTP: Tubemail (MapDB state, log spool)"
    port=$(free_port)
    work=$(mktemp -d)
    start_server Tubemail "$RAW/tubemail.log" java -Xmx1g -cp "$JAR" org.tubemail.bench.TubemailSmtp "$port" "$work"
    load Tubemail "$port" "$work"
    stop_server
    rm -rf "$work"
}

step_memory() {
    log "memory: Tubemail in -Xmx256m, 100 idle connections, 10,000 distinct senders"
    local port work
    port=$(free_port)
    work=$(mktemp -d)
    start_server Tubemail "$RAW/memory-server.log" java -Xmx256m -XX:+ExitOnOutOfMemoryError -cp "$JAR" \
        org.tubemail.bench.TubemailSmtp "$port" "$work"
    run python3 "$BENCH/scripts/senders.py" --port "$port" --idle 100 --senders 10000 > "$RAW/memory.json"
    local alive=no heap=""
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        alive=yes
        jcmd "$SERVER_PID" GC.run > /dev/null
        heap=$(jcmd "$SERVER_PID" GC.heap_info | tail -n +2)
    fi
    {
        echo "alive: $alive"
        echo "out of memory errors in log: $(grep -c OutOfMemoryError "$RAW/memory-server.log" || true)"
        echo "undeliverable: $(find "$work/undeliverable" -type f 2>/dev/null | wc -l)"
        echo "heap after full GC:"
        echo "$heap"
    } > "$RAW/memory-server.txt"
    stop_server
    rm -rf "$work"
}

mkdir -p "$RAW"
rm -f "$RAW"/*
: > "$RAW/commands.txt"
describe_machine
build
for step in "${STEPS[@]}"; do
    case $step in
        router | storage | smtp | memory | profile) "step_$step" ;;
        *) log "unknown step '$step': use router, storage, smtp, memory or profile"; exit 2 ;;
    esac
done
python3 "$BENCH/scripts/report.py" "$RAW" > "$RESULTS/latest.md"
log "wrote $RESULTS/latest.md"
