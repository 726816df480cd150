#!/usr/bin/env bash
# TLS audit of the SMTP receiver's STARTTLS with testssl.sh (Debian package testssl.sh), once on
# each JCA provider (the native Amazon Corretto Crypto Provider, with the server's TLS on Conscrypt's
# BoringSSL, then the JDK's, with JSSE).
#
# Starts `bin/tubemail log` in a throwaway home (so STARTTLS runs with the self-signed certificate
# made under its run/tls/ on first start, as on a fresh install) on a free loopback port, runs
# testssl against it, and fails on any HIGH or CRITICAL finding except the trust findings that a
# self-signed test certificate causes by nature (no chain of trust, name not matching 127.0.0.1,
# no revocation information). Too slow for the unit suite (about a minute per provider); .ci/run runs it
# after the tests. Usage: .ci/security-check.sh [--full]   (--full: every testssl check, about 2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v testssl > /dev/null; then
    echo "security-check: testssl is not installed (Debian package testssl.sh; .ci/install-parts.sh installs it)" >&2
    [ "${TUBEMAIL_REQUIRE_REAL_PARTS:-}" = 1 ] && exit 1
    exit 0
fi

work=$(mktemp -d /tmp/tubemail-security.XXXXXX)
server=""
stop_server() {
    if [ -n "$server" ]; then
        kill "$server" 2> /dev/null || true
        wait "$server" 2> /dev/null || true # killed by SIGTERM: not this script's failure
        server=""
    fi
}
cleanup() {
    local status=$?
    stop_server
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

# Protocols, cipher lists, forward secrecy, server preferences, certificate and the known
# vulnerabilities; client simulation and the per-protocol cipher enumeration only with --full.
checks=(--protocols --std --fs --server-preference --server-defaults --vulnerable)
[ "${1:-}" = --full ] && checks=()

# Once on each JCA provider the server can run on (crypto.provider, README "Dependencies and why"):
# Amazon Corretto Crypto Provider (native, the default) and the JDK's own.
for provider in native jdk; do
    home="$work/$provider"
    mkdir -p "$home"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    JAVA_OPTS="${JAVA_OPTS:-} -Dtubemail.crypto.provider=$provider" bin/tubemail log --port "$port" --home "$home" > "$home/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 240); do
        grep -q "logging every message" "$home/server.log" && break
        kill -0 "$server" 2> /dev/null || { cat "$home/server.log" >&2; exit 1; }
        sleep 0.5
    done
    # the provider the server says it runs on must be the one asked for
    want="crypto: JDK"
    [ "$provider" = native ] && want="crypto: AmazonCorrettoCryptoProvider .*, TLS on Conscrypt "
    grep -q -- "$want" "$home/server.log" || { echo "security-check: the server did not run on the $provider provider:" >&2; cat "$home/server.log" >&2; exit 1; }
    echo "security-check: provider $provider: $(grep -o 'crypto: .*' "$home/server.log" | head -n 1)"
    testssl --starttls smtp --quiet --color 0 --warnings off --jsonfile "$home/testssl.json" \
        "${checks[@]}" "127.0.0.1:$port" > "$home/testssl.txt" 2>&1 || true
    stop_server
    cp "$home/testssl.json" "${TESTSSL_KEEP:-$home}/testssl-$provider.json" 2> /dev/null || true
    python3 - "$home/testssl.json" << 'PY'
import json, sys
# What a self-signed certificate on 127.0.0.1 causes by nature; anything else HIGH or CRITICAL fails.
TRUST = {"cert_chain_of_trust", "cert_trust", "cert_revocation", "cert_ocspURL", "cert_crlDistributionPoints"}
findings = json.load(open(sys.argv[1]))
if not findings:
    sys.exit("security-check: testssl reported nothing (did it connect?)")
bad = [f for f in findings if f["severity"] in ("HIGH", "CRITICAL") and f["id"].split(" ")[0] not in TRUST]
for f in findings:
    if f["severity"] in ("HIGH", "CRITICAL"):
        print(f"security-check: {f['severity']:8} {f['id']}: {f['finding']}" + ("" if f in bad else "  (self-signed: expected)"))
for key in ("TLS1_3", "TLS1_2", "TLS1_1", "TLS1", "SSLv3", "SSLv2"):
    for f in findings:
        if f["id"] == key:
            print(f"security-check: {key}: {f['finding']}")
if bad:
    sys.exit(f"security-check: {len(bad)} HIGH or CRITICAL finding(s) beyond the self-signed certificate's")
print(f"security-check: ok ({len(findings)} testssl findings, none HIGH or CRITICAL beyond the self-signed certificate's)")
PY
done
