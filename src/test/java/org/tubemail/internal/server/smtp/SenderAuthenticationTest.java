package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tubemail.handler.Authenticated;
import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.internal.auth.Authenticator;
import org.tubemail.internal.dkim.DkimKey;
import org.tubemail.internal.dkim.DkimKeys;
import org.tubemail.internal.dkim.DkimSigner;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.dns.DnsSettings;
import org.tubemail.internal.io.FreeSpace;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.guard.ClientLimits;
import org.tubemail.internal.server.guard.IpNetworks;
import org.tubemail.internal.server.proxy.ProxyPolicy;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Dnsmasq;
import org.tubemail.support.SmtpClient;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Lamson-lineage hole closed: over real SMTP, with SPF, DKIM and DMARC records in a real
 * dnsmasq, a forged {@code MAIL FROM:<alice@example.org>} cannot move Alice's state in an
 * {@link Authenticated} module, while Alice's real, DKIM-signed mail does.
 */
class SenderAuthenticationTest {
    private static final String ID = "mx.tubemail.test";
    private static KeyPair aliceKey;
    private static Dnsmasq dns;

    /** Alice's subscription: only she may move it. */
    @Authenticated
    @Handler("subscriptions")
    public static class Subscriptions {
        final List<String> resultsSeen = Collections.synchronizedList(new ArrayList<>());

        @Route("subscribe@(host)")
        public String START(MailRequest msg) {
            resultsSeen.addAll(msg.headers("Authentication-Results"));
            return "SUBSCRIBED";
        }

        @RouteLike("START")
        public String SUBSCRIBED(MailRequest msg) {
            return null;
        }
    }

    private final Subscriptions subscriptions = new Subscriptions();
    private final MemoryStorage storage = new MemoryStorage();
    private final MemoryQueue undeliverable = new MemoryQueue();
    private SmtpReceiver receiver;
    /** Limits and trusted networks of the receiver {@link #start} makes. */
    private ClientLimits limits = ClientLimits.NONE;

    @BeforeAll
    static void publish() throws Exception {
        aliceKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        dns = Dnsmasq.builder()
                .txt("example.org", "v=spf1 ip4:192.0.2.1 -all")          // Alice's mail leaves from 192.0.2.1, not from here
                .txt("s1._domainkey.example.org", DkimKeys.record(aliceKey.getPublic()))
                .txt("_dmarc.example.org", "v=DMARC1; p=reject")
                .start();
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @AfterEach
    void stop() {
        if (receiver != null) receiver.stop(Duration.ofSeconds(5));
    }

    private int start(boolean reject, boolean enforce, DnsResolver resolver, Duration timeout) throws Exception {
        return start(reject, enforce, resolver, timeout, ConnectionSecurity.NONE);
    }

    private int start(boolean reject, boolean enforce, DnsResolver resolver, Duration timeout, ConnectionSecurity security)
            throws Exception {
        Router router = Router.builder().defaultCapture("host", "example\\.com").storage(storage)
                .undeliverable(undeliverable).handlers(subscriptions).build();
        SenderChecks checks = new SenderChecks(new Authenticator(resolver),
                new SenderChecks.Settings(ID, reject, enforce, timeout, 4));
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 1_000_000, 10,
                Duration.ofSeconds(30), 20, 2), router, new MemoryQueue(), FreeSpace.unlimited(), SmtpReceiver.DataReply.SPOOLED,
                security, checks).limits(limits);
        receiver.start();
        return receiver.port();
    }

    private static String aliceMessage() {
        return "Authentication-Results: " + ID + "; spf=pass smtp.mailfrom=example.org\r\n"
                + "From: Alice <alice@example.org>\r\nTo: subscribe@example.com\r\nSubject: subscribe\r\n"
                + "Message-ID: <a1@example.org>\r\n\r\nplease\r\n";
    }

    private static String signedByAlice() {
        byte[] signed = new DkimSigner(new DkimKey("example.org", "s1", aliceKey.getPrivate()))
                .sign(aliceMessage().getBytes(StandardCharsets.US_ASCII));
        return new String(signed, StandardCharsets.US_ASCII);
    }

    /** Sends one message from alice@example.org; returns the reply to its data. */
    private static String send(int port, String message) throws Exception {
        return send(port, message, "");
    }

    /** The same, after {@code proxyHeader} (e.g. a PROXY protocol v1 line). */
    private static String send(int port, String message, String proxyHeader) throws Exception {
        return send(port, message, proxyHeader, "127.0.0.1");
    }

    /** The same, from the client address {@code source}. */
    private static String send(int port, String message, String proxyHeader, String source) throws Exception {
        java.net.Socket s = new java.net.Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        try (SmtpClient c = new SmtpClient(s)) {
            c.send(proxyHeader);
            c.reply();
            c.cmd("EHLO client.example.net");
            c.cmd("MAIL FROM:<alice@example.org>");
            c.cmd("RCPT TO:<subscribe@example.com>");
            c.cmd("DATA");
            return c.cmd(message + ".");
        }
    }

    private String aliceState() {
        return storage.get("subscriptions", "alice@example.org");
    }

    private void awaitRouted(int undeliverableCount, String state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((undeliverable.count() < undeliverableCount || !aliceState().equals(state)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100); // nothing more arrives
        assertEquals(undeliverableCount, undeliverable.count());
        assertEquals(state, aliceState());
    }

    @Test
    void aForgedSenderCannotMoveAlicesStateButHerSignedMailDoes() throws Exception {
        int port = start(false, false, dns.resolver(), Duration.ofSeconds(10));
        assertTrue(send(port, aliceMessage()).startsWith("250"), "accepted, then kept for the administrator");
        awaitRouted(1, "START");
        EnvelopeHeaders.Unwrapped kept = EnvelopeHeaders.unwrap(undeliverable.pop().orElseThrow().message());
        assertTrue(kept.reason().contains("accepts only authenticated senders and <alice@example.org> is not"), kept.reason());
        assertTrue(kept.reason().contains("spf=fail smtp.mailfrom=example.org; dkim=none; dmarc=fail"), kept.reason());

        assertTrue(send(port, signedByAlice()).startsWith("250"));
        awaitRouted(0, "SUBSCRIBED");
        assertEquals(1, subscriptions.resultsSeen.size(), "the forged Authentication-Results claiming our id is gone: "
                + subscriptions.resultsSeen);
        String ours = subscriptions.resultsSeen.get(0);
        assertTrue(ours.startsWith(ID + ";") && ours.contains("spf=fail") && ours.contains("dkim=pass header.d=example.org header.s=s1")
                && ours.contains("dmarc=pass header.from=example.org policy.dmarc=reject"), ours);
    }

    @Test
    void spfChecksTheClientAddressThePROXYHeaderGives() throws Exception {
        ConnectionSecurity proxied = new ConnectionSecurity(null, false, ProxyPolicy.trusting(List.of("127.0.0.0/8")));
        int port = start(false, false, dns.resolver(), Duration.ofSeconds(10), proxied);
        // the load balancer says the client is 192.0.2.1, the address Alice's SPF record allows
        assertTrue(send(port, aliceMessage(), "PROXY TCP4 192.0.2.1 127.0.0.1 40000 25\r\n").startsWith("250"));
        awaitRouted(0, "SUBSCRIBED");
        assertTrue(subscriptions.resultsSeen.get(0).contains("spf=pass smtp.mailfrom=example.org"), subscriptions.resultsSeen.toString());
    }

    @Test
    void receiverAuthRejectRefusesTheForgeryAtTheEndOfData() throws Exception {
        int port = start(true, false, dns.resolver(), Duration.ofSeconds(10));
        String reply = send(port, aliceMessage());
        assertTrue(reply.startsWith("550 5.7.26 Subscriptions.START accepts only authenticated senders"), reply);
        assertTrue(send(port, signedByAlice()).startsWith("250"));
        awaitRouted(0, "SUBSCRIBED");
    }

    @Test
    void dmarcEnforceRefusesFailuresOfARejectPolicy() throws Exception {
        int port = start(false, true, dns.resolver(), Duration.ofSeconds(10));
        String reply = send(port, aliceMessage());
        assertTrue(reply.startsWith("550 5.7.26 Unauthenticated mail from example.org is refused by its DMARC policy"), reply);
        assertTrue(send(port, signedByAlice()).startsWith("250"));
        awaitRouted(0, "SUBSCRIBED");
    }

    @Test
    void aTrustedNetworkCountsAsAuthenticatedAndSaysAuthLocal() throws Exception {
        limits = ClientLimits.NONE.trusting(IpNetworks.parse(List.of("127.0.0.1/32")));
        int port = start(true, true, dns.resolver(), Duration.ofSeconds(10));
        String outside = send(port, aliceMessage(), "", "127.0.0.2");
        assertTrue(outside.startsWith("550 5.7.26"), "outside the trusted network the forgery is refused: " + outside);
        // from 127.0.0.1 SPF fails and DMARC says reject, yet the client is one of ours (Postfix's permit_mynetworks)
        assertTrue(send(port, aliceMessage()).startsWith("250"));
        awaitRouted(0, "SUBSCRIBED");
        String ours = subscriptions.resultsSeen.get(0);
        assertTrue(ours.contains("spf=fail smtp.mailfrom=example.org") && ours.contains("auth=local"), ours);
    }

    @Test
    void withoutChecksATrustedClientIsAuthenticatedToo() throws Exception {
        Router router = Router.builder().defaultCapture("host", "example\\.com").storage(storage)
                .undeliverable(undeliverable).handlers(subscriptions).build();
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 1_000_000, 10,
                Duration.ofSeconds(30), 20, 2), router, new MemoryQueue())
                .limits(ClientLimits.NONE.trusting(IpNetworks.parse(List.of("127.0.0.1/32"))));
        receiver.start();
        assertTrue(send(receiver.port(), aliceMessage(), "", "127.0.0.2").startsWith("250"));
        awaitRouted(1, "START");
        String reason = EnvelopeHeaders.unwrap(undeliverable.pop().orElseThrow().message()).reason();
        assertTrue(reason.contains("no checks ran"), reason);
        assertTrue(send(receiver.port(), aliceMessage()).startsWith("250"));
        awaitRouted(0, "SUBSCRIBED");
    }

    @Test
    void aSilentDnsServerGivesTemperrorWithoutHangingTheSession() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            DnsResolver blind = new DnsResolver(new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())),
                    Duration.ofSeconds(5), 10));
            int port = start(false, false, blind, Duration.ofMillis(1500));
            long begin = System.nanoTime();
            String reply = send(port, signedByAlice());
            long ms = (System.nanoTime() - begin) / 1_000_000;
            assertTrue(reply.startsWith("250"), reply);
            assertTrue(ms < 4_000, "the session waited " + ms + " ms");
            awaitRouted(1, "START");
            String reason = EnvelopeHeaders.unwrap(undeliverable.pop().orElseThrow().message()).reason();
            assertTrue(reason.contains("spf=temperror"), reason);
        }
    }

    @Test
    void withRejectOnATemporaryFailureAsksTheClientToRetry() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            DnsResolver blind = new DnsResolver(new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())),
                    Duration.ofMillis(300), 10));
            int port = start(true, true, blind, Duration.ofSeconds(10));
            String reply = send(port, signedByAlice());
            assertTrue(reply.startsWith("451 4.4.3 Cannot authenticate the sender now"), reply);
            assertEquals("START", aliceState());
        }
    }
}
