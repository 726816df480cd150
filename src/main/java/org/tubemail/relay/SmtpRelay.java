package org.tubemail.relay;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.dns.DnsResolver;
import org.tubemail.mail.Envelope;
import org.tubemail.monitor.Monitor;
import org.tubemail.queue.EnvelopeHeaders;
import org.tubemail.queue.MessageQueue;
import org.tubemail.queue.QueueException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * Sends mail over SMTP (Jakarta Mail), through a smarthost or, made with {@link #direct}, straight
 * to each recipient domain's mail exchangers ({@link MxSender}), and never loses it: {@link #deliver}
 * returns only once every recipient was accepted by a server, refused for good, or stored in the
 * retry queue; otherwise it throws {@link RelayException}.
 *
 * <ul>
 *   <li><b>Sent</b>: the smarthost accepted the recipient (250).</li>
 *   <li><b>Retried</b>: no connection, a timeout, a failed login or a 4xx reply. The message, with
 *       its envelope ({@link EnvelopeHeaders}) reduced to those recipients, goes into the retry
 *       queue; a background thread tries again after the delays of the {@link RetryPolicy}
 *       (30 s, 1 min, 5 min, ... by default) until it is sent or the policy's maximum age passes.</li>
 *   <li><b>Dead letter</b>: refused with a 5xx reply, or still failing at the maximum age. The
 *       message stays in the retry queue, marked {@code dead-letter} in its reason line with the
 *       smarthost's last reply, and is logged as an error; it is not retried until
 *       {@link #requeueDeadLetters()} is called (for example after fixing a setting).</li>
 * </ul>
 *
 * <p>Connections are kept open between messages for a short while. The retry queue belongs to one
 * relay: two processes retrying from the same queue could both send a message.
 */
public final class SmtpRelay implements Relay, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpRelay.class);

    private final String via;
    private final Duration timeout;
    private final MessageQueue retryQueue;
    private final RetryPolicy policy;
    private final Sender sender;
    private final ScheduledExecutorService retrier;
    /** Parsed reason lines of queued messages by key (a key's content never changes). */
    private final Map<String, RetryRecord> records = new ConcurrentHashMap<>();
    private final Monitor monitor;

    /** Sends through the smarthost in {@code settings}, retrying from {@code retryQueue} with the standard policy. */
    public SmtpRelay(RelaySettings settings, MessageQueue retryQueue) {
        this(settings, retryQueue, RetryPolicy.standard());
    }

    /** Like {@link #SmtpRelay(RelaySettings, MessageQueue)}, with the given retry policy. */
    public SmtpRelay(RelaySettings settings, MessageQueue retryQueue, RetryPolicy policy) {
        this(new SmtpSender(settings), settings.toString(), settings.timeout(), retryQueue, policy, Monitor.NONE);
    }

    /** Like {@link #SmtpRelay(RelaySettings, MessageQueue, RetryPolicy)}, reporting sent, retried and dead messages to {@code monitor}. */
    public SmtpRelay(RelaySettings settings, MessageQueue retryQueue, RetryPolicy policy, Monitor monitor) {
        this(new SmtpSender(settings), settings.toString(), settings.timeout(), retryQueue, policy, monitor);
    }

    /**
     * Sends straight to each recipient domain's mail exchangers, found in DNS ({@link MxSender}), instead
     * of through a smarthost; retries and dead letters work as with a smarthost.
     */
    public static SmtpRelay direct(MxSettings settings, DnsResolver dns, MessageQueue retryQueue, RetryPolicy policy) {
        return direct(settings, dns, retryQueue, policy, Monitor.NONE);
    }

    /** Like {@link #direct(MxSettings, DnsResolver, MessageQueue, RetryPolicy)}, reporting to {@code monitor}. */
    public static SmtpRelay direct(MxSettings settings, DnsResolver dns, MessageQueue retryQueue, RetryPolicy policy, Monitor monitor) {
        return new SmtpRelay(new MxSender(settings, dns), settings.toString(), settings.timeout(), retryQueue, policy, monitor);
    }

    private SmtpRelay(Sender sender, String via, Duration timeout, MessageQueue retryQueue, RetryPolicy policy, Monitor monitor) {
        this.monitor = monitor;
        this.via = via;
        this.timeout = timeout;
        this.retryQueue = retryQueue;
        this.policy = policy;
        this.sender = sender;
        this.retrier = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tubemail-smtp-retry");
            t.setDaemon(true);
            return t;
        });
        long every = policy.scanInterval().toMillis();
        retrier.scheduleWithFixedDelay(this::retryDue, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void deliver(MimeMessage message, String envelopeFrom, List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        byte[] bytes;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            bytes = out.toByteArray();
        } catch (IOException | MessagingException e) {
            throw new RelayException("cannot write the message for " + recipients + ": " + e.getMessage(), e);
        }
        Instant now = Instant.now();
        Sender.Outcome outcome = sender.send(bytes, envelopeFrom, recipients);
        settle(bytes, envelopeFrom, outcome, RetryRecord.retry(0, now, now, ""));
    }

    /**
     * Records what is left of one attempt: the recipients to retry and those refused for good.
     *
     * @throws RelayException when the retry queue cannot store them
     */
    private void settle(byte[] message, String from, Sender.Outcome outcome, RetryRecord before) {
        Instant now = Instant.now();
        int attempts = before.attempts() + 1;
        if (!outcome.sent().isEmpty()) {
            LOG.info("sent from <{}> to {} via {}", from, outcome.sent(), via);
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
            key = retryQueue.push(EnvelopeHeaders.wrap(new Envelope("", from, recipients), record.format(), message));
        } catch (QueueException e) {
            throw new RelayException("cannot send from <" + from + "> to " + recipients + " via " + via + " ("
                    + record.error() + ") nor queue it for later: " + e.getMessage(), e);
        }
        records.put(key, record);
        if (record.dead()) {
            monitor.relayDead(from, recipients, record.error());
            LOG.error("dead letter {} from <{}> to {} via {}, not retried: {}", key, from, recipients, via, record.error());
        } else {
            monitor.relayRetried(from, recipients, record.error());
            LOG.warn("queued {} from <{}> to {} for retry at {} after {} failed attempt(s): {}", key, from, recipients,
                    record.next(), record.attempts(), record.error());
        }
    }

    /** Tries every queued message that is due; runs on the retry thread. */
    private void retryDue() {
        try {
            List<String> keys = retryQueue.keys();
            records.keySet().retainAll(new HashSet<>(keys));
            for (String key : keys) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                retry(key);
            }
        } catch (RuntimeException e) {
            LOG.error("retry pass over {} failed, trying again in {}: {}", retryQueue, policy.scanInterval(), e.toString());
        }
    }

    private void retry(String key) {
        Instant now = Instant.now();
        RetryRecord known = records.get(key);
        if (known != null && (known.dead() || known.next().isAfter(now))) {
            return;
        }
        Optional<byte[]> queued = retryQueue.get(key);
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
            LOG.error("queued message {} in {} has no X-Tubemail envelope lines; left alone", key, retryQueue);
            return;
        }
        Envelope envelope = u.envelope().get();
        settle(u.message(), envelope.mailFrom(), sender.send(u.message(), envelope.mailFrom(), envelope.recipients()), record);
        retryQueue.remove(key);
        records.remove(key);
    }

    /**
     * Makes every dead letter in the retry queue due again, as if first sent now.
     *
     * @return how many there were
     */
    public int requeueDeadLetters() {
        int n = 0;
        for (String key : retryQueue.keys()) {
            if (requeueDeadLetter(key)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Makes the dead letter under {@code key} due again, as if first sent now.
     *
     * @return false when there is no dead letter (with an envelope) under that key
     */
    public boolean requeueDeadLetter(String key) {
        Instant now = Instant.now();
        Optional<byte[]> queued = retryQueue.get(key);
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
        retryQueue.remove(key);
        records.remove(key);
        return true;
    }

    /** The queue of messages waiting for a retry, and of dead letters. */
    public MessageQueue retryQueue() {
        return retryQueue;
    }

    /** Stops retrying (waiting up to the connection timeout for an attempt under way) and closes connections. */
    @Override
    public void close() {
        retrier.shutdown();
        try {
            if (!retrier.awaitTermination(timeout.plus(Duration.ofSeconds(1)).toMillis(), TimeUnit.MILLISECONDS)) {
                retrier.shutdownNow();
            }
        } catch (InterruptedException e) {
            retrier.shutdownNow();
            Thread.currentThread().interrupt();
        }
        sender.close();
    }

    @Override
    public String toString() {
        return "SmtpRelay[" + via + ", retry queue " + retryQueue + "]";
    }
}
