package org.tubemail.internal.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.auth.Authenticator;
import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.smtp.SenderChecks;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Builds the SMTP receiver's sender checks from {@code receiver.auth.*} and {@code receiver.dmarc.enforce},
 * with the resolver of {@code dns.*}.
 */
final class SenderAuth {
    private static final Logger LOG = LoggerFactory.getLogger(SenderAuth.class);

    private SenderAuth() {}

    /** The checks, asking DNS with {@code dns}, or null when {@code receiver.auth.checks} is off. */
    static SenderChecks create(Settings s, Router router, DnsResolver dns) {
        boolean on = flag(s, "receiver.auth.checks");
        boolean reject = flag(s, "receiver.auth.reject");
        boolean enforce = flag(s, "receiver.dmarc.enforce");
        if (!on) {
            if (reject || enforce) {
                throw s.invalid(reject ? "receiver.auth.reject" : "receiver.dmarc.enforce",
                        "false while receiver.auth.checks is false (there are no verdicts to act on)");
            }
            UnauthenticatedMailWarning.of(router.routes().stream().anyMatch(m -> m.requiresAuthentication()),
                    !s.string("receiver.auth.upstream.id", "").isEmpty(), !s.list("receiver.trusted.networks", "").isEmpty())
                    .ifPresent(w -> LOG.atLevel(w.warning() ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO).log(w.text()));
            return null;
        }
        String id = s.string("receiver.auth.id", hostName());
        if (!id.matches("[A-Za-z0-9.-]+")) throw s.invalid("receiver.auth.id", "a host name (letters, digits, dots, hyphens)");
        return new SenderChecks(new Authenticator(dns), new SenderChecks.Settings(id, reject, enforce,
                s.seconds("receiver.auth.timeout.seconds", Duration.ofSeconds(20), false),
                s.integer("receiver.auth.threads", 16, 1, 1024)));
    }

    /**
     * Whose {@code Authentication-Results} the LMTP and queue receivers believe:
     * {@code receiver.auth.upstream.id}, the authserv-id of the MTA in front; nobody's when unset.
     */
    static UpstreamResults upstream(Settings s) {
        String id = s.string("receiver.auth.upstream.id", "");
        if (id.isEmpty()) return UpstreamResults.NONE;
        if (!id.matches("[A-Za-z0-9.-]+")) {
            throw s.invalid("receiver.auth.upstream.id", "the authserv-id of the MTA in front, a host name (letters, digits, dots, hyphens)");
        }
        return UpstreamResults.trusting(id);
    }

    private static boolean flag(Settings s, String key) {
        return s.bool(key, false);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
