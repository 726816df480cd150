package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.LogQueue;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code receiver.smtp.data.reply=spooled}, the {@code 250} follows the message's routing
 * while a routing thread is free: no spool worker may route a message its own session is about to
 * route and let the session answer first. An ordering check: one counter orders "the handler
 * finished" and "the client read 250".
 */
class SpooledReplyOrderTest {

    /** Fewer sessions at once than routing threads, so the 250 must always follow routing. */
    private static final int WORKERS = 32;
    private static final int CONCURRENT = 8;

    public static class Recorder {
        final AtomicLong clock = new AtomicLong();
        final Map<String, Long> handled = new ConcurrentHashMap<>();

        @Stateless
        @Route("(user)@(host)")
        public void record(MailRequest msg, String user) throws InterruptedException {
            Thread.sleep(2); // a handler does some work: a worker polling meanwhile finds the next message waiting
            handled.put(msg.subject(), clock.incrementAndGet());
        }
    }

    private final Recorder recorder = new Recorder();

    @Test
    void everyHandlerFinishesBeforeItsClientReads250(@TempDir Path dir) throws Exception {
        Map<String, Long> answered = new ConcurrentHashMap<>();
        for (int server = 0; server < 3; server++) { // the race showed most on a fresh server's first messages
            SmtpReceiver receiver = start(dir.resolve("spool-" + server));
            try {
                for (int i = 0; i < 100; i++) {
                    String id = server + "-seq-" + i;
                    answered.put(id, session(receiver.port(), id));
                }
                ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < CONCURRENT; t++) {
                    int client = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            String id = receiver.port() + "-con-" + client + "-" + i;
                            answered.put(id, session(receiver.port(), id));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                pool.shutdown();
            } finally {
                receiver.stop(Duration.ofSeconds(10));
            }
        }
        assertEquals(answered.size(), recorder.handled.size(), "every accepted message was handled");
        List<String> early = answered.entrySet().stream()
                .filter(e -> !(recorder.handled.get(e.getKey()) < e.getValue()))
                .map(Map.Entry::getKey).sorted().toList();
        assertTrue(early.isEmpty(), early.size() + " of " + answered.size() + " messages got 250 before their handler finished: " + early);
    }

    private SmtpReceiver start(Path spool) throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").undeliverable(new MemoryQueue())
                .handlers(recorder).build();
        SmtpReceiver receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 5,
                Duration.ofSeconds(30), 100, WORKERS), router, new LogQueue(spool));
        receiver.start();
        return receiver;
    }

    /** One session with one message; returns the clock when its 250 was read. */
    private long session(int port, String id) throws IOException {
        try (SmtpClient c = new SmtpClient(port)) {
            c.begin("sender@example.org");
            assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<user@example.com>"));
            assertTrue(c.cmd("DATA").startsWith("354"));
            String reply = c.cmd("Subject: " + id + "\r\n\r\nhello\r\n.");
            long seen = recorder.clock.incrementAndGet();
            assertTrue(reply.startsWith("250 2.0.0 Ok: queued as"), reply);
            c.cmd("QUIT");
            return seen;
        }
    }
}
