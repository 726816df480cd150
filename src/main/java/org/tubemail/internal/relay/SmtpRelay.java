package org.tubemail.internal.relay;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.tubemail.handler.Relay;
import org.tubemail.handler.RelayException;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.MessageQueue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Sends mail over SMTP (Jakarta Mail), through a smarthost or, made with {@link #direct}, straight
 * to each recipient domain's mail exchangers ({@link MxSender}), and never loses it: {@link #deliver}
 * returns only once every recipient was accepted by a server, refused for good, or stored in the
 * retry queue; otherwise it throws {@link RelayException}.
 *
 * <ul>
 *   <li><b>Sent</b>: the smarthost accepted the recipient (250).</li>
 *   <li><b>Retried</b>: no connection, a timeout, a failed login or a 4xx reply. The message, with
 *       its envelope ({@link org.tubemail.internal.queue.EnvelopeHeaders}) reduced to those recipients, goes into the retry
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

    private final String via;
    private final Sender sender;
    private final RetryQueue retries;

    /** Sends through the smarthost in {@code settings}, retrying from {@code retryQueue} with the standard policy. */
    public SmtpRelay(RelaySettings settings, MessageQueue retryQueue) {
        this(settings, retryQueue, RetryPolicy.standard());
    }

    /** Like {@link #SmtpRelay(RelaySettings, MessageQueue)}, with the given retry policy. */
    public SmtpRelay(RelaySettings settings, MessageQueue retryQueue, RetryPolicy policy) {
        this(settings, retryQueue, policy, Monitor.NONE);
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
        this.via = via;
        this.sender = sender;
        this.retries = new RetryQueue(via, retryQueue, policy, (message, from, recipients) -> sender.send(message, from, recipients)
                .forRetry(), timeout.plus(Duration.ofSeconds(1)), monitor);
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
        retries.deliver(bytes, envelopeFrom, recipients);
    }

    /**
     * Makes every dead letter in the retry queue due again, as if first sent now.
     *
     * @return how many there were
     */
    public int requeueDeadLetters() {
        return retries.requeueDeadLetters();
    }

    /**
     * Makes the dead letter under {@code key} due again, as if first sent now.
     *
     * @return false when there is no dead letter (with an envelope) under that key
     */
    public boolean requeueDeadLetter(String key) {
        return retries.requeueDeadLetter(key);
    }

    /** The queue of messages waiting for a retry, and of dead letters. */
    public MessageQueue retryQueue() {
        return retries.queue();
    }

    /** Stops retrying (waiting up to the connection timeout for an attempt under way) and closes connections. */
    @Override
    public void close() {
        retries.close();
        sender.close();
    }

    @Override
    public String toString() {
        return "SmtpRelay[" + via + ", retry queue " + retries + "]";
    }
}
