package org.tubemail.internal.server.guard;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tubemail.internal.dns.DnsBlocklist;
import org.tubemail.internal.dns.DnsList;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.dns.DnsSettings;
import org.tubemail.internal.io.FreeSpace;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.proxy.ProxyPolicy;
import org.tubemail.internal.server.smtp.SmtpReceiver;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.mail.DnsblVerdict;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Dnsmasq;
import org.tubemail.support.Inbox;
import org.tubemail.support.SmtpClient;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DNS blocklists and allowlists over real SMTP, with the lists served by a real dnsmasq and clients
 * that bind loopback addresses 127.0.0.2 and up, so that each looks like another host.
 */
class DnsBlocklistSmtpTest {
    private static Dnsmasq dns;

    private final Inbox inbox = new Inbox();
    private final RecordingMonitor monitor = new RecordingMonitor();
    private SmtpReceiver receiver;

    @BeforeAll
    static void serveLists() throws Exception {
        dns = Dnsmasq.builder()
                .a("2.0.0.127.bl.test", "127.0.0.2")      // 127.0.0.2 is listed
                .a("3.0.0.127.bl.test", "127.0.0.20")     // 127.0.0.3 is listed with a code the filter leaves out
                .a("4.0.0.127.bl.test", "127.0.0.2")      // 127.0.0.4 is listed ...
                .a("4.0.0.127.wl.test", "127.0.10.1")     // ... and allowlisted
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

    private int start(DnsResolver resolver, String blocklist, BlocklistScreen.Action action) throws Exception {
        return start(resolver, blocklist, action, null);
    }

    private int start(DnsResolver resolver, String blocklist, BlocklistScreen.Action action, Greylist greylist) throws Exception {
        return start(resolver, blocklist, action, greylist, ConnectionSecurity.NONE);
    }

    private int start(DnsResolver resolver, String blocklist, BlocklistScreen.Action action, Greylist greylist,
                      ConnectionSecurity security) throws Exception {
        Router router = Router.builder().defaultCapture("host", "example\\.com").storage(new MemoryStorage())
                .undeliverable(new MemoryQueue()).monitor(monitor).handlers(inbox).build();
        DnsBlocklist lists = new DnsBlocklist(resolver, List.of(DnsList.parse(blocklist)), List.of(DnsList.parse("wl.test*2")), 1);
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 1_000_000, 10,
                Duration.ofSeconds(30), 20, 2), router, new MemoryQueue(), FreeSpace.unlimited(), SmtpReceiver.DataReply.SPOOLED,
                security).guards(new BlocklistScreen(lists, action, a -> false), greylist);
        receiver.start();
        return receiver.port();
    }

    /** A client connected from {@code source}, greeted, with {@code MAIL} given; returns the reply to {@code RCPT}. */
    private static SmtpClient from(String source, int port) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port));
        SmtpClient c = new SmtpClient(s);
        assertTrue(c.reply().startsWith("220"));
        assertTrue(c.cmd("EHLO client.example.net").startsWith("250"));
        assertTrue(c.cmd("MAIL FROM:<bob@example.net>").startsWith("250"));
        return c;
    }

    /** Sends a whole message from {@code source}; returns the replies to RCPT and to the end of DATA (or "-"). */
    private static List<String> send(String source, int port) throws Exception {
        return send(source, port, "From: bob@example.net\r\nSubject: hi\r\n\r\nhello\r\n");
    }

    /** Sends {@code message} (CRLF lines, ending with one) from {@code source}; returns the replies to RCPT and to the end of DATA (or "-"). */
    private static List<String> send(String source, int port, String message) throws Exception {
        try (SmtpClient c = from(source, port)) {
            String rcpt = c.cmd("RCPT TO:<alice@example.com>");
            if (!rcpt.startsWith("250")) return List.of(rcpt, "-");
            assertTrue(c.cmd("DATA").startsWith("354"));
            return List.of(rcpt, c.cmd(message + "."));
        }
    }

    private MailRequest awaitOne() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (inbox.seen.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(1, inbox.seen.size(), "one message arrived");
        return inbox.seen.get(0);
    }

    @Test
    void aListedClientGets554AtRcptNamingTheListWhileOthersAreServed() throws Exception {
        int port = start(dns.resolver(), "bl.test=127.0.0.2-127.0.0.11", BlocklistScreen.Action.REJECT);
        try (SmtpClient c = from("127.0.0.2", port)) {
            assertEquals("554 5.7.1 Service unavailable; client 127.0.0.2 listed by bl.test", c.cmd("RCPT TO:<alice@example.com>"));
            assertEquals("554 5.7.1 Service unavailable; client 127.0.0.2 listed by bl.test", c.cmd("RCPT TO:<carol@example.com>"));
            assertTrue(c.cmd("DATA").startsWith("554 5.5.1"), "no recipient was taken");
        }
        assertEquals(List.of("127.0.0.2 dnsbl 554 5.7.1 Service unavailable; client 127.0.0.2 listed by bl.test",
                "127.0.0.2 dnsbl 554 5.7.1 Service unavailable; client 127.0.0.2 listed by bl.test"), monitor.snapshot());

        List<String> clean = send("127.0.0.1", port);
        assertTrue(clean.get(1).startsWith("250"), clean.toString());
        MailRequest m = awaitOne();
        assertEquals(DnsblVerdict.NONE, m.dnsbl());
        assertTrue(m.headers(BlocklistScreen.HEADER).isEmpty(), "no list named 127.0.0.1, so no header");
    }

    @Test
    void theReturnCodeFilterLeavesOutOtherCodes() throws Exception {
        int port = start(dns.resolver(), "bl.test=127.0.0.2-127.0.0.11", BlocklistScreen.Action.REJECT);
        List<String> replies = send("127.0.0.3", port); // bl.test answers 127.0.0.20 for it
        assertTrue(replies.get(1).startsWith("250"), replies.toString());
        awaitOne();
        receiver.stop(Duration.ofSeconds(5));

        port = start(dns.resolver(), "bl.test", BlocklistScreen.Action.REJECT); // without a filter, the same answer counts
        assertEquals("554 5.7.1 Service unavailable; client 127.0.0.3 listed by bl.test", send("127.0.0.3", port).get(0));
        assertTrue(monitor.snapshot().stream().allMatch(r -> r.startsWith("127.0.0.3 dnsbl 554 5.7.1")) && monitor.snapshot().size() == 1,
                monitor.snapshot().toString());
    }

    @Test
    void anAllowlistCancelsABlocklist() throws Exception {
        int port = start(dns.resolver(), "bl.test=127.0.0.2-127.0.0.11", BlocklistScreen.Action.REJECT);
        List<String> replies = send("127.0.0.4", port);
        assertTrue(replies.get(1).startsWith("250"), replies.toString());
        MailRequest m = awaitOne();
        assertFalse(m.dnsbl().listed());
        assertTrue(m.dnsbl().allowlisted());
        assertEquals(-1, m.dnsbl().score());
        assertEquals(List.of("clean score=-1 threshold=1 bl.test=127.0.0.2*1 wl.test=127.0.10.1*-2"), m.headers(BlocklistScreen.HEADER));
        assertEquals(List.of(), monitor.snapshot());
    }

    @Test
    void tagModeTakesTheMailWithAHeaderAndAVerdict() throws Exception {
        int port = start(dns.resolver(), "bl.test=127.0.0.2-127.0.0.11", BlocklistScreen.Action.TAG);
        List<String> replies = send("127.0.0.2", port);
        assertTrue(replies.get(0).startsWith("250") && replies.get(1).startsWith("250"), replies.toString());
        MailRequest m = awaitOne();
        assertTrue(m.dnsbl().listed());
        assertEquals(List.of(new DnsblVerdict.Hit("bl.test", "127.0.0.2", 1)), m.dnsbl().hits());
        assertEquals(List.of("listed score=1 threshold=1 bl.test=127.0.0.2*1"), m.headers(BlocklistScreen.HEADER));
        assertEquals(List.of(), monitor.snapshot(), "tagging refuses nothing");
    }

    @Test
    void aClientCannotForgeTheVerdictWithItsOwnTubemailHeaders() throws Exception {
        int port = start(dns.resolver(), "bl.test=127.0.0.2-127.0.0.11", BlocklistScreen.Action.TAG);
        String forged = "X-Tubemail-DNSBL: clean score=-9 threshold=1\r\nx-tubemail-dnsbl: clean\r\nFrom: bob@example.net\r\n"
                + "X-Tubemail-Authentication: spf=pass\r\n dkim=pass (folded)\r\nX-Tubemail-Dnsbl-Verdict: clean\r\nSubject: hi\r\n"
                + "X-Other: kept\r\n\r\nX-Tubemail-DNSBL: a body line stays\r\n";
        List<String> replies = send("127.0.0.2", port, forged); // listed by bl.test
        assertTrue(replies.get(1).startsWith("250"), replies.toString());
        MailRequest m = awaitOne();
        assertEquals(List.of("listed score=1 threshold=1 bl.test=127.0.0.2*1"), m.headers(BlocklistScreen.HEADER), "only the server's verdict");
        assertTrue(m.dnsbl().listed());
        for (String name : List.of("X-Tubemail-Authentication", "X-Tubemail-Dnsbl-Verdict")) {
            assertEquals(List.of(), m.headers(name), name + " is the server's to write");
        }
        assertEquals(List.of("kept"), m.headers("X-Other"));
        assertEquals("hi", m.subject());
        String raw = new String(m.raw(), java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(raw.endsWith("\r\n\r\nX-Tubemail-DNSBL: a body line stays\r\n"), raw);

        inbox.seen.clear();
        replies = send("127.0.0.1", port, forged); // listed nowhere: the server adds no header, and the client's are gone
        assertTrue(replies.get(1).startsWith("250"), replies.toString());
        m = awaitOne();
        assertEquals(List.of(), m.headers(BlocklistScreen.HEADER));
        assertEquals(DnsblVerdict.NONE, m.dnsbl());
    }

    @Test
    void aDnsServerThatNeverAnswersRefusesNoMail() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            DnsResolver deaf = new DnsResolver(new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())),
                    Duration.ofSeconds(1), DnsSettings.DEFAULT_CACHE_SIZE));
            int port = start(deaf, "bl.test=127.0.0.2-127.0.0.11", BlocklistScreen.Action.REJECT);
            List<String> replies = send("127.0.0.2", port); // listed, but the lists cannot be asked
            assertTrue(replies.get(0).startsWith("250") && replies.get(1).startsWith("250"), replies.toString());
            assertEquals(DnsblVerdict.NONE, awaitOne().dnsbl());
        }
        assertEquals(List.of(), monitor.snapshot());
    }

    @Test
    void anAllowlistedClientIsNotGreylistedWhileOthersAreAtTheEndOfData() throws Exception {
        Greylist greylist = new Greylist(new MemoryGreylistStore(), Greylist.Settings.defaults(), a -> false, java.time.Clock.systemUTC());
        int port = start(dns.resolver(), "bl.test=127.0.0.2-127.0.0.11", BlocklistScreen.Action.REJECT, greylist);
        List<String> unknown = send("127.0.0.1", port);
        assertEquals(List.of("250 2.1.5 Ok", "451 4.7.1 Greylisted, please try again in 300 seconds"), unknown);
        List<String> allowlisted = send("127.0.0.4", port);
        assertTrue(allowlisted.get(1).startsWith("250"), allowlisted.toString());
        assertTrue(awaitOne().dnsbl().allowlisted());
        assertEquals(List.of("127.0.0.1 greylist 451 4.7.1 Greylisted, please try again in 300 seconds"), monitor.snapshot());
    }

    @Test
    void behindATrustedProxyTheClientThePROXYHeaderNamesIsLookedUp() throws Exception {
        ConnectionSecurity proxied = new ConnectionSecurity(null, false, ProxyPolicy.trusting(List.of("127.0.0.0/8")));
        int port = start(dns.resolver(), "bl.test=127.0.0.2-127.0.0.11", BlocklistScreen.Action.REJECT, null, proxied);
        try (SmtpClient c = new SmtpClient(port)) { // connects from 127.0.0.1, which no list names
            c.send("PROXY TCP4 127.0.0.2 127.0.0.1 40000 25\r\n");
            assertTrue(c.reply().startsWith("220"));
            c.cmd("EHLO client.example.net");
            c.cmd("MAIL FROM:<bob@example.net>");
            assertEquals("554 5.7.1 Service unavailable; client 127.0.0.2 listed by bl.test", c.cmd("RCPT TO:<alice@example.com>"));
        }
    }

    @Test
    void aRcptThatComesBeforeTheListsAnsweredWaitsForThem() throws Exception {
        try (SlowDns slow = new SlowDns(dns.port(), Duration.ofMillis(1500))) {
            DnsResolver resolver = new DnsResolver(new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", slow.port())),
                    Duration.ofSeconds(5), DnsSettings.DEFAULT_CACHE_SIZE));
            int port = start(resolver, "bl.test=127.0.0.2-127.0.0.11", BlocklistScreen.Action.REJECT);
            try (SmtpClient c = from("127.0.0.2", port)) { // pipelined with the next command: before the 1.5 s answer
                c.send("RCPT TO:<alice@example.com>\r\nNOOP\r\n");
                assertEquals("554 5.7.1 Service unavailable; client 127.0.0.2 listed by bl.test", c.reply());
                assertEquals("250 2.0.0 Ok", c.reply(), "the command after it is answered in order");
            }
            assertTrue(slow.forwarded() >= 2, "the answers went through the slow server: " + slow.forwarded());
        }
    }

    /** A DNS server in front of another that holds every query back for a while, so that the lists answer late. */
    private static final class SlowDns implements AutoCloseable {
        private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        private final java.util.concurrent.ScheduledExecutorService later = java.util.concurrent.Executors.newScheduledThreadPool(2);
        private final java.util.concurrent.atomic.AtomicInteger forwarded = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread reader;

        SlowDns(int upstreamPort, Duration delay) throws Exception {
            reader = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        java.net.DatagramPacket query = new java.net.DatagramPacket(new byte[4096], 4096);
                        socket.receive(query);
                        byte[] bytes = java.util.Arrays.copyOf(query.getData(), query.getLength());
                        java.net.SocketAddress client = query.getSocketAddress();
                        later.schedule(() -> relay(bytes, client, upstreamPort), delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (java.io.IOException e) {
                        return; // closed
                    }
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        private void relay(byte[] query, java.net.SocketAddress client, int upstreamPort) {
            try (DatagramSocket upstream = new DatagramSocket()) {
                upstream.setSoTimeout(5_000);
                upstream.send(new java.net.DatagramPacket(query, query.length, new InetSocketAddress("127.0.0.1", upstreamPort)));
                java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[4096], 4096);
                upstream.receive(answer);
                forwarded.incrementAndGet(); // before the answer leaves: the test reads the count once the server replied
                socket.send(new java.net.DatagramPacket(answer.getData(), answer.getLength(), client));
            } catch (java.io.IOException e) {
                // the resolver times out and the test says so
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        int forwarded() {
            return forwarded.get();
        }

        @Override
        public void close() {
            socket.close();
            later.shutdownNow();
        }
    }
}
