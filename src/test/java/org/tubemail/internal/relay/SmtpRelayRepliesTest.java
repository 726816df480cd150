package org.tubemail.internal.relay;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MemoryQueue;

import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay against a smarthost (SubEthaSMTP) that answers 4xx and 5xx where told to. */
class SmtpRelayRepliesTest {

    /** One accepted transaction: envelope, connection and bytes. */
    record Received(String from, List<String> recipients, String connection, byte[] data) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile boolean busy = true;
    private volatile int dataReply = 0;
    private SMTPServer server;
    private SmtpRelay relay;
    private final MemoryQueue queue = new MemoryQueue();

    @BeforeEach
    void start() {
        server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).messageHandlerFactory(ctx -> new MessageHandler() {
            private String from;
            private final List<String> rcpts = new ArrayList<>();

            @Override
            public void from(String address) {
                from = address;
            }

            @Override
            public void recipient(String address) throws RejectException {
                if (address.startsWith("gone")) {
                    throw new RejectException(550, "5.1.1 <" + address + ">: no such user");
                }
                if (address.startsWith("busy") && busy) {
                    throw new RejectException(451, "4.3.0 <" + address + ">: try later");
                }
                rcpts.add(address);
            }

            @Override
            public String data(InputStream data) throws RejectException, java.io.IOException {
                byte[] bytes = data.readAllBytes();
                if (dataReply != 0) {
                    throw new RejectException(dataReply, (dataReply >= 500 ? "5.6.0" : "4.3.0") + " not now");
                }
                received.add(new Received(from, List.copyOf(rcpts), ctx.getRemoteAddress().toString(), bytes));
                return null;
            }

            @Override
            public void done() {
            }
        }).build();
        server.start();
        // the first retry comes a second later, so that the queue the tests read right after deliver holds still
        relay = new SmtpRelay(SmtpRelayTest.plain(server.getPortAllocated()), queue,
                new RetryPolicy(List.of(Duration.ofSeconds(1)), Duration.ofMinutes(1), Duration.ofMillis(50)));
    }

    @AfterEach
    void stop() {
        relay.close();
        server.stop();
    }

    private List<String> reasons() {
        return queue.keys().stream().map(k -> SmtpRelayTest.reason(queue, k)).toList();
    }

    private List<List<String>> queuedRecipients() {
        return queue.keys().stream().map(k -> EnvelopeHeaders.unwrap(queue.get(k).orElseThrow()).envelope().orElseThrow().recipients()).toList();
    }

    @Test
    void eachRecipientIsSentRetriedOrDeadLetteredByItsOwnReply() throws Exception {
        relay.deliver(SmtpRelayTest.message("mixed"), "help@example.com",
                List.of("ok@example.org", "gone@example.org", "busy@example.org"));
        assertEquals(1, received.size());
        assertEquals(List.of("ok@example.org"), received.get(0).recipients());
        assertEquals(List.of(List.of("busy@example.org"), List.of("gone@example.org")), queuedRecipients());
        List<String> reasons = reasons();
        assertTrue(reasons.get(0).startsWith("retry attempts=1 ") && reasons.get(0).contains("451"), reasons.get(0));
        assertTrue(reasons.get(1).startsWith("dead-letter attempts=1 ") && reasons.get(1).contains("550 5.1.1"), reasons.get(1));

        busy = false;
        SmtpRelayTest.await(() -> received.size() == 2, "the busy recipient's retry");
        assertEquals(List.of("busy@example.org"), received.get(1).recipients());
        SmtpRelayTest.await(() -> queue.count() == 1, "the sent retry entry to leave the queue");
        assertEquals(List.of(List.of("gone@example.org")), queuedRecipients(), "only the dead letter is left");
        Thread.sleep(300);
        assertEquals(2, received.size(), "nobody gets the message twice");
    }

    @Test
    void aPermanentRefusalOfTheDataIsADeadLetterAndATemporaryOneIsRetried() throws Exception {
        dataReply = 554;
        relay.deliver(SmtpRelayTest.message("data"), "help@example.com", List.of("ok@example.org", "ann@example.org"));
        assertEquals(List.of(List.of("ok@example.org", "ann@example.org")), queuedRecipients());
        assertTrue(reasons().get(0).startsWith("dead-letter") && reasons().get(0).contains("554"), reasons().get(0));
        queue.clear();

        dataReply = 451;
        relay.deliver(SmtpRelayTest.message("data"), "help@example.com", List.of("ok@example.org"));
        assertTrue(reasons().get(0).startsWith("retry attempts=1"), reasons().get(0));
        dataReply = 0;
        SmtpRelayTest.await(() -> received.size() == 1, "the retry");
        SmtpRelayTest.await(() -> queue.count() == 0, "the retry queue to empty");
    }

    @Test
    void theEnvelopeSenderAndTheNullSenderReachTheSmarthost() {
        relay.deliver(SmtpRelayTest.message("s"), "bounces+ann@example.com", List.of("ok@example.org"));
        relay.deliver(SmtpRelayTest.message("s"), "", List.of("ok@example.org"));
        assertEquals("bounces+ann@example.com", received.get(0).from());
        assertEquals("", received.get(1).from());
        assertEquals(0, queue.count());
    }

    @Test
    void threadsSendingAtOnceShareAFewConnectionsAndLoseNothing() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < 25; i++) {
                        relay.deliver(SmtpRelayTest.message("t" + id + "-" + i), "help@example.com", List.of("ok@example.org"));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(List.of(), errors);
        assertEquals(100, received.size());
        Set<String> subjects = new HashSet<>();
        for (Received r : received) {
            String text = new String(r.data(), java.nio.charset.StandardCharsets.US_ASCII);
            subjects.add(text.substring(text.indexOf("Subject: ") + 9, text.indexOf('\r', text.indexOf("Subject: "))));
        }
        assertEquals(100, subjects.size(), "every message arrived once");
        Set<String> connections = new HashSet<>();
        received.forEach(r -> connections.add(r.connection()));
        assertTrue(connections.size() <= 4, "connections: " + connections.size());
        assertEquals(0, queue.count());
    }

    @Test
    void oneConnectionCarriesMessageAfterMessage() {
        int n = 200;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            relay.deliver(SmtpRelayTest.message("m" + i), "help@example.com", List.of("ok@example.org"));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Set<String> connections = new HashSet<>();
        received.forEach(r -> connections.add(r.connection()));
        assertEquals(n, received.size());
        assertEquals(1, connections.size(), "connections used: " + connections);
        System.out.printf("SmtpRelay: %d messages over one connection in %.2f s (%.0f/s)%n", n, seconds, n / seconds);
    }
}
