package org.tubemail.internal.monitor;

import java.util.List;

/**
 * What the receivers, the router and the relays report as mail passes through them: the source
 * of the server's metrics and of its live event stream. Every method does nothing by default, so
 * a part built without a monitor costs nothing, and lower layers never depend on how (or whether)
 * the reports are published. Implementations must be fast and must never block or throw: they
 * are called on the threads that carry mail.
 */
public interface Monitor {

    /** A monitor that ignores every report. */
    Monitor NONE = new Monitor() {
    };

    /** A client connected to a mail listener. */
    default void connectionOpened() {
    }

    /** A TLS session was established with a client. */
    default void tlsSession() {
    }

    /**
     * A message was stored and answered {@code 250}.
     *
     * @param peer       the client's address and port
     * @param from       the envelope sender
     * @param recipients the envelope recipients
     * @param bytes      the size of the message as received
     */
    default void accepted(String peer, String from, List<String> recipients, long bytes) {
    }

    /**
     * A recipient or a message was refused.
     *
     * @param stage the command refused: {@code rcpt} or {@code data}
     * @param code  the SMTP reply code
     */
    default void refused(String stage, int code) {
    }

    /**
     * A state method ran on a message.
     *
     * @param module the handler module
     * @param state  the state the method belongs to ({@code stateless} for a stateless method)
     * @param next   the state the key is in afterwards (the error state when the method failed)
     * @param nanos  how long the method ran
     */
    default void routed(String module, String state, String next, long nanos) {
    }

    /**
     * A message went to the undeliverable queue.
     *
     * @param kind   a short fixed name of the cause: {@code no_route}, {@code no_state_method},
     *               {@code handler_failed}, {@code unparseable}
     * @param from   the envelope sender
     * @param to     the recipient it was for
     * @param reason the full reason stored with it
     */
    default void undeliverable(String kind, String from, String to, String reason) {
    }

    /**
     * A client was held back by a defence against abuse (a per-client limit, an early or slow talker,
     * a blocklist, greylisting, an error limit): the one report every such refusal makes, so that each
     * is counted, published as an event and logged once, the same way.
     *
     * @param client the client as the limits see it (its address, or its IPv6 network)
     * @param reason a short fixed name of the defence, e.g. {@code client_connections}, {@code early_talker}
     * @param reply  the full reply the client got, code and text
     */
    default void clientRefused(String client, String reason, String reply) {
    }

    /**
     * A message accepted again within the de-duplication window (same {@code Message-ID}, sender and
     * recipients: a client's retry) was dropped; its first copy, under {@code firstKey}, is routed.
     */
    default void duplicateDropped(String firstKey) {
    }

    /** A bounce (a message with the null sender) arrived for {@code to}. */
    default void bounceReceived(String to) {
    }

    /** A state change took {@code nanos} to be stored (made durable, for storages that sync). */
    default void stateStored(long nanos) {
    }

    /** The relay handed a message for {@code recipients} to its destination. */
    default void relaySent(String from, List<String> recipients) {
    }

    /** The relay could not send yet and queued the message for a later try. */
    default void relayRetried(String from, List<String> recipients, String error) {
    }

    /** The relay gave up on a message: a dead letter. */
    default void relayDead(String from, List<String> recipients, String error) {
    }

    /** A DKIM signature was made for {@code domain}. */
    default void dkimSigned(String domain) {
    }

    /**
     * An automatic reply was not sent (RFC 3834, and no backscatter to forged senders): the one
     * report of every such case, counted, published as an event and logged once.
     *
     * @param responder the handler module that would have replied (or the reply's From address)
     * @param to        the address it would have gone to
     * @param reason    a short fixed name: {@code null_sender}, {@code automatic}, {@code bulk}, {@code spf_fail},
     *                  {@code dmarc_reject}, {@code rate}
     * @param detail    what was found, in words
     */
    default void replySuppressed(String responder, String to, String reason, String detail) {
    }
}
