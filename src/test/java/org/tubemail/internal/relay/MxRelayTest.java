package org.tubemail.internal.relay;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.dns.DnsSettings;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.support.Dnsmasq;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direct MX delivery ({@code relay.host=mx}) through a real dnsmasq serving the test's MX and A
 * records, to a GreenMail server on 127.0.0.2 and a SubEthaSMTP server on 127.0.0.4 that refuses
 * mail before STARTTLS and answers 550 and 451 where told to; 127.0.0.3 has no server at all. All
 * listen on one port, which stands for port 25.
 */
class MxRelayTest {

    /** No retry while a test looks at the queue. */
    private static final RetryPolicy LATER = new RetryPolicy(List.of(Duration.ofMinutes(10)), Duration.ofHours(1), Duration.ofSeconds(1));

    private final MemoryQueue queue = new MemoryQueue();
    private final List<String> tlsReceived = new CopyOnWriteArrayList<>();
    private Dnsmasq dns;
    private GreenMail greenMail;
    private SMTPServer tlsServer;
    private SMTPServer brokenTlsServer;
    private final List<String> brokenReceived = new CopyOnWriteArrayList<>();
    private SmtpRelay relay;
    private int port;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.2", 0));
            port = probe.getLocalPort();
        }
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.2", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        tlsServer = SMTPServer.port(port).bindAddress(InetAddress.getByName("127.0.0.4"))
                .enableTLS().requireTLS().startTlsSocketFactory(tls())
                .messageHandlerFactory(ctx -> new MessageHandler() {
                    @Override
                    public void from(String address) {
                    }

                    @Override
                    public void recipient(String address) throws RejectException {
                        if (address.startsWith("gone")) {
                            throw new RejectException(550, "5.1.1 <" + address + ">: no such user");
                        }
                        if (address.startsWith("busy")) {
                            throw new RejectException(451, "4.2.1 <" + address + ">: try later");
                        }
                        tlsReceived.add(address);
                    }

                    @Override
                    public String data(InputStream data) throws java.io.IOException {
                        data.readAllBytes();
                        return null;
                    }

                    @Override
                    public void done() {
                    }
                }).build();
        tlsServer.start();
        SSLContext keyless = SSLContext.getInstance("TLS");
        keyless.init(null, null, null); // offers STARTTLS, fails every handshake
        brokenTlsServer = SMTPServer.port(port).bindAddress(InetAddress.getByName("127.0.0.5")).enableTLS().startTlsSocketFactory(keyless)
                .messageHandlerFactory(ctx -> new MessageHandler() {
                    @Override
                    public void from(String address) {
                    }

                    @Override
                    public void recipient(String address) {
                        brokenReceived.add(address);
                    }

                    @Override
                    public String data(InputStream data) throws java.io.IOException {
                        data.readAllBytes();
                        return null;
                    }

                    @Override
                    public void done() {
                    }
                }).build();
        brokenTlsServer.start();
        dns = Dnsmasq.builder()
                .mx("fallback.test", "mx1.fallback.test", 10).mx("fallback.test", "mx2.fallback.test", 20)
                .a("mx1.fallback.test", "127.0.0.3").a("mx2.fallback.test", "127.0.0.2")
                .mx("order.test", "mx-b.order.test", 20).mx("order.test", "mx-a.order.test", 10)
                .a("mx-a.order.test", "127.0.0.2").a("mx-b.order.test", "127.0.0.4")
                .a("implicit.test", "127.0.0.2")
                .mx("tls.test", "mx.tls.test", 10).a("mx.tls.test", "127.0.0.4")
                .mx("nullmx.test", ".", 0)
                .mx("broken.test", "mx.broken.test", 10).a("mx.broken.test", "127.0.0.5")
                .mx("dead.test", "mx.dead.test", 10).a("mx.dead.test", "127.0.0.3")
                .start();
        relay = SmtpRelay.direct(new MxSettings(port, true, "lists.example.com", Duration.ofSeconds(5)), dns.resolver(), queue,
                LATER);
    }

    private static SSLContext tls() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = MxRelayTest.class.getClassLoader().getResourceAsStream("greenmail.p12")) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
    }

    @AfterEach
    void stop() {
        relay.close();
        tlsServer.stop();
        brokenTlsServer.stop();
        greenMail.stop();
        dns.close();
    }

    private static MimeMessage message(String subject) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom("dev@lists.example.com");
        m.setRecipients(Message.RecipientType.TO, "someone@example.org");
        m.setSubject(subject);
        m.setText("hello");
        return m;
    }

    private List<String> greenMailRecipients() {
        return java.util.Arrays.stream(greenMail.getReceivedMessages()).map(m -> {
            try {
                return m.getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private List<String> reasons() {
        return queue.keys().stream().map(k -> EnvelopeHeaders.unwrap(queue.get(k).orElseThrow()).reason()).toList();
    }

    @Test
    void followsPreferenceOrderAndFallsBack() throws Exception {
        for (int i = 0; i < 3; i++) {
            relay.deliver(message("order " + i), "dev-bounce@lists.example.com", List.of("ann@order.test"));
        }
        assertEquals(List.of("order 0", "order 1", "order 2"), greenMailRecipients(), "the lowest preference takes every message");
        assertTrue(tlsRecipientsEmpty(), "the backup MX got nothing");

        relay.deliver(message("fallback"), "dev-bounce@lists.example.com", List.of("bob@fallback.test"));
        assertTrue(greenMailRecipients().contains("fallback"), "mx1 (127.0.0.3) refuses connections: mx2 took it");

        relay.deliver(message("implicit"), "dev-bounce@lists.example.com", List.of("carol@implicit.test"));
        assertTrue(greenMailRecipients().contains("implicit"), "no MX: the domain's own A record is the implicit MX");
        assertEquals(0, queue.count(), "all sent: " + reasons());
    }

    private boolean tlsRecipientsEmpty() {
        return tlsReceived.isEmpty();
    }

    @Test
    void startTlsWhenOfferedAndRepliesSortRecipients() throws Exception {
        relay.deliver(message("tls"), "dev-bounce@lists.example.com", List.of("dan@tls.test", "gone@tls.test", "busy@tls.test"));
        assertEquals(List.of("dan@tls.test"), tlsReceived, "the server takes mail only after STARTTLS");
        List<String> reasons = reasons();
        assertEquals(2, reasons.size(), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("retry") && r.contains("451")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("dead-letter") && r.contains("550 5.1.1")), reasons.toString());
    }

    @Test
    void aFailedHandshakeFallsBackToPlainText() throws Exception {
        relay.deliver(message("broken tls"), "dev-bounce@lists.example.com", List.of("ivy@broken.test"));
        assertEquals(List.of("ivy@broken.test"), brokenReceived, "sent in plain text after the handshake failed");
        assertEquals(0, queue.count(), reasons().toString());
    }

    @Test
    void domainsWithoutMailAreDeadLettersAndUnreachableOnesRetried() throws Exception {
        relay.deliver(message("nx"), "dev-bounce@lists.example.com", List.of("erin@nowhere.test"));
        relay.deliver(message("null"), "dev-bounce@lists.example.com", List.of("frank@nullmx.test"));
        relay.deliver(message("down"), "dev-bounce@lists.example.com", List.of("gina@dead.test"));
        List<String> reasons = reasons();
        assertEquals(3, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("dead-letter") && reasons.get(0).contains("NXDOMAIN"), reasons.get(0));
        assertTrue(reasons.get(1).startsWith("dead-letter") && reasons.get(1).contains("null MX"), reasons.get(1));
        assertTrue(reasons.get(2).startsWith("retry") && reasons.get(2).contains("mx.dead.test [127.0.0.3]"), reasons.get(2));
    }

    @Test
    void aDnsFailureIsRetriedNotRefused() throws Exception {
        int silent;
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            silent = udp.getLocalPort(); // bound and never answering while the lookup runs
            DnsResolver mute = new DnsResolver(new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", silent)),
                    Duration.ofMillis(500), 0));
            try (SmtpRelay r = SmtpRelay.direct(new MxSettings(port, true, "", Duration.ofSeconds(5)), mute, queue, LATER)) {
                long t0 = System.nanoTime();
                r.deliver(message("dns down"), "dev-bounce@lists.example.com", List.of("hank@order.test"));
                assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "the DNS time limit holds");
            }
        }
        List<String> reasons = reasons();
        assertEquals(1, reasons.size());
        assertTrue(reasons.get(0).startsWith("retry") && reasons.get(0).contains("timed out"), reasons.get(0));
    }

    @Test
    void aBadRecipientAddressIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> relay.deliver(message("x"), "", List.of()));
    }
}
