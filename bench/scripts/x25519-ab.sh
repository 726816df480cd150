#!/bin/bash
# Server CPU per new STARTTLS message (bench/tlsload, a full handshake each, 10 sessions) of the bench server
# from two jars, a before and an after, both on the native provider, in interleaved rounds. CPU from
# /proc/PID/task/*/stat, without (and with) the JIT compiler and GC threads. Usage:
#   cp bench/target/benchmarks.jar /tmp/before.jar   # then change, mvn install, mvn -f bench/reactor.xml package
#   cc -O2 -o /tmp/tlsload bench/tlsload/tlsload.c -lssl -lcrypto -lpthread
#   BEFORE=/tmp/before.jar N=3000 ROUNDS=3 WARM=6000 bench/scripts/x25519-ab.sh
set -u
BEFORE=${BEFORE:?the jar to compare with}
AFTER=${AFTER:-$(cd "$(dirname "$0")/.." && pwd)/target/benchmarks.jar}
TLSLOAD=${TLSLOAD:-/tmp/tlsload}
N=${N:-3000}; ROUNDS=${ROUNDS:-3}; WARM=${WARM:-6000}
HZ=$(getconf CLK_TCK)
PIDS=(); PORTS=(); NAMES=(); WORKS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "${WORKS[@]}"' EXIT
for jar in "$BEFORE" "$AFTER"; do
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  work=$(mktemp -d)
  java -Xmx1g -Dtubemail.crypto.provider=native -cp $jar org.tubemail.bench.TubemailSmtp $port $work > $work/server.log 2>&1 &
  PIDS+=($!); PORTS+=($port); NAMES+=("$(basename $jar)"); WORKS+=($work)
done
for w in "${WORKS[@]}"; do for _ in $(seq 300); do grep -q READY $w/server.log && break; sleep 0.2; done; grep crypto: $w/server.log; done
proc() { local sum=0; for t in /proc/$1/task/*; do name=$(cat $t/comm 2>/dev/null) || continue
    case "$name" in *Compiler*|GC*|G1*|VM\ Thread) continue ;; esac
    s=$(cat $t/stat 2>/dev/null) || continue; s=${s#*) }; set -- $s; sum=$(( sum + ${12} + ${13} )); done; echo $sum; }
procall() { local sum=0; for t in /proc/$1/task/*; do s=$(cat $t/stat 2>/dev/null) || continue; s=${s#*) }; set -- $s; sum=$(( sum + ${12} + ${13} )); done; echo $sum; }
for i in "${!PIDS[@]}"; do $TLSLOAD ${PORTS[$i]} $WARM 10 > /dev/null 2>&1 || echo "warm-up failed for ${NAMES[$i]}"; done
for r in $(seq $ROUNDS); do
  for i in "${!PIDS[@]}"; do
    b=$(proc ${PIDS[$i]}); ba=$(procall ${PIDS[$i]})
    out=$($TLSLOAD ${PORTS[$i]} $N 10 2>&1)
    sleep 1
    a=$(proc ${PIDS[$i]}); aa=$(procall ${PIDS[$i]})
    echo "round $r | ${NAMES[$i]} | server $(( (a-b)*1000000/HZ/N )) us CPU/msg (all threads $(( (aa-ba)*1000000/HZ/N ))) | $out"
  done
done
