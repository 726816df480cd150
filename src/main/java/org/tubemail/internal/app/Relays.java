package org.tubemail.internal.app;

import org.tubemail.handler.AutoReplyRules;
import org.tubemail.handler.Relay;
import org.tubemail.internal.autoreply.AutoReplyLogs;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.dkim.DkimKeyring;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.relay.AutoReplyRelay;
import org.tubemail.internal.relay.DkimSigningRelay;
import org.tubemail.internal.relay.MaildirRelay;
import org.tubemail.internal.relay.MxSettings;
import org.tubemail.internal.relay.RelaySettings;
import org.tubemail.internal.relay.RetryPolicy;
import org.tubemail.internal.relay.SmtpRelay;
import org.tubemail.internal.state.StateStorage;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Builds the relay: a maildir under {@code run/} when {@code relay.host} is empty, direct delivery
 * to each recipient domain's mail exchangers when it is {@code mx}, else a smarthost.
 */
public final class Relays {

    /** The {@code relay.host} value that means "no smarthost: deliver to the recipients' MX". */
    static final String MX = "mx";

    private Relays() {
    }

    /**
     * The relay the settings describe: a smarthost, MX delivery or the outbox maildir; signing with the keys of
     * {@code relay.dkim.*} when there are any.
     */
    public static Relay create(Settings s) {
        return create(s, Monitor.NONE);
    }

    /** Like {@link #create(Settings)}, reporting what the relay sends, retries, gives up on and signs to {@code monitor}. */
    public static Relay create(Settings s, Monitor monitor) {
        return create(s, monitor, () -> Resolvers.create(s));
    }

    /** Like {@link #create(Settings, Monitor)}, delivering to mail exchangers ({@code relay.host=mx}) with the resolver {@code dns} gives. */
    public static Relay create(Settings s, Monitor monitor, Supplier<DnsResolver> dns) {
        DkimKeyring keys = SigningKeys.load(s);
        Relay relay = unsigned(s, monitor, dns);
        return keys.isEmpty() ? relay : new DkimSigningRelay(relay, keys, monitor);
    }

    /**
     * {@code relay} under the rules for automatic replies ({@link AutoReplyRelay}): {@code reply.auto.limit}
     * replies (3) per {@code reply.auto.period.seconds} (a day) to one address for each module, counted
     * beside the state storage that {@code states} gives once the first automatic reply is sent, and none
     * to forged senders unless {@code reply.auto.to.forged=true}.
     */
    public static AutoReplyRelay guarded(Settings s, Relay relay, Supplier<StateStorage> states, Monitor monitor) {
        AutoReplyRelay.Limit limit = new AutoReplyRelay.Limit(s.integer("reply.auto.limit", 3, 0, 1_000_000),
                s.seconds("reply.auto.period.seconds", Duration.ofDays(1), false));
        AutoReplyRules rules = new AutoReplyRules(s.choice("reply.auto.to.forged", "false", "false", "true").equals("true"));
        return new AutoReplyRelay(relay, () -> AutoReplyLogs.beside(states.get()), rules, limit, monitor, Clock.systemUTC());
    }

    /** Whether the settings relay into the outbox maildir ({@code relay.host} empty) rather than over SMTP. */
    static boolean outbox(Settings s) {
        return s.string("relay.host", "").isEmpty();
    }

    private static Relay unsigned(Settings s, Monitor monitor, Supplier<DnsResolver> dns) {
        String host = s.string("relay.host", "");
        if (host.isEmpty()) {
            return new MaildirRelay(QueueFolders.path(s, "outbox"), monitor);
        }
        if (host.equals(MX)) {
            return direct(s, monitor, dns.get());
        }
        RelaySettings.Security security = RelaySettings.Security.valueOf(
                s.choice("relay.security", "none", "none", "starttls", "tls").toUpperCase(Locale.ROOT));
        int defaultPort = switch (security) {
            case NONE -> 25;
            case STARTTLS -> 587;
            case TLS -> 465;
        };
        RelaySettings rs = new RelaySettings(host, s.port("relay.port", defaultPort), security, s.string("relay.username", ""),
                s.string("relay.password", ""), s.seconds("relay.timeout.seconds", Duration.ofSeconds(30), false),
                s.string("relay.ssl.trust", ""));
        return new SmtpRelay(rs, new MaildirQueue(QueueFolders.path(s, "relay-retry")), RetryPolicy.standard(), monitor);
    }

    /** {@code relay.host=mx}: port 25, STARTTLS when offered unless {@code relay.security=none}, no login. */
    private static Relay direct(Settings s, Monitor monitor, DnsResolver dns) {
        String security = s.choice("relay.security", "may", "may", "none");
        if (!s.string("relay.username", "").isEmpty()) {
            throw s.invalid("relay.username", "empty with relay.host = mx (mail exchangers take mail without a login)");
        }
        MxSettings mx = new MxSettings(s.port("relay.port", 25), security.equals("may"), s.string("relay.helo", ""),
                s.seconds("relay.timeout.seconds", Duration.ofSeconds(30), false));
        return SmtpRelay.direct(mx, dns, new MaildirQueue(QueueFolders.path(s, "relay-retry")),
                RetryPolicy.standard(), monitor);
    }
}
