package org.tubemail.internal.server.spool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.io.DiskFull;
import org.tubemail.internal.mail.HeaderEnvelope;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.routing.DeliveryReport;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.HeaderRouting;
import org.tubemail.mail.DnsblVerdict;
import org.tubemail.mail.Envelope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Worker threads that take messages from a queue and route them, at least once: a message is
 * claimed, routed, and removed only once the state changes its routing made are durable, so a
 * crash in between leaves it claimed and the next start ({@link #start()} calls {@link
 * MessageQueue#recover()}) routes it again. Waiting for those changes is left to the state storage
 * ({@link org.tubemail.internal.state.StateStorage#deferDurability}), which may sync once for many messages.
 *
 * <p>A receiver may also route a message it has just queued in its own thread ({@link
 * #routeNow}), which saves handing it to a worker. Either way at most {@code workers} messages
 * are routed at once. When a worker claimed that message first, {@link #routeNow} waits for the
 * worker's first attempt at it, so its caller never answers for a message still being routed.
 *
 * <p>When routing fails for a reason outside the handlers (the undeliverable queue or the state
 * storage is unavailable), a worker keeps the message and tries it again with a growing pause,
 * so nothing is lost while a disk or database is away.
 */
public final class SpoolProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolProcessor.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final MessageQueue queue;
    private final Router router;
    private final int workers;
    private final Duration pollInterval;
    private final long maxMessageBytes;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    /** Routed messages waiting for their state changes to be durable before they are removed. */
    private final AtomicInteger removing = new AtomicInteger();
    private final Semaphore slots;
    /** Claimed messages that {@link #routeNow} could not route; workers take these first. */
    private final Queue<MessageQueue.QueuedMessage> handedOver = new ConcurrentLinkedQueue<>();
    /**
     * Workers hold it shared from claiming a message until it is in {@link #firstAttempts}; {@link
     * #routeNow} takes it exclusively to see every claim made before its own.
     */
    private final ReentrantReadWriteLock claiming = new ReentrantReadWriteLock();
    /** Messages a worker claimed, by key, until its first attempt to route them ended. */
    private final Map<String, CountDownLatch> firstAttempts = new ConcurrentHashMap<>();
    private volatile boolean running;

    /**
     * @param name         a name for threads and logs, e.g. {@code smtp-spool}
     * @param queue        where messages wait
     * @param router       where they go
     * @param workers      how many messages are routed at once
     * @param pollInterval how often an idle worker looks for messages that arrived without {@link #wake()}
     */
    private volatile boolean trustsVerdicts;
    private volatile UpstreamResults upstream = UpstreamResults.NONE;

    public SpoolProcessor(String name, MessageQueue queue, Router router, int workers, Duration pollInterval) {
        this(name, queue, router, workers, pollInterval, Long.MAX_VALUE);
    }

    /**
     * A processor that routes no message larger than {@code maxMessageBytes}: such a message goes to
     * the undeliverable queue with the reason (for queues that other programs fill, whose sizes no
     * receiver checked).
     */
    public SpoolProcessor(String name, MessageQueue queue, Router router, int workers, Duration pollInterval, long maxMessageBytes) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        this.name = name;
        this.queue = queue;
        this.router = router;
        this.workers = workers;
        this.pollInterval = pollInterval;
        this.maxMessageBytes = maxMessageBytes;
        this.slots = new Semaphore(workers);
    }

    /**
     * Believes the authentication verdicts stored with queued messages: only for a queue that
     * Tubemail's own receiver alone writes (the SMTP spool), never for one another MTA fills.
     */
    public SpoolProcessor trustingVerdicts() {
        this.trustsVerdicts = true;
        return this;
    }

    /**
     * For a queue another MTA fills: believes the sender verdicts that MTA wrote into
     * {@code Authentication-Results} ({@code receiver.auth.upstream.id}) instead of none.
     */
    public SpoolProcessor believing(UpstreamResults verdicts) {
        this.upstream = verdicts;
        return this;
    }

    /** Puts back messages a previous run claimed but did not finish, then starts the workers. */
    public synchronized void start() {
        List<String> recovered = queue.recover();
        if (!recovered.isEmpty()) {
            LOG.warn("{}: {} message(s) left unfinished by the last run will be routed again", name, recovered.size());
        }
        running = true;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, name + "-" + (i + 1));
            t.setDaemon(false);
            threads.add(t);
            t.start();
        }
    }

    /**
     * What a {@link #drain} did.
     *
     * @param routed messages done with: routed, or kept as undeliverable (no recipient, unreadable, too large)
     * @param failed messages whose routing failed outside the handlers; they stay for the next run
     */
    public record Drained(int routed, int failed) {
    }

    /**
     * Routes every message waiting now, on up to {@code workers} threads, and returns once each is
     * routed and removed (a one-shot run, e.g. from cron; not while {@link #start started}). First puts
     * back messages a previous run claimed but did not finish. When routing fails outside the
     * handlers (state storage away), it stops claiming: the failed message stays claimed and is
     * routed by the next run, like every message not claimed yet.
     *
     * @param grace how long to wait for routed messages' state changes to become durable
     */
    public Drained drain(Duration grace) {
        queue.recover();
        AtomicInteger routed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Thread> drainers = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(() -> {
                while (failed.get() == 0) {
                    Optional<MessageQueue.QueuedMessage> m = queue.claim();
                    if (m.isEmpty()) {
                        return;
                    }
                    try {
                        routeThenRemove(m.get(), Router.Rejects.KEEP);
                        routed.incrementAndGet();
                    } catch (RuntimeException e) {
                        LOG.error("{}: cannot route message {} ({}); it stays for the next run", name, m.get().key(), e.toString());
                        failed.incrementAndGet();
                    }
                }
            }, name + "-drain-" + (i + 1));
            drainers.add(t);
            t.start();
        }
        for (Thread t : drainers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        awaitRemovals(System.nanoTime() + grace.toNanos());
        return new Drained(routed.get(), failed.get());
    }

    /** Tells idle workers a message is waiting. */
    public void wake() {
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** How many messages are being routed right now. */
    public int inFlight() {
        return busy.get();
    }

    /**
     * Stops claiming; messages being routed finish, for up to {@code grace}. What is still queued
     * stays queued for the next start.
     */
    public synchronized void stop(Duration grace) {
        running = false;
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                LOG.warn("{}: {} still routing after {} ms; interrupting it (its message stays queued)", name, t.getName(),
                        grace.toMillis());
                t.interrupt();
            }
        }
        threads.clear();
        awaitRoutesNow(deadline);
        awaitRemovals(deadline);
    }

    /** Waits, until {@code deadline}, for routed messages to be removed once their state changes are durable. */
    private void awaitRemovals(long deadline) {
        while (removing.get() > 0 && System.nanoTime() < deadline) {
            if (!pause(Duration.ofMillis(1))) {
                return;
            }
        }
        if (removing.get() > 0) {
            LOG.warn("{}: {} routed message(s) still wait for their state changes to be durable; they stay queued and are "
                    + "routed again at the next start", name, removing.get());
        }
    }

    /** Waits, until {@code deadline}, for messages being routed by {@link #routeNow} callers. */
    private void awaitRoutesNow(long deadline) {
        try {
            if (slots.tryAcquire(workers, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                slots.release(workers);
            } else {
                LOG.warn("{}: {} message(s) still being routed at stop; they stay queued for the next start", name, busy.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Routes the message under {@code key} in the calling thread, if it is still waiting and fewer
     * than {@code workers} messages are being routed; otherwise leaves it to the workers. When
     * routing fails outside the handlers, a worker takes the message over and retries it, so the
     * caller never waits for an outage to end. When a worker has claimed the message already, this
     * waits for the worker's first attempt to end. Rejected copies are kept ({@link Router.Rejects#KEEP}).
     */
    public void routeNow(String key) {
        routeNow(key, Router.Rejects.KEEP);
    }

    /**
     * Routes the message under {@code key} as {@link #routeNow(String)} does, treating handlers'
     * rejections as {@code rejects} says. A caller that passes rejections on to the sender (any
     * mode but {@code KEEP}) waits for a routing slot rather than leaving the message to the workers.
     *
     * @return what routing did, or empty when this call did not route the message (the workers will,
     *         keeping every rejected copy) or it could not be read as a message (it is then kept as undeliverable)
     */
    public Optional<DeliveryReport> routeNow(String key, Router.Rejects rejects) {
        return routeNow(key, null, rejects);
    }

    /**
     * Routes the message under {@code key} as {@link #routeNow(String, Router.Rejects)} does, for
     * the thread that pushed it: {@code pushed} are its bytes exactly as pushed, so the queue need
     * not read them back ({@link MessageQueue#claim(String, byte[])}); {@code null} reads them.
     */
    public Optional<DeliveryReport> routeNow(String key, byte[] pushed, Router.Rejects rejects) {
        if (!running || !(rejects == Router.Rejects.KEEP ? slots.tryAcquire() : awaitSlot())) {
            wake();
            return Optional.empty();
        }
        boolean slotHeld = true;
        try {
            Optional<MessageQueue.QueuedMessage> claimed = pushed == null ? queue.claim(key) : queue.claim(key, pushed);
            if (claimed.isEmpty()) { // a worker was quicker: the caller answers once the worker tried
                slots.release();
                slotHeld = false;
                awaitWorker(key);
                return Optional.empty();
            }
            MessageQueue.QueuedMessage m = claimed.get();
            busy.incrementAndGet();
            try {
                return Optional.ofNullable(routeThenRemove(m, rejects));
            } catch (RuntimeException e) {
                if (!DiskFull.causes(e)) {
                    LOG.warn("{}: cannot route message {} now ({}); a worker will try it again", name, key, e.toString());
                }
                handedOver.add(m);
                wake();
                return Optional.empty();
            } finally {
                busy.decrementAndGet();
            }
        } catch (RuntimeException e) {
            LOG.error("{}: cannot claim message {} ({}); the workers will find it", name, key, e.getMessage());
            wake();
            return Optional.empty();
        } finally {
            if (slotHeld) {
                slots.release();
            }
        }
    }

    /** Waits until a worker that claimed {@code key} has tried to route it once (at once if none has it). */
    private void awaitWorker(String key) {
        claiming.writeLock().lock(); // every worker that claimed before now has registered its claim
        claiming.writeLock().unlock();
        CountDownLatch attempt = firstAttempts.get(key);
        if (attempt == null) {
            return; // routed already, or gone
        }
        try {
            attempt.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitSlot() {
        try {
            return slots.tryAcquire(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private enum Outcome { ROUTED, EMPTY, QUEUE_FAILED }

    private void work() {
        while (running) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Outcome outcome;
            try {
                outcome = running ? routeNext() : Outcome.EMPTY;
            } finally {
                slots.release();
            }
            if (outcome == Outcome.EMPTY) {
                idle();
            } else if (outcome == Outcome.QUEUE_FAILED) {
                pause(MAX_BACKOFF);
            }
        }
    }

    /** Routes a handed-over message, else the oldest waiting one. */
    private Outcome routeNext() {
        MessageQueue.QueuedMessage m = handedOver.poll();
        CountDownLatch attempt = null;
        if (m == null) {
            claiming.readLock().lock();
            try {
                Optional<MessageQueue.QueuedMessage> next = queue.claim();
                if (next.isEmpty()) {
                    return Outcome.EMPTY;
                }
                m = next.get();
                attempt = new CountDownLatch(1);
                firstAttempts.put(m.key(), attempt);
            } catch (RuntimeException e) {
                LOG.error("{}: cannot read the queue: {}", name, e.getMessage());
                return Outcome.QUEUE_FAILED;
            } finally {
                claiming.readLock().unlock();
            }
        }
        busy.incrementAndGet();
        try {
            routeWithRetry(m, attempt);
        } finally {
            busy.decrementAndGet();
            if (attempt != null) {
                ended(m.key(), attempt);
            }
        }
        return Outcome.ROUTED;
    }

    /** Lets a {@link #routeNow} caller waiting for this worker's first attempt at {@code key} go on. */
    private void ended(String key, CountDownLatch attempt) {
        firstAttempts.remove(key, attempt);
        attempt.countDown();
    }

    private void idle() {
        lock.lock();
        try {
            if (running) {
                work.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** Removes a routed message; if the queue cannot, it is routed again after the next start (at least once). */
    private void removeRouted(String key) {
        try {
            queue.remove(key);
        } catch (RuntimeException e) {
            LOG.error("{}: message {} was routed but cannot be removed from the queue ({}); it will be routed again after "
                    + "the next start", name, key, e.getMessage());
        }
    }

    /**
     * Routes until it works or the processor stops (then the message stays claimed for the next
     * start); after the first attempt, ends {@code attempt} (when not null).
     */
    private void routeWithRetry(MessageQueue.QueuedMessage m, CountDownLatch attempt) {
        Duration backoff = Duration.ofMillis(500);
        while (true) {
            try {
                routeThenRemove(m, Router.Rejects.KEEP);
                return;
            } catch (RuntimeException e) {
                if (!DiskFull.causes(e)) { // a full disk is logged once per episode by the store
                    LOG.error("{}: cannot route queued message {} now ({}); trying again in {} ms", name, m.key(), e.toString(),
                            backoff.toMillis());
                }
            }
            if (attempt != null) {
                ended(m.key(), attempt);
            }
            if (!running || !pause(backoff)) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /**
     * Routes the message, and removes it once the state storage has its changes durable.
     *
     * @return the report, or {@code null} when the message was kept as undeliverable unrouted
     */
    private DeliveryReport routeThenRemove(MessageQueue.QueuedMessage m, Router.Rejects rejects) {
        removing.incrementAndGet();
        DeliveryReport[] report = new DeliveryReport[1];
        try {
            router.storage().deferDurability(() -> report[0] = route(m.message(), rejects), () -> {
                removeRouted(m.key());
                removing.decrementAndGet();
            });
        } catch (RuntimeException e) {
            removing.decrementAndGet();
            throw e;
        }
        return report[0];
    }

    private DeliveryReport route(byte[] queued, Router.Rejects rejects) {
        EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(queued);
        Optional<Envelope> envelope = u.envelope().or(() -> HeaderEnvelope.of(u.message()));
        if (!trustsVerdicts) {
            envelope = envelope.map(e -> e.withAuthentication(upstream.read(u.message())).withDnsbl(DnsblVerdict.NONE));
        }
        return HeaderRouting.route(router, envelope, u.message(), "queued message", maxMessageBytes, rejects, name);
    }

    private boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
