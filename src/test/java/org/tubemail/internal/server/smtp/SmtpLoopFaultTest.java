package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.mail.MailRequest;
import org.tubemail.support.Eventually;
import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on the event loop's own thread: a connection that cannot be opened is closed alone, and a
 * fault that ends the loop shows in {@link SmtpReceiver#listening()}, which readiness reports.
 */
class SmtpLoopFaultTest {

    /** Takes every message to example.com and keeps nothing. */
    public static class Sink {
        @Stateless
        @Route("(user)@(host)")
        public void any(MailRequest msg, String user) {
        }
    }

    /** A monitor whose {@code connectionOpened} throws for the first {@code failures} connections. */
    private static final class FaultyMonitor implements Monitor {
        private final AtomicInteger failures;
        private final java.util.function.Supplier<? extends Throwable> fault;

        FaultyMonitor(int failures, java.util.function.Supplier<? extends Throwable> fault) {
            this.failures = new AtomicInteger(failures);
            this.fault = fault;
        }

        @Override
        public void connectionOpened() {
            if (failures.getAndDecrement() > 0) {
                Throwable t = fault.get();
                if (t instanceof RuntimeException r) throw r;
                throw (Error) t;
            }
        }
    }

    private SmtpReceiver receiver;

    private SmtpReceiver start(Monitor monitor) throws IOException {
        Router router = Router.builder().defaultCapture("host", "example\\.com").defaultCapture("user", "[^@]+").monitor(monitor).handlers(new Sink()).build();
        receiver = new SmtpReceiver(new ReceiverSettings("127.0.0.1", 0, Set.of("example.com"), 100_000, 10,
                Duration.ofSeconds(30), 20, 2), router, new MemoryQueue());
        receiver.start();
        return receiver;
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aConnectionThatFailsToOpenIsClosedAloneAndTheListenerGoesOn() throws Exception {
        start(new FaultyMonitor(1, () -> new IllegalStateException("broken monitor")));
        try (SmtpClient first = new SmtpClient(receiver.port())) {
            assertEquals("421 4.3.0 Internal error, closing the connection", first.reply());
        }
        try (SmtpClient second = new SmtpClient(receiver.port())) {
            assertTrue(second.reply().startsWith("220 "));
            assertTrue(second.cmd("EHLO client.example.org").startsWith("250"));
        }
        assertTrue(receiver.listening());
    }

    @Test
    void anErrorThatEndsTheLoopIsNoLongerReportedAsListening() throws Exception {
        start(new FaultyMonitor(1, () -> new LinkageError("a class that cannot load")));
        assertTrue(receiver.listening());
        try (SmtpClient doomed = new SmtpClient(receiver.port())) {
            assertEquals("(closed)", doomed.reply(), "the loop closes every connection as it ends");
        }
        Eventually.await("readiness to stop reporting a listener whose loop has ended", () -> !receiver.listening());
    }
}
