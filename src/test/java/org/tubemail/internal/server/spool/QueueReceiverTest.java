package org.tubemail.internal.server.spool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Authenticated;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mail another MTA delivered into a maildir is routed with the envelope its headers imply. */
class QueueReceiverTest {

    public static class Seen {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("(user)@(host)")
        public void any(MailRequest msg) {
            seen.add(msg.from() + ">" + msg.to() + "|" + msg.subject());
        }
    }

    @Test
    void routesMessagesSpooledByAnotherMta(@TempDir Path dir) throws Exception {
        MaildirQueue spool = new MaildirQueue(dir.resolve("incoming"));
        // as Postfix's local delivery or Dovecot's LDA writes them: a file in new/ with Return-Path and Delivered-To
        Files.writeString(spool.dir().resolve("new/1700000000.M1P1.mx"),
                "Return-Path: <ann@example.org>\nDelivered-To: help@example.com\nTo: Someone <other@example.com>\nSubject: from postfix\n\nhi\n");
        spool.push(EnvelopeHeaders.wrap(Envelope.of("bob@example.org", "a@example.com", "b@example.com"), "", "Subject: ours\r\n\r\nx\r\n".getBytes()));
        spool.push("From: Carl <carl@example.org>\r\nTo: c@example.com, d@example.com\r\nSubject: headers only\r\n\r\nx\r\n".getBytes());
        spool.push("Subject: nobody\r\n\r\nno recipient anywhere\r\n".getBytes());

        Seen seen = new Seen();
        MemoryQueue undeliverable = new MemoryQueue();
        Router router = Router.builder().defaultCapture("host", "example\\.com").undeliverable(undeliverable).handlers(seen).build();
        QueueReceiver receiver = new QueueReceiver(spool, router, Duration.ofMillis(100), 2, 100_000);
        receiver.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (spool.count() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            receiver.stop(Duration.ofSeconds(5));
        }
        assertEquals(0, spool.count());
        assertEquals(List.of("ann@example.org>help@example.com|from postfix", "bob@example.org>a@example.com|ours",
                        "bob@example.org>b@example.com|ours", "carl@example.org>c@example.com|headers only",
                        "carl@example.org>d@example.com|headers only"),
                seen.seen.stream().sorted().toList());
        assertEquals(1, undeliverable.count(), "the message naming no recipient is kept, not dropped");
    }

    /** Waits until {@code parties} messages are being handled at once. */
    public static class Together {
        final CyclicBarrier barrier;
        final AtomicInteger done = new AtomicInteger();

        Together(int parties) {
            barrier = new CyclicBarrier(parties);
        }

        @Stateless
        @Route("(user)@(host)")
        public void any() throws Exception {
            barrier.await(10, TimeUnit.SECONDS);
            done.incrementAndGet();
        }
    }

    @Test
    void workersAreConfigurableAndAnOversizeMessageIsKeptUnrouted(@TempDir Path dir) throws Exception {
        MaildirQueue spool = new MaildirQueue(dir.resolve("incoming"));
        for (int i = 0; i < 3; i++) {
            spool.push(EnvelopeHeaders.wrap(Envelope.of("bob@example.org", "u" + i + "@example.com"), "", "Subject: s\r\n\r\nx\r\n".getBytes()));
        }
        spool.push(EnvelopeHeaders.wrap(Envelope.of("big@example.org", "u9@example.com"), "",
                ("Subject: big\r\n\r\n" + "y".repeat(2_000) + "\r\n").getBytes()));
        Together together = new Together(3);
        MemoryQueue undeliverable = new MemoryQueue();
        Router router = Router.builder().defaultCapture("host", "example\\.com").undeliverable(undeliverable).handlers(together).build();
        QueueReceiver receiver = new QueueReceiver(spool, router, Duration.ofMillis(50), 3, 1_000);
        receiver.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (spool.count() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            receiver.stop(Duration.ofSeconds(5));
        }
        assertEquals(3, together.done.get(), "three messages handled at once by three workers");
        assertEquals(1, undeliverable.count());
        EnvelopeHeaders.Unwrapped kept = EnvelopeHeaders.unwrap(undeliverable.pop().orElseThrow().message());
        assertEquals("big@example.org", kept.envelope().orElseThrow().mailFrom());
        assertTrue(kept.reason().matches("message of 20\\d\\d bytes is larger than the limit of 1000 bytes; not routed"), kept.reason());
    }

    @Test
    void aOneShotRunRoutesWhatIsThereAndReturns(@TempDir Path dir) throws Exception {
        MaildirQueue spool = new MaildirQueue(dir.resolve("incoming"));
        for (int i = 0; i < 5; i++) {
            spool.push(EnvelopeHeaders.wrap(Envelope.of("bob@example.org", "u" + i + "@example.com"), "", ("Subject: " + i + "\r\n\r\nx\r\n").getBytes()));
        }
        Seen seen = new Seen();
        Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(seen).build();
        SpoolProcessor.Drained d = new QueueReceiver(spool, router, Duration.ofSeconds(60), 2, 100_000).runOnce(Duration.ofSeconds(10));
        assertEquals(new SpoolProcessor.Drained(5, 0), d);
        assertEquals(0, spool.count());
        assertEquals(5, seen.seen.size());
    }

    @Authenticated
    public static class MembersOnly {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("members@(host)")
        public void post(MailRequest msg) {
            seen.add(msg.from());
        }
    }

    /** Postfix's local delivery writes Return-Path and Delivered-To on top; its milters' verdicts sit above its Received line. */
    @Test
    void theVerdictsOfTheMtaInFrontAreBelievedOnlyWhenConfigured(@TempDir Path dir) throws Exception {
        MaildirQueue spool = new MaildirQueue(dir.resolve("incoming"));
        String message = "Return-Path: <ann@example.org>\nDelivered-To: members@example.com\n"
                + "Authentication-Results: mx.example.com; dkim=pass header.d=example.org header.s=s1\n"
                + "Received: from mail.example.org by mx.example.com (Postfix)\nFrom: ann@example.org\nSubject: post\n\nhi\n";
        MembersOnly members = new MembersOnly();
        MemoryQueue undeliverable = new MemoryQueue();
        Router router = Router.builder().defaultCapture("host", "example\\.com").undeliverable(undeliverable).handlers(members).build();

        Files.writeString(spool.dir().resolve("new/1700000000.M1P1.mx"), message);
        new QueueReceiver(spool, router, Duration.ofSeconds(60), 1, 100_000).runOnce(Duration.ofSeconds(10));
        assertEquals(List.of(), members.seen, "believing nobody, the header proves nothing");
        assertEquals(1, undeliverable.count());

        Files.writeString(spool.dir().resolve("new/1700000001.M2P1.mx"), message);
        new QueueReceiver(spool, router, Duration.ofSeconds(60), 1, 100_000).believing(UpstreamResults.trusting("mx.example.com"))
                .runOnce(Duration.ofSeconds(10));
        assertEquals(List.of("ann@example.org"), members.seen);
        assertEquals(1, undeliverable.count());
    }
}
