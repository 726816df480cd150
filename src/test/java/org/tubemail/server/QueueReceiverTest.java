package org.tubemail.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;
import org.tubemail.queue.EnvelopeHeaders;
import org.tubemail.queue.MaildirQueue;
import org.tubemail.queue.MemoryQueue;
import org.tubemail.routing.Route;
import org.tubemail.routing.Router;
import org.tubemail.routing.Stateless;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        QueueReceiver receiver = new QueueReceiver(spool, router, Duration.ofMillis(100));
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
}
