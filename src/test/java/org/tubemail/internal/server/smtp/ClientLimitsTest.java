package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.guard.ClientLimits;
import org.tubemail.internal.server.guard.IpNetworks;
import org.tubemail.internal.server.proxy.ProxyPolicy;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-client limits over real connections: clients bind 127.0.0.2, 127.0.0.3 ... as their source
 * address (all of 127/8 is local) to be different clients, while 127.0.0.1 plays the legitimate
 * sender. Rate windows are an hour long, so that no window ends during a test.
 */
class ClientLimitsTest {

    private final SmtpReceiverTest.Inbox inbox = new SmtpReceiverTest.Inbox();
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    private final List<SmtpClient> clients = new ArrayList<>();
    private SmtpReceiver receiver;

    private final Monitor monitor = new Monitor() {
        @Override
        public void clientRefused(String client, String reason, String reply) {
            refused.add(client + " " + reason);
        }
    };

    private int start(ClientLimits limits) throws IOException {
        return start(limits, ConnectionSecurity.NONE, 100);
    }

    private int start(ClientLimits limits, ConnectionSecurity security, int maxConnections) throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").defaultCapture("user", "[^@]+")
                .monitor(monitor).handlers(inbox).build();
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10,
                Duration.ofSeconds(30), maxConnections, 2), router, new MemoryQueue(), security).limits(limits);
        receiver.start();
        return receiver.port();
    }

    private static ClientLimits limits(int sessions, int connections, int messages, int recipients) {
        return new ClientLimits(sessions, connections, messages, recipients, Duration.ofHours(1), 64, 1_000, IpNetworks.NONE);
    }

    @AfterEach
    void stop() throws IOException {
        for (SmtpClient c : clients) {
            c.close();
        }
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
    }

    /** A client connected from {@code source}, kept open until the test ends. */
    private SmtpClient from(String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", receiver.port()), 5000);
        SmtpClient c = new SmtpClient(s);
        clients.add(c);
        return c;
    }

    /** Sends one whole message on a greeted client; returns the reply to its data. */
    private static String send(SmtpClient c, String subject) throws IOException {
        assertTrue(c.cmd("EHLO client.example.org").startsWith("250"));
        assertTrue(c.cmd("MAIL FROM:<alice@example.org>").startsWith("250"));
        assertTrue(c.cmd("RCPT TO:<bob@example.com>").startsWith("250"));
        assertTrue(c.cmd("DATA").startsWith("354"));
        return c.cmd("Subject: " + subject + "\r\n\r\nhi\r\n.");
    }

    @Test
    void aClientPastItsSessionsGets421WhileOthersAreServed() throws Exception {
        start(limits(3, 0, 0, 0));
        List<SmtpClient> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SmtpClient c = from("127.0.0.2");
            assertTrue(c.reply().startsWith("220"));
            held.add(c);
        }
        SmtpClient fourth = from("127.0.0.2");
        assertEquals("421 4.7.0 Too many connections from 127.0.0.2 (limit 3 per client), try again later", fourth.reply());
        assertEquals("(closed)", fourth.reply());

        SmtpClient legit = from("127.0.0.1");
        assertTrue(legit.reply().startsWith("220"), "another client is greeted");
        assertTrue(send(legit, "legit").startsWith("250"));
        assertTrue(inbox.arrivals.await(10, TimeUnit.SECONDS));

        held.get(0).cmd("QUIT"); // one session ends: the client may open another
        String greeting = "";
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < deadline; Thread.sleep(20)) {
            greeting = from("127.0.0.2").reply();
            if (greeting.startsWith("220")) {
                break;
            }
        }
        assertTrue(greeting.startsWith("220"), greeting);
        assertTrue(refused.contains("127.0.0.2 client_connections"), refused.toString());
        assertTrue(refused.stream().allMatch(r -> r.equals("127.0.0.2 client_connections")), refused.toString());
    }

    @Test
    void newConnectionsPerWindowAreLimited() throws Exception {
        start(limits(0, 3, 0, 0));
        for (int i = 0; i < 3; i++) {
            SmtpClient c = from("127.0.0.2");
            assertTrue(c.reply().startsWith("220"));
            assertTrue(c.cmd("QUIT").startsWith("221"));
        }
        assertEquals("421 4.7.0 Too many connections from 127.0.0.2 (limit 3 per hour), try again later", from("127.0.0.2").reply());
        SmtpClient legit = from("127.0.0.1");
        assertTrue(legit.reply().startsWith("220"));
        assertEquals(List.of("127.0.0.2 client_connection_rate"), refused);
    }

    @Test
    void messagesAndRecipientsPerWindowGet450AtMailAndRcpt() throws Exception {
        start(limits(0, 0, 2, 3));
        SmtpClient c = from("127.0.0.2");
        c.reply();
        assertTrue(send(c, "first").startsWith("250"), "MAIL 1, RCPT 1");
        assertTrue(inbox.arrivals.await(10, TimeUnit.SECONDS));
        assertTrue(c.cmd("MAIL FROM:<alice@example.org>").startsWith("250"), "MAIL 2");
        assertTrue(c.cmd("RCPT TO:<bob@example.com>").startsWith("250"), "RCPT 2");
        assertTrue(c.cmd("RCPT TO:<carol@example.com>").startsWith("250"), "RCPT 3");
        assertEquals("450 4.7.1 Too many recipients from 127.0.0.2 (limit 3 per hour), try again later",
                c.cmd("RCPT TO:<dave@example.com>"));
        assertTrue(c.cmd("RSET").startsWith("250"));
        assertEquals("450 4.7.1 Too many messages from 127.0.0.2 (limit 2 per hour), try again later",
                c.cmd("MAIL FROM:<alice@example.org>"));
        assertTrue(c.cmd("NOOP").startsWith("250"), "the session goes on");

        SmtpClient other = from("127.0.0.3");
        other.reply();
        inbox.arrivals = new CountDownLatch(1);
        assertTrue(send(other, "other").startsWith("250"), "another client has its own counts");
        assertTrue(inbox.arrivals.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("127.0.0.2 client_recipient_rate", "127.0.0.2 client_message_rate"), refused);
    }

    @Test
    void aTrustedNetworkIsExemptFromEveryLimit() throws Exception {
        start(limits(1, 1, 1, 1).trusting(IpNetworks.parse(List.of("127.0.0.3/32"))));
        inbox.arrivals = new CountDownLatch(6);
        List<SmtpClient> trusted = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // three sessions at once, three connections in the window
            SmtpClient c = from("127.0.0.3");
            assertTrue(c.reply().startsWith("220"));
            trusted.add(c);
        }
        for (SmtpClient c : trusted) { // six messages and six recipients in the window
            for (int m = 0; m < 2; m++) {
                assertTrue(send(c, "trusted").startsWith("250"));
            }
        }
        assertTrue(inbox.arrivals.await(10, TimeUnit.SECONDS));
        assertTrue(from("127.0.0.2").reply().startsWith("220"));
        assertTrue(from("127.0.0.2").reply().startsWith("421 4.7.0 Too many connections from 127.0.0.2"), "the limits hold elsewhere");
        assertEquals(List.of("127.0.0.2 client_connections"), refused);
    }

    /** A PROXY protocol v2 header for a TCP over IPv4 client {@code a.b.c.d}. */
    private static byte[] proxyV2(int a, int b, int c, int d) {
        ByteBuffer h = ByteBuffer.allocate(28);
        h.put(new byte[]{'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n', 0x21, 0x11, 0, 12});
        h.put(new byte[]{(byte) a, (byte) b, (byte) c, (byte) d, 127, 0, 0, 1});
        h.putShort((short) 40000).putShort((short) 25);
        return h.array();
    }

    @Test
    void behindATrustedProxyTheClientInTheHeaderIsCounted() throws Exception {
        start(limits(1, 0, 0, 0), new ConnectionSecurity(null, false, ProxyPolicy.trusting(List.of("127.0.0.1/32"))), 100);
        SmtpClient first = from("127.0.0.1");
        first.socket().getOutputStream().write(proxyV2(192, 0, 2, 7));
        assertTrue(first.reply().startsWith("220"), "the proxy's own address is not what counts");
        SmtpClient second = from("127.0.0.1");
        second.socket().getOutputStream().write(proxyV2(192, 0, 2, 7));
        assertEquals("421 4.7.0 Too many connections from 192.0.2.7 (limit 1 per client), try again later", second.reply());
        SmtpClient third = from("127.0.0.1");
        third.socket().getOutputStream().write(proxyV2(192, 0, 2, 8));
        assertTrue(third.reply().startsWith("220"));
        assertTrue(send(third, "proxied").startsWith("250"));
        // IPv6 clients behind the proxy count by their /64
        SmtpClient v6 = from("127.0.0.1");
        v6.send("PROXY TCP6 2001:db8:1:2::7 2001:db8::1 40000 25\r\n");
        assertTrue(v6.reply().startsWith("220"));
        SmtpClient sameNet = from("127.0.0.1");
        sameNet.send("PROXY TCP6 2001:db8:1:2::8 2001:db8::1 40000 25\r\n");
        assertEquals("421 4.7.0 Too many connections from 2001:db8:1:2:0:0:0:0/64 (limit 1 per client), try again later",
                sameNet.reply());
        SmtpClient nextNet = from("127.0.0.1");
        nextNet.send("PROXY TCP6 2001:db8:1:3::7 2001:db8::1 40000 25\r\n");
        assertTrue(nextNet.reply().startsWith("220"));
        assertEquals(List.of("192.0.2.7 client_connections", "2001:db8:1:2:0:0:0:0/64 client_connections"), refused);
    }

    @Test
    void atTheLastWallAClientHoldingSeveralConnectionsMakesRoomForANewcomer() throws Exception {
        start(ClientLimits.DEFAULTS, ConnectionSecurity.NONE, 3);
        SmtpClient first = from("127.0.0.2");
        assertTrue(first.reply().startsWith("220"));
        Thread.sleep(20); // the first is the quietest of the three
        SmtpClient second = from("127.0.0.2");
        assertTrue(second.reply().startsWith("220"));
        SmtpClient third = from("127.0.0.2");
        assertTrue(third.reply().startsWith("220"));
        assertTrue(second.cmd("NOOP").startsWith("250")); // active: the first stays the quietest
        assertTrue(third.cmd("NOOP").startsWith("250"));
        SmtpClient newcomer = from("127.0.0.1");
        assertTrue(newcomer.reply().startsWith("220"), "the wall is full, of one client's connections: the newcomer gets in");
        assertTrue(first.reply().startsWith("421 4.3.2"), "the holder's quietest connection made room");
        assertTrue(second.cmd("NOOP").startsWith("250"));
        assertEquals(List.of("127.0.0.2 max_connections_yield"), refused);
        // one connection each now but the holder's two: a third client still finds room, a fourth does not
        assertTrue(from("127.0.0.3").reply().startsWith("220"));
        assertTrue(from("127.0.0.4").reply().startsWith("421 4.3.2"));
        assertEquals(List.of("127.0.0.2 max_connections_yield", "127.0.0.2 max_connections_yield", "127.0.0.4 max_connections"), refused);
    }

    @Test
    void theListenersOwnLimitStaysTheLastWallAndIsReported() throws Exception {
        start(ClientLimits.DEFAULTS, ConnectionSecurity.NONE, 2);
        assertTrue(from("127.0.0.2").reply().startsWith("220"));
        assertTrue(from("127.0.0.3").reply().startsWith("220"));
        assertTrue(from("127.0.0.4").reply().startsWith("421 4.3.2"));
        assertEquals(List.of("127.0.0.4 max_connections"), refused);
    }
}
