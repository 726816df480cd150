package org.tubemail.internal.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.handler.RelayException;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.queue.QueueException;
import org.tubemail.mail.Envelope;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivery that never loses a message, shared by the SMTP relay and webhook forwarding:
 * {@link #deliver} makes a first attempt and returns only once every recipient was taken, refused
 * for good, or stored in a durable retry queue; otherwise it throws {@link RelayException}.
 *
 * <ul>
 *   <li><b>Retried</b>: recipients whose attempt failed for a reason that may pass. The message,
 *       with its envelope ({@link EnvelopeHeaders}) reduced to those recipients and a
 *       {@link RetryRecord} as its reason line, goes into the queue; a background thread tries again
 *       after the delays of the {@link RetryPolicy} until it works or the policy's maximum age passes.</li>
 *   <li><b>Dead letter</b>: refused for good, or still failing at the maximum age. The message
 *       stays in the queue, marked {@code dead-letter} with the last error, and is logged as an error;
 *       it is not retried until {@link #requeueDeadLetters()} is called.</li>
 * </ul>
 *
 * <p>The queue belongs to one process: two processes retrying from it could both deliver a message.
 */
final class RetryQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetryQueue.class);

    /**
     * What happened to each recipient of one attempt.
     *
     * @param sent    taken by the other side
     * @param retry   not taken for a reason that may pass
     * @param refused refused for good
     * @param error   the other side's reply or the failure, {@code ""} when all were sent
     */
    record Outcome(List<String> sent, List<String> retry, List<String> refused, String error) {
    }

    /** One attempt to deliver a message to some recipients. */
    interface Attempt {
        /** Tries to deliver {@code message}; never throws for a failure of the other side. */
        Outcome attempt(byte[] message, String from, List<String> recipients);
    }

    private final String target;
    private final MessageQueue queue;
    private final RetryPolicy policy;
    private final Attempt attempt;
    private final Duration closeWait;
    private final ScheduledExecutorService retrier;
    /** Parsed reason lines of queued messages by key (a key's content never changes). */
    private final Map<String, RetryRecord> records = new ConcurrentHashMap<>();
    private final Monitor monitor;

    /**
     * @param target    where messages go, for logs (e.g. the smarthost or the webhook's name)
     * @param queue     the durable retry queue
     * @param policy    when to try again
     * @param attempt   how to try
     * @param closeWait how long {@link #close()} waits for an attempt under way
     */
    RetryQueue(String target, MessageQueue queue, RetryPolicy policy, Attempt attempt, Duration closeWait) {
        this(target, queue, policy, attempt, closeWait, Monitor.NONE);
    }

    /** Like {@link #RetryQueue(String, MessageQueue, RetryPolicy, Attempt, Duration)}, reporting sent, retried and dead messages to {@code monitor}. */
    RetryQueue(String target, MessageQueue queue, RetryPolicy policy, Attempt attempt, Duration closeWait, Monitor monitor) {
        this.monitor = monitor;
        this.target = target;
        this.queue = queue;
        this.policy = policy;
        this.attempt = attempt;
        this.closeWait = closeWait;
        this.retrier = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tubemail-retry-" + target);
            t.setDaemon(true);
            return t;
        });
        long every = policy.scanInterval().toMillis();
        retrier.scheduleWithFixedDelay(this::retryDue, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Tries {@code message} now and records what is left for later.
     *
     * @throws RelayException when what is left cannot be stored in the retry queue
     */
    void deliver(byte[] message, String from, List<String> recipients) {
        Instant now = Instant.now();
        settle(message, from, attempt.attempt(message, from, recipients), RetryRecord.retry(0, now, now, ""));
    }

    private void settle(byte[] message, String from, Outcome outcome, RetryRecord before) {
        Instant now = Instant.now();
        int attempts = before.attempts() + 1;
        if (!outcome.sent().isEmpty()) {
            LOG.info("delivered from <{}> to {} via {}", from, outcome.sent(), target);
            monitor.relaySent(from, outcome.sent());
        }
        if (!outcome.retry().isEmpty()) {
            if (now.isAfter(before.since().plus(policy.maxAge()))) {
                queue(message, from, outcome.retry(), RetryRecord.dead(attempts, before.since(),
                        "gave up after " + attempts + " attempts: " + outcome.error()));
            } else {
                Instant next = now.plus(policy.delayAfter(attempts));
                queue(message, from, outcome.retry(), RetryRecord.retry(attempts, before.since(), next, outcome.error()));
            }
        }
        if (!outcome.refused().isEmpty()) {
            queue(message, from, outcome.refused(), RetryRecord.dead(attempts, before.since(), outcome.error()));
        }
    }

    private void queue(byte[] message, String from, List<String> recipients, RetryRecord record) {
        String key;
        try {
            key = queue.push(EnvelopeHeaders.wrap(new Envelope("", from, recipients), record.format(), message));
        } catch (QueueException e) {
            throw new RelayException("cannot deliver from <" + from + "> to " + recipients + " via " + target + " ("
                    + record.error() + ") nor queue it for later: " + e.getMessage(), e);
        }
        records.put(key, record);
        if (record.dead()) {
            monitor.relayDead(from, recipients, record.error());
            LOG.error("dead letter {} from <{}> to {} via {}, not retried: {}", key, from, recipients, target, record.error());
        } else {
            monitor.relayRetried(from, recipients, record.error());
            LOG.warn("queued {} from <{}> to {} via {} for retry at {} after {} failed attempt(s): {}", key, from, recipients,
                    target, record.next(), record.attempts(), record.error());
        }
    }

    /** Tries every queued message that is due; runs on the retry thread. */
    private void retryDue() {
        try {
            List<String> keys = queue.keys();
            records.keySet().retainAll(new HashSet<>(keys));
            for (String key : keys) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                retry(key);
            }
        } catch (RuntimeException e) {
            LOG.error("retry pass over {} failed, trying again in {}: {}", queue, policy.scanInterval(), e.toString());
        }
    }

    private void retry(String key) {
        Instant now = Instant.now();
        RetryRecord known = records.get(key);
        if (known != null && (known.dead() || known.next().isAfter(now))) {
            return;
        }
        Optional<byte[]> queued = queue.get(key);
        if (queued.isEmpty()) {
            return;
        }
        EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(queued.get());
        RetryRecord record = RetryRecord.parse(u.reason(), now);
        records.put(key, record);
        if (record.dead() || record.next().isAfter(now)) {
            return;
        }
        if (u.envelope().isEmpty()) {
            records.put(key, RetryRecord.dead(record.attempts(), record.since(), "no envelope"));
            LOG.error("queued message {} in {} has no X-Tubemail envelope lines; left alone", key, queue);
            return;
        }
        Envelope envelope = u.envelope().get();
        settle(u.message(), envelope.mailFrom(), attempt.attempt(u.message(), envelope.mailFrom(), envelope.recipients()), record);
        queue.remove(key);
        records.remove(key);
    }

    /**
     * Makes every dead letter in the queue due again, as if first tried now.
     *
     * @return how many there were
     */
    int requeueDeadLetters() {
        int n = 0;
        for (String key : queue.keys()) {
            if (requeueDeadLetter(key)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Makes the dead letter under {@code key} due again, as if first tried now.
     *
     * @return false when there is no dead letter (with an envelope) under that key
     */
    boolean requeueDeadLetter(String key) {
        Instant now = Instant.now();
        Optional<byte[]> queued = queue.get(key);
        if (queued.isEmpty()) {
            return false;
        }
        EnvelopeHeaders.Unwrapped u = EnvelopeHeaders.unwrap(queued.get());
        RetryRecord record = RetryRecord.parse(u.reason(), now);
        if (!record.dead() || u.envelope().isEmpty()) {
            return false;
        }
        Envelope e = u.envelope().get();
        queue(u.message(), e.mailFrom(), e.recipients(), RetryRecord.retry(0, now, now, "requeued: " + record.error()));
        queue.remove(key);
        records.remove(key);
        return true;
    }

    /** The durable queue of messages waiting for a retry, and of dead letters. */
    MessageQueue queue() {
        return queue;
    }

    /** Stops retrying, waiting up to the close wait for an attempt under way. */
    @Override
    public void close() {
        retrier.shutdown();
        try {
            if (!retrier.awaitTermination(closeWait.toMillis(), TimeUnit.MILLISECONDS)) {
                retrier.shutdownNow();
            }
        } catch (InterruptedException e) {
            retrier.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return queue.toString();
    }
}
