package org.tubemail.internal.server.spool;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.QueueException;
import org.tubemail.internal.routing.Router;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Eventually;
import org.tubemail.support.ForwardingQueue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The spool processor's own guarantees, with an in-memory queue. */
class SpoolProcessorTest {

    public static class Seen {
        final List<String> subjects = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("box@(host)")
        public void box(MailRequest msg) {
            subjects.add(msg.subject());
        }
    }

    /** A queue that cannot record removals for a while (a disk error). */
    static final class RemovalFails extends ForwardingQueue {
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public boolean remove(String key) {
            failures.incrementAndGet();
            throw new QueueException("cannot mark " + key + " removed: I/O error", null);
        }
    }

    private static byte[] queued(String subject) {
        byte[] raw = ("Subject: " + subject + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII);
        return EnvelopeHeaders.wrap(new Envelope("127.0.0.1:1", "s@example.org", List.of("box@example.com")), "", raw);
    }

    private static void awaitSize(List<String> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void aRemovalThatFailsNeitherStopsTheWorkerNorRoutesTwice() throws Exception {
        Seen seen = new Seen();
        Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(seen).build();
        RemovalFails queue = new RemovalFails();
        SpoolProcessor processor = new SpoolProcessor("test-spool", queue, router, 1, Duration.ofMillis(20));
        processor.start();
        try {
            queue.push(queued("one"));
            processor.wake();
            awaitSize(seen.subjects, 1);
            queue.push(queued("two"));
            processor.wake();
            awaitSize(seen.subjects, 2);
            processor.routeNow(queue.push(queued("three")));
            awaitSize(seen.subjects, 3);
            // the failed removal follows the handler: wait for it rather than read the count at once
            Eventually.await("three failed removals", () -> queue.failures.get() >= 3);
            Thread.sleep(200); // time for a second delivery, if there were one
            assertEquals(List.of("one", "two", "three"), seen.subjects, "each routed once, the worker survived");
            assertEquals(3, queue.failures.get());
            assertEquals(3, queue.count(), "still on disk, so routed again after a restart (at least once)");
            assertEquals(0, router.undeliverableQueue().count());
        } finally {
            processor.stop(Duration.ofSeconds(2));
        }
    }
}
