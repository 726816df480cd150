package org.tubemail.internal.server.lmtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.tls.TlsContext;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.TlsClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** STARTTLS on the LMTP receiver (an SSLSocket upgrade on its session thread). */
class LmtpStartTlsTest {

    public static class Traces {
        final List<String> traces = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("(user)@(host)")
        public void any(MailRequest msg) {
            traces.addAll(msg.headers("Received"));
        }
    }

    private final Traces handler = new Traces();
    private LmtpReceiver receiver;

    @AfterEach
    void stop() {
        receiver.stop(Duration.ofSeconds(2));
    }

    @Test
    void deliversOverTlsDiscardsPipelinedPlaintextAndSaysLmtps(@TempDir Path dir) throws Exception {
        Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(handler).build();
        TlsContext tls = TlsContext.loadOrGenerate(null, null, dir, "lmtp.example.com");
        receiver = new LmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 3, Duration.ofSeconds(2), 10, 1),
                router, new ConnectionSecurity(tls, true, null));
        receiver.start();
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            assertTrue(c.cmdAll("LHLO mta.example.org").contains("250-STARTTLS"));
            assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.cmd("MAIL FROM:<a@example.org>"));
            c.send("STARTTLS\r\nMAIL FROM:<mallory@example.org>\r\n");
            assertEquals("220 2.0.0 Ready to start TLS", c.reply());
            c.handshake();
            assertEquals("503 5.5.1 Send LHLO first", c.cmd("MAIL FROM:<a@example.org>"), "session reset, injection dropped");
            assertFalse(c.cmdAll("LHLO mta.example.org").contains("STARTTLS"));
            assertTrue(c.cmd("MAIL FROM:<a@example.org>").startsWith("250"));
            assertTrue(c.cmd("RCPT TO:<b@example.com>").startsWith("250"));
            c.cmd("DATA");
            assertTrue(c.cmd("Subject: lmtps\r\n\r\nhi\r\n.").startsWith("250 2.0.0"));
            assertEquals("TLSv1.3", ((SSLSocket) c.socket()).getSession().getProtocol());
        }
        assertTrue(handler.traces.get(0).matches("(?s).*\\(using TLSv1\\.3 with cipher TLS_\\w+\\).*with LMTPS;.*"), handler.traces.get(0));
        // a failed handshake ends that session only
        try (TlsClient c = new TlsClient(receiver.port())) {
            c.reply();
            c.cmd("STARTTLS");
            assertThrows(SSLException.class, () -> c.handshake("TLSv1.1"));
        }
        try (TlsClient c = new TlsClient(receiver.port())) {
            assertTrue(c.reply().startsWith("220"));
        }
    }
}
