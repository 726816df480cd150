package org.tubemail.internal.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.server.smtp.SmtpReceiver;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Takes a server out of service without losing or refusing mail for good, for rolling restarts
 * behind a load balancer: readiness turns {@code 503} ({@code /health/ready}), then, after
 * {@code drain.delay.seconds} (time for the balancer's health check to notice), new SMTP
 * connections get {@code 421 4.3.2}; open sessions go on until they end, and spooled messages
 * are routed, for up to {@code drain.timeout.seconds} in all. The caller then stops the server,
 * which treats what is left as a plain stop does (it stays spooled for the next start).
 */
final class Drain {

    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

    /**
     * @param delay   between readiness turning {@code 503} and refusing new connections
     * @param timeout the most the drain takes after that: sessions and routing still under way then are left to the stop
     */
    record Timing(Duration delay, Duration timeout) {

        /** {@code drain.delay.seconds} (default 0) and {@code drain.timeout.seconds} (default 30). */
        static Timing from(Settings s) {
            return new Timing(s.seconds("drain.delay.seconds", Duration.ZERO, true),
                    s.seconds("drain.timeout.seconds", Duration.ofSeconds(30), true));
        }
    }

    private final Timing timing;
    private final SmtpReceiver smtp;
    private final BooleanSupplier routed;
    private volatile boolean started;

    /**
     * @param routed whether every message this server accepted is routed: with the local spool, the
     *               spool is empty. A spool shared between servers always answers yes: the stop that
     *               follows lets the messages being routed finish and hands the rest of this server's
     *               claims back, and the other servers route them.
     */
    Drain(Timing timing, SmtpReceiver smtp, BooleanSupplier routed) {
        this.timing = timing;
        this.smtp = smtp;
        this.routed = routed;
    }

    /** Whether a drain has begun (readiness is then {@code 503}). */
    boolean started() {
        return started;
    }

    /** Drains as the class says; returns once done or timed out. A second call does nothing. */
    synchronized void run() {
        if (started) {
            return;
        }
        started = true;
        LOG.info("draining: /health/ready answers 503; new SMTP connections get 421 in {} s", timing.delay().toSeconds());
        if (!pause(timing.delay())) {
            return;
        }
        smtp.refuseNewConnections();
        long deadline = System.nanoTime() + timing.timeout().toNanos();
        boolean sessionsDone = awaitUntil(() -> smtp.openConnections() == 0, deadline);
        boolean routingDone = awaitUntil(routed, deadline);
        if (sessionsDone && routingDone) {
            LOG.info("drained: no session open, every accepted message routed");
        } else {
            LOG.warn("drain timed out after {} s: {} session(s) still open, {}; stopping anyway (spooled mail is routed at the next start)",
                    timing.timeout().toSeconds(), smtp.openConnections(), routingDone ? "every message routed" : "messages still spooled");
        }
    }

    private static boolean awaitUntil(BooleanSupplier done, long deadline) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() >= deadline || !pause(Duration.ofMillis(50))) {
                return false;
            }
        }
        return true;
    }

    private static boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
