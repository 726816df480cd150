package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.StateKeyed;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing contract of design.md, one rule per test, through the public test kit. */
class RoutingSemanticsTest {

    /** Records every call as "method:captures". */
    static class Recorder {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        void record(String what) {
            calls.add(what);
        }
    }

    @Handler("lists")
    static class Lists extends Recorder {
        @Route(value = "(list)-(action)@(host)", where = "action=subscribe|unsubscribe")
        public String START(MailRequest msg, String list, String action, String host) {
            record("START:" + list + "/" + action + "/" + host);
            return "SUBSCRIBING";
        }

        @RouteLike("START")
        public String SUBSCRIBING(String list, String action) {
            record("SUBSCRIBING:" + list + "/" + action);
            return action.equals("unsubscribe") ? "START" : null;
        }

        @Stateless
        @Route("(list)-(action)@(host)")
        public void audit(Map<String, String> captures) {
            record("audit:" + captures.get("action"));
        }
    }

    private TestKit kit(Object... handlers) {
        return new TestKit().router(r -> r.defaultCapture("host", "example\\.com").handlers(handlers));
    }

    @Test
    void capturesArriveAsNamedParametersAndDefaultsApply() {
        Lists h = new Lists();
        TestKit kit = kit(h);
        kit.deliver(TestMail.from("bob@example.org").to("dev-subscribe@example.com"));
        assertTrue(h.calls.contains("START:dev/subscribe/example.com"), h.calls.toString());
        // host default is example\.com: another domain does not match any route
        RecipientResult r = kit.deliver(TestMail.from("bob@example.org").to("dev-subscribe@other.org")).results().get(0);
        assertEquals(RecipientResult.Status.UNDELIVERABLE, r.status());
    }

    @Test
    void perRouteWhereRestrictsCapture() {
        Lists h = new Lists();
        TestKit kit = kit(h);
        kit.deliver(TestMail.from("bob@example.org").to("dev-explode@example.com"));
        // only the stateless audit route (no where clause) matches "explode"
        assertEquals(List.of("audit:explode"), h.calls);
        kit.assertState(Lists.class, "bob@example.org", StateStorage.START);
    }

    @Test
    void returnValueNamesNextStateAndNullKeepsIt() {
        Lists h = new Lists();
        TestKit kit = kit(h);
        kit.deliver(TestMail.from("Bob@Example.org").to("dev-subscribe@example.com"));
        kit.assertState(Lists.class, "bob@example.org", "SUBSCRIBING");
        kit.deliver(TestMail.from("bob@example.org").to("dev-subscribe@example.com"));
        kit.assertState(Lists.class, "bob@example.org", "SUBSCRIBING");
        kit.deliver(TestMail.from("bob@example.org").to("dev-unsubscribe@example.com"));
        kit.assertState(Lists.class, "bob@example.org", StateStorage.START);
        // a module's stateless methods run before its stateful one
        assertEquals(List.of("audit:subscribe", "START:dev/subscribe/example.com",
                "audit:subscribe", "SUBSCRIBING:dev/subscribe",
                "audit:unsubscribe", "SUBSCRIBING:dev/unsubscribe"), h.calls);
    }

    @Test
    void stateIsPerSender() {
        Lists h = new Lists();
        TestKit kit = kit(h);
        kit.deliver(TestMail.from("bob@example.org").to("dev-subscribe@example.com"));
        kit.assertState(Lists.class, "bob@example.org", "SUBSCRIBING");
        kit.assertState(Lists.class, "ann@example.org", StateStorage.START);
    }

    @Test
    void statelessMethodsRunInAnyStateAndNeverChangeIt() {
        Lists h = new Lists();
        TestKit kit = kit(h);
        kit.storage().set("lists", "bob@example.org", "SOMEWHERE_ELSE");
        kit.deliver(TestMail.from("bob@example.org").to("dev-subscribe@example.com"));
        assertEquals(List.of("audit:subscribe"), h.calls);
        kit.assertState(Lists.class, "bob@example.org", "SOMEWHERE_ELSE");
    }

    static class Boom {
        int calls;

        @Route("crash@(host)")
        public String START(MailRequest msg) {
            calls++;
            throw new IllegalStateException("handler bug");
        }
    }

    @Test
    void handlerThatThrowsSetsErrorStateAndQueuesMessage() {
        Boom h = new Boom();
        TestKit kit = kit(h);
        MailRequest msg = TestMail.from("bob@example.org").to("crash@example.com").subject("boom").build();
        RecipientResult r = kit.deliver(msg).results().get(0);
        assertEquals(RecipientResult.Status.FAILED, r.status());
        assertTrue(r.reason().contains("handler bug"), r.reason());
        kit.assertState(Boom.class, "bob@example.org", StateStorage.ERROR);
        kit.assertUndeliverable(1);
        EnvelopeHeaders.Unwrapped queued = EnvelopeHeaders.unwrap(kit.undeliverable().pop().orElseThrow().message());
        assertEquals("bob@example.org", queued.envelope().orElseThrow().mailFrom());
        assertTrue(queued.reason().contains("Boom.START"), queued.reason());
        assertEquals(new String(msg.raw()), new String(queued.message()), "original bytes kept");
        // in ERROR, with no ERROR method, the next message is not handled but kept
        RecipientResult again = kit.deliver(TestMail.from("bob@example.org").to("crash@example.com")).results().get(0);
        assertEquals(RecipientResult.Status.UNDELIVERABLE, again.status());
        assertEquals(1, h.calls);
        kit.assertUndeliverable(1);
    }

    @Test
    void errorStateIsConfigurable() {
        TestKit kit = new TestKit().router(r -> r.defaultCapture("host", "example\\.com").errorState("BROKEN")
                .handlers(new Boom()));
        kit.deliver(TestMail.from("bob@example.org").to("crash@example.com"));
        kit.assertState(Boom.class, "bob@example.org", "BROKEN");
    }

    @Test
    void unmatchedMessageGoesToUndeliverableQueue() {
        TestKit kit = kit(new Lists());
        DeliveryReport report = kit.deliver(TestMail.from("bob@example.org").to("nobody@example.com"));
        assertFalse(report.allHandled());
        assertEquals(RecipientResult.Status.UNDELIVERABLE, report.results().get(0).status());
        assertTrue(report.results().get(0).reason().startsWith("no route matches"));
        kit.assertUndeliverable(1);
        assertFalse(kit.router().accepts("nobody@example.com"));
        assertTrue(kit.router().accepts("dev-subscribe@EXAMPLE.com"));
    }

    static class Typo {
        @Route("typo@(host)")
        public String START() {
            return "CONFIRMNIG";
        }

        @Route("typo-confirm@(host)")
        public String CONFIRMING() {
            return "START";
        }
    }

    @Test
    void returningAStateTheModuleLacksIsAnError() {
        TestKit kit = kit(new Typo());
        RecipientResult r = kit.deliver(TestMail.from("bob@example.org").to("typo@example.com")).results().get(0);
        assertEquals(RecipientResult.Status.FAILED, r.status());
        assertTrue(r.reason().contains("CONFIRMNIG"), r.reason());
        kit.assertState(Typo.class, "bob@example.org", StateStorage.ERROR);
    }

    @Handler("by-list")
    static class ByList implements StateKeyed {
        @Route("(list)@(host)")
        public String START(String list) {
            return "ACTIVE";
        }

        @RouteLike("START")
        public void ACTIVE() {
        }

        @Override
        public String stateKey(MailRequest request, Map<String, String> captures) {
            return "list:" + captures.get("list");
        }
    }

    @Test
    void customStateKeySharesStateAcrossSenders() {
        TestKit kit = kit(new ByList());
        kit.deliver(TestMail.from("bob@example.org").to("dev@example.com"));
        kit.assertState(ByList.class, "list:dev", "ACTIVE");
        kit.assertState(ByList.class, "list:ops", StateStorage.START);
        assertEquals("ACTIVE", kit.router().explain("dev@example.com", "ann@example.org").get(0).currentState());
    }

    @Test
    void everyEnvelopeRecipientIsRouted() {
        Lists h = new Lists();
        TestKit kit = kit(h, new Boom());
        DeliveryReport report = kit.deliver(TestMail.from("bob@example.org")
                .to("dev-subscribe@example.com", "crash@example.com", "nobody@example.com"));
        assertEquals(3, report.results().size());
        assertEquals(RecipientResult.Status.HANDLED, report.resultFor("dev-subscribe@example.com").status());
        assertEquals(RecipientResult.Status.FAILED, report.resultFor("crash@example.com").status());
        assertEquals(RecipientResult.Status.UNDELIVERABLE, report.resultFor("nobody@example.com").status());
        kit.assertUndeliverable(2);
    }

    @Test
    void addressesMatchInAnyCase() {
        Lists h = new Lists();
        TestKit kit = kit(h, new Boom());
        assertTrue(kit.router().accepts("crash@EXAMPLE.COM"));
        assertTrue(kit.router().accepts("CRASH@example.com"), "AddressCaseTest has the details");
    }

    @Test
    void literalTextIsNotARegex() {
        TestKit kit = kit(new Boom());
        assertTrue(kit.router().accepts("crash@example.com"));
        assertFalse(kit.router().accepts("crash@exampleXcom"), "the dot in example\\.com and in literals is a dot");
    }

    static class First {
        @Route("shared@(host)")
        public String START() {
            return "SEEN";
        }

        @RouteLike("START")
        public void SEEN() {
        }
    }

    static class Second {
        @Route("shared@(host)")
        public String START() {
            return "SEEN";
        }

        @RouteLike(value = "START", module = First.class)
        public void SEEN() {
        }
    }

    @Test
    void severalModulesOnOneAddressEachKeepTheirOwnState() {
        TestKit kit = kit(new First(), new Second());
        RecipientResult r = kit.deliver(TestMail.from("bob@example.org").to("shared@example.com")).results().get(0);
        assertEquals(List.of("First.START", "Second.START"), r.ran());
        kit.assertState(First.class, "bob@example.org", "SEEN");
        kit.assertState(Second.class, "bob@example.org", "SEEN");
        kit.storage().set(TestKit.moduleName(First.class), "bob@example.org", StateStorage.START);
        r = kit.deliver(TestMail.from("bob@example.org").to("shared@example.com")).results().get(0);
        assertEquals(List.of("First.START", "Second.SEEN"), r.ran());
    }

    static class TwoDoors {
        @Route("(list)-join@(host)")
        @Route("(list)-subscribe@(host)")
        public String START(String list) {
            return "JOINED";
        }

        @RouteLike("START")
        public void JOINED(String list) {
        }
    }

    @Test
    void aMethodMayCarrySeveralRoutes() {
        TestKit kit = kit(new TwoDoors());
        assertTrue(kit.deliver(TestMail.from("bob@example.org").to("dev-join@example.com")).allHandled());
        kit.assertState(TwoDoors.class, "bob@example.org", "JOINED");
        assertTrue(kit.deliver(TestMail.from("ann@example.org").to("dev-subscribe@example.com")).allHandled());
        kit.assertState(TwoDoors.class, "ann@example.org", "JOINED");
        assertEquals(4, kit.router().routes().size(), "two routes for each of two states");
    }

    @Test
    void routesAreListedAndExplained() {
        TestKit kit = kit(new Lists(), new Boom());
        List<String> routes = kit.router().routes().stream().map(m -> m.route().source() + " " + m.qualifiedName()).toList();
        assertEquals(List.of("(list)-(action)@(host) Lists.START", "(list)-(action)@(host) Lists.SUBSCRIBING",
                "(list)-(action)@(host) Lists.audit", "crash@(host) Boom.START"), routes);
        kit.storage().set("lists", "bob@example.org", "SUBSCRIBING");
        List<RouteCheck> checks = kit.router().explain("dev-subscribe@example.com", "bob@example.org");
        assertEquals(3, checks.size());
        assertFalse(checks.get(0).wouldRun(), "START waits");
        assertTrue(checks.get(1).wouldRun(), "SUBSCRIBING runs");
        assertTrue(checks.get(2).wouldRun(), "stateless always runs");
        assertEquals(Map.of("list", "dev", "action", "subscribe", "host", "example.com"), checks.get(1).captures());
        assertEquals("SUBSCRIBING", checks.get(1).currentState());
        assertEquals(0, kit.router().explain("nobody@example.com", "bob@example.org").size());
    }
}
