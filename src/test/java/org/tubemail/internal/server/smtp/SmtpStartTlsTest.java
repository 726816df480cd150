package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.crypto.CryptoProvider;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.tls.SelfSignedCertificate;
import org.tubemail.internal.server.tls.TlsContext;
import org.tubemail.support.TlsClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** STARTTLS (RFC 3207) on the SMTP event loop, over real sockets with the JDK's TLS client. */
class SmtpStartTlsTest {

    private final SmtpReceiverTest.Inbox inbox = new SmtpReceiverTest.Inbox();
    private SmtpReceiver receiver;
    private TlsContext tls;
    /** TLS sessions reported to the metrics ({@code tubemail_tls_sessions_total}). */
    private final java.util.concurrent.atomic.AtomicInteger tlsSessions = new java.util.concurrent.atomic.AtomicInteger();

    private SmtpReceiver start(Path dir, boolean required, Duration idle) throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").defaultCapture("user", "[^@]+").handlers(inbox)
                .monitor(new org.tubemail.internal.monitor.Monitor() {
                    @Override
                    public void tlsSession() {
                        tlsSessions.incrementAndGet();
                    }
                }).build();
        tls = TlsContext.loadOrGenerate(null, null, dir.resolve("tls"), "mx.example.com");
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10, idle, 20, 2),
                router, new MemoryQueue(), new ConnectionSecurity(tls, required, null));
        receiver.start();
        return receiver;
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
    }

    private static TlsClient startTls(int port) throws Exception {
        TlsClient c = new TlsClient(port);
        assertTrue(c.reply().startsWith("220"));
        assertTrue(c.cmdAll("EHLO client.example.org").contains("250-STARTTLS"));
        assertEquals("220 2.0.0 Ready to start TLS", c.cmd("STARTTLS"));
        c.handshake();
        return c;
    }

    @Test
    void deliversOverTlsAndTheTraceLineSaysEsmtpsWithProtocolAndCipher(@TempDir Path dir) throws Exception {
        start(dir, false, Duration.ofSeconds(10));
        try (TlsClient c = startTls(receiver.port())) {
            SSLSocket s = (SSLSocket) c.socket();
            assertEquals("TLSv1.3", s.getSession().getProtocol());
            if (CryptoProvider.current().nativeTls()) {
                assertEquals(1, tls.nativeSessions(), "native mode: the handshake computed by BoringSSL inside Conscrypt's engine");
            } else {
                assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("tls-handshake")),
                        "JSSE: the handshake computed off the event loop's thread");
            }
            String ehlo = c.cmdAll("EHLO client.example.org");
            assertFalse(ehlo.contains("STARTTLS"), "not offered again inside TLS: " + ehlo);
            assertTrue(c.cmd("MAIL FROM:<alice@example.org>").startsWith("250"));
            assertTrue(c.cmd("RCPT TO:<bob@example.com>").startsWith("250"));
            assertTrue(c.cmd("DATA").startsWith("354"));
            assertTrue(c.cmd("Subject: secret\r\n\r\nbody\r\n.").startsWith("250 2.0.0"));
            assertEquals("503 5.5.1 TLS is already active", c.cmd("STARTTLS"));
            assertTrue(c.cmd("QUIT").startsWith("221"));
        }
        assertEquals(1, tlsSessions.get(), "one TLS 1.3 session reported");
        assertTrue(inbox.arrivals.await(10, TimeUnit.SECONDS));
        String trace = inbox.traces.get(0);
        assertTrue(trace.matches("(?s)from client\\.example\\.org \\(\\[127\\.0\\.0\\.1]\\)\\s+\\(using TLSv1\\.3 with cipher TLS_\\w+\\)\\s+"
                + "by \\S+ \\(Tubemail\\) with ESMTPS id .*"), trace);
    }

    @Test
    void aSecondConnectionResumesTheSessionWithoutAFullHandshake(@TempDir Path dir) throws Exception {
        start(dir, false, Duration.ofSeconds(10));
        javax.net.ssl.SSLContext client = TlsClient.trustAll();
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            c.cmdAll("EHLO client.example.org");
            c.cmd("STARTTLS");
            c.handshake(client);
            assertTrue(c.cmdAll("EHLO client.example.org").startsWith("250"), "the reply brings the session ticket along");
            assertTrue(c.cmd("QUIT").startsWith("221"));
        }
        Thread.sleep(20);
        long between = System.currentTimeMillis();
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            c.cmdAll("EHLO client.example.org");
            c.cmd("STARTTLS");
            SSLSocket s = c.handshake(client);
            assertEquals("TLSv1.3", s.getSession().getProtocol());
            // a resumed session is the one the first connection's ticket made, not a new one
            assertTrue(s.getSession().getCreationTime() < between,
                    "resumed (TLS 1.3 PSK from the first connection's session ticket): no certificate signed or checked again");
            assertTrue(c.cmdAll("EHLO client.example.org").startsWith("250"));
            assertTrue(c.cmd("QUIT").startsWith("221"));
        }
    }

    @Test
    void largeMessagesAndTls12Work(@TempDir Path dir) throws Exception {
        start(dir, false, Duration.ofSeconds(10));
        String body = ("x".repeat(76) + "\r\n").repeat(1000); // 78 KB: many TLS records, more than the read buffer
        try (TlsClient c = startTls12(receiver.port())) {
            c.cmd("EHLO client.example.org");
            c.cmd("MAIL FROM:<alice@example.org>");
            c.cmd("RCPT TO:<bob@example.com>");
            c.cmd("DATA");
            // the message and the next commands in one go (PIPELINING): all of it arrives in TLS records
            c.send("Subject: big\r\n\r\n" + body + ".\r\nRSET\r\nQUIT\r\n");
            assertTrue(c.reply().startsWith("250 2.0.0"));
            assertTrue(c.reply().startsWith("250"));
            assertTrue(c.reply().startsWith("221"));
        }
        assertTrue(inbox.arrivals.await(10, TimeUnit.SECONDS));
        assertTrue(inbox.traces.get(0).contains("TLSv1.2 with cipher TLS_ECDHE_ECDSA_WITH_"), inbox.traces.get(0));
        assertEquals(1, tlsSessions.get(), "one TLS 1.2 session reported");
    }

    private static TlsClient startTls12(int port) throws Exception {
        TlsClient c = new TlsClient(port);
        c.reply();
        c.cmd("EHLO client.example.org");
        c.cmd("STARTTLS");
        c.handshake("TLSv1.2");
        return c;
    }

    @Test
    void theSessionStartsOverAfterStartTls(@TempDir Path dir) throws Exception {
        start(dir, false, Duration.ofSeconds(10));
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            c.cmd("EHLO client.example.org");
            assertTrue(c.cmd("MAIL FROM:<alice@example.org>").startsWith("250"));
            c.cmd("STARTTLS");
            c.handshake();
            assertEquals("503 5.5.1 Send HELO or EHLO first", c.cmd("MAIL FROM:<alice@example.org>"));
            c.cmd("EHLO client.example.org");
            assertEquals("503 5.5.1 Send MAIL first", c.cmd("RCPT TO:<bob@example.com>"), "the sender given before TLS is gone");
        }
    }

    @Test
    void commandsPipelinedInPlaintextAfterStartTlsAreNeverRunInsideTls(@TempDir Path dir) throws Exception {
        start(dir, false, Duration.ofSeconds(10));
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            c.cmd("EHLO client.example.org");
            // CVE-2011-0411: a man in the middle appends commands to the plaintext STARTTLS
            c.send("STARTTLS\r\nMAIL FROM:<mallory@example.org>\r\nRCPT TO:<bob@example.com>\r\n");
            assertEquals("220 2.0.0 Ready to start TLS", c.reply());
            c.handshake();
            c.cmd("EHLO client.example.org");
            assertEquals("503 5.5.1 Send MAIL first", c.cmd("RCPT TO:<bob@example.com>"), "the injected MAIL was not run");
            assertTrue(c.cmd("MAIL FROM:<alice@example.org>").startsWith("250 2.1.0"), "no sender was set by the injection");
        }
    }

    @Test
    void requiredTlsRefusesMailBeforeStartTls(@TempDir Path dir) throws Exception {
        start(dir, true, Duration.ofSeconds(10));
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            c.cmd("EHLO client.example.org");
            assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.cmd("MAIL FROM:<alice@example.org>"));
            c.cmd("STARTTLS");
            c.handshake();
            c.cmd("EHLO client.example.org");
            assertTrue(c.cmd("MAIL FROM:<alice@example.org>").startsWith("250"));
        }
    }

    @Test
    void hostileHandshakesCloseOneConnectionAndTheServerGoesOn(@TempDir Path dir) throws Exception {
        start(dir, false, Duration.ofSeconds(1));
        // garbage instead of a ClientHello
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            c.cmd("STARTTLS");
            c.send("EHLO this is not TLS at all\r\n".repeat(20));
            assertTrue(c.closedByServer());
        }
        // a client that offers only TLS 1.1: the handshake fails
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            c.cmd("STARTTLS");
            assertThrows(SSLException.class, () -> c.handshake("TLSv1.1"));
        }
        // a client that stalls mid-handshake: the idle timeout applies
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            c.cmd("STARTTLS");
            c.send("\u0016\u0003\u0001\u0002"); // the start of a TLS record header, then silence
            long t0 = System.nanoTime();
            assertTrue(c.closedByServer());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8), "cut off by the 1 s idle timeout");
        }
        // a renegotiation attempt (TLS 1.2; TLS 1.3 has none)
        try (TlsClient c = startTls12(receiver.port())) {
            c.cmd("EHLO client.example.org");
            SSLSocket s = (SSLSocket) c.socket();
            boolean refused;
            try {
                s.startHandshake();
                refused = c.cmd("NOOP").equals("(closed)");
            } catch (IOException e) {
                refused = true;
            }
            assertTrue(refused, "the connection is closed");
        }
        // the server is unharmed
        try (TlsClient c = startTls(receiver.port())) {
            c.cmd("EHLO client.example.org");
            assertTrue(c.cmd("NOOP").startsWith("250"));
        }
        assertTrue(waitFor(() -> receiver.openConnections() == 0), "no connection left behind: " + receiver.openConnections());
    }

    @Test
    void withoutACertificateStartTlsIsNotOffered(@TempDir Path dir) throws Exception {
        Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(inbox).build();
        receiver = new SmtpReceiver(ReceiverSettings.local(0, Set.of("example.com")), router, new MemoryQueue());
        receiver.start();
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            assertFalse(c.cmdAll("EHLO client.example.org").contains("STARTTLS"));
            assertEquals("502 5.5.1 STARTTLS is not offered here", c.cmd("STARTTLS"));
        }
    }

    @Test
    void aChangedCertificateIsUsedWithoutRestart(@TempDir Path dir) throws Exception {
        Path one = SelfSignedCertificate.ensure(dir.resolve("one"), "one.example.com");
        Path two = SelfSignedCertificate.ensure(dir.resolve("two"), "two.example.com");
        Path live = dir.resolve("live");
        java.nio.file.Files.createDirectories(live);
        copyPair(one, live);
        Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(inbox).build();
        TlsContext tls = TlsContext.load(live.resolve("cert.pem"), live.resolve("key.pem"));
        receiver = new SmtpReceiver(ReceiverSettings.local(0, Set.of("example.com")), router, new MemoryQueue(), ConnectionSecurity.tls(tls));
        receiver.start();
        assertEquals("CN=one.example.com", subject());
        // a half-done renewal: the new certificate with the old key is refused, the old pair stays
        java.nio.file.Files.copy(two, live.resolve("cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals("CN=one.example.com", subject());
        copyPair(two, live);
        assertEquals("CN=two.example.com", subject());
    }

    private static void copyPair(Path cert, Path to) throws IOException {
        java.nio.file.Files.copy(cert.resolveSibling("key.pem"), to.resolve("key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.nio.file.Files.copy(cert, to.resolve("cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private String subject() throws Exception {
        try (TlsClient c = startTls(receiver.port())) {
            return ((java.security.cert.X509Certificate) ((SSLSocket) c.socket()).getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
        }
    }

    static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
