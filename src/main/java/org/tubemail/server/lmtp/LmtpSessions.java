package org.tubemail.server.lmtp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads an LMTP listener's connections run on, one per connection and at most
 * {@code maxConnections} at once; a connection beyond that is answered {@link #TOO_MANY} by its
 * listener. Shared by the TCP and unix-socket listeners.
 */
final class LmtpSessions {

    /** The reply to a connection beyond the limit. */
    static final byte[] TOO_MANY = "421 4.3.2 Too many connections, try again later\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ThreadPoolExecutor pool;

    /** Threads named {@code threadName-N}, at most {@code maxConnections}. */
    LmtpSessions(String threadName, int maxConnections) {
        AtomicInteger ids = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, maxConnections, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, threadName + "-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code session} on a thread of its own; false when the limit is reached (refuse the client). */
    boolean start(Runnable session) {
        try {
            pool.execute(session);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Lets running sessions finish for up to {@code grace}, then interrupts them. */
    void stop(Duration grace) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
        }
    }
}
