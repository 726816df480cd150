package org.tubemail.internal.relay;

import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.handler.AutoReplyRules;
import org.tubemail.handler.Relay;
import org.tubemail.internal.autoreply.AutoReplyLog;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The relay handlers send through, in front of the one that delivers: an
 * {@link MailResponse#automatic() automatic} reply goes out only when {@link AutoReplyRules} allow
 * it, and at most {@link Limit#replies} times per {@link Limit#period} to one address for each
 * responder (the handler module answering, RFC 3834 §2), counted in an {@link AutoReplyLog} (shared
 * by every server on PostgreSQL). Every reply not sent is reported to {@link Monitor#replySuppressed}.
 * Other mail passes unchanged.
 */
public final class AutoReplyRelay implements Relay, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutoReplyRelay.class);

    /**
     * How many automatic replies one address gets from one responder.
     *
     * @param replies at most this many per window ({@code 0}: none at all)
     * @param period  how long a window lasts, from the first reply counted in it
     */
    public record Limit(int replies, Duration period) {}

    private final Relay next;
    private final Supplier<AutoReplyLog> opener;
    private final AutoReplyRules rules;
    private final Limit limit;
    private final Monitor monitor;
    private final Clock clock;
    private AutoReplyLog log;
    private long nextCleanup;

    /**
     * @param next    where mail goes
     * @param log     opens the log of replies sent, on the first automatic reply (e.g. beside the state storage)
     * @param rules   which messages get no automatic reply
     * @param limit   how many replies one address gets
     * @param monitor where suppressed replies are reported
     * @param clock   the time windows are measured with
     */
    public AutoReplyRelay(Relay next, Supplier<AutoReplyLog> log, AutoReplyRules rules, Limit limit, Monitor monitor, Clock clock) {
        this.next = next;
        this.opener = log;
        this.rules = rules;
        this.limit = limit;
        this.monitor = monitor;
        this.clock = clock;
    }

    /** The relay the mail goes to. */
    public Relay next() {
        return next;
    }

    @Override
    public void deliver(MimeMessage message, String envelopeFrom, List<String> recipients) {
        next.deliver(message, envelopeFrom, recipients);
    }

    @Override
    public void send(MailResponse response) {
        if (!response.isAutomatic()) {
            next.send(response);
            return;
        }
        Optional<AutoReplyRules.Suppression> no = rules.check(response);
        MailRequest request = response.answered().orElseThrow();
        if (no.isPresent()) {
            String responder = request.module().isEmpty() ? "(outside routing)" : request.module();
            List<String> to = response.recipients().isEmpty() ? List.of(request.from()) : response.recipients();
            to.forEach(a -> monitor.replySuppressed(responder, a, no.get().reason(), no.get().detail()));
            return;
        }
        MimeMessage m = response.toMimeMessage();
        String sender = Relay.senderOf(m);
        String responder = request.module().isEmpty() ? sender : request.module();
        long now = clock.millis();
        AutoReplyLog counts = log(now);
        List<String> allowed = new ArrayList<>();
        for (String address : response.recipients()) {
            if (counts.tryCount(responder, address.toLowerCase(Locale.ROOT), now, limit.period().toMillis(), limit.replies())) {
                allowed.add(address);
            } else {
                monitor.replySuppressed(responder, address, "rate", "it already had " + limit.replies() + " automatic repl"
                        + (limit.replies() == 1 ? "y" : "ies") + " from " + responder + " in the last " + limit.period().toSeconds()
                        + " s (reply.auto.limit, reply.auto.period.seconds)");
            }
        }
        if (!allowed.isEmpty()) {
            next.deliver(m, sender, allowed);
        }
    }

    /** The log, opened on first use; windows that ended are dropped once a period. */
    private synchronized AutoReplyLog log(long now) {
        if (log == null) {
            log = opener.get();
            nextCleanup = now;
        }
        if (now >= nextCleanup) {
            nextCleanup = now + limit.period().toMillis();
            try {
                log.removeExpired(now);
            } catch (RuntimeException e) {
                LOG.warn("could not drop ended auto-reply windows from {}: {}", log, e.getMessage());
            }
        }
        return log;
    }

    @Override
    public void close() throws Exception {
        try {
            if (next instanceof AutoCloseable c) c.close();
        } finally {
            synchronized (this) {
                if (log != null) log.close();
            }
        }
    }

    @Override
    public String toString() {
        return "AutoReplyRelay[" + limit.replies() + " per " + limit.period() + " -> " + next + "]";
    }
}
