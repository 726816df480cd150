#!/usr/bin/env bash
# A whole Postfix MTA for the SMTP benchmark, in a folder of its own: smtpd on 127.0.0.1:PORT,
# cleanup (which fsyncs each queue file before smtpd answers 250), the queue manager, and the
# discard transport for every recipient. STARTTLS is offered with the given certificate.
# The system's Postfix configuration and queue are not touched. Needs root (Postfix's master
# starts as root and runs its daemons as the postfix user).
#
# "screen" (the attack benchmark, bench/run.sh abuse) makes the same instance without TLS and puts
# postscreen on the port in front of smtpd, with anvil's per-client limits, error limits and a
# recipient table, for a real MX on loopback: 127.0.0.1 is the trusted network (mynetworks,
# postscreen_access_list), every other 127.x.y.z is a stranger. EXTRA_MAIN (a file of main.cf lines,
# optional) is applied last, to try other values.
#
# Usage: postfix-mta.sh start DIR PORT CERT KEY | screen DIR PORT [EXTRA_MAIN] | stop DIR
#        | queued DIR (messages still in the queue)
set -euo pipefail
cmd=$1 dir=$2

case $cmd in
start | screen)
    port=$3 cert="" key=""
    [ "$cmd" = start ] && cert=$4 key=$5
    mkdir -p "$dir/conf" "$dir/queue" "$dir/data"
    chmod 755 "$dir" # mktemp -d makes it 700: the postfix user must reach its data folder
    chown postfix "$dir/data"
    cat > "$dir/conf/main.cf" << CF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
myhostname = postfix-bench.localdomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
relay_domains = example.com
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
default_transport = discard:benchmark
relay_transport = discard:benchmark
local_transport = discard:benchmark
maillog_file_prefixes = /var, /dev/stdout, $dir
maillog_file = $dir/maillog
smtpd_tls_cert_file = $cert
smtpd_tls_key_file = $key
smtpd_tls_security_level = may
smtpd_tls_protocols = >=TLSv1.2
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
default_process_limit = 100
alias_maps =
alias_database =
CF
    cat > "$dir/conf/master.cf" << CF
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
    if [ "$cmd" = screen ]; then
        # postscreen on the port, smtpd behind it; per-client limits through anvil (mynetworks exempt)
        sed -i "1s/.*/127.0.0.1:$port inet n - n - 1 postscreen\nsmtpd pass - - n - - smtpd\ndnsblog unix - - n - 0 dnsblog/" "$dir/conf/master.cf"
        echo '/^soak-[a-z0-9-]+@example\.com$/ OK' > "$dir/conf/recipients"
        postconf -c "$dir/conf" -X smtpd_tls_cert_file smtpd_tls_key_file smtpd_tls_protocols
        postconf -c "$dir/conf" -e \
            "smtpd_tls_security_level = none" \
            "mynetworks = 127.0.0.1/32" \
            "relay_recipient_maps = regexp:$dir/conf/recipients" \
            "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination" \
            "postscreen_access_list = permit_mynetworks" \
            "postscreen_cache_map = btree:\$data_directory/postscreen_cache" \
            "postscreen_greet_wait = 3s" \
            "postscreen_greet_action = drop" \
            "postscreen_pipelining_enable = yes" \
            "postscreen_non_smtp_command_enable = yes" \
            "postscreen_dnsbl_sites =" \
            "smtpd_client_connection_count_limit = 10" \
            "smtpd_client_connection_rate_limit = 60" \
            "anvil_rate_time_unit = 60s" \
            "smtpd_client_event_limit_exceptions = \$mynetworks" \
            "smtpd_soft_error_limit = 3" \
            "smtpd_hard_error_limit = 10"
        if [ -n "${4:-}" ]; then
            grep -v '^[[:space:]]*\(#\|$\)' "$4" | while IFS= read -r line; do postconf -c "$dir/conf" -e "$line"; done
        fi
    fi
    postfix -c "$dir/conf" check
    postfix -c "$dir/conf" start
    ;;
stop)
    postfix -c "$dir/conf" stop || true
    ;;
queued)
    find "$dir/queue/incoming" "$dir/queue/active" "$dir/queue/deferred" "$dir/queue/maildrop" -type f 2> /dev/null | wc -l
    ;;
*)
    echo "usage: $0 start DIR PORT CERT KEY | screen DIR PORT [EXTRA_MAIN] | stop DIR | queued DIR" >&2
    exit 2
    ;;
esac
