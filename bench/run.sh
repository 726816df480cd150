#!/usr/bin/env bash
# Runs Tubemail's benchmarks and writes bench/results/latest.md (raw outputs in bench/results/raw/).
#
# Usage: bench/run.sh [STEP...]     steps: router storage smtp memory auth crypto profile abuse cluster (default: all but profile, abuse and cluster)
#   router   JMH: router dispatch, 10/100/1000 routes, 1 and 2 threads
#   storage  JMH: MemoryStorage vs MapDbStorage get/set, 1 and 2 threads; 64 durable MapDB writers
#   smtp     smtp-source against smtp-sink, GreenMail, bare SubEthaSMTP, a whole Postfix MTA and Tubemail (installs
#            Postfix if missing); then STARTTLS (SmtpLoad) against Postfix and Tubemail
#   memory   Tubemail in -Xmx256m: 100 idle connections + mail from 10,000 distinct senders; then 10,000 idle
#            connections, half of them TLS, and the time a new client waits for its answers
#   profile  JMH stack profile of the 1,000-route dispatch, 1 and 2 threads
#   auth     Tubemail with SPF/DKIM/DMARC checks (warm DNS cache, a real dnsmasq) against Tubemail without
#   abuse    the attack benchmark (bench/scripts/abuse.py, about 5 minutes): legitimate clients on 127.0.0.1 send,
#            first alone, then while attackers on 127.0.0.2-250 hold 2,000 idle connections, drip 500 DATA sessions,
#            flood connections, try 10,000 unknown recipients and talk before the greeting; against Tubemail
#            (AbuseServer, from a settings file) and then Postfix with postscreen + anvil (postfix-mta.sh screen)
#              bench/run.sh abuse
#              ABUSE_TUBEMAIL_SETTINGS=other.properties bench/run.sh abuse     # other defences' settings (default bench/abuse-tubemail.properties)
#   cluster  1, 2 and 3 Tubemail servers (separate JVMs, states in PostgreSQL) behind HAProxy, with the log spool
#            and with the PostgreSQL spool, and a whole Postfix MTA behind the same HAProxy, on a throwaway
#            PostgreSQL (.ci/postgres.sh, fsync on); many senders, each waiting for its 250; the clock stops once
#            every message is routed (6 minutes quiet with CLUSTER_MESSAGES=2000 CLUSTER_WARMUP=2000; 16 at the defaults under load)
#   crypto   JMH: the JCA operations of TLS, DKIM and HMACs, TLS 1.3 handshakes and the DKIM-signing relay, on the
#            JDK's providers and on the native one (Amazon Corretto Crypto Provider)
# Environment: AUTH_MESSAGES (default 10000), AUTH_ROUNDS (default 3), AUTH_WARMUP (messages per server first, default 40000), SMTP_MESSAGES (default 10000), SMTP_REPEAT (rounds, default 3), SMTP_WARMUP (default 40000, per mode,
#              at most 30 s), SMTP_PAUSE (seconds after each timed run, default 2), JMH_OPTS (default "-wi 3 -i 3 -w 3s -r 2s -f 1"),
#              SMTP_TLS_MESSAGES (per STARTTLS run, default 2000), SMTP_TLS_WARMUP (STARTTLS sessions in each TLS server's
#              warm-up, default 20000, at most 120 s), SMTP_TLS_CLIENT_WARMUP (untimed messages SmtpLoad
#              sends first in each STARTTLS run, default 500), SMTP_TLS_CLIENT (native: bench/tlsload/tlsload.c on OpenSSL,
#              the default; java: the bench's SmtpLoad on the JDK's TLS), MEMORY_IDLE (idle connections in the second memory
#              check, default 10000, half TLS), BENCH_SKIP_BUILD=1 (reuse bench/target/benchmarks.jar), BENCH_NOTE (a line about the conditions, e.g. other load on the machine).
#              abuse: ABUSE_TUBEMAIL_SETTINGS (a file of settings lines appended to the Tubemail settings the bench writes,
#              default bench/abuse-tubemail.properties; a key given twice takes the later value), ABUSE_POSTFIX_MAIN (a file of main.cf
#              lines applied after postfix-mta.sh's own), ABUSE_JAVA_OPTS (default "-Xmx256m -XX:+ExitOnOutOfMemoryError"),
#              ABUSE_OPTS (options of bench/scripts/abuse.py, e.g. "--legit 100 --idle 1000 --duration 40"; see its --help),
#              ABUSE_SERVERS (default "tubemail postfix").
#              cluster: CLUSTER_MESSAGES (per timed run, default 3000), CLUSTER_SENDERS (smtp-source processes, one sender
#              and one session each, default 40), CLUSTER_WARMUP (messages per configuration, default 3000), CLUSTER_REPEAT
#              (rounds, default 3), CLUSTER_SERVERS (default "1 2 3"), CLUSTER_SPOOLS (default "log postgres").
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
RESULTS=$BENCH/results
RAW=$RESULTS/raw
JAR=$BENCH/target/benchmarks.jar
JMH_OPTS=${JMH_OPTS:--wi 3 -i 3 -w 3s -r 2s -f 1}
SMTP_MESSAGES=${SMTP_MESSAGES:-10000}
SMTP_WARMUP=${SMTP_WARMUP:-40000}
SMTP_REPEAT=${SMTP_REPEAT:-3}
SMTP_TLS_MESSAGES=${SMTP_TLS_MESSAGES:-2000}
SMTP_TLS_WARMUP=${SMTP_TLS_WARMUP:-20000}
SMTP_TLS_CLIENT_WARMUP=${SMTP_TLS_CLIENT_WARMUP:-500}
SMTP_TLS_CLIENT=${SMTP_TLS_CLIENT:-native}
TLSLOAD=$BENCH/target/tlsload
MEMORY_IDLE=${MEMORY_IDLE:-10000}
STEPS=("$@")
[ ${#STEPS[@]} -eq 0 ] && STEPS=(router storage smtp memory auth crypto)

STARTED_PIDS=()
POSTFIX_DIRS=()
PG_DIRS=()
cleanup() {
    for pid in "${STARTED_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for dir in "${POSTFIX_DIRS[@]}"; do
        "$BENCH/scripts/postfix-mta.sh" stop "$dir" > /dev/null 2>&1 || true
    done
    for dir in "${PG_DIRS[@]}"; do
        "$ROOT/.ci/postgres.sh" clean "$dir" > /dev/null 2>&1 || true
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
    log "building Tubemail and the benchmarks (one reactor: nothing is installed into ~/.m2)"
    (cd "$ROOT" && run mvn -q -DskipTests -f bench/reactor.xml package)
}

# One certificate for every TLS server in the run (ECDSA P-256, like Tubemail's self-signed one).
bench_certificate() {
    TLS_DIR=$(mktemp -d)
    chmod 755 "$TLS_DIR"
    run openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=bench.localdomain \
        -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2> /dev/null
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

step_crypto() {
    log "crypto operations, JDK vs native provider (JMH)"
    jmh crypto 'CryptoBench'
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

# The STARTTLS load client: native (bench/tlsload/tlsload.c, built here with OpenSSL; installs gcc and
# libssl-dev if missing) or the bench's Java SmtpLoad. Both take PORT MESSAGES SESSIONS [--reuse] [--warmup=N].
tls_client() {
    if [ "$SMTP_TLS_CLIENT" = java ]; then
        TLS_CLIENT=(java -cp "$JAR" org.tubemail.bench.SmtpLoad)
        TLS_FLAGS=(--tls)
        return
    fi
    if ! command -v cc > /dev/null || [ ! -e /usr/include/openssl/ssl.h ]; then
        log "installing gcc and libssl-dev for the native STARTTLS load client"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libssl-dev > /dev/null
    fi
    mkdir -p "$BENCH/target"
    run cc -O2 -o "$TLSLOAD" "$BENCH/tlsload/tlsload.c" -lssl -lcrypto -lpthread
    TLS_CLIENT=("$TLSLOAD")
    TLS_FLAGS=()
}

# The SMTP step runs every server at once, each on its own port, and interleaves the timed runs:
# in each round, every server gets one run per mode, smtp-sink first, Tubemail last, and after each
# run the machine settles (see settle). A ratio is then taken between runs seconds apart, rather than minutes, which keeps
# slow drifts of this shared machine (disk sync latency, other guests) out of it.
SMTP_SOURCE=(smtp-source -s 20 -l 2048 -N -f bench@senders.example.org -t rcpt@example.com)
SMTP_PAUSE=${SMTP_PAUSE:-2}
SMTP_NAMES=()
SMTP_PORTS=()
SMTP_WORKS=()
SMTP_PIDS=()

# add_smtp NAME PORT [WORK]: a server under test; WORK is Tubemail's work folder (see drain).
add_smtp() {
    SMTP_NAMES+=("$1")
    SMTP_PORTS+=("$2")
    SMTP_WORKS+=("${3:-}")
    SMTP_PIDS+=("$SERVER_PID")
}

# With a Tubemail work folder, the clock stops only once every accepted message is routed: the
# server answers through a FIFO in its work folder once its spool is empty (see TubemailSmtp).
# For Postfix (postfix:DIR), once its queue is empty: every message went through cleanup and qmgr
# to the discard transport.
drain() {
    local work=$1
    [ -z "$work" ] && return 0
    if [[ $work == postfix:* ]]; then
        local t0=$SECONDS
        while [ "$("$BENCH/scripts/postfix-mta.sh" queued "${work#postfix:}")" -gt 0 ]; do
            if [ $((SECONDS - t0)) -gt 600 ]; then
                log "Postfix's queue did not empty within 600 s"
                return 1
            fi
            sleep 0.05
        done
        return 0
    fi
    if ! timeout 600 bash -c 'echo drain > "$1/drain-request" && read -r _ < "$1/drain-answer"' _ "$work"; then
        log "the server did not report an empty spool within 600 s"
        return 1
    fi
}

# Warm-up, the same for every server: up to SMTP_WARMUP messages or 30 s in each mode, so that the
# JVM servers are measured after their JIT has compiled the per-connection paths too; the servers
# that speak TLS (warm_up PORT WORK tls) also get SMTP_TLS_WARMUP STARTTLS sessions, so that a
# JVM's TLS handshake code is compiled before the first timed STARTTLS run, as Postfix's is: on the
# 2-core machines the JIT still compiled handshake code after 15,000 sessions (about a tenth of the
# server's CPU per session) and had settled by 25,000 (bench/BENCHMARKS.md, "Where the STARTTLS time goes").
warm_up() {
    local port=$1 work=$2 tls=${3:-}
    timeout 30 "${SMTP_SOURCE[@]}" -d -m "$SMTP_WARMUP" "127.0.0.1:$port" || true
    timeout 30 "${SMTP_SOURCE[@]}" -m "$SMTP_WARMUP" "127.0.0.1:$port" || true
    if [ -n "$tls" ]; then
        timeout 120 "${TLS_CLIENT[@]}" "$port" "$SMTP_TLS_WARMUP" 20 "${TLS_FLAGS[@]}" > /dev/null || true
    fi
    drain "$work"
    settle
}

# timed_run NAME PORT WORK MODE ROUND: one timed smtp-source run of SMTP_MESSAGES messages, one
# connection per message (smtp-source's default, like mail from many MTAs) or reused (-d); in the
# starttls-* modes, the STARTTLS client (tls_client: 20 sessions, 2 KiB, STARTTLS in every session) sends
# SMTP_TLS_MESSAGES, timed from its own clock after SMTP_TLS_CLIENT_WARMUP untimed messages (so that
# neither server's figure holds a client's start-up), plus the time the server then takes to drain.
timed_run() {
    local name=$1 port=$2 work=$3 mode=$4 round=$5 opts=() t0 t1 n=$SMTP_MESSAGES load=() sent line
    [ "$mode" = reused-connection ] && opts=(-d)
    case $mode in
        starttls-new-connection) load=("${TLS_FLAGS[@]}" --warmup="$SMTP_TLS_CLIENT_WARMUP") ;;
        starttls-reused-connection) load=("${TLS_FLAGS[@]}" --reuse --warmup="$SMTP_TLS_CLIENT_WARMUP") ;;
    esac
    if [ ${#load[@]} -gt 0 ]; then
        n=$SMTP_TLS_MESSAGES
        line=$("${TLS_CLIENT[@]}" "$port" "$n" 20 "${load[@]}" | grep '^sent' || true)
        sent=$(echo "$line" | awk '{ print $5 }')
        [ -n "$sent" ] || { echo "the STARTTLS client against $name failed" >&2; return 1; }
        printf '%s\t%s\t%s\n' "$name" "$mode" "$line" >> "$RAW/tls-client.txt"
        t0=$(awk -v now="$(date +%s.%N)" -v s="$sent" 'BEGIN { printf "%.9f", now - s }')
    else
        t0=$(date +%s.%N)
        "${SMTP_SOURCE[@]}" "${opts[@]}" -m "$n" "127.0.0.1:$port"
    fi
    drain "$work"
    t1=$(date +%s.%N)
    awk -v n="$name" -v o="$mode" -v m="$n" -v a="$t0" -v b="$t1" -v r="$round" \
        'BEGIN { printf "%s\t%s\t%s\t%.3f\t%s\n", n, o, m, b - a, r }' >> "$RAW/smtp.tsv"
    settle
}

# Lets what a run left behind finish before the next one is timed: the kernel writes the dirty pages
# of Tubemail's spool and state files back to disk (sync), then a short pause.
settle() {
    sync
    sleep "$SMTP_PAUSE"
}

step_smtp() {
    ensure_postfix_tools
    tls_client
    : > "$RAW/smtp.tsv"
    : > "$RAW/tls-client.txt"
    echo "$SMTP_TLS_CLIENT" > "$RAW/tls-client-kind.txt"
    local port work i round mode
    log "SMTP: starting smtp-sink (ceiling baseline), GreenMail (second baseline), SubEthaSMTP discarding"
    log "      (reference: a thread-per-connection Java SMTP library, alone) and Tubemail (MapDB state, log spool)"
    port=$(free_port)
    echo "smtp-sink -u nobody 127.0.0.1:$port 256 &" >> "$RAW/commands.txt"
    smtp-sink -u nobody "127.0.0.1:$port" 256 > "$RAW/smtp-sink.log" 2>&1 &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    add_smtp smtp-sink "$port"
    port=$(free_port)
    start_server GreenMail "$RAW/greenmail.log" java -Xmx1g -cp "$JAR" org.tubemail.bench.GreenMailSmtp "$port"
    add_smtp GreenMail "$port"
    port=$(free_port)
    start_server SubEthaSMTP "$RAW/subethasmtp.log" java -Xmx1g -cp "$JAR" org.tubemail.bench.SubEthaSmtpDiscard "$port"
    add_smtp SubEthaSMTP "$port"
    port=$(free_port)
    postfix_dir=$(mktemp -d)
    POSTFIX_DIRS+=("$postfix_dir")
    log "SMTP: starting a whole Postfix MTA (smtpd, cleanup with fsync, qmgr, discard) in $postfix_dir"
    echo "bench/scripts/postfix-mta.sh start $postfix_dir $port $TLS_DIR/cert.pem $TLS_DIR/key.pem" >> "$RAW/commands.txt"
    "$BENCH/scripts/postfix-mta.sh" start "$postfix_dir" "$port" "$TLS_DIR/cert.pem" "$TLS_DIR/key.pem"
    SERVER_PID=""
    add_smtp Postfix "$port" "postfix:$postfix_dir"
    port=$(free_port)
    work=$(mktemp -d)
    start_server Tubemail "$RAW/tubemail.log" java -Xmx1g -Dtubemail.tls.cert="$TLS_DIR/cert.pem" -Dtubemail.tls.key="$TLS_DIR/key.pem" \
        -cp "$JAR" org.tubemail.bench.TubemailSmtp "$port" "$work"
    add_smtp Tubemail "$port" "$work"

    log "SMTP: warming every server up"
    for i in "${!SMTP_NAMES[@]}"; do
        case ${SMTP_NAMES[$i]} in
            Postfix | Tubemail) warm_up "${SMTP_PORTS[$i]}" "${SMTP_WORKS[$i]}" tls ;;
            *) warm_up "${SMTP_PORTS[$i]}" "${SMTP_WORKS[$i]}" ;;
        esac
    done
    for mode in new-connection reused-connection; do
        local opt=""
        [ "$mode" = reused-connection ] && opt="-d "
        echo "${SMTP_SOURCE[*]} ${opt}-m $SMTP_MESSAGES 127.0.0.1:PORT  # each server in turn, $SMTP_REPEAT rounds" \
            >> "$RAW/commands.txt"
    done
    for mode in starttls-new-connection starttls-reused-connection; do
        echo "${TLS_CLIENT[*]} PORT $SMTP_TLS_MESSAGES 20 ${TLS_FLAGS[*]}$([ $mode = starttls-reused-connection ] && echo ' --reuse') --warmup=$SMTP_TLS_CLIENT_WARMUP  # Postfix and Tubemail in turn, $SMTP_REPEAT rounds" \
            >> "$RAW/commands.txt"
    done
    for round in $(seq "$SMTP_REPEAT"); do
        log "SMTP: round $round of $SMTP_REPEAT"
        for mode in new-connection reused-connection; do
            for i in "${!SMTP_NAMES[@]}"; do
                timed_run "${SMTP_NAMES[$i]}" "${SMTP_PORTS[$i]}" "${SMTP_WORKS[$i]}" "$mode" "$round"
            done
        done
        # STARTTLS: the servers that speak it
        for mode in starttls-new-connection starttls-reused-connection; do
            for i in "${!SMTP_NAMES[@]}"; do
                case ${SMTP_NAMES[$i]} in
                    Postfix | Tubemail) timed_run "${SMTP_NAMES[$i]}" "${SMTP_PORTS[$i]}" "${SMTP_WORKS[$i]}" "$mode" "$round" ;;
                esac
            done
        done
    done
    "$BENCH/scripts/postfix-mta.sh" stop "$postfix_dir"
    for SERVER_PID in "${SMTP_PIDS[@]}"; do
        [ -n "$SERVER_PID" ] && stop_server
    done
    rm -rf "$work" "$postfix_dir"
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
    memory_idle
}

# 10,000 idle connections (half of them in TLS) held by a server in -Xmx256m, and how long a new
# client then waits for its greeting and EHLO reply. The file-descriptor limit is raised here.
memory_idle() {
    log "memory: Tubemail in -Xmx256m, $MEMORY_IDLE idle connections (half TLS), then a new client"
    local port work
    local want=$((2 * MEMORY_IDLE + 1024)) hard # a TLS session on Conscrypt holds a pipe (two descriptors) besides its socket
    hard=$(ulimit -Hn)
    [ "$hard" != unlimited ] && [ "$want" -gt "$hard" ] && want=$hard
    ulimit -n "$want" # the server and the client (two processes) each hold one end of every connection
    port=$(free_port)
    work=$(mktemp -d)
    start_server Tubemail "$RAW/memory-idle-server.log" java -Xmx256m -XX:+ExitOnOutOfMemoryError \
        -Dtubemail.maxConnections=$((MEMORY_IDLE + 100)) -cp "$JAR" org.tubemail.bench.TubemailSmtp "$port" "$work"
    run python3 "$BENCH/scripts/idle.py" --port "$port" --idle "$MEMORY_IDLE" --tls-share 0.5 --server-pid "$SERVER_PID" \
        > "$RAW/memory-idle.json"
    stop_server
    rm -rf "$work"
}

step_auth() {
    log "auth: Tubemail with sender checks (SPF, DKIM, DMARC; warm DNS cache) against Tubemail without"
    local work
    work=$(mktemp -d)
    run java -Xmx1g -Dlogback.configurationFile="$ROOT/config/logback.xml" -cp "$JAR" org.tubemail.bench.AuthCost \
        "$(command -v dnsmasq || echo /usr/sbin/dnsmasq)" "$work" "${AUTH_MESSAGES:-10000}" "${AUTH_ROUNDS:-3}" "${AUTH_WARMUP:-40000}" > "$RAW/auth.txt"
    rm -rf "$work"
}

# The attack benchmark: each server in turn, quiet legitimate clients first, then the same clients under every
# attack at once (bench/scripts/abuse.py). Tubemail runs as deployed (AbuseServer reads a settings file); Postfix
# with postscreen in front of smtpd and anvil's per-client limits (postfix-mta.sh screen).
step_abuse() {
    ensure_postfix_tools
    local want=20000 hard server
    hard=$(ulimit -Hn)
    [ "$hard" != unlimited ] && [ "$want" -gt "$hard" ] && want=$hard
    ulimit -n "$want" # servers and driver inherit it: every attacker socket is a descriptor at both ends
    {
        echo "command: ${ABUSE_TUBEMAIL_SETTINGS:+ABUSE_TUBEMAIL_SETTINGS=$ABUSE_TUBEMAIL_SETTINGS }${ABUSE_POSTFIX_MAIN:+ABUSE_POSTFIX_MAIN=$ABUSE_POSTFIX_MAIN }${ABUSE_OPTS:+ABUSE_OPTS=\"$ABUSE_OPTS\" }bench/run.sh abuse"
        echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
        echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2> /dev/null || echo ' (with local changes)')"
        echo "note: ${BENCH_NOTE:-none}"
    } > "$RAW/abuse-conditions.txt"
    # shellcheck disable=SC2206 # word splitting wanted: lists of names and options
    local servers=(${ABUSE_SERVERS:-tubemail postfix}) opts=(${ABUSE_OPTS:-})
    for server in "${servers[@]}"; do
        case $server in
            tubemail) abuse_tubemail "${opts[@]}" ;;
            postfix) abuse_postfix "${opts[@]}" ;;
            *) log "ABUSE_SERVERS: unknown server '$server' (tubemail, postfix)"; return 2 ;;
        esac
    done
}

abuse_tubemail() {
    local home smtp http settings
    home=$(mktemp -d)
    smtp=$(free_port)
    http=$(free_port)
    mkdir -p "$home/config"
    settings=$home/config/settings.properties
    # The bench's own keys; the defences' come from ABUSE_TUBEMAIL_SETTINGS (default bench/abuse-tubemail.properties),
    # appended (java.util.Properties keeps the last value of a key).
    cat > "$settings" << PROPS
receiver.smtp.host=127.0.0.1
receiver.smtp.port=$smtp
receiver.accepted.domains=example.com
receiver.tls.enabled=false
handlers=org.tubemail.bench.SoakHandler
route.default.host=example\\\\.com
storage.kind=mapdb
storage.path=run/state.db
data.path=run/data
queue.spool.kind=log
queue.spool=run/spool
queue.undeliverable=run/undeliverable
queue.relay.retry=run/relay-retry
queue.forward.retry=run/forward-retry
http.enabled=true
http.host=127.0.0.1
http.port=$http
PROPS
    local extra=${ABUSE_TUBEMAIL_SETTINGS:-$BENCH/abuse-tubemail.properties}
    { echo "# appended from $extra"; cat "$extra"; } >> "$settings"
    cp "$settings" "$RAW/abuse-tubemail-settings.properties"
    log "abuse: Tubemail (settings in $RAW/abuse-tubemail-settings.properties), quiet then under attack"
    # shellcheck disable=SC2086 # ABUSE_JAVA_OPTS is a list of options
    start_server Tubemail "$RAW/abuse-tubemail.log" java ${ABUSE_JAVA_OPTS:--Xmx256m -XX:+ExitOnOutOfMemoryError} \
        -cp "$JAR" org.tubemail.bench.AbuseServer "$home"
    run python3 "$BENCH/scripts/abuse.py" --port "$smtp" --pid "$SERVER_PID" --jvm \
        --metrics "http://127.0.0.1:$http/metrics" "$@" > "$RAW/abuse-tubemail.json"
    echo "alive after the attack: $(kill -0 "$SERVER_PID" 2> /dev/null && echo yes || echo no)" > "$RAW/abuse-tubemail-server.txt"
    stop_server
    rm -rf "$home"
}

abuse_postfix() {
    local dir port master
    dir=$(mktemp -d)
    port=$(free_port)
    POSTFIX_DIRS+=("$dir")
    log "abuse: Postfix with postscreen and anvil in $dir, quiet then under attack"
    run "$BENCH/scripts/postfix-mta.sh" screen "$dir" "$port" ${ABUSE_POSTFIX_MAIN:+"$ABUSE_POSTFIX_MAIN"}
    postconf -c "$dir/conf" -n > "$RAW/abuse-postfix-main.cf"
    master=$(tr -d ' ' < "$dir/queue/pid/master.pid")
    run python3 "$BENCH/scripts/abuse.py" --port "$port" --pid "$master" --tree "$@" > "$RAW/abuse-postfix.json"
    # what postscreen and smtpd logged, by kind
    local pattern
    for pattern in 'PREGREET' 'COMMAND PIPELINING' 'NON-SMTP COMMAND' 'PASS NEW' 'PASS OLD' 'ALLOWLISTED' \
        'too many connections' 'all server ports busy' 'Connection concurrency limit exceeded' \
        'Connection rate limit exceeded' 'too many errors after' 'User unknown in relay recipient table' \
        'COMMAND TIME LIMIT' 'timeout after' 'lost connection after' 'warning: service "smtpd"' 'process limit'; do
        printf '%s\t%s\n' "$pattern" "$(grep -c -F -- "$pattern" "$dir/maillog" || true)"
    done > "$RAW/abuse-postfix-log.tsv"
    # what Postfix refused the legitimate client (127.0.0.1)
    grep -F '[127.0.0.1]' "$dir/maillog" | grep -e reject -e 'too many' -e busy -e timeout -e 'lost connection' | head -100 \
        > "$RAW/abuse-postfix-legit.log" || true
    "$BENCH/scripts/postfix-mta.sh" stop "$dir" > /dev/null
    rm -rf "$dir"
}

# The cluster step (issue 25 §7): for N in CLUSTER_SERVERS and each spool in CLUSTER_SPOOLS, N Tubemail servers,
# each a JVM started by the distribution's launcher (TubemailCli start) from its own settings, with their states
# in PostgreSQL (one database per configuration, so that no other configuration's server claims its messages),
# behind one HAProxy frontend (tcp, round robin, send-proxy-v2); and a whole Postfix MTA (postfix-mta.sh) behind a
# frontend of the same HAProxy. Everything runs at once and takes turns, as in the smtp step. The load is
# CLUSTER_SENDERS smtp-source processes, each one sender with one session at a time (a new connection per message,
# each waiting for its 250); the clock stops once the servers' routed counters (tubemail_messages_routed_total,
# summed over the configuration's servers) show every message routed, or Postfix's queue is empty. CPU is read
# from /proc before and after each run: the servers' JVMs (Postfix: all of its processes), PostgreSQL (the
# configuration's backends and the server's own processes) and HAProxy.
CLUSTER_MESSAGES=${CLUSTER_MESSAGES:-3000}
CLUSTER_SENDERS=${CLUSTER_SENDERS:-40}
CLUSTER_WARMUP=${CLUSTER_WARMUP:-3000}
CLUSTER_REPEAT=${CLUSTER_REPEAT:-3}
CL_NAMES=()
CL_PORTS=()
CL_DRAIN=()
CL_CPU=()
CL_DB=()

# cluster_load PORT MESSAGES: CLUSTER_SENDERS senders in parallel, MESSAGES / CLUSTER_SENDERS each.
cluster_load() {
    local port=$1 each=$(($2 / CLUSTER_SENDERS)) pids=() i rc=0
    for i in $(seq "$CLUSTER_SENDERS"); do
        smtp-source -s 1 -l 2048 -N -m "$each" -f "sender$i@senders.example.org" -t rcpt@example.com "127.0.0.1:$port" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do
        wait "$i" || rc=1
    done
    return $rc
}

# cluster_server HOME SMTP_PORT HTTP_PORT SPOOL DATABASE: one Tubemail server, as deployed, from its settings.
cluster_server() {
    local home=$1 smtp=$2 http=$3 spool=$4 db=$5
    mkdir -p "$home/config"
    cat > "$home/config/settings.properties" << PROPS
receiver.smtp.host=127.0.0.1
receiver.smtp.port=$smtp
receiver.accepted.domains=example.com
receiver.tls.enabled=false
receiver.proxy.protocol=on
receiver.proxy.trusted=127.0.0.1/32
# the bench's senders all come from 127.0.0.1: exempt from the per-client limits
receiver.trusted.networks=127.0.0.1/32
handlers=org.tubemail.bench.MailboxHandler
route.default.host=example\\\\.com
storage.kind=postgres
storage.postgres.url=jdbc:postgresql://127.0.0.1:$PG_PORT/$db
storage.postgres.user=tubemail
storage.postgres.password=$PG_PASSWORD
queue.spool.kind=$spool
queue.spool=run/spool
queue.undeliverable=run/undeliverable
queue.relay.retry=run/relay-retry
queue.forward.retry=run/forward-retry
http.enabled=true
http.host=127.0.0.1
http.port=$http
PROPS
    echo "java -Xmx512m -cp $JAR org.tubemail.internal.cli.TubemailCli --home $home start &  # settings: cluster-$db.properties" >> "$RAW/commands.txt"
    [ -e "$RAW/cluster-$db.properties" ] || sed "s/password=.*/password=(secret)/" "$home/config/settings.properties" > "$RAW/cluster-$db.properties"
    java -Xmx512m -cp "$JAR" org.tubemail.internal.cli.TubemailCli --home "$home" start > "$home/server.log" 2>&1 &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

# Waits until the server answers on its metrics endpoint (it listens on SMTP by then).
cluster_ready() {
    local pid=$1 home=$2 url=$3
    for _ in $(seq 240); do
        python3 "$BENCH/scripts/cluster_probe.py" routed "$url" > /dev/null 2>&1 && return 0
        if ! kill -0 "$pid" 2> /dev/null; then
            log "the Tubemail server in $home exited; its log:"
            cat "$home/server.log" >&2
            return 1
        fi
        sleep 0.5
    done
    log "the Tubemail server in $home was not ready after 120 s"
    return 1
}

cluster_postgres() {
    local dir
    dir=$(mktemp -d)
    rmdir "$dir"
    PG_DIRS+=("$dir")
    log "cluster: a throwaway PostgreSQL in $dir (fsync on, as in production)"
    run "$ROOT/.ci/postgres.sh" start "$dir" > /dev/null
    # .ci/postgres.sh turns fsync off for tests; a benchmark of durable acceptance wants it on. Every server
    # holds up to receiver.workers + 4 connections per pool.
    printf 'fsync = on\nmax_connections = 1000\n' >> "$dir/data/postgresql.conf"
    "$ROOT/.ci/postgres.sh" stop "$dir"
    "$ROOT/.ci/postgres.sh" restart "$dir"
    # shellcheck disable=SC1091
    . "$dir/env"
    PG_PORT=$(cat "$dir/port")
    PG_PASSWORD=$TUBEMAIL_PG_PASSWORD
    PG_MASTER=$(head -1 "$dir/data/postmaster.pid")
    PSQL=(env PGPASSWORD="$PG_PASSWORD" psql -q -h 127.0.0.1 -p "$PG_PORT" -U tubemail -d tubemail)
    "${PSQL[@]}" -Atc "SELECT 'postgresql: ' || version() || '; fsync ' || current_setting('fsync') || ', synchronous_commit '
        || current_setting('synchronous_commit') || ', shared_buffers ' || current_setting('shared_buffers')" >> "$RAW/cluster-conditions.txt"
}

step_cluster() {
    ensure_postfix_tools
    local haproxy_bin
    haproxy_bin=$(command -v haproxy || echo /usr/sbin/haproxy)
    : > "$RAW/cluster.tsv"
    {
        echo "command: $(env | grep -E '^CLUSTER_' | sort | tr '\n' ' ')bench/run.sh cluster"
        echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
        echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2> /dev/null || echo ' (with local changes)')"
        echo "messages per run: $(( CLUSTER_MESSAGES / CLUSTER_SENDERS * CLUSTER_SENDERS )) from $CLUSTER_SENDERS senders; rounds: $CLUSTER_REPEAT"
        echo "note: ${BENCH_NOTE:-none}"
    } > "$RAW/cluster-conditions.txt"
    cluster_postgres
    local haproxy_cfg n spool i home smtp http db urls cpus pids=() homes=() fport
    haproxy_cfg=$(mktemp)
    cat > "$haproxy_cfg" << CFG
global
    maxconn 4000
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
CFG
    # shellcheck disable=SC2206 # lists
    local counts=(${CLUSTER_SERVERS:-1 2 3}) spools=(${CLUSTER_SPOOLS:-log postgres})
    for spool in "${spools[@]}"; do
        for n in "${counts[@]}"; do
            db="${spool}_$n"
            "${PSQL[@]}" -c "CREATE DATABASE $db OWNER tubemail"
            fport=$(free_port)
            printf 'frontend %s\n    bind 127.0.0.1:%s\n    default_backend %s\nbackend %s\n    balance roundrobin\n' \
                "$db" "$fport" "$db" "$db" >> "$haproxy_cfg"
            urls="" cpus="pg:$PG_MASTER:$db"
            for i in $(seq "$n"); do
                home=$(mktemp -d)
                smtp=$(free_port)
                http=$(free_port)
                cluster_server "$home" "$smtp" "$http" "$spool" "$db"
                pids+=("$SERVER_PID")
                homes+=("$home")
                urls+="${urls:+ }http://127.0.0.1:$http/metrics"
                cpus="pid:$SERVER_PID $cpus"
                echo "    server t$i 127.0.0.1:$smtp send-proxy-v2" >> "$haproxy_cfg"
            done
            CL_NAMES+=("$spool-$n")
            CL_PORTS+=("$fport")
            CL_DRAIN+=("$urls")
            CL_CPU+=("$cpus")
            CL_DB+=("$db")
        done
    done
    local postfix_dir
    postfix_dir=$(mktemp -d)
    POSTFIX_DIRS+=("$postfix_dir")
    smtp=$(free_port)
    log "cluster: a whole Postfix MTA in $postfix_dir"
    run "$BENCH/scripts/postfix-mta.sh" start "$postfix_dir" "$smtp" "$TLS_DIR/cert.pem" "$TLS_DIR/key.pem"
    fport=$(free_port)
    printf 'frontend postfix\n    bind 127.0.0.1:%s\n    default_backend postfix\nbackend postfix\n    server p 127.0.0.1:%s\n' \
        "$fport" "$smtp" >> "$haproxy_cfg"
    CL_NAMES=(Postfix "${CL_NAMES[@]}")
    CL_PORTS=("$fport" "${CL_PORTS[@]}")
    CL_DRAIN=("postfix:$postfix_dir" "${CL_DRAIN[@]}")
    CL_CPU=("tree:$(tr -d ' ' < "$postfix_dir/queue/pid/master.pid")" "${CL_CPU[@]}")
    CL_DB=("" "${CL_DB[@]}")
    cp "$haproxy_cfg" "$RAW/cluster-haproxy.cfg"
    echo "$haproxy_bin -db -f cluster-haproxy.cfg &" >> "$RAW/commands.txt"
    "$haproxy_bin" -db -f "$haproxy_cfg" > "$RAW/cluster-haproxy.log" 2>&1 &
    local haproxy_pid=$!
    STARTED_PIDS+=("$haproxy_pid")
    log "cluster: waiting for ${#pids[@]} Tubemail servers"
    local k=0
    for i in "${!CL_NAMES[@]}"; do
        for url in ${CL_DRAIN[$i]}; do
            [[ $url == postfix:* ]] && continue
            cluster_ready "${pids[$k]}" "${homes[$k]}" "$url"
            k=$((k + 1))
        done
    done
    echo "$(printf 'smtp-source -s 1 -l 2048 -N -m %s -f senderI@senders.example.org -t rcpt@example.com 127.0.0.1:FRONTEND & ' \
        $((CLUSTER_MESSAGES / CLUSTER_SENDERS))) # I = 1..$CLUSTER_SENDERS at once, each configuration in turn, $CLUSTER_REPEAT rounds" \
        >> "$RAW/commands.txt"
    log "cluster: warming up (${CLUSTER_WARMUP} messages per configuration)"
    for i in "${!CL_NAMES[@]}"; do
        cluster_run "$i" warmup "$CLUSTER_WARMUP" "$haproxy_pid"
    done
    local round
    for round in $(seq "$CLUSTER_REPEAT"); do
        log "cluster: round $round of $CLUSTER_REPEAT"
        for i in "${!CL_NAMES[@]}"; do
            cluster_run "$i" "$round" "$CLUSTER_MESSAGES" "$haproxy_pid"
        done
    done
    for i in "${!pids[@]}"; do
        grep -h -E 'ERROR|Exception' "${homes[$i]}/server.log" | head -5 >> "$RAW/cluster-server-errors.txt" || true
        SERVER_PID=${pids[$i]}
        stop_server
        rm -rf "${homes[$i]}"
    done
    kill "$haproxy_pid" 2> /dev/null || true
    "$BENCH/scripts/postfix-mta.sh" stop "$postfix_dir" > /dev/null
    rm -rf "$postfix_dir" "$haproxy_cfg"
}

# cluster_run INDEX ROUND MESSAGES HAPROXY_PID: one run of a configuration; the warm-up (ROUND warmup) is not recorded.
cluster_run() {
    local i=$1 round=$2 n=$(($3 / CLUSTER_SENDERS * CLUSTER_SENDERS)) hp=$4 name target=0 t0 t1 c0 c1 d0 d1 h0 h1 server_cpu=() pg=()
    name=${CL_NAMES[$i]}
    for spec in ${CL_CPU[$i]}; do
        if [[ $spec == pg:* ]]; then pg+=("$spec"); else server_cpu+=("$spec"); fi
    done
    [[ ${CL_DRAIN[$i]} == postfix:* ]] || target=$(( $(python3 "$BENCH/scripts/cluster_probe.py" routed ${CL_DRAIN[$i]}) + n ))
    c0=$(python3 "$BENCH/scripts/cluster_probe.py" cpu "${server_cpu[@]}")
    d0=$([ ${#pg[@]} -gt 0 ] && python3 "$BENCH/scripts/cluster_probe.py" cpu "${pg[@]}" || echo 0)
    h0=$(python3 "$BENCH/scripts/cluster_probe.py" cpu "pid:$hp")
    t0=$(date +%s.%N)
    cluster_load "${CL_PORTS[$i]}" "$n" || log "cluster: a sender to $name ended with an error (see above)"
    if [[ ${CL_DRAIN[$i]} == postfix:* ]]; then
        drain "${CL_DRAIN[$i]}"
    else
        # shellcheck disable=SC2086 # a list of URLs
        python3 "$BENCH/scripts/cluster_probe.py" wait-routed "$target" 600 ${CL_DRAIN[$i]} \
            || { log "cluster: $name did not route every message within 600 s"; return 1; }
    fi
    t1=$(date +%s.%N)
    c1=$(python3 "$BENCH/scripts/cluster_probe.py" cpu "${server_cpu[@]}")
    d1=$([ ${#pg[@]} -gt 0 ] && python3 "$BENCH/scripts/cluster_probe.py" cpu "${pg[@]}" || echo 0)
    h1=$(python3 "$BENCH/scripts/cluster_probe.py" cpu "pid:$hp")
    if [ "$round" != warmup ]; then
        awk -v nm="$name" -v m="$n" -v a="$t0" -v b="$t1" -v r="$round" -v c="$(echo "$c1 - $c0" | bc)" \
            -v d="$(echo "$d1 - $d0" | bc)" -v h="$(echo "$h1 - $h0" | bc)" \
            'BEGIN { printf "%s\t%s\t%.3f\t%s\t%.2f\t%.2f\t%.2f\n", nm, m, b - a, r, c, d, h }' >> "$RAW/cluster.tsv"
    fi
    settle
}

mkdir -p "$RAW"
rm -f "$RAW"/*
: > "$RAW/commands.txt"
describe_machine
[ "${BENCH_SKIP_BUILD:-}" = 1 ] || build
bench_certificate
for step in "${STEPS[@]}"; do
    case $step in
        router | storage | smtp | memory | profile | auth | crypto | abuse | cluster) "step_$step" ;;
        *) log "unknown step '$step': use router, storage, smtp, memory, profile, auth, crypto, abuse or cluster"; exit 2 ;;
    esac
done
python3 "$BENCH/scripts/report.py" "$RAW" > "$RESULTS/latest.md"
log "wrote $RESULTS/latest.md"
