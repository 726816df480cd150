package org.tubemail.internal.crash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The crash tests' child server is only taken as started once it listens itself: a port chosen
 * free can be taken by another program before the child binds it, and whatever answers there must
 * not be mistaken for the server (mail it accepted would count as accepted, then as lost).
 */
class ChildServerTest {

    @TempDir
    Path home;

    @Test
    void aPortSomeoneElseListensOnIsNotTakenForTheServer() throws Exception {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress("127.0.0.1", 0)); // takes connections into its backlog, as any listener does
            int port = other.getLocalPort();
            Files.createDirectories(home.resolve("config"));
            Files.writeString(home.resolve("config/settings.properties"), String.join("\n", "receiver.smtp.port=" + port,
                    "http.enabled=false", "receiver.accepted.domains=example.com", "handlers=" + RecordingHandler.class.getName(), ""));
            AssertionError refused = assertThrows(AssertionError.class, () -> {
                Process p = ChildServer.start(home, port);
                p.destroyForcibly();
                fail("taken for the server: the program already listening on " + port);
            });
            assertTrue(refused.getMessage().contains("server exited") && refused.getMessage().contains("cannot listen on"),
                    refused.getMessage());
        }
    }
}
