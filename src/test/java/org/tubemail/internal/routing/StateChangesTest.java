package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.State;
import org.tubemail.handler.StateChanges;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A state change made outside routing waits for the message being routed for that key, and the reverse. */
class StateChangesTest {

    /** Holds its key until released. */
    static class Slow {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Route("slow@example.com")
        public String START(MailRequest msg) throws InterruptedException {
            inside.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            return "ROUTED";
        }

        @Route("slow@example.com")
        @State("ROUTED")
        public String routed(MailRequest msg) {
            return "ROUTED";
        }
    }

    @Test
    void aChangeWaitsForTheMessageBeingRoutedForItsKeyAndComesAfterIt() throws Exception {
        Slow h = new Slow();
        TestKit kit = new TestKit().router(r -> r.handlers(h));
        String module = kit.router().modules().get(0).name();
        StateChanges changes = kit.router().stateChanges();
        CompletableFuture<Void> routing = CompletableFuture.runAsync(() -> kit.deliver(TestMail.from("bob@example.org").to("slow@example.com")));
        assertTrue(h.inside.await(30, TimeUnit.SECONDS));

        CompletableFuture<Void> change = CompletableFuture.runAsync(() -> changes.set(module, "bob@example.org", "UNSUBSCRIBED"));
        assertThrows(TimeoutException.class, () -> change.get(300, TimeUnit.MILLISECONDS), "the change ran while the key was routed");
        assertEquals(1, kit.router().lockedKeys());

        h.release.countDown();
        routing.get(30, TimeUnit.SECONDS);
        change.get(30, TimeUnit.SECONDS);
        assertEquals("UNSUBSCRIBED", kit.router().storage().get(module, "bob@example.org"), "the change was overwritten by routing");
        assertEquals(0, kit.router().lockedKeys());
    }

    @Test
    void otherKeysAreNotHeldUp() throws Exception {
        Slow h = new Slow();
        TestKit kit = new TestKit().router(r -> r.handlers(h));
        String module = kit.router().modules().get(0).name();
        CompletableFuture<Void> routing = CompletableFuture.runAsync(() -> kit.deliver(TestMail.from("bob@example.org").to("slow@example.com")));
        assertTrue(h.inside.await(30, TimeUnit.SECONDS));
        kit.router().stateChanges().set(module, "alice@example.org", "UNSUBSCRIBED");
        assertEquals("UNSUBSCRIBED", kit.router().storage().get(module, "alice@example.org"));
        h.release.countDown();
        routing.get(30, TimeUnit.SECONDS);
        assertEquals("ROUTED", kit.router().storage().get(module, "bob@example.org"));
    }

    @Test
    void beforeTheRouterIsBuiltAChangeSaysWhy() {
        Router.Builder builder = Router.builder();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder.stateChanges().set("m", "k", "S"));
        assertTrue(e.getMessage().contains("before the router is built"), e.getMessage());
    }
}
