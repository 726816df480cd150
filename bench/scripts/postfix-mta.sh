#!/usr/bin/env bash
# A whole Postfix MTA for the SMTP benchmark, in a folder of its own: smtpd on 127.0.0.1:PORT,
# cleanup (which fsyncs each queue file before smtpd answers 250), the queue manager, and the
# discard transport for every recipient. STARTTLS is offered with the given certificate.
# The system's Postfix configuration and queue are not touched. Needs root (Postfix's master
# starts as root and runs its daemons as the postfix user).
#
# Usage: postfix-mta.sh start DIR PORT CERT KEY | stop DIR | queued DIR (messages still in the queue)
set -euo pipefail
cmd=$1 dir=$2

case $cmd in
start)
    port=$3 cert=$4 key=$5
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
    echo "usage: $0 start DIR PORT CERT KEY | stop DIR | queued DIR" >&2
    exit 2
    ;;
esac
