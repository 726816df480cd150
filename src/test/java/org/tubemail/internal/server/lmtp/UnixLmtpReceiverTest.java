package org.tubemail.internal.server.lmtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LMTP on a unix-domain socket: the conversation, the file's permissions, stale and live socket files. */
class UnixLmtpReceiverTest {

    @TempDir
    Path dir;

    private final LmtpReceiverTest.Handlers handlers = new LmtpReceiverTest.Handlers();

    private UnixLmtpReceiver receiver(Path socket) {
        Router router = Router.builder().defaultCapture("host", "example\\.com").undeliverable(new MemoryQueue()).handlers(handlers).build();
        return new UnixLmtpReceiver(socket, PosixFilePermissions.fromString("rw-rw----"), "",
                new ReceiverSettings("localhost", 0, Set.of("example.com"), 10_000, 10, Duration.ofSeconds(5), 4, 1), router);
    }

    @Test
    void speaksLmtpWithTheConfiguredPermissionsAndReplacesAStaleSocket() throws Exception {
        Path socket = dir.resolve("run/lmtp.sock");
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket)); // a socket file left by a killed server
        }
        assertTrue(Files.exists(socket));
        UnixLmtpReceiver r = receiver(socket);
        r.start();
        try {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(ch);
                assertTrue(in.readLine().startsWith("220 localhost LMTP"));
                out.write(("LHLO postfix\r\nMAIL FROM:<s@example.org>\r\nRCPT TO:<ok-1@example.com>\r\nRCPT TO:<ok-2@example.com>\r\n"
                        + "DATA\r\n").getBytes(StandardCharsets.US_ASCII));
                String line;
                while ((line = in.readLine()).startsWith("250-")) {
                    // LHLO extensions
                }
                assertTrue(line.startsWith("250 SIZE"));
                assertEquals("250 2.1.0 Ok", in.readLine());
                assertEquals("250 2.1.5 Ok", in.readLine());
                assertEquals("250 2.1.5 Ok", in.readLine());
                assertTrue(in.readLine().startsWith("354"));
                out.write("Subject: x\r\n\r\nover a unix socket\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("250 2.0.0 <ok-1@example.com> delivered", in.readLine());
                assertEquals("250 2.0.0 <ok-2@example.com> delivered", in.readLine());
                assertEquals("221 2.0.0 Bye", in.readLine());
            }
            assertEquals(2, handlers.seen.size());
            IOException live = assertThrows(IOException.class, () -> receiver(socket).start());
            assertTrue(live.getMessage().contains("another server is listening"), live.getMessage());
        } finally {
            r.stop(Duration.ofSeconds(2));
        }
        assertFalse(Files.exists(socket), "the socket file is removed at stop");
    }
}
