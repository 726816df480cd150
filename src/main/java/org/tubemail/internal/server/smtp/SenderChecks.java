package org.tubemail.internal.server.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.auth.AuthenticationResults;
import org.tubemail.internal.auth.Authenticator;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.routing.Router;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailParseException;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.Verdict;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SMTP receiver's sender authentication, between the end of {@code DATA} and the spool: SPF,
 * DKIM and DMARC run on this class's own threads (never on the event loop or the spooler, since
 * they wait for DNS) while the session waits, as it waits for the spool. Then the message either
 * gets its {@code Authentication-Results} header and goes on to the spool with the verdicts, or is
 * refused with {@code 550 5.7.26}: when {@code dmarcEnforce} is on and the {@code From:} domain's
 * DMARC policy is {@code reject} and the message fails DMARC, or when {@code rejectUnauthenticated}
 * is on and the sender is not authenticated for an {@code @Authenticated} method the message would
 * reach ({@code 451 4.4.3} instead when a check ended in {@code temperror}, so that the client
 * retries). All checks of one message together take at most {@code timeout}; past it the message goes
 * on with {@code temperror} verdicts. Mail from a trusted network is authenticated whatever the checks
 * found ({@code auth=local}, {@link Authentication#local()}) and is never refused here.
 */
public final class SenderChecks {
    private static final Logger LOG = LoggerFactory.getLogger(SenderChecks.class);

    /**
     * @param authservId            this server's name in {@code Authentication-Results}
     * @param rejectUnauthenticated refuse mail that {@code @Authenticated} methods would refuse ({@code receiver.auth.reject})
     * @param dmarcEnforce          refuse mail failing DMARC of a domain publishing {@code p=reject} ({@code receiver.dmarc.enforce})
     * @param timeout               the longest all checks of one message may take
     * @param threads               how many messages are checked at once
     */
    public record Settings(String authservId, boolean rejectUnauthenticated, boolean dmarcEnforce, Duration timeout, int threads) {}

    private final Authenticator authenticator;
    private final Settings settings;
    private final ExecutorService pool;

    public SenderChecks(Authenticator authenticator, Settings settings) {
        this.authenticator = authenticator;
        this.settings = settings;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "smtp-auth-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        this.pool = p;
    }

    /** The sink the event loop hands finished messages to: checks, then {@code next} or a refusal. */
    SmtpConnection.MessageSink before(Router router, CheckedSink next) {
        return (connection, message) -> CompletableFuture
                .supplyAsync(() -> verdicts(connection, message), pool)
                .completeOnTimeout(timedOut(connection), settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((verdicts, failure) -> decide(router, next, connection, message,
                        failure == null ? verdicts : timedOut(connection)));
    }

    private Authentication verdicts(SmtpConnection c, byte[] message) {
        return authenticator.check(c.clientIp(), c.dialog().helo(), c.dialog().from(), message);
    }

    /** What is known when the checks did not finish in time: nothing, temporarily. */
    private static Authentication timedOut(SmtpConnection c) {
        boolean helo = c.dialog().from().isEmpty();
        String domain = helo ? c.dialog().helo() : Addresses.domain(c.dialog().from());
        return new Authentication(new Authentication.Spf(Verdict.TEMPERROR, helo, domain), List.of(),
                new Authentication.Dmarc(Verdict.TEMPERROR, "", ""));
    }

    private void decide(Router router, CheckedSink next, SmtpConnection c, byte[] message, Authentication checked) {
        Authentication verdicts = c.trusted() ? checked.asLocal() : checked;
        Optional<String> refusal;
        try {
            refusal = reply(router, c, message, verdicts);
        } catch (RuntimeException e) {
            LOG.warn("cannot judge the sender of a message from {}: {}", c.peer(), e.toString());
            refusal = Optional.empty(); // the router decides again, and queues it if it must
        }
        if (refusal.isPresent()) {
            LOG.info("refused message from <{}> via {}: {}", c.dialog().from(), c.peer(), refusal.get());
            c.complete(refusal.get().replaceAll("[\\r\\n]", " "));
            c.release();
            return;
        }
        next.accept(c, AuthenticationResults.prepend(settings.authservId(), verdicts, message), verdicts);
    }

    /** The refusal to answer instead of spooling, if any. */
    private Optional<String> reply(Router router, SmtpConnection c, byte[] message, Authentication verdicts) {
        Authentication.Dmarc dmarc = verdicts.dmarc();
        if (settings.dmarcEnforce() && !verdicts.local() && dmarc.verdict() == Verdict.FAIL && dmarc.policy().equals("reject")) {
            return Optional.of("550 5.7.26 Unauthenticated mail from " + dmarc.fromDomain() + " is refused by its DMARC policy");
        }
        if (!settings.rejectUnauthenticated()) return Optional.empty();
        Optional<String> refusal;
        try {
            Envelope envelope = new Envelope(c.peer(), c.dialog().from(), c.dialog().recipients(), verdicts);
            refusal = router.authenticationRefusal(MailRequest.parse(envelope, message));
        } catch (MailParseException e) {
            return Optional.empty(); // routing queues it as undeliverable with the parse error
        }
        // A check that could not finish may pass next time: the client should retry, not give up.
        return refusal.map(r -> temporary(verdicts)
                ? "451 4.4.3 Cannot authenticate the sender now (DNS), try again later: " + r
                : "550 5.7.26 " + r);
    }

    private static boolean temporary(Authentication v) {
        return v.spf().verdict() == Verdict.TEMPERROR || v.dmarc().verdict() == Verdict.TEMPERROR
                || v.dkim().stream().anyMatch(d -> d.verdict() == Verdict.TEMPERROR);
    }

    /** Stops the check threads; messages being checked are dropped with their sessions. */
    void stop() {
        pool.shutdownNow();
    }
}
