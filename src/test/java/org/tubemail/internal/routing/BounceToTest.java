package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.BounceTo;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.StateKeyed;
import org.tubemail.mail.Bounce;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BounceTo}: hard and soft bounces reach their own methods; other mail the annotated one. */
class BounceToTest {

    /** Keyed by list: bounces have a null sender, which keys no state. */
    public static class Bounces implements StateKeyed {
        final List<String> calls = new ArrayList<>();

        @Override
        public String stateKey(MailRequest request, java.util.Map<String, String> captures) {
            return captures.get("list");
        }

        @Route("(list)-bounce@(host)")
        @BounceTo(hard = "gone", soft = "away")
        public String START(MailRequest msg, String list) {
            calls.add("START " + list + " " + msg.subject());
            return null;
        }

        String gone(Bounce bounce, String list) {
            calls.add("hard " + list + " " + bounce.finalRecipient() + " " + bounce.status());
            return "GONE";
        }

        void away(MailRequest msg, Bounce bounce) {
            calls.add("soft " + bounce.status());
        }

        @RouteLike("START")
        public String GONE(MailRequest msg) {
            calls.add("GONE");
            return null;
        }
    }

    static MailRequest dsn(String status, String action) {
        String text = "From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
                + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
                + "Final-Recipient: rfc822; ann@example.org\r\nAction: " + action + "\r\nStatus: " + status + "\r\n\r\n--b--\r\n";
        return MailRequest.parse(Envelope.of("", "dev-bounce@example.com"), text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void hardAndSoftBouncesGoToTheirMethods() {
        Bounces h = new Bounces();
        TestKit kit = new TestKit();
        kit.router(r -> r.defaultCapture("host", "example\\.com").handlers(h));

        kit.deliver(TestMail.from("ann@example.org").to("dev-bounce@example.com").subject("hello"));
        kit.deliver(dsn("4.2.2", "delayed"));
        kit.assertState(Bounces.class, "dev", "START");
        kit.deliver(dsn("5.1.1", "failed"));
        kit.assertState(Bounces.class, "dev", "GONE"); // the hard target's return value is the next state
        assertEquals(List.of("START dev hello", "soft 4.2.2", "hard dev ann@example.org 5.1.1"), h.calls);
        kit.assertUndeliverable(0);
    }

    public static class Missing {
        @Route("x@(host)")
        @BounceTo(hard = "nothing")
        public void START(MailRequest msg) {
        }
    }

    public static class Unbindable {
        @Route("x@(host)")
        @BounceTo(soft = "wrong")
        public void START(MailRequest msg) {
        }

        void wrong(String list) {
        }
    }

    @Test
    void badTargetsFailAtLoad() {
        HandlerDefinitionException missing = assertThrows(HandlerDefinitionException.class,
                () -> Router.builder().handlers(new Missing()).build());
        assertTrue(missing.getMessage().contains("@BounceTo(\"nothing\") names no method"), missing.getMessage());
        HandlerDefinitionException unbound = assertThrows(HandlerDefinitionException.class,
                () -> Router.builder().handlers(new Unbindable()).build());
        assertTrue(unbound.getMessage().contains("'list' has no matching capture"), unbound.getMessage());
    }
}
