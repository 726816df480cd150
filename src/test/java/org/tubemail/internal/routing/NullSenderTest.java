package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.StateKeyed;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Null-sender (bounce) mail never reaches a state keyed by sender, so bounces from different
 * sources never share one state: it reaches @Stateless methods and modules that key their own state.
 */
class NullSenderTest {

    static class Responder {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Route("help@(host)")
        public String START(MailRequest msg) {
            calls.add("START from <" + msg.from() + ">");
            return "ANSWERED";
        }

        @RouteLike("START")
        public void ANSWERED(MailRequest msg) {
            calls.add("ANSWERED from <" + msg.from() + ">");
        }

        @Stateless
        @Route("help@(host)")
        public void log(MailRequest msg) {
            calls.add("log from <" + msg.from() + ">");
        }
    }

    static class StatefulOnly {
        @Route("orders@(host)")
        public String START() {
            return "SEEN";
        }

        @RouteLike("START")
        public void SEEN() {
        }
    }

    /** VERP bounce route: the state is keyed by the member the bounce is about. */
    static class Bounces implements StateKeyed {
        @Route(value = "list-bounce-(member)@(host)", where = "member=[^@=]+=[^@=]+")
        public String START() {
            return "BOUNCED_ONCE";
        }

        @RouteLike("START")
        public String BOUNCED_ONCE() {
            return "DISABLED";
        }

        @RouteLike("START")
        public void DISABLED() {
        }

        @Override
        public String stateKey(MailRequest request, Map<String, String> captures) {
            return captures.get("member");
        }
    }

    private static TestKit kit(Object... handlers) {
        return new TestKit().router(r -> r.defaultCapture("host", "example\\.com").handlers(handlers));
    }

    private static TestMail bounce(String to, String headerFrom) {
        return TestMail.from("").to(to).header("From", headerFrom).subject("Undelivered Mail Returned to Sender");
    }

    @Test
    void bouncesReachStatelessMethodsButNoStateKeyedBySender() {
        Responder h = new Responder();
        TestKit kit = kit(h);
        RecipientResult r = kit.deliver(bounce("help@example.com", "MAILER-DAEMON@one.example")).results().get(0);
        kit.deliver(bounce("help@example.com", "MAILER-DAEMON@two.example"));
        assertEquals(RecipientResult.Status.HANDLED, r.status());
        assertEquals(List.of("log from <>", "log from <>"), h.calls);
        assertEquals(0, kit.storage().size(), "no state under the null sender (or a header From)");
        kit.deliver(TestMail.from("bob@example.org").to("help@example.com"));
        kit.deliver(TestMail.from("bob@example.org").to("help@example.com"));
        assertEquals(List.of("log from <>", "log from <>", "log from <bob@example.org>", "START from <bob@example.org>",
                "log from <bob@example.org>", "ANSWERED from <bob@example.org>"), h.calls, "ordinary mail is unchanged");
    }

    @Test
    void aBounceThatOnlyAStateKeyedBySenderWouldTakeIsKeptWithTheReason() {
        TestKit kit = kit(new StatefulOnly());
        RecipientResult r = kit.deliver(bounce("orders@example.com", "MAILER-DAEMON@one.example")).results().get(0);
        assertEquals(RecipientResult.Status.UNDELIVERABLE, r.status());
        assertTrue(r.reason().contains("null-sender (bounce) mail reaches only its @Stateless methods"), r.reason());
        kit.assertUndeliverable(1);
        assertTrue(EnvelopeHeaders.unwrap(kit.undeliverable().pop().orElseThrow().message()).reason().contains("null-sender"));
        assertEquals(0, kit.storage().size());
    }

    @Test
    void aModuleKeyingItsOwnStateGetsBouncesEachSourceItsOwnState() {
        TestKit kit = kit(new Bounces());
        kit.deliver(bounce("list-bounce-ann=one.example@example.com", "MAILER-DAEMON@one.example"));
        kit.deliver(bounce("list-bounce-ann=one.example@example.com", "MAILER-DAEMON@one.example"));
        kit.deliver(bounce("list-bounce-bob=two.example@example.com", "MAILER-DAEMON@two.example"));
        kit.assertState(Bounces.class, "ann=one.example", "DISABLED");
        kit.assertState(Bounces.class, "bob=two.example", "BOUNCED_ONCE");
        kit.assertUndeliverable(0);
    }

    @Test
    void explainSaysAStatefulMethodKeyedBySenderWouldNotRunForTheNullSender() {
        TestKit kit = kit(new Responder());
        List<RouteCheck> checks = kit.router().explain("help@example.com", "");
        assertEquals(3, checks.size());
        for (RouteCheck c : checks) {
            assertEquals(c.method().isStateless(), c.wouldRun(), c.toString());
        }
        assertTrue(kit.router().explain("help@example.com", "bob@example.org").stream()
                .anyMatch(c -> c.method().state().equals("START") && c.wouldRun()));
    }
}
