package org.tubemail.internal.relay;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.RelayException;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.mail.MailResponse;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmtpRelayTest {

    static final RetryPolicy FAST = new RetryPolicy(List.of(Duration.ofMillis(200)), Duration.ofMinutes(1), Duration.ofMillis(50));

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private GreenMail greenMail(ServerSetup setup, GreenMailConfiguration config) {
        GreenMail g = new GreenMail(setup.dynamicPort()).withConfiguration(config);
        g.start();
        open.add(g::stop);
        return g;
    }

    private GreenMail greenMail(ServerSetup setup) {
        return greenMail(setup, GreenMailConfiguration.aConfig());
    }

    private SmtpRelay relay(RelaySettings settings, MessageQueue queue) {
        SmtpRelay r = new SmtpRelay(settings, queue, FAST);
        open.add(0, r);
        return r;
    }

    static RelaySettings plain(int port) {
        return new RelaySettings("127.0.0.1", port, RelaySettings.Security.NONE, "", "", Duration.ofSeconds(5));
    }

    static MimeMessage message(String subject) {
        return MailResponse.to("ann@example.org").from("help@example.com").subject(subject).text("hello").toMimeMessage();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The users whose inbox holds a message with {@code subject}: GreenMail files one copy per envelope recipient. */
    private static List<String> recipientsOf(GreenMail g, String subject) {
        return g.getUserManager().listUser().stream().map(GreenMailUser::getEmail)
                .filter(e -> g.findReceivedMessages(u -> u.getEmail().equals(e), m -> subjectOf(m).equals(subject)).findAny().isPresent())
                .sorted().toList();
    }

    @Test
    void sendsToEveryEnvelopeRecipientWithTheEnvelopeSender() throws Exception {
        GreenMail g = greenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        MemoryQueue queue = new MemoryQueue();
        SmtpRelay relay = relay(plain(g.getSmtp().getPort()), queue);

        relay.deliver(message("plain"), "bounces@example.com", List.of("ann@example.org", "hidden@example.net"));

        assertEquals(List.of("ann@example.org", "hidden@example.net"), recipientsOf(g, "plain"));
        MimeMessage got = g.getReceivedMessages()[0];
        assertEquals("<bounces@example.com>", got.getHeader("Return-Path", null));
        assertEquals(null, got.getHeader("Bcc"), "envelope-only recipients are not written into the message");
        assertEquals("hello", got.getContent().toString().trim());
        assertEquals(0, queue.count());
    }

    @Test
    void logsInWhenAUserIsSetAndQueuesWhenTheLoginFails() throws Exception {
        GreenMail g = greenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                GreenMailConfiguration.aConfig().withUser("relay@example.com", "relay", "s3cret"));
        int port = g.getSmtp().getPort();
        MemoryQueue queue = new MemoryQueue();
        SmtpRelay wrong = relay(new RelaySettings("127.0.0.1", port, RelaySettings.Security.NONE, "relay", "wrong",
                Duration.ofSeconds(5)), queue);
        wrong.deliver(message("auth-wrong"), "relay@example.com", List.of("ann@example.org"));
        assertEquals(0, g.getReceivedMessages().length);
        String reason = onlyEntry(queue).reason();
        assertTrue(reason.matches("retry attempts=[1-9]\\d* .*"), reason); // the retrier may have tried already
        assertTrue(reason.contains("535") || reason.toLowerCase().contains("authentication"), reason);

        SmtpRelay right = relay(new RelaySettings("127.0.0.1", port, RelaySettings.Security.NONE, "relay", "s3cret",
                Duration.ofSeconds(5)), new MemoryQueue());
        right.deliver(message("auth-right"), "relay@example.com", List.of("ann@example.org"));
        assertEquals(List.of("ann@example.org"), recipientsOf(g, "auth-right"));
    }

    @Test
    void sendsOverTlsToATrustedSelfSignedSmarthostAndRefusesAnUntrustedOne() throws Exception {
        GreenMail g = greenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        int port = g.getSmtps().getPort();
        MemoryQueue queue = new MemoryQueue();
        SmtpRelay untrusted = relay(new RelaySettings("127.0.0.1", port, RelaySettings.Security.TLS, "", "",
                Duration.ofSeconds(5)), queue);
        untrusted.deliver(message("tls-untrusted"), "help@example.com", List.of("ann@example.org"));
        assertEquals(0, g.getReceivedMessages().length, "a certificate nobody trusts must not be accepted");
        assertEquals(1, queue.count());

        SmtpRelay trusted = relay(new RelaySettings("127.0.0.1", port, RelaySettings.Security.TLS, "", "",
                Duration.ofSeconds(5), "127.0.0.1"), new MemoryQueue());
        trusted.deliver(message("tls"), "help@example.com", List.of("ann@example.org"));
        assertEquals(List.of("ann@example.org"), recipientsOf(g, "tls"));
    }

    @Test
    void requiredStartTlsIsNeverSkipped() throws Exception {
        GreenMail g = greenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        MemoryQueue queue = new MemoryQueue();
        SmtpRelay relay = relay(new RelaySettings("127.0.0.1", g.getSmtp().getPort(), RelaySettings.Security.STARTTLS,
                "", "", Duration.ofSeconds(5), "127.0.0.1"), queue);
        relay.deliver(message("starttls"), "help@example.com", List.of("ann@example.org"));
        // GreenMail's SMTP server offers no STARTTLS: the message must wait, not go out in the clear
        assertEquals(0, g.getReceivedMessages().length);
        assertEquals(1, queue.count());
        String reason = reason(queue, queue.keys().get(0));
        assertTrue(reason.contains("STARTTLS is required"), reason);
    }

    @Test
    void aMessageForADownSmarthostIsQueuedAndSentOnceItIsUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        MaildirQueue queue = new MaildirQueue(dir.resolve("retry"));
        SmtpRelay relay = relay(plain(port), queue);
        relay.deliver(message("later"), "help@example.com", List.of("ann@example.org", "bob@example.org"));
        assertTrue(queue.count() >= 1, "queued durably before deliver returned");
        EnvelopeHeaders.Unwrapped queued = onlyEntry(queue);
        assertEquals(List.of("ann@example.org", "bob@example.org"), queued.envelope().orElseThrow().recipients());
        assertTrue(queued.reason().matches("retry attempts=[1-9]\\d* .*"), queued.reason()); // the retrier may have tried already

        Thread.sleep(400);
        assertTrue(onlyEntry(queue).reason().startsWith("retry attempts="), "a failed retry keeps the message");
        GreenMail g = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        g.start();
        open.add(g::stop);
        await(() -> queue.count() == 0, "the retry queue to empty");
        assertEquals(List.of("ann@example.org", "bob@example.org"), recipientsOf(g, "later"));
        assertEquals(2, g.getReceivedMessages().length, "sent exactly once to each recipient");
    }

    @Test
    void aSmarthostDownPastTheMaximumAgeLeavesADeadLetterThatCanBeRequeued() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        MemoryQueue queue = new MemoryQueue();
        SmtpRelay relay = new SmtpRelay(plain(port), queue,
                new RetryPolicy(List.of(Duration.ofMillis(50)), Duration.ofMillis(300), Duration.ofMillis(30)));
        open.add(0, relay);
        relay.deliver(message("dead"), "help@example.com", List.of("ann@example.org"));
        // the dead letter is stored before the retry entry it replaces is removed: wait for both steps
        await(() -> queue.count() == 1 && reason(queue, queue.keys().get(0)).startsWith("dead-letter"),
                "one dead letter in place of the retry entry");
        String reason = reason(queue, queue.keys().get(0));
        assertTrue(reason.contains("gave up after"), reason);

        GreenMail g = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        g.start();
        open.add(g::stop);
        Thread.sleep(200);
        assertEquals(0, g.getReceivedMessages().length, "dead letters are not retried");
        assertEquals(1, relay.requeueDeadLetters());
        await(() -> queue.count() == 0, "the requeued letter to be sent");
        assertEquals(List.of("ann@example.org"), recipientsOf(g, "dead"));
    }

    @Test
    void whenNeitherTheSmarthostNorTheQueueTakesTheMessageDeliverThrows() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path retry = dir.resolve("retry");
        MaildirQueue queue = new MaildirQueue(retry);
        java.nio.file.Files.delete(retry.resolve("tmp"));
        SmtpRelay relay = relay(plain(port), queue);
        RelayException e = org.junit.jupiter.api.Assertions.assertThrows(RelayException.class,
                () -> relay.deliver(message("lost?"), "help@example.com", List.of("ann@example.org")));
        assertTrue(e.getMessage().contains("ann@example.org") && e.getMessage().contains(retry.toString())
                && e.getMessage().contains("Connection refused"), e.getMessage());
    }

    /**
     * The queue's one entry; the retrier replaces an entry by a new one (stored first, then the old
     * one removed), so a read between the two steps is tried again.
     */
    static EnvelopeHeaders.Unwrapped onlyEntry(MessageQueue q) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            List<String> keys = q.keys();
            if (keys.size() == 1) {
                java.util.Optional<byte[]> m = q.get(keys.get(0));
                if (m.isPresent()) return EnvelopeHeaders.unwrap(m.get());
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the queue never held exactly one entry: " + q.keys());
    }

    static String reason(MessageQueue q, String key) {
        return q.get(key).map(b -> EnvelopeHeaders.unwrap(b).reason()).orElse("");
    }
}
