package org.tubemail.internal.server.guard;

import org.junit.jupiter.api.Test;
import org.tubemail.internal.monitor.Monitor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limiter's counting on a clock the test moves: sessions, windows, trusted networks, the table's bound. */
class ClientLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> refused = new ArrayList<>();
    private final Monitor monitor = new Monitor() {
        @Override
        public void clientRefused(String client, String reason, String reply) {
            refused.add(client + " " + reason + " " + reply);
        }
    };

    private ClientLimiter limiter(ClientLimits limits) {
        return new ClientLimiter(limits, monitor, now::get);
    }

    private static ClientLimits limits(int sessions, int connections, int messages, int recipients) {
        return new ClientLimits(sessions, connections, messages, recipients, Duration.ofMinutes(1), 64, 1_000, IpNetworks.NONE);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void concurrentSessionsAreCountedPerClientAndFreedOnClose() {
        ClientLimiter l = limiter(limits(2, 0, 0, 0));
        ClientSession a = l.connect(ip("192.0.2.1"));
        ClientSession b = l.connect(ip("192.0.2.1"));
        assertNull(a.refusal());
        assertNull(b.refusal());
        assertEquals("421 4.7.0 Too many connections from 192.0.2.1 (limit 2 per client), try again later",
                l.connect(ip("192.0.2.1")).refusal());
        assertNull(l.connect(ip("192.0.2.2")).refusal(), "another client is not affected");
        a.close();
        a.close(); // twice frees one session only
        assertNull(l.connect(ip("192.0.2.1")).refusal());
        assertTrue(l.connect(ip("192.0.2.1")).refusal().startsWith("421 4.7.0"));
        assertEquals(List.of(
                "192.0.2.1 client_connections 421 4.7.0 Too many connections from 192.0.2.1 (limit 2 per client), try again later",
                "192.0.2.1 client_connections 421 4.7.0 Too many connections from 192.0.2.1 (limit 2 per client), try again later"),
                refused);
    }

    @Test
    void ratesCountPerWindowAndStartAgainInTheNext() {
        ClientLimiter l = limiter(limits(0, 2, 2, 3));
        ClientSession s = l.connect(ip("192.0.2.1"));
        assertNull(l.connect(ip("192.0.2.1")).refusal());
        assertEquals("421 4.7.0 Too many connections from 192.0.2.1 (limit 2 per minute), try again later",
                l.connect(ip("192.0.2.1")).refusal());
        assertNull(s.mail());
        assertNull(s.mail());
        assertEquals("450 4.7.1 Too many messages from 192.0.2.1 (limit 2 per minute), try again later", s.mail());
        for (int i = 0; i < 3; i++) {
            assertNull(s.recipient());
        }
        assertEquals("450 4.7.1 Too many recipients from 192.0.2.1 (limit 3 per minute), try again later", s.recipient());
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertTrue(s.mail() != null, "still the same window");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertNull(s.mail(), "a new window");
        assertNull(s.recipient());
        assertNull(l.connect(ip("192.0.2.1")).refusal());
        assertEquals(List.of("client_connection_rate", "client_message_rate", "client_recipient_rate", "client_message_rate"),
                refused.stream().map(r -> r.split(" ")[1]).toList());
    }

    @Test
    void theWindowIsNamedInTheReply() {
        ClientLimiter l = limiter(new ClientLimits(0, 0, 1, 0, Duration.ofSeconds(30), 64, 1_000, IpNetworks.NONE));
        ClientSession s = l.connect(ip("192.0.2.1"));
        assertNull(s.mail());
        assertEquals("450 4.7.1 Too many messages from 192.0.2.1 (limit 1 per 30 seconds), try again later", s.mail());
    }

    @Test
    void ipv6ClientsAreCountedByTheirNetwork() {
        ClientLimiter l = limiter(limits(1, 0, 0, 0));
        assertNull(l.connect(ip("2001:db8:1:2::1")).refusal());
        assertEquals("421 4.7.0 Too many connections from 2001:db8:1:2:0:0:0:0/64 (limit 1 per client), try again later",
                l.connect(ip("2001:db8:1:2::99")).refusal());
        assertNull(l.connect(ip("2001:db8:1:3::1")).refusal());
    }

    @Test
    void trustedNetworksAreNeverCounted() {
        ClientLimiter l = limiter(limits(1, 1, 1, 1).trusting(IpNetworks.parse(List.of("192.0.2.0/24", "2001:db8::/32"))));
        for (int i = 0; i < 5; i++) {
            ClientSession s = l.connect(ip("192.0.2." + (i % 2 + 1)));
            assertNull(s.refusal());
            assertTrue(s.trusted());
            assertNull(s.mail());
            assertNull(s.recipient());
            assertNull(l.connect(ip("2001:db8:ffff::1")).refusal());
        }
        assertEquals(0, l.tracked());
        ClientSession outside = l.connect(ip("198.51.100.1"));
        assertFalse(outside.trusted());
        assertTrue(l.connect(ip("198.51.100.1")).refusal().startsWith("421 4.7.0"));
        // limits off: nobody is counted, but the trusted are still trusted
        ClientLimiter off = limiter(ClientLimits.NONE.trusting(IpNetworks.parse(List.of("127.0.0.1/32"))));
        assertTrue(off.connect(ip("127.0.0.1")).trusted());
        assertFalse(off.connect(ip("127.0.0.2")).trusted());
        assertEquals(0, off.tracked());
    }

    @Test
    void aFloodFromManyAddressesKeepsTheTableWithinItsBound() {
        ClientLimiter l = new ClientLimiter(new ClientLimits(50, 120, 300, 1000, Duration.ofMinutes(1), 64, 1_000, IpNetworks.NONE),
                monitor, now::get);
        List<ClientSession> open = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            ClientSession s = l.connect(ip("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff)));
            assertNull(s.refusal());
            if (i % 1000 == 0) {
                open.add(s); // some stay connected: never forgotten
            } else {
                s.mail();
                s.close();
            }
            assertTrue(l.tracked() <= 1_000 + open.size(), "table of " + l.tracked() + " after " + (i + 1) + " clients");
        }
        assertEquals(1_000, l.tracked(), "full, and no bigger");
        // the clients still connected were not forgotten: their sessions still count
        ClientLimiter one = new ClientLimiter(new ClientLimits(1, 0, 0, 0, Duration.ofMinutes(1), 64, 100, IpNetworks.NONE),
                monitor, now::get);
        ClientSession held = one.connect(ip("10.0.0.0"));
        for (int i = 1; i < 10_000; i++) {
            one.connect(ip("10.1." + (i >> 8) + "." + (i & 0xff))).close();
        }
        assertTrue(one.tracked() <= 100);
        assertTrue(one.connect(ip("10.0.0.0")).refusal().startsWith("421 4.7.0"), "the connected client is still counted");
        held.close();
        assertNull(one.connect(ip("10.0.0.0")).refusal());
    }

    @Test
    void networksAreCheckedAsTheyAreParsed() {
        IpNetworks n = IpNetworks.parse(List.of(" 10.0.0.0/8", "192.0.2.7", "::1/128 "));
        assertTrue(n.contains(ip("10.1.2.3")));
        assertTrue(n.contains(ip("192.0.2.7")));
        assertFalse(n.contains(ip("192.0.2.8")));
        assertTrue(n.contains(ip("::1")));
        assertFalse(n.contains(ip("::2")));
        assertEquals("'10.0.0.0/33': prefix length out of range",
                assertThrows(IllegalArgumentException.class, () -> IpNetworks.parse(List.of("10.0.0.0/33"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IpNetworks.parse(List.of("mx.example.com"))).getMessage()
                .contains("'mx.example.com' is not an IP network"));
        assertTrue(IpNetworks.parse(List.of()).isEmpty());
    }
}
