package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Addresses match as people type them: in any case by default, exactly only when asked. */
class AddressCaseTest {

    static class Lists {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Route("(list)-(action)@(host)")
        public String START(MailRequest msg, String list, String action, String host) {
            calls.add(list + "/" + action + "/" + host + " to=" + msg.to());
            return null;
        }

        @Stateless
        @Route("Help@(host)")
        public void help(MailRequest msg) {
            calls.add("help to=" + msg.to());
        }
    }

    static class Exact {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route(value = "Bob.(tag)@(host)", exactCase = true)
        public void bob(String tag, String host) {
            calls.add(tag + "@" + host);
        }
    }

    private static TestKit kit(boolean exactRouter, Object... handlers) {
        return new TestKit().router(r -> r.defaultCapture("host", "example\\.com").exactCase(exactRouter).handlers(handlers));
    }

    @Test
    void mixedCaseAddressesMatchAndCapturesArriveInLowerCase() {
        Lists h = new Lists();
        TestKit kit = kit(false, h);
        assertTrue(kit.router().accepts("DEV-Subscribe@Example.COM"));
        RecipientResult r = kit.deliver(TestMail.from("bob@example.org").to("DEV-Subscribe@Example.COM")).results().get(0);
        assertEquals(RecipientResult.Status.HANDLED, r.status(), r.reason());
        assertEquals("dev/subscribe/example.com to=DEV-Subscribe@Example.COM", h.calls.get(0),
                "captures in lower case, the address as written on MailRequest.to()");
        kit.deliver(TestMail.from("bob@example.org").to("HELP@example.com"));
        kit.deliver(TestMail.from("bob@example.org").to("help@example.com"));
        assertEquals(List.of("help to=HELP@example.com", "help to=help@example.com"), h.calls.subList(1, 3),
                "a route written with capitals matches any case too");
        kit.assertUndeliverable(0);
    }

    @Test
    void explainMatchesInAnyCaseToo() {
        TestKit kit = kit(false, new Lists());
        List<RouteCheck> checks = kit.router().explain("Dev-SUBSCRIBE@example.com", "Bob@Example.org");
        assertEquals(1, checks.size());
        assertEquals("dev", checks.get(0).captures().get("list"));
        assertTrue(checks.get(0).wouldRun());
        assertTrue(checks.get(0).toString().contains("list=dev"), checks.get(0).toString());
    }

    @Test
    void anExactRouteMatchesItsLocalPartExactlyAndKeepsCaptureCase() {
        Exact h = new Exact();
        TestKit kit = kit(false, h, new Lists());
        assertTrue(kit.router().accepts("Bob.Work@EXAMPLE.com"), "the domain still matches in any case");
        assertFalse(kit.router().accepts("bob.work@example.com"));
        assertFalse(kit.router().accepts("BOB.work@example.com"));
        kit.deliver(TestMail.from("x@example.org").to("Bob.Work@EXAMPLE.com"));
        assertEquals(List.of("Work@example.com"), h.calls);
        assertTrue(kit.router().accepts("DEV-x@example.com"), "the other routes still fold case");
    }

    @Test
    void anExactRouterMatchesEveryLocalPartExactly() {
        TestKit kit = kit(true, new Lists());
        assertTrue(kit.router().accepts("dev-subscribe@EXAMPLE.COM"));
        assertTrue(kit.router().accepts("Help@example.com"));
        assertFalse(kit.router().accepts("HELP@example.com"));
        assertFalse(kit.router().accepts("help@example.com"));
    }

    static class Greek {
        @Stateless
        @Route("σίσυφος@(host)")
        public void sisyphus() {
        }
    }

    @Test
    void foldingIsPerCharacterSoTheRouteIndexFindsNonAsciiLiterals() {
        TestKit kit = kit(false, new Greek());
        assertTrue(kit.router().accepts("ΣΊΣΥΦΟΣ@example.com"), "final sigma folds like any sigma");
        assertTrue(kit.router().accepts("σίσυφοσ@example.com"));
        assertFalse(kit.router().accepts("σίσυφο@example.com"));
    }
}
