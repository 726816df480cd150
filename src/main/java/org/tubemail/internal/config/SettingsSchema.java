package org.tubemail.internal.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.tubemail.internal.config.SettingKey.Type.BOOLEAN;
import static org.tubemail.internal.config.SettingKey.Type.BYTES;
import static org.tubemail.internal.config.SettingKey.Type.CHOICE;
import static org.tubemail.internal.config.SettingKey.Type.CLASS;
import static org.tubemail.internal.config.SettingKey.Type.INTEGER;
import static org.tubemail.internal.config.SettingKey.Type.LIST;
import static org.tubemail.internal.config.SettingKey.Type.PATH;
import static org.tubemail.internal.config.SettingKey.Type.PERMISSIONS;
import static org.tubemail.internal.config.SettingKey.Type.PORT;
import static org.tubemail.internal.config.SettingKey.Type.REGEX;
import static org.tubemail.internal.config.SettingKey.Type.SECONDS;
import static org.tubemail.internal.config.SettingKey.Type.TEXT;
import static org.tubemail.internal.config.SettingKey.Type.URL;

/**
 * Every setting Tubemail reads, declared once: name (or pattern), form, default and meaning. The
 * settings file may hold only these keys and the application's own under {@value #APP_PREFIX}:
 * {@link #check} refuses any other key, naming the nearest declared one, and a value with a trailing
 * {@code # comment}. A new setting is one {@code key(...)} line in {@link #KEYS} and one row (or one
 * {@code .suffix} in a row) of the README's configuration table; {@code SettingsSchemaDocumentationTest}
 * checks both.
 */
public final class SettingsSchema {

    /**
     * The application's own settings ({@code app.mylist.owner}): handlers and boot hooks read them through
     * {@link BootContext#settings()}. Tubemail cannot know them before the handlers are built (and offline
     * commands never build them), so they are not checked; {@code config} masks those whose last segment
     * is {@code password}, {@code secret}, {@code token} or {@code key}.
     */
    public static final String APP_PREFIX = "app.";

    /** Set to {@code true} (as the test suite does) to make a read of an undeclared key fail. */
    public static final String STRICT_PROPERTY = "tubemail.settings.strict";

    /** Whitespace then {@code #}, or a value that starts with {@code "# "}: a comment that .properties kept. */
    private static final Pattern TRAILING_COMMENT = Pattern.compile("(?s).*\\s#.*|#(\\s.*)?");

    /** The declared settings, in the README's order. */
    public static final List<SettingKey> KEYS = List.of(
            // Receivers
            key("receiver.smtp.host", TEXT, "127.0.0.1", "SMTP listener address"),
            key("receiver.smtp.port", PORT, "8825", "SMTP listener port (0: any free one)"),
            key("receiver.lmtp.host", TEXT, "(receiver.smtp.host)", "LMTP listener address"),
            key("receiver.lmtp.port", PORT, "(off)", "LMTP listener port"),
            key("receiver.tls.enabled", BOOLEAN, "true", "offer STARTTLS on SMTP and LMTP"),
            key("receiver.tls.cert", PATH, "(self-signed, run/tls/)", "PEM certificate chain, server certificate first"),
            key("receiver.tls.key", PATH, "(self-signed, run/tls/)", "the certificate's unencrypted private key (PEM)"),
            key("receiver.tls.required", BOOLEAN, "false", "530 5.7.0 to MAIL before STARTTLS"),
            key("receiver.proxy.protocol", CHOICE, "off", "PROXY protocol v1/v2 on SMTP: on or off"),
            key("receiver.proxy.trusted", LIST, "127.0.0.1/32,::1/128", "networks (CIDR) whose connections start with a PROXY header"),
            key("receiver.queue.path", PATH, "(off)", "maildir routed by a queue receiver"),
            key("receiver.queue.workers", INTEGER, "2", "messages of that maildir routed at once"),
            key("receiver.queue.poll.seconds", SECONDS, "2", "how often the queue receiver looks into its maildir"),
            key("receiver.lmtp.socket", PATH, "(off)", "LMTP on a unix-domain socket"),
            key("receiver.lmtp.socket.mode", PERMISSIONS, "660", "permissions of the LMTP socket"),
            key("receiver.lmtp.socket.group", TEXT, "(the process's)", "group of the LMTP socket"),
            key("receiver.imap.NAME.host", TEXT, "", "IMAP mailbox NAME: server host"),
            key("receiver.imap.NAME.port", PORT, "993/143", "IMAP mailbox NAME: server port (by security)"),
            key("receiver.imap.NAME.security", CHOICE, "tls", "IMAP mailbox NAME: tls, starttls or none"),
            key("receiver.imap.NAME.user", TEXT, "", "IMAP mailbox NAME: login"),
            secret("receiver.imap.NAME.password", "", "IMAP mailbox NAME: password"),
            key("receiver.imap.NAME.auth", CHOICE, "password", "IMAP mailbox NAME: password or xoauth2"),
            secret("receiver.imap.NAME.token", "", "IMAP mailbox NAME: a fixed OAuth2 access token"),
            key("receiver.imap.NAME.token.provider", CLASS, "", "IMAP mailbox NAME: class giving OAuth2 tokens"),
            key("receiver.imap.NAME.folder", TEXT, "INBOX", "IMAP mailbox NAME: folder read"),
            key("receiver.imap.NAME.after", CHOICE, "move", "IMAP mailbox NAME: move, flag or delete a routed message"),
            key("receiver.imap.NAME.move.folder", TEXT, "Tubemail", "IMAP mailbox NAME: where routed messages move"),
            key("receiver.imap.NAME.flag", TEXT, "$Tubemail", "IMAP mailbox NAME: the flag of routed messages"),
            key("receiver.imap.NAME.address", TEXT, "(from headers)", "IMAP mailbox NAME: the recipient routed"),
            key("receiver.imap.NAME.poll.seconds", SECONDS, "60", "IMAP mailbox NAME: polling interval"),
            key("receiver.imap.NAME.idle", BOOLEAN, "true", "IMAP mailbox NAME: use IDLE when offered"),
            key("receiver.imap.NAME.ssl.trust", TEXT, "(check all)", "IMAP mailbox NAME: hosts trusted without certificate checks"),
            key("receiver.imap.NAME.timeout.seconds", SECONDS, "30", "IMAP mailbox NAME: network time limit"),
            key("queue.imap.progress", PATH, "run/imap", "IMAP mailboxes' progress files"),
            key("forward.http.NAME", URL, "", "webhook NAME: the URL mail for NAME@(host) is POSTed to"),
            secret("forward.http.NAME.secret", "(required)", "webhook NAME: signing secret, at least 16 characters"),
            key("forward.http.NAME.route", TEXT, "NAME@(host)", "webhook NAME: the route it answers"),
            key("forward.http.NAME.timeout.seconds", SECONDS, "10", "webhook NAME: time limit of one POST"),
            key("forward.http.NAME.attachment.max.bytes", BYTES, "1MiB", "webhook NAME: largest attachment sent inline"),
            key("forward.http.NAME.raw", BOOLEAN, "false", "webhook NAME: include the raw message"),
            key("forward.retry.seconds", LIST, "30,60,300,900,1800,3600", "waits between webhook attempts (the last repeats)"),
            key("forward.retry.max.hours", INTEGER, "120", "how long a webhook is retried before a dead letter"),
            key("queue.forward.retry", PATH, "run/forward-retry", "webhook retry queue"),
            key("receiver.smtp.data.reply", CHOICE, "spooled", "when DATA is answered: spooled or routed"),
            key("receiver.accepted.domains", LIST, "localhost", "recipient domains accepted at RCPT"),
            key("receiver.max.message.bytes", BYTES, "10MiB", "largest message accepted"),
            key("receiver.max.recipients", INTEGER, "100", "recipients per message"),
            key("receiver.idle.timeout.seconds", SECONDS, "60", "an idle client is disconnected after this"),
            key("receiver.max.connections", INTEGER, "500", "connections at once"),
            key("receiver.workers", INTEGER, "32", "messages routed at once"),
            key("receiver.client.max.sessions", INTEGER, "50", "sessions at once per client (0: off)"),
            key("receiver.client.connection.rate", INTEGER, "120", "connections per window per client (0: off)"),
            key("receiver.client.message.rate", INTEGER, "300", "messages per window per client (0: off)"),
            key("receiver.client.recipient.rate", INTEGER, "1000", "recipients per window per client (0: off)"),
            key("receiver.client.rate.window.seconds", SECONDS, "60", "the window of the per-client rates"),
            key("receiver.client.ipv6.prefix", INTEGER, "64", "an IPv6 client is its network of this many bits"),
            key("receiver.client.tracked.max", INTEGER, "20000", "clients remembered at most"),
            key("receiver.trusted.networks", LIST, "(none)", "networks exempt from per-client limits, authenticated as auth=local"),
            key("receiver.smtp.greet.delay.seconds", SECONDS, "0", "wait before the greeting; talking earlier gets 554 5.5.0"),
            key("receiver.smtp.forbid.unauth.pipelining", BOOLEAN, "true", "554 5.5.0 to commands sent ahead of their replies without PIPELINING"),
            key("receiver.session.max.seconds", SECONDS, "1800", "whole-session time limit (0: none), 421 4.4.2"),
            key("receiver.data.min.bytes.per.second", INTEGER, "500", "minimum DATA rate (0: none), 421 4.4.2"),
            key("receiver.data.rate.window.seconds", SECONDS, "30", "the window the DATA rate is judged over"),
            key("receiver.error.soft.limit", INTEGER, "10", "errors in a session after which replies are delayed"),
            key("receiver.error.hard.limit", INTEGER, "20", "errors in a session after which 421 4.7.0 ends it"),
            key("receiver.error.delay.seconds", SECONDS, "1", "the tarpit's step: each error past the soft limit waits one more"),
            key("receiver.dnsbl", LIST, "(none)", "DNS blocklists, zone[=filter][*weight]"),
            key("receiver.dnswl", LIST, "(none)", "DNS allowlists, zone[=filter][*weight]"),
            key("receiver.dnsbl.threshold", INTEGER, "1", "score at or above which a client is listed"),
            key("receiver.dnsbl.action", CHOICE, "reject", "reject (554 5.7.1 at RCPT) or tag (X-Tubemail-DNSBL header)"),
            key("receiver.greylist.enabled", BOOLEAN, "false", "greylist (client network, sender, recipient) triplets"),
            key("receiver.greylist.delay.seconds", SECONDS, "300", "a triplet's retry passes after this"),
            key("receiver.greylist.retry.hours", INTEGER, "48", "a triplet not retried within this is forgotten"),
            key("receiver.greylist.allow.days", INTEGER, "36", "a network that passed is let through for this long"),
            key("receiver.greylist.ipv4.prefix", INTEGER, "24", "an IPv4 client's greylisting network, in bits"),
            key("receiver.greylist.ipv6.prefix", INTEGER, "64", "an IPv6 client's greylisting network, in bits"),
            key("receiver.min.free.bytes", BYTES, "(1.5 x max message)", "low-space watermark of the spool's file system (0: none)"),
            // Routing
            key("handlers", LIST, "", "handler classes, in priority order"),
            key("route.default.NAME", REGEX, "", "default regex of route capture NAME"),
            key("route.exact.case", BOOLEAN, "false", "true: routes match local parts exactly"),
            key("handler.timeout.seconds", SECONDS, "60", "per-message time limit of a state method (0: none)"),
            key("boot.class", CLASS, "", "an org.tubemail.boot.Boot wiring things in Java"),
            // State and queues
            key("storage.kind", CHOICE, "mapdb", "state storage: memory, mapdb or postgres"),
            key("storage.path", PATH, "run/state.db", "MapDB state file"),
            key("storage.postgres.url", URL, "", "PostgreSQL JDBC URL"),
            key("storage.postgres.user", TEXT, "", "PostgreSQL user"),
            secret("storage.postgres.password", "", "PostgreSQL password"),
            key("storage.postgres.pool.size", INTEGER, "(receiver.workers + 4)", "PostgreSQL connections held at most"),
            key("storage.postgres.connection.timeout.seconds", SECONDS, "5", "how long an operation waits for a PostgreSQL connection"),
            key("data.path", PATH, "run/data", "handlers' own data"),
            key("queue.spool.kind", CHOICE, "log", "SMTP spool: log or maildir on this machine, postgres shared by every server"),
            key("queue.spool.lease.seconds", SECONDS, "30", "PostgreSQL spool: how long a server's claim on a message lasts unless renewed"),
            key("queue.dedup.window.seconds", SECONDS, "(600 with postgres, else 0)", "a message accepted again within this is routed once"),
            key("queue.spool", PATH, "run/spool", "SMTP spool"),
            key("queue.undeliverable", PATH, "run/undeliverable", "undeliverable queue"),
            key("queue.relay.retry", PATH, "run/relay-retry", "relay retry queue"),
            // Relay
            key("relay.host", TEXT, "(maildir)", "smarthost, mx, or empty for the maildir relay.outbox"),
            key("relay.port", PORT, "25", "smarthost or MX port"),
            key("relay.security", CHOICE, "none", "smarthost: none, starttls or tls; mx: may or none"),
            key("relay.username", TEXT, "", "smarthost login"),
            secret("relay.password", "", "smarthost password"),
            key("relay.ssl.trust", TEXT, "", "hosts trusted without certificate checks"),
            key("relay.timeout.seconds", SECONDS, "30", "network time limit of the relay"),
            key("relay.helo", TEXT, "(host name)", "name given in EHLO by MX delivery"),
            key("reply.auto.limit", INTEGER, "3", "automatic replies per module to one address per period"),
            key("reply.auto.period.seconds", SECONDS, "86400", "the period of reply.auto.limit"),
            key("reply.auto.to.forged", BOOLEAN, "false", "true: automatic replies also to senders failing SPF -all or DMARC p=reject"),
            key("relay.outbox", PATH, "run/outbox", "maildir relay used when relay.host is empty"),
            key("relay.dkim.DOMAIN.selector", TEXT, "", "DKIM selector for mail from DOMAIN"),
            key("relay.dkim.DOMAIN.key", PATH, "", "DKIM signing key file (PEM) for mail from DOMAIN"),
            // Sender authentication and DNS
            key("dns.servers", LIST, "(/etc/resolv.conf)", "DNS resolvers: host, host:port or [IPv6]:port"),
            key("dns.timeout.seconds", SECONDS, "5", "time limit of one lookup"),
            key("dns.cache.size", INTEGER, "10000", "DNS answers kept for their TTL (0: no cache)"),
            key("receiver.auth.checks", BOOLEAN, "false", "SPF, DKIM and DMARC checks on the SMTP receiver"),
            key("receiver.auth.id", TEXT, "(host name)", "authserv-id in Authentication-Results"),
            key("receiver.auth.upstream.id", TEXT, "(none)", "authserv-id of the MTA in front whose results are believed"),
            key("receiver.auth.reject", BOOLEAN, "false", "550 5.7.26 at end of DATA for what @Authenticated would refuse"),
            key("receiver.dmarc.enforce", BOOLEAN, "false", "550 5.7.26 for DMARC failures of p=reject domains"),
            key("receiver.auth.timeout.seconds", SECONDS, "20", "time limit of all checks of one message"),
            key("receiver.auth.threads", INTEGER, "16", "messages checked at once"),
            // Operating
            key("log.level", CHOICE, "info", "level of Tubemail's own log: error, warn, info, debug or trace"),
            key("http.enabled", BOOLEAN, "true", "the HTTP listener (health, metrics, API, console)"),
            key("http.host", TEXT, "127.0.0.1", "HTTP listener address"),
            key("http.port", PORT, "8827", "HTTP listener port"),
            key("crypto.provider", CHOICE, "native", "native: Amazon Corretto Crypto Provider first, and the server's TLS on Conscrypt (BoringSSL), each when it loads; jdk: the JDK's providers and JSSE only"),
            key("drain.delay.seconds", SECONDS, "0", "on a drain, wait this long with readiness 503 before refusing new clients"),
            key("drain.timeout.seconds", SECONDS, "30", "a drain waits at most this long for sessions and routing to finish"),
            secret("http.token", "", "Bearer token for /api and /metrics"),
            key("http.public.url", URL, "", "base URL of the public pages"),
            key("http.events.buffer", INTEGER, "10000", "events kept for readers that reconnect"),
            key("http.events.clients", INTEGER, "16", "event-stream readers at once")
    );

    private SettingsSchema() {
    }

    private static SettingKey key(String name, SettingKey.Type type, String defaultValue, String description) {
        return new SettingKey(name, type, defaultValue, description, false);
    }

    private static SettingKey secret(String name, String defaultValue, String description) {
        return new SettingKey(name, TEXT, defaultValue, description, true);
    }

    /** The declaration of {@code key}: an exact name before a pattern, and the most literal pattern first. */
    public static Optional<SettingKey> find(String key) {
        return KEYS.stream().filter(k -> k.matches(key))
                .min(Comparator.comparing(SettingKey::isPattern).thenComparing(k -> -k.literalPrefix().length())
                        .thenComparing(k -> -k.name().length()));
    }

    /** Whether {@code key} is the application's own ({@value #APP_PREFIX}). */
    public static boolean isApplicationKey(String key) {
        return key.startsWith(APP_PREFIX) && key.length() > APP_PREFIX.length();
    }

    /** Whether {@code config} masks the value of {@code key}. */
    public static boolean isSecret(String key) {
        if (isApplicationKey(key)) {
            return key.substring(key.lastIndexOf('.') + 1).matches("password|secret|token|key");
        }
        return find(key).map(SettingKey::secret).orElse(false);
    }

    /**
     * Refuses unknown keys and trailing comments in {@code values}, read from {@code source}; every
     * problem is one line of the message. {@code keyPrefix} is how {@code source} names keys (Spring's
     * {@code tubemail.}).
     */
    public static void check(String source, String keyPrefix, Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        values.forEach((key, value) -> {
            if (!isApplicationKey(key) && find(key).isEmpty()) {
                problems.add(source + ": " + keyPrefix + key + ": unknown setting" + nearest(key).map(n -> "; did you mean " + keyPrefix + n + "?").orElse(""));
            } else if (value != null && TRAILING_COMMENT.matcher(value).matches()) {
                problems.add(source + ": " + keyPrefix + key + " = '" + value + "': a .properties file has no trailing comments (put the comment"
                        + " on a line of its own; a value that must hold whitespace then # can come from ${env:NAME})");
            } else if (value != null && !value.isEmpty() && !value.contains("${env:") && find(key).map(k -> k.type() == BOOLEAN).orElse(false)
                    && !(value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false"))) {
                problems.add(source + ": " + keyPrefix + key + " = '" + value + "': expected true or false");
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems)
                    + (problems.stream().anyMatch(p -> p.contains("unknown setting"))
                    ? "\n(bin/tubemail config --keys lists every setting; an application's own settings go under " + APP_PREFIX + ")" : ""));
        }
    }

    /** The declared name (or pattern instance) nearest to {@code key}, if one is near enough to be a typo. */
    public static Optional<String> nearest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (SettingKey k : KEYS) {
            String candidate = k.instanceNear(key);
            int d = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Damerau-Levenshtein distance (optimal string alignment): a swap of neighbours counts one. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** In strict mode, fails when code reads {@code key} (or keys under a prefix) that no declaration covers. */
    static void requireDeclared(String key, boolean prefix) {
        if (!Boolean.getBoolean(STRICT_PROPERTY) || isApplicationKey(key)) {
            return;
        }
        boolean declared = prefix ? KEYS.stream().anyMatch(k -> k.name().startsWith(key)) : find(key).isPresent();
        if (!declared) {
            throw new IllegalStateException("setting " + key + (prefix ? "*" : "") + " is read but not declared: add a line"
                    + " key(\"" + key + (prefix ? "NAME" : "") + "\", TYPE, \"default\", \"meaning\") to org.tubemail.internal.config.SettingsSchema.KEYS"
                    + " (src/main/java/org/tubemail/internal/config/SettingsSchema.java) and a row to README's configuration table");
        }
    }
}
