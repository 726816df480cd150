package org.tubemail.internal.server.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.io.DiskFull;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.routing.DeliveryReport;
import org.tubemail.internal.routing.RecipientResult;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.SpoolFailure;
import org.tubemail.internal.server.TraceHeader;
import org.tubemail.internal.server.guard.BlocklistScreen;
import org.tubemail.internal.server.spool.SpoolProcessor;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Envelope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Takes the messages an {@link SmtpLoop} finished, stores them in the spool, routes them from the
 * bytes stored (nothing is read back), and answers each client, in that order, so that {@code 250}
 * means "on disk"; the loop writes the reply when it takes the session back.
 *
 * <p>Routing threads each store messages, route them and give their sessions back:
 * one thread from spool to reply, so a message crosses threads only from the loop and back. When
 * the spool stores a batch with one disk sync ({@link MessageQueue#syncsBatches()}, e.g. the log
 * spool), one worker at a time takes every message waiting (up to 32) and pushes them; while it
 * waits for the disk the next batch gathers for the next worker, and it then routes its own batch
 * while that one is stored. Otherwise each worker stores one message at a time. There is one worker
 * more than route at once: one that finds {@code workers} others routing (slow handlers) answers at
 * once and leaves its batch to a backlog thread, so that storing goes on. Each session reads
 * its next command only once its message is routed, so a client sending faster than mail is
 * routed is slowed down instead of filling the spool.
 */
final class SmtpSpooler {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSpooler.class);
    /** Most messages one worker pushes and routes at once. */
    private static final int MAX_BATCH = 32;

    private record Arrival(SmtpConnection connection, byte[] message, Authentication authentication) {
    }

    private final MessageQueue spool;
    private final SpoolProcessor processor;
    private final String host;
    private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final int batch;
    private final int workers;
    private final boolean routeFirst;
    private final ReentrantLock intake = new ReentrantLock();
    /** Routes the batches of a worker that found {@code workers} others routing. */
    private final ThreadPoolExecutor backlog;
    /** Workers routing right now. */
    private final AtomicInteger routingNow = new AtomicInteger();
    private volatile boolean stopping;

    /**
     * @param spool      where messages are stored before {@code 250}
     * @param processor  routes stored messages ({@link SpoolProcessor#routeNow})
     * @param host       this server's name, for the {@code Received:} line
     * @param workers    how many messages are routed at once
     * @param routeFirst whether to route each stored message before answering its {@code DATA}, so
     *                   that a handler's {@link org.tubemail.handler.SmtpReject} can be the reply
     */
    SmtpSpooler(MessageQueue spool, SpoolProcessor processor, String host, int workers, boolean routeFirst) {
        this.spool = spool;
        this.routeFirst = routeFirst;
        this.processor = processor;
        this.host = host;
        this.batch = spool.syncsBatches() ? MAX_BATCH : 1;
        this.workers = workers;
        for (int i = 1; i <= workers + 1; i++) { // one more than route at once: someone is always there to store
            Thread t = new Thread(this::work, "smtp-route-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        AtomicInteger n = new AtomicInteger();
        this.backlog = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "smtp-route-backlog-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        backlog.allowCoreThreadTimeOut(true);
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Takes a finished message with its sender checks' verdicts: none, or {@code auth=local} from a trusted network, without checks. */
    void accept(SmtpConnection connection, byte[] message, Authentication authentication) {
        arrivals.add(new Arrival(connection, message, authentication));
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
        stopping = true; // idle workers notice within a poll; busy ones finish their batch
        try {
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            backlog.shutdown();
            backlog.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
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

    private void work() {
        List<Arrival> taken = new ArrayList<>();
        while (!stopping) {
            taken.clear();
            List<byte[]> stored = new ArrayList<>();
            List<String> keys;
            // for a batching spool, one worker at a time takes and pushes: while it waits for the disk, the next batch gathers
            if (batch > 1) {
                intake.lock();
            }
            try {
                Arrival first = arrivals.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                arrivals.drainTo(taken, batch - 1);
                keys = store(taken, stored);
            } catch (InterruptedException e) {
                return;
            } finally {
                if (batch > 1) {
                    intake.unlock();
                }
            }
            if (keys == null) {
                continue;
            }
            // every routing slot taken (slow handlers): this worker stays free to store, and a
            // backlog thread routes the batch once a slot is free
            boolean backedUp = routingNow.get() >= workers;
            if (!routeFirst) {
                // on disk: accepted, however routing goes. The loop writes the reply when routing gives the
                // session back, unless the workers are backed up: then the client need not wait for them.
                for (int i = 0; i < taken.size(); i++) {
                    SmtpConnection c = taken.get(i).connection();
                    c.complete(queued(keys.get(i)));
                    if (backedUp) {
                        c.sendReplyNow();
                    }
                }
            }
            List<Arrival> done = List.copyOf(taken);
            if (backedUp) {
                backlog.execute(() -> route(done, keys, stored));
                continue;
            }
            routingNow.incrementAndGet();
            try {
                route(done, keys, stored);
            } finally {
                routingNow.decrementAndGet();
            }
        }
    }

    /**
     * Pushes the messages, adding what was pushed to {@code stored}; on failure answers {@code 451}
     * to each and returns {@code null}.
     */
    private List<String> store(List<Arrival> taken, List<byte[]> stored) {
        for (Arrival a : taken) {
            SmtpConnection c = a.connection();
            SmtpDialog d = c.dialog();
            byte[] traced = TraceHeader.prepend(d.helo(), c.clientIp(), host, d.traceProtocol(), c.tlsInfo(), c.id(),
                    BlocklistScreen.tag(c.dnsbl(), a.message()));
            stored.add(EnvelopeHeaders.wrap(new Envelope(c.peer(), d.from(), d.recipients(), a.authentication(), c.dnsbl()), "", traced));
        }
        try {
            return spool.pushAll(stored);
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

    private static String queued(String key) {
        return "250 2.0.0 Ok: queued as " + key;
    }

    /** Routes stored messages, then gives their sessions back to the loop, with one hand-over per loop. */
    private void route(List<Arrival> taken, List<String> keys, List<byte[]> stored) {
        try {
            for (int i = 0; i < taken.size(); i++) {
                if (routeFirst) {
                    taken.get(i).connection().complete(routedReply(keys.get(i), stored.get(i)));
                } else {
                    processor.routeNow(keys.get(i), stored.get(i), Router.Rejects.KEEP);
                }
            }
        } finally {
            SmtpConnection.releaseAll(taken.stream().map(Arrival::connection).toList());
        }
    }

    /**
     * Routes a stored message and gives the reply to its {@code DATA}: the first rejection when every
     * recipient was rejected (the message then leaves the spool, kept nowhere: the client has the
     * reply), else {@code 250} (declined recipients' copies are in the undeliverable queue). When
     * the message cannot be routed now, {@code 250}: the workers route it later, keeping rejected copies.
     */
    private String routedReply(String key, byte[] bytes) {
        try {
            Optional<DeliveryReport> report = processor.routeNow(key, bytes, Router.Rejects.REPLY_IF_ALL);
            if (report.isPresent() && report.get().results().stream().allMatch(r -> r.status() == RecipientResult.Status.REJECTED)) {
                return report.get().results().get(0).rejection().reply();
            }
        } catch (RuntimeException e) {
            LOG.error("routing message {} before its reply failed ({}); answering 250, the workers route it", key, e.toString());
        }
        return queued(key);
    }
}
