package org.tubemail.internal.server.spool;

import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.Receiver;

import java.time.Duration;

/**
 * Routes messages that any MTA spooled into a queue (typically a maildir that Postfix or another
 * program delivers into), so mail can be received now and processed later, or by another machine.
 * The envelope comes from Tubemail's own {@code X-Tubemail-*} lines when present, else from
 * {@code Return-Path} and {@code X-Original-To}/{@code Delivered-To} (or {@code To}/{@code Cc}).
 * A message larger than the size limit goes to the undeliverable queue with the reason, unrouted.
 * Processing is at least once; one queue receiver per queue.
 *
 * <p>Either a receiver that keeps polling ({@link #start}), or a one-shot run ({@link #runOnce},
 * {@code bin/tubemail queue-run}) that routes what is there and returns, e.g. from cron.
 */
public final class QueueReceiver implements Receiver {

    private final SpoolProcessor processor;

    /**
     * @param queue           the queue to read
     * @param router          where its messages go
     * @param pollInterval    how often to look for new messages
     * @param workers         how many messages are routed at once
     * @param maxMessageBytes larger messages are not routed but kept as undeliverable
     */
    public QueueReceiver(MessageQueue queue, Router router, Duration pollInterval, int workers, long maxMessageBytes) {
        this.processor = new SpoolProcessor("queue-receiver", queue, router, workers, pollInterval, maxMessageBytes);
    }

    /**
     * Believes the sender verdicts the MTA that fills the queue wrote into
     * {@code Authentication-Results} ({@code receiver.auth.upstream.id}); without this, none.
     */
    public QueueReceiver believing(UpstreamResults verdicts) {
        processor.believing(verdicts);
        return this;
    }

    @Override
    public void start() {
        processor.start();
    }

    @Override
    public void stop(Duration grace) {
        processor.stop(grace);
    }

    /**
     * Routes every message in the queue now and returns; do not run it against a queue a started
     * receiver reads. See {@link SpoolProcessor#drain}.
     */
    public SpoolProcessor.Drained runOnce(Duration grace) {
        return processor.drain(grace);
    }
}
