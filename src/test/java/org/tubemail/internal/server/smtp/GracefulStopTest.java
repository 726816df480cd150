package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.SmtpClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping under load: messages being routed finish, the rest stay spooled, nothing is half done or done twice. */
class GracefulStopTest {

    /** Takes a while per message and notices if it is interrupted half-way. */
    public static class Slow {
        final List<String> done = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger cutShort = new AtomicInteger();

        @Stateless
        @Route("slow@(host)")
        public void handle(MailRequest msg) {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                cutShort.incrementAndGet();
                Thread.currentThread().interrupt();
                return;
            }
            done.add(msg.subject());
        }
    }

    private SmtpReceiver start(Slow handler, MaildirQueue spool) throws Exception {
        Router router = Router.builder().defaultCapture("host", "example\\.com").handlers(handler).build();
        SmtpReceiver r = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10,
                Duration.ofSeconds(10), 20, 2), router, spool);
        r.start();
        return r;
    }

    @Test
    void stopFinishesInFlightMessagesAndKeepsTheRest(@TempDir Path dir) throws Exception {
        MaildirQueue spool = new MaildirQueue(dir.resolve("spool"));
        Slow first = new Slow();
        SmtpReceiver receiver = start(first, spool);
        int sent = 20;
        // one connection per message: the two routing slots fill, the rest wait in the spool
        ExecutorService clients = Executors.newFixedThreadPool(sent);
        List<Future<String>> replies = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            String subject = "m" + i;
            replies.add(clients.submit(() -> {
                try (SmtpClient c = new SmtpClient(receiver.port())) {
                    c.begin("s@example.org");
                    c.cmd("RCPT TO:<slow@example.com>");
                    c.cmd("DATA");
                    c.send("Subject: " + subject + "\r\n\r\nx\r\n.\r\n");
                    return c.reply();
                }
            }));
        }
        for (Future<String> r : replies) {
            assertTrue(r.get(20, TimeUnit.SECONDS).startsWith("250"));
        }
        clients.shutdown();
        Thread.sleep(200); // both routing slots are busy now
        receiver.stop(Duration.ofSeconds(30));
        int left = spool.count();
        System.out.printf("graceful stop: %d handled before stop, %d left spooled, %d cut short%n", first.done.size(), left,
                first.cutShort.get());
        assertEquals(0, first.cutShort.get(), "no message interrupted half-way");
        assertEquals(sent, first.done.size() + left, "each message either handled or still spooled");
        assertTrue(left > 0, "the stop did not wait for the whole spool");

        Slow second = new Slow();
        SmtpReceiver again = start(second, spool);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (spool.count() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        again.stop(Duration.ofSeconds(10));
        List<String> all = new ArrayList<>(first.done);
        all.addAll(second.done);
        assertEquals(sent, all.size(), "handled exactly once across the restart");
        assertEquals(sent, Set.copyOf(all).size());
    }
}
