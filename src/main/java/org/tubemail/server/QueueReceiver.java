package org.tubemail.server;

import org.tubemail.queue.MessageQueue;
import org.tubemail.routing.Router;

import java.time.Duration;

/**
 * Routes messages that any MTA spooled into a queue (typically a maildir that Postfix or another
 * program delivers into), so mail can be received now and processed later, or by another machine.
 * The envelope comes from Tubemail's own {@code X-Tubemail-*} lines when present, else from
 * {@code Return-Path} and {@code X-Original-To}/{@code Delivered-To} (or {@code To}/{@code Cc}).
 * Processing is at least once; one queue receiver per queue.
 */
public final class QueueReceiver implements Receiver {

    private final SpoolProcessor processor;

    /**
     * @param queue        the queue to read
     * @param router       where its messages go
     * @param pollInterval how often to look for new messages
     */
    public QueueReceiver(MessageQueue queue, Router router, Duration pollInterval) {
        this.processor = new SpoolProcessor("queue-receiver", queue, router, 2, pollInterval);
    }

    @Override
    public void start() {
        processor.start();
    }

    @Override
    public void stop(Duration grace) {
        processor.stop(grace);
    }
}
