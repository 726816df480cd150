package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.support.Shell;
import org.tubemail.support.SmtpClient;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server out of file descriptors (a flood of connections against a low {@code ulimit -n}) pauses
 * accepting, warns, keeps serving the connections it has, and accepts again once descriptors are
 * free: the listener does not die. A separate JVM, as the limit is per process.
 */
class OutOfDescriptorsTest {

    @Test
    void theListenerPausesAndRecoversInsteadOfFailing(@TempDir Path home) throws Exception {
        int port = Shell.freePort();
        Path log = home.resolve("server.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -n 200 && exec " + java + " -Dtubemail.crypto.provider=jdk -cp " + System.getProperty("java.class.path")
                + " -Dlogback.configurationFile=" + Path.of("config/logback.xml").toAbsolutePath()
                + " org.tubemail.internal.cli.TubemailCli log --port " + port + " --home " + home;
        Process server = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<Socket> flood = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("logging every message")) {
                assertTrue(server.isAlive() && System.nanoTime() < deadline, Files.readString(log));
                Thread.sleep(100);
            }
            SmtpClient first = new SmtpClient(ProxyProtocolTest.from("127.0.0.1", port));
            assertTrue(first.reply().startsWith("220"));
            assertTrue(first.cmd("EHLO client.example.org").startsWith("250"), "the loop has served a client before");
            // more connections than descriptors, from 20 addresses (15 each, within the per-client limits): the kernel
            // queues them in the backlog, the server cannot take them all
            for (int i = 0; i < 300; i++) {
                flood.add(ProxyProtocolTest.from("127.0.0." + (2 + i % 20), port));
            }
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(log).contains("cannot accept")) {
                assertTrue(System.nanoTime() < deadline, "no warning of a failed accept: " + Files.readString(log));
                Thread.sleep(100);
            }
            assertEquals("250 2.0.0 Ok", first.cmd("NOOP"), "a connection open before the flood is still served: " + Files.readString(log));
            for (Socket s : flood) {
                s.close();
            }
            flood.clear();
            SmtpClient after = new SmtpClient(ProxyProtocolTest.from("127.0.0.1", port));
            assertTrue(after.reply().startsWith("220"), "accepting again once descriptors are free");
            assertTrue(after.cmd("EHLO client.example.org").startsWith("250"));
            after.close();
            first.close();
            assertTrue(server.isAlive());
            assertTrue(!Files.readString(log).contains("listener on port " + port + " failed"), Files.readString(log));
        } finally {
            for (Socket s : flood) {
                s.close();
            }
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
