package org.tubemail.testing;

import org.tubemail.internal.confirm.MemoryConfirmationStore;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.DeliveryReport;
import org.tubemail.internal.routing.HandlerModule;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.routing.StateGraph;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.mail.MailRequest;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything a handler unit test needs, in memory and without a network: a router over a
 * {@code MemoryStorage}, an in-memory undeliverable queue, and a {@link CapturingRelay}.
 *
 * <pre>{@code
 * TestKit kit = new TestKit();
 * kit.router(r -> r.defaultCapture("host", "example\\.com").handlers(new Echo(kit.relay())));
 * kit.deliver(TestMail.from("bob@example.org").to("echo@example.com").subject("hi"));
 * kit.assertState(Echo.class, "bob@example.org", "START");
 * assertEquals("Re: hi", kit.relay().lastTo("bob@example.org").subject());
 * }</pre>
 */
public final class TestKit {

    private final MemoryStorage storage = new MemoryStorage();
    private final MemoryQueue undeliverable = new MemoryQueue();
    private final CapturingRelay relay = new CapturingRelay();
    private final MemoryConfirmationStore confirmations = new MemoryConfirmationStore();
    private Router router;

    /** Builds the kit's router: {@code config} adds handlers and capture defaults; storage and queue are the kit's. */
    public TestKit router(Consumer<Router.Builder> config) {
        Router.Builder b = Router.builder().storage(storage).undeliverable(undeliverable);
        config.accept(b);
        router = b.build();
        return this;
    }

    /** The router built by {@link #router(Consumer)}. */
    public Router router() {
        if (router == null) {
            throw new IllegalStateException("call TestKit.router(config) first");
        }
        return router;
    }

    /** Routes a message built with {@link TestMail}. */
    public DeliveryReport deliver(TestMail mail) {
        return deliver(mail.build());
    }

    /** Routes a message. */
    public DeliveryReport deliver(MailRequest request) {
        return router().deliver(request);
    }

    /** A conversation of {@code address} with the handlers: see {@link Conversation}. */
    public Conversation conversation(String address) {
        router(); // fails early without a router
        return new Conversation(this, address);
    }

    /**
     * Forgets every message relayed and every message in the undeliverable queue, after Salmon's
     * {@code clear_queue()}: a test can then look only at what happens next.
     */
    public void clearQueue() {
        relay.clear();
        undeliverable.clear();
    }

    /** The relay handlers should send through. */
    public CapturingRelay relay() {
        return relay;
    }

    /** The state storage. */
    public MemoryStorage storage() {
        return storage;
    }

    /** A confirmation store in memory, for handlers that use a {@link org.tubemail.confirm.ConfirmationEngine}. */
    public MemoryConfirmationStore confirmations() {
        return confirmations;
    }

    /** The undeliverable queue. */
    public MemoryQueue undeliverable() {
        return undeliverable;
    }

    /**
     * The state of {@code module} for {@code key}. The default key is the envelope sender in lower
     * case ({@code Addresses.forStateKey}); a {@link org.tubemail.handler.StateKeyed}
     * module's key is whatever it returns.
     */
    public String state(Class<?> module, String key) {
        return storage.get(moduleName(module), key);
    }

    /** @throws AssertionError when the state of {@code module} for {@code key} is not {@code expected} */
    public void assertState(Class<?> module, String key, String expected) {
        String actual = state(module, key);
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(module.getSimpleName() + " for <" + key + ">: expected state " + expected
                    + " but was " + actual);
        }
    }

    /** @throws AssertionError when the undeliverable queue does not hold exactly {@code expected} messages */
    public void assertUndeliverable(int expected) {
        int actual = undeliverable.count();
        if (actual != expected) {
            throw new AssertionError("expected " + expected + " undeliverable message(s), found " + actual);
        }
    }

    /** The module name the router uses for {@code type}. */
    public static String moduleName(Class<?> type) {
        return HandlerModule.nameOf(type);
    }

    /**
     * The state machine of the router's module for {@code handler} as a Mermaid diagram, as
     * {@code bin/tubemail graph} prints it (for a test that keeps a diagram in Javadoc up to date).
     */
    public String stateDiagram(Class<?> handler) {
        String name = moduleName(handler);
        return StateGraph.of(router().modules().stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(handler.getName() + " is not a module of this router"))).mermaid();
    }
}
