#!/bin/bash
# Server CPU per STARTTLS message (a new connection and full handshake per message, bench/tlsload on
# OpenSSL, 10 sessions) for the bench server on the native crypto provider, on it with x25519 left
# out of JSSE's groups (OpenSSL's x25519 key share then gets a HelloRetryRequest for P-256), and on
# the JDK's providers. CPU from /proc/PID/task/*/stat without the JIT compiler and GC threads, so
# that a loaded machine still gives comparable figures. Usage (after mvn -f bench/reactor.xml package
# and cc -O2 -o /tmp/tlsload bench/tlsload/tlsload.c -lssl -lcrypto -lpthread):
#   N=2000 ROUNDS=3 WARM=3000 TLSLOAD=/tmp/tlsload bench/scripts/tls-provider-ab.sh
set -u
JAR=$(cd "$(dirname "$0")/.." && pwd)/target/benchmarks.jar
TLSLOAD=${TLSLOAD:-./tlsload}
N=${N:-1000}; ROUNDS=${ROUNDS:-2}
HZ=$(getconf CLK_TCK)
PIDS=(); PORTS=(); NAMES=(); WORKS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "${WORKS[@]}"' EXIT
for opt in "-Dtubemail.crypto.provider=native" "-Dtubemail.crypto.provider=native -Djdk.tls.namedGroups=secp256r1,secp384r1,secp521r1" "-Dtubemail.crypto.provider=jdk"; do
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  work=$(mktemp -d)
  java -Xmx1g $opt -cp $JAR org.tubemail.bench.TubemailSmtp $port $work > $work/server.log 2>&1 &
  PIDS+=($!); PORTS+=($port); NAMES+=("$opt"); WORKS+=($work)
done
for w in "${WORKS[@]}"; do for _ in $(seq 300); do grep -q READY $w/server.log && break; sleep 0.2; done; grep crypto: $w/server.log; done
# CPU ticks of the server's threads other than the JIT compilers and the garbage collector
proc() {
  local sum=0
  for t in /proc/$1/task/*; do
    name=$(cat $t/comm 2>/dev/null) || continue
    case "$name" in *Compiler*|GC*|G1*|VM\ Thread) continue ;; esac
    s=$(cat $t/stat 2>/dev/null) || continue; s=${s#*) }; set -- $s; sum=$(( sum + ${12} + ${13} ))
  done
  echo $sum
}
for i in "${!PIDS[@]}"; do $TLSLOAD ${PORTS[$i]} ${WARM:-3000} 10 > /dev/null 2>&1 || echo "warm-up failed for ${NAMES[$i]}"; done
for r in $(seq $ROUNDS); do
  for i in "${!PIDS[@]}"; do
    b=$(proc ${PIDS[$i]})
    out=$($TLSLOAD ${PORTS[$i]} $N 10 2>&1)
    sleep 1
    a=$(proc ${PIDS[$i]})
    echo "round $r | ${NAMES[$i]} | server $(( (a-b)*1000000/HZ/N )) us CPU/msg | $out"
  done
done
