package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A handler that hangs cannot stop other mail: it is cut off, its key goes to ERROR, the message is kept. */
class HandlerTimeoutTest {

    static class Hangs {
        final CountDownLatch interrupted = new CountDownLatch(1);

        @Route("hang@(host)")
        public String START() {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return "NEVER";
        }
    }

    static class Quick {
        @Route("quick@(host)")
        public String START() {
            return "DONE";
        }

        @RouteLike("START")
        public void DONE() {
        }
    }

    @Test
    void hangingHandlerIsCutOffAndOthersGoOn() throws Exception {
        Hangs hangs = new Hangs();
        TestKit kit = new TestKit().router(r -> r.defaultCapture("host", "example\\.com")
                .handlerTimeout(Duration.ofMillis(300)).handlers(hangs, new Quick()));
        long start = System.nanoTime();
        RecipientResult r = kit.deliver(TestMail.from("bob@example.org").to("hang@example.com")).results().get(0);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(RecipientResult.Status.FAILED, r.status());
        assertTrue(r.reason().contains("ran longer than 300 ms"), r.reason());
        assertTrue(tookMs < 30_000, "returned after " + tookMs + " ms");
        assertTrue(hangs.interrupted.await(30, TimeUnit.SECONDS), "the hanging handler was interrupted");
        kit.assertState(Hangs.class, "bob@example.org", StateStorage.ERROR);
        kit.assertUndeliverable(1);
        // the same sender's other mail, and the lock, are free again
        assertTrue(kit.deliver(TestMail.from("bob@example.org").to("quick@example.com")).allHandled());
        kit.assertState(Quick.class, "bob@example.org", "DONE");
        assertEquals(0, kit.router().lockedKeys());
    }
}
