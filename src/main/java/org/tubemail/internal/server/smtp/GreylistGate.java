package org.tubemail.internal.server.smtp;

import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.server.guard.Greylist;
import org.tubemail.mail.Authentication;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Greylists each finished message between the sender checks and the spool, on threads of its own
 * (the greylist store may wait for a disk or a database; the event loop never does): a message the
 * {@link Greylist} refuses is answered {@code 451 4.7.1} and reported to
 * {@link Monitor#clientRefused} with reason {@code greylist}; any other goes on to {@code next}.
 */
final class GreylistGate {
    private final Greylist greylist;
    private final Monitor monitor;
    private final ExecutorService pool;

    GreylistGate(Greylist greylist, Monitor monitor, int threads) {
        this.greylist = greylist;
        this.monitor = monitor;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "smtp-greylist-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        p.allowCoreThreadTimeOut(true);
        this.pool = p;
    }

    /** The gate in front of {@code next}. */
    CheckedSink before(CheckedSink next) {
        return (c, message, verdicts) -> {
            try {
                pool.execute(() -> decide(c, message, verdicts, next));
            } catch (RejectedExecutionException e) { // stopping
                c.complete("451 4.3.0 Cannot store the message now, try again later");
                c.release();
            }
        };
    }

    private void decide(SmtpConnection c, byte[] message, Authentication verdicts, CheckedSink next) {
        Optional<String> refusal = greylist.check(c.clientIp(), c.dialog().from(), c.dialog().recipients(), verdicts, c.dnsbl());
        if (refusal.isPresent()) {
            monitor.clientRefused(c.clientIp(), "greylist", refusal.get());
            c.complete(refusal.get());
            c.release();
            return;
        }
        next.accept(c, message, verdicts);
    }

    /**
     * Stops the threads (messages waiting here are dropped with their sessions, not yet answered, so
     * the clients retry) and closes the greylist's store.
     */
    void stop() {
        pool.shutdownNow();
        greylist.close();
    }
}
