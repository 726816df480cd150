package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.SmtpReject;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.io.FreeSpace;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A handler's {@link SmtpReject} over SMTP, in both modes of answering {@code DATA}. */
class SmtpDataReplyTest {

    public static class Lists {
        final List<String> posted = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("(list)@(host)")
        public void post(MailRequest msg, String list) {
            if (list.equals("closed")) {
                throw new SmtpReject(550, "5.7.1", "not a member of this list");
            }
            if (list.equals("busy")) {
                throw new SmtpReject(451, "4.7.1", "try again later");
            }
            posted.add(list);
        }
    }

    private final Lists lists = new Lists();
    private final MemoryQueue undeliverable = new MemoryQueue();
    private MaildirQueue spool;
    private SmtpReceiver receiver;

    private void start(Path dir, SmtpReceiver.DataReply mode) throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").undeliverable(undeliverable).handlers(lists).build();
        spool = new MaildirQueue(dir.resolve("spool"));
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 5,
                Duration.ofSeconds(5), 10, 2), router, spool, FreeSpace.unlimited(), mode);
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
    }

    private static String send(SmtpClient c, String... rcpts) throws IOException {
        c.cmd("MAIL FROM:<stranger@example.org>");
        for (String r : rcpts) {
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<" + r + ">"));
        }
        assertTrue(c.cmd("DATA").startsWith("354"));
        return c.cmd("Subject: hi\r\n\r\npost\r\n.");
    }

    private String reason() {
        return EnvelopeHeaders.unwrap(undeliverable.pop().orElseThrow().message()).reason();
    }

    @Test
    void byDefaultTheMessageIsAcceptedAndTheRejectionKeptWithCodeAndText(@TempDir Path dir) throws Exception {
        start(dir, SmtpReceiver.DataReply.SPOOLED);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            c.cmd("EHLO client.example.org");
            assertTrue(send(c, "closed@example.com").startsWith("250 2.0.0 Ok: queued as"));
            assertEquals("250 2.0.0 Ok", c.cmd("NOOP"), "routed before the next command is answered");
        }
        assertEquals(1, undeliverable.count());
        assertEquals("Lists.post rejected it: 550 5.7.1 not a member of this list", reason());
    }

    @Test
    void routedModeRefusesDataWhenEveryRecipientIsRejected(@TempDir Path dir) throws Exception {
        start(dir, SmtpReceiver.DataReply.ROUTED);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            c.cmd("EHLO client.example.org");
            assertEquals("550 5.7.1 not a member of this list", send(c, "closed@example.com", "CLOSED@example.com"));
            assertEquals("451 4.7.1 try again later", send(c, "busy@example.com"), "a temporary rejection: the client retries");
            assertTrue(send(c, "open@example.com").startsWith("250 2.0.0 Ok: queued as"), "the session goes on");
        }
        assertEquals(List.of("open"), lists.posted);
        assertEquals(0, undeliverable.count(), "the client has the rejections: nothing kept");
        assertEquals(0, spool.count(), "refused messages left the spool");
    }

    @Test
    void routedModeAcceptsWhenRecipientsDisagreeAndKeepsTheDeclinedCopies(@TempDir Path dir) throws Exception {
        start(dir, SmtpReceiver.DataReply.ROUTED);
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.reply();
            c.cmd("EHLO client.example.org");
            assertTrue(send(c, "closed@example.com", "open@example.com", "busy@example.com").startsWith("250 2.0.0 Ok: queued as"));
        }
        assertEquals(List.of("open"), lists.posted);
        assertEquals(2, undeliverable.count(), "each declined recipient's copy, with the reason");
        assertEquals("Lists.post rejected it: 550 5.7.1 not a member of this list", reason());
        assertEquals("Lists.post rejected it: 451 4.7.1 try again later", reason());
    }
}
