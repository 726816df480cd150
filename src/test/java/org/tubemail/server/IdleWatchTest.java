package org.tubemail.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tubemail.mail.MailRequest;
import org.tubemail.queue.MemoryQueue;
import org.tubemail.routing.Route;
import org.tubemail.routing.Router;
import org.tubemail.routing.Stateless;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idle clients are cut off by the watcher, busy or chatty ones are not. */
class IdleWatchTest {

    /** Takes longer than the idle timeout to route a message. */
    public static class Slow {
        @Stateless
        @Route("slow@(host)")
        public void handle(MailRequest msg) throws InterruptedException {
            Thread.sleep(1_500);
        }
    }

    private SmtpReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
    }

    private SmtpReceiver start(Duration idle) throws Exception {
        Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(new Slow()).build();
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10, idle, 20, 2),
                router, new MemoryQueue());
        receiver.start();
        return receiver;
    }

    @Test
    void aSilentClientGets421AfterTheTimeout() throws Exception {
        start(Duration.ofMillis(800));
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            assertTrue(c.reply().startsWith("220"));
            long t0 = System.nanoTime();
            String r = c.reply(); // say nothing
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(r.startsWith("421"), r);
            assertTrue(waited >= 700 && waited < 5_000, "cut off after " + waited + " ms");
        }
    }

    @Test
    void aClientThatKeepsTalkingAndASessionThatIsRoutingAreNotCutOff() throws Exception {
        start(Duration.ofMillis(800));
        try (SmtpClient c = new SmtpClient(receiver.port())) {
            c.begin("s@example.org");
            for (int i = 0; i < 8; i++) { // 2.4 s in all, never 0.8 s silent
                Thread.sleep(300);
                assertTrue(c.cmd("NOOP").startsWith("250"));
            }
            c.cmd("RCPT TO:<slow@example.com>");
            c.cmd("DATA");
            assertTrue(c.cmd("Subject: s\r\n\r\nx\r\n.").startsWith("250"));
            // the session now routes for 1.5 s without reading: that is not the client's silence
            assertTrue(c.cmd("NOOP").startsWith("250"));
            assertTrue(c.cmd("QUIT").startsWith("221"));
        }
    }

    @Test
    void watchedSocketsAreForgottenWhenClosedAndOnlyWaitingReadsTimeOut() throws Exception {
        IdleWatch watch = new IdleWatch(Duration.ofMillis(300));
        watch.start();
        try (ServerSocket server = watch.createServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            for (int round = 0; round < 3; round++) {
                try (Socket client = new Socket("127.0.0.1", server.getLocalPort()); Socket accepted = server.accept()) {
                    assertEquals(1, watch.openSockets());
                    client.getOutputStream().write('x');
                    Thread.sleep(600); // data waiting, no read waiting: nothing to cut off
                    InputStream in = accepted.getInputStream();
                    assertEquals('x', in.read());
                    CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
                        try {
                            in.read();
                            return null;
                        } catch (Throwable e) {
                            return e;
                        }
                    });
                    assertInstanceOf(SocketTimeoutException.class, waiting.get(5, TimeUnit.SECONDS));
                }
                assertEquals(0, watch.openSockets(), "closed sockets are no longer watched");
            }
        } finally {
            watch.stop();
        }
    }
}
