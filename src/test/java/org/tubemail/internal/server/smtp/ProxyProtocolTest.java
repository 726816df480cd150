package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.guard.ClientLimits;
import org.tubemail.internal.server.guard.IpNetworks;
import org.tubemail.internal.server.proxy.ProxyPolicy;
import org.tubemail.support.RealParts;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PROXY protocol behind a real HAProxy on loopback: the client connects from 127.0.0.2, HAProxy
 * (on 127.0.0.1, the trusted network) passes its address on, and the trace line and the envelope's
 * peer name 127.0.0.2. Headers from untrusted peers, and malformed ones, close the connection.
 */
class ProxyProtocolTest {

    private final SmtpReceiverTest.Inbox inbox = new SmtpReceiverTest.Inbox();
    private SmtpReceiver receiver;
    private Process haproxy;
    private ClientLimits limits = ClientLimits.NONE;

    private void start() throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").defaultCapture("user", "[^@]+").handlers(inbox).build();
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10, Duration.ofSeconds(5), 20, 2),
                router, new MemoryQueue(), new ConnectionSecurity(null, false, ProxyPolicy.trusting(List.of("127.0.0.1/32"))))
                .limits(limits);
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (haproxy != null) {
            haproxy.destroy();
        }
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts HAProxy with one frontend per PROXY version; returns {v1 port, v2 port}. */
    private int[] startHaproxy(Path dir) throws Exception {
        Path program = RealParts.require("haproxy", "haproxy");
        int v1 = freePort();
        int v2 = freePort();
        String config = """
                global
                    maxconn 100
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                frontend v1
                    bind 127.0.0.1:%d
                    default_backend tube_v1
                frontend v2
                    bind 127.0.0.1:%d
                    default_backend tube_v2
                backend tube_v1
                    server tube 127.0.0.1:%d send-proxy
                backend tube_v2
                    server tube 127.0.0.1:%d send-proxy-v2
                """.formatted(v1, v2, receiver.port(), receiver.port());
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        haproxy = new ProcessBuilder(program.toString(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        for (int port : new int[]{v1, v2}) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException e) {
                    assertTrue(haproxy.isAlive(), () -> "haproxy exited: " + read(dir.resolve("haproxy.log")));
                    assertTrue(System.nanoTime() < deadline, "haproxy did not listen on " + port);
                    Thread.sleep(50);
                }
            }
        }
        return new int[]{v1, v2};
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A connection from 127.0.0.2 (any 127/8 address is loopback on Linux). */
    private static Socket from127002(int port) throws IOException {
        return from("127.0.0.2", port);
    }

    /** A connection to 127.0.0.1:{@code port} from {@code source} (any 127/8 address). */
    static Socket from(String source, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void theRealClientAddressReachesTheTraceLineAndTheEnvelopeThroughHaproxy(@TempDir Path dir) throws Exception {
        start();
        int[] ports = startHaproxy(dir);
        inbox.arrivals = new java.util.concurrent.CountDownLatch(2);
        for (int port : ports) {
            try (Socket s = from127002(port); SmtpClient c = new SmtpClient(s)) {
                assertTrue(c.reply().startsWith("220"));
                c.cmd("EHLO client.example.org");
                c.cmd("MAIL FROM:<alice@example.org>");
                c.cmd("RCPT TO:<bob@example.com>");
                c.cmd("DATA");
                assertTrue(c.cmd("Subject: via haproxy\r\n\r\nhi\r\n.").startsWith("250 2.0.0"));
                c.cmd("QUIT");
            }
        }
        assertTrue(inbox.arrivals.await(10, TimeUnit.SECONDS));
        for (String trace : inbox.traces) {
            assertTrue(trace.startsWith("from client.example.org ([127.0.0.2])"), trace);
        }
        assertEquals(2, inbox.peers.size());
        inbox.peers.forEach(p -> assertTrue(p.startsWith("127.0.0.2:"), p));
    }

    @Test
    void perClientLimitsCountTheClientHaproxyNamesNotHaproxy(@TempDir Path dir) throws Exception {
        limits = new ClientLimits(1, 0, 0, 0, Duration.ofHours(1), 64, 1_000, IpNetworks.NONE);
        start();
        int v2 = startHaproxy(dir)[1];
        try (Socket a = from127002(v2); SmtpClient first = new SmtpClient(a)) {
            assertTrue(first.reply().startsWith("220"));
            try (Socket b = from127002(v2); SmtpClient second = new SmtpClient(b)) {
                assertEquals("421 4.7.0 Too many connections from 127.0.0.2 (limit 1 per client), try again later", second.reply());
            }
            try (Socket c = from("127.0.0.3", v2); SmtpClient other = new SmtpClient(c)) {
                assertTrue(other.reply().startsWith("220"), "another client behind the same proxy is served");
            }
        }
    }

    @Test
    void aHeaderFromAnUntrustedPeerOrAMalformedOneClosesTheConnection() throws Exception {
        start();
        // 127.0.0.2 is not trusted: it is a client itself, and may not claim another address
        try (Socket s = from127002(receiver.port()); SmtpClient c = new SmtpClient(s)) {
            assertTrue(c.reply().startsWith("220"), "greeted at once: not a proxy");
            c.send("PROXY TCP4 192.0.2.1 192.0.2.2 4000 25\r\n");
            assertEquals("(closed)", c.reply());
        }
        // from the trusted network, nothing is said before the header, and a bad one closes
        for (String bad : List.of("PROXY TCP4 192.0.2.1 nonsense 4000 25\r\n", "EHLO no-header.example.org\r\n",
                "PROXY TCP4 192.0.2.1 192.0.2.2 4000\r\n", "\r\n\r\n\0\r\nQUIT\n\u0031\u0011\0\0")) {
            try (SmtpClient c = new SmtpClient(receiver.port())) {
                c.send(bad);
                assertEquals("(closed)", c.reply(), bad);
            }
        }
        // and a good one is taken
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.send("PROXY TCP6 2001:db8::7 2001:db8::1 40000 25\r\n");
            assertTrue(c.reply().startsWith("220"));
            c.cmd("HELO client.example.org");
            c.cmd("MAIL FROM:<alice@example.org>");
            c.cmd("RCPT TO:<bob@example.com>");
            c.cmd("DATA");
            assertTrue(c.cmd("Subject: v6\r\n\r\nhi\r\n.").startsWith("250"));
        }
        assertTrue(inbox.arrivals.await(10, TimeUnit.SECONDS));
        assertTrue(inbox.traces.get(0).startsWith("from client.example.org ([2001:db8:0:0:0:0:0:7])"), inbox.traces.get(0));
        assertEquals(1, inbox.traces.size());
    }

}
