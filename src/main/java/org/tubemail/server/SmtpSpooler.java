package org.tubemail.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.io.DiskFull;
import org.tubemail.mail.Envelope;
import org.tubemail.monitor.Monitor;
import org.tubemail.queue.EnvelopeHeaders;
import org.tubemail.queue.MessageQueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes the messages an {@link SmtpLoop} finished, stores them in the spool, answers each client,
 * and routes them, in that order, so that {@code 250} means "on disk".
 *
 * <p>When the spool stores a batch with one disk sync ({@link MessageQueue#syncsBatches()}, e.g. the
 * log spool), one thread takes every message waiting at that moment and pushes them together: while
 * it waits for the disk, the next batch gathers. Otherwise {@code workers} threads push one message
 * each. Stored messages are then routed on up to {@code workers} routing threads, a few messages
 * per task so that a busy server wakes a thread per task rather than per message; each session
 * reads its next command only once its message is routed, so a client sending faster than mail is
 * routed is slowed down instead of filling the spool.
 */
final class SmtpSpooler {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSpooler.class);
    /** Most messages in one spool push. */
    private static final int MAX_BATCH = 256;
    /** Most messages routed by one routing task. */
    private static final int ROUTE_CHUNK = 8;

    private record Arrival(SmtpConnection connection, byte[] message) {
    }

    private final MessageQueue spool;
    private final SpoolProcessor processor;
    private final String host;
    private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private final List<Thread> pushers = new ArrayList<>();
    private final ThreadPoolExecutor routing;
    private final int batch;
    private final Monitor monitor;

    /**
     * @param spool     where messages are stored before {@code 250}
     * @param processor routes stored messages ({@link SpoolProcessor#routeNow})
     * @param host      this server's name, for the {@code Received:} line
     * @param workers   how many messages are routed at once
     * @param monitor   where accepted messages are reported
     */
    SmtpSpooler(MessageQueue spool, SpoolProcessor processor, String host, int workers, Monitor monitor) {
        this.monitor = monitor;
        this.spool = spool;
        this.processor = processor;
        this.host = host;
        this.batch = spool.syncsBatches() ? MAX_BATCH : 1;
        int threads = spool.syncsBatches() ? 1 : workers;
        for (int i = 1; i <= threads; i++) {
            Thread t = new Thread(this::push, "smtp-spooler-" + i);
            t.setDaemon(true);
            pushers.add(t);
        }
        AtomicInteger n = new AtomicInteger();
        this.routing = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "smtp-route-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        routing.allowCoreThreadTimeOut(true);
    }

    void start() {
        pushers.forEach(Thread::start);
    }

    /** Takes a finished message (from the loop's thread). */
    void accept(SmtpConnection connection, byte[] message) {
        arrivals.add(new Arrival(connection, message));
    }

    /**
     * Stops once every message taken so far is stored, answered and routed, or after {@code grace};
     * call after the loop stopped handing messages over.
     */
    void stop(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (!arrivals.isEmpty() && System.nanoTime() < deadline) {
            pause();
        }
        pushers.forEach(Thread::interrupt);
        routing.shutdown();
        try {
            routing.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void push() {
        List<Arrival> taken = new ArrayList<>();
        while (true) {
            taken.clear();
            try {
                taken.add(arrivals.take());
            } catch (InterruptedException e) {
                return;
            }
            arrivals.drainTo(taken, batch - 1);
            List<String> keys = store(taken);
            if (keys == null) {
                continue;
            }
            for (int i = 0; i < taken.size(); i++) {
                Arrival a = taken.get(i);
                SmtpDialog d = a.connection().dialog();
                monitor.accepted(a.connection().peer(), d.from(), d.recipients(), a.message().length);
                a.connection().complete("250 2.0.0 Ok: queued as " + keys.get(i));
            }
            for (int from = 0; from < taken.size(); from += ROUTE_CHUNK) {
                List<Arrival> chunk = List.copyOf(taken.subList(from, Math.min(taken.size(), from + ROUTE_CHUNK)));
                List<String> chunkKeys = List.copyOf(keys.subList(from, from + chunk.size()));
                routing.execute(() -> route(chunk, chunkKeys));
            }
        }
    }

    /** Pushes the messages; on failure answers {@code 451} to each and returns {@code null}. */
    private List<String> store(List<Arrival> taken) {
        List<byte[]> wrapped = new ArrayList<>(taken.size());
        for (Arrival a : taken) {
            SmtpConnection c = a.connection();
            SmtpDialog d = c.dialog();
            byte[] traced = TraceHeader.prepend(d.helo(), c.clientIp(), host, "ESMTP", c.id(), a.message());
            wrapped.add(EnvelopeHeaders.wrap(new Envelope(c.peer(), d.from(), d.recipients()), "", traced));
        }
        try {
            return spool.pushAll(wrapped);
        } catch (RuntimeException e) {
            String reply = SpoolFailure.reply(e);
            if (!DiskFull.causes(e)) { // the spool logs a full disk itself, once per episode
                LOG.error("cannot spool {} message(s), answering {}: {}", taken.size(), reply, e.getMessage());
            }
            for (Arrival a : taken) {
                a.connection().complete(reply);
                a.connection().release();
            }
            return null;
        }
    }

    private void route(List<Arrival> chunk, List<String> keys) {
        for (int i = 0; i < chunk.size(); i++) {
            try {
                processor.routeNow(keys.get(i));
            } finally {
                chunk.get(i).connection().release();
            }
        }
    }
}
