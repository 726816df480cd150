package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.SmtpReject;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A handler declines a message with an SMTP reply; the router reports it and keeps what nobody is told about. */
class SmtpRejectTest {

    static class Members {
        @Route(value = "(list)@(host)", where = "list=dev|ops")
        public String START(MailRequest msg, String list) {
            if (!msg.from().startsWith("member")) {
                throw new SmtpReject(550, "5.7.1", "not a member of " + list + "\r\nInjected: header");
            }
            return "POSTED";
        }

        @RouteLike("START")
        public String POSTED(MailRequest msg, String list) {
            return START(msg, list);
        }
    }

    static class Open {
        @Stateless
        @Route("open@(host)")
        public void open() {
        }
    }

    private static TestKit kit() {
        return new TestKit().router(r -> r.defaultCapture("host", "example\\.com").handlers(new Members(), new Open()));
    }

    @Test
    void aRejectionKeepsTheStateAndTheCopyWithCodeAndText() {
        TestKit kit = kit();
        RecipientResult r = kit.deliver(TestMail.from("stranger@example.org").to("dev@example.com")).results().get(0);
        assertEquals(RecipientResult.Status.REJECTED, r.status());
        assertEquals("550 5.7.1 not a member of dev  Injected: header", r.rejection().reply(), "one line, no injection");
        kit.assertState(Members.class, "stranger@example.org", StateStorage.START);
        kit.assertUndeliverable(1);
        String reason = EnvelopeHeaders.unwrap(kit.undeliverable().pop().orElseThrow().message()).reason();
        assertEquals("Members.START rejected it: 550 5.7.1 not a member of dev  Injected: header", reason);
    }

    @Test
    void replyEachKeepsNothing() {
        TestKit kit = kit();
        DeliveryReport report = kit.router().deliver(TestMail.from("stranger@example.org").to("dev@example.com", "open@example.com")
                .build(), Router.Rejects.REPLY_EACH);
        assertEquals(RecipientResult.Status.REJECTED, report.results().get(0).status());
        assertEquals(RecipientResult.Status.HANDLED, report.results().get(1).status());
        kit.assertUndeliverable(0);
    }

    @Test
    void replyIfAllKeepsNothingWhenEveryRecipientRejectedAndEachRejectedCopyOtherwise() {
        TestKit kit = kit();
        kit.router().deliver(TestMail.from("stranger@example.org").to("dev@example.com", "ops@example.com").build(),
                Router.Rejects.REPLY_IF_ALL);
        kit.assertUndeliverable(0);
        DeliveryReport mixed = kit.router().deliver(TestMail.from("stranger@example.org")
                .to("dev@example.com", "open@example.com", "ops@example.com").build(), Router.Rejects.REPLY_IF_ALL);
        assertEquals(List.of(RecipientResult.Status.REJECTED, RecipientResult.Status.HANDLED, RecipientResult.Status.REJECTED),
                mixed.results().stream().map(RecipientResult::status).toList());
        kit.assertUndeliverable(2);
    }

    @Test
    void aMemberIsNotRejected() {
        TestKit kit = kit();
        RecipientResult r = kit.deliver(TestMail.from("member@example.org").to("dev@example.com")).results().get(0);
        assertEquals(RecipientResult.Status.HANDLED, r.status());
        assertNull(r.rejection());
        kit.assertState(Members.class, "member@example.org", "POSTED");
    }

    @Test
    void invalidRejectionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SmtpReject(250, "2.0.0", "ok"));
        assertThrows(IllegalArgumentException.class, () -> new SmtpReject(550, "4.7.1", "class differs"));
        assertThrows(IllegalArgumentException.class, () -> new SmtpReject(451, "4.x.1", "bad"));
        assertTrue(new SmtpReject(451, "4.3.0", "later").temporary());
    }
}
