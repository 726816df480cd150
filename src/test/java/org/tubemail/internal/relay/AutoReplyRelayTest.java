package org.tubemail.internal.relay;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.AutoReplyRules;
import org.tubemail.internal.autoreply.MemoryAutoReplyLog;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;
import org.tubemail.mail.Verdict;
import org.tubemail.testing.CapturingRelay;
import org.tubemail.testing.TestMail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoReplyRelayTest {

    private final CapturingRelay sent = new CapturingRelay();
    private final List<String> suppressed = new ArrayList<>();
    private final Monitor monitor = new Monitor() {
        @Override
        public void replySuppressed(String responder, String to, String reason, String detail) {
            suppressed.add(responder + " " + to + " " + reason);
        }
    };

    private AutoReplyRelay relay(boolean answerForged, int limit) {
        return new AutoReplyRelay(sent, MemoryAutoReplyLog::new, new AutoReplyRules(answerForged),
                new AutoReplyRelay.Limit(limit, Duration.ofDays(1)), monitor, Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC));
    }

    private static MailRequest from(String sender) {
        return TestMail.from(sender).to("echo@example.com").subject("hi").build().forModule("echo");
    }

    private static MailResponse echo(MailRequest request) {
        return MailResponse.autoReply(request).from("echo@example.com").text("you wrote");
    }

    @Test
    void anAutomaticReplyGoesToTheEnvelopeSenderMarkedAutoReplied() {
        MailRequest request = MailRequest.parse(org.tubemail.mail.Envelope.of("bounces@example.org", "echo@example.com"),
                ("From: Bob <bob@example.org>\r\nReply-To: other@example.net\r\nSubject: hi\r\nMessage-ID: <1@example.org>\r\n\r\nhello\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).forModule("echo");
        relay(false, 3).send(echo(request));
        assertEquals(List.of("bounces@example.org"), sent.sent().get(0).recipients(), "RFC 3834 §4: the envelope sender");
        assertEquals("auto-replied", sent.sent().get(0).asRequest().header("Auto-Submitted").orElseThrow());
        assertEquals("<1@example.org>", sent.sent().get(0).asRequest().header("In-Reply-To").orElseThrow());
    }

    @Test
    void neverAnswersTheNullSenderAutomaticOrBulkMail() {
        AutoReplyRelay relay = relay(true, 100);
        relay.send(echo(TestMail.from("").to("echo@example.com").build().forModule("echo")));
        relay.send(echo(TestMail.from("bot@example.org").to("echo@example.com").header("Auto-Submitted", "auto-generated").build()));
        relay.send(echo(TestMail.from("news@example.org").to("echo@example.com").header("Precedence", "bulk").build()));
        relay.send(echo(TestMail.from("news@example.org").to("echo@example.com").header("Precedence", "junk").build()));
        relay.send(echo(TestMail.from("dev@example.org").to("echo@example.com").header("List-Id", "<dev.example.org>").build()));
        relay.send(echo(TestMail.from("mailer-daemon@example.org").to("echo@example.com").build()));
        sent.assertNothingSent();
        assertEquals(List.of("echo  null_sender", "(outside routing) bot@example.org automatic", "(outside routing) news@example.org bulk",
                "(outside routing) news@example.org bulk", "(outside routing) dev@example.org bulk",
                "(outside routing) mailer-daemon@example.org automatic"), suppressed);
        relay.send(echo(TestMail.from("bob@example.org").to("echo@example.com").header("Auto-Submitted", "no").build()));
        assertEquals(1, sent.sent().size(), "Auto-Submitted: no is a person's mail");
    }

    @Test
    void forgedSendersGetNothingUnlessRelaxed() {
        Authentication spfFail = new Authentication(new Authentication.Spf(Verdict.FAIL, false, "forged.test"), List.of(),
                new Authentication.Dmarc(Verdict.NONE, "forged.test", ""));
        Authentication dmarcReject = new Authentication(new Authentication.Spf(Verdict.NONE, false, "strict.test"), List.of(),
                new Authentication.Dmarc(Verdict.FAIL, "strict.test", "reject"));
        Authentication softfail = new Authentication(new Authentication.Spf(Verdict.SOFTFAIL, false, "soft.test"), List.of(),
                new Authentication.Dmarc(Verdict.FAIL, "soft.test", "quarantine"));
        AutoReplyRelay strict = relay(false, 100);
        strict.send(echo(TestMail.from("victim@forged.test").to("echo@example.com").authentication(spfFail).build().forModule("echo")));
        strict.send(echo(TestMail.from("a@strict.test").to("echo@example.com").authentication(dmarcReject).build().forModule("echo")));
        sent.assertNothingSent();
        assertEquals(List.of("echo victim@forged.test spf_fail", "echo a@strict.test dmarc_reject"), suppressed);
        strict.send(echo(TestMail.from("b@soft.test").to("echo@example.com").authentication(softfail).build().forModule("echo")));
        assertEquals(1, sent.sent().size(), "softfail and quarantine are no proof of forgery");

        AutoReplyRelay relaxed = relay(true, 100);
        relaxed.send(echo(TestMail.from("victim@forged.test").to("echo@example.com").authentication(spfFail).build().forModule("echo")));
        assertEquals(2, sent.sent().size(), "reply.auto.to.forged=true answers");
    }

    @Test
    void eachModuleCountsItsOwnRepliesToEachAddress() {
        AutoReplyRelay relay = relay(false, 1);
        relay.send(echo(from("bob@example.org")));
        relay.send(echo(from("Bob@Example.org")));
        relay.send(echo(TestMail.from("bob@example.org").to("list@example.com").build().forModule("mailinglist")));
        relay.send(echo(from("ann@example.org")));
        assertEquals(3, sent.sent().size());
        assertEquals(List.of("echo Bob@Example.org rate"), suppressed);
    }

    @Test
    void otherMailPassesUnchanged() {
        AutoReplyRelay relay = relay(false, 0);
        relay.send(MailResponse.replyTo(from("bob@example.org")).from("echo@example.com").text("a person's answer"));
        relay.send(MailResponse.to("ann@example.org").from("echo@example.com").text("news"));
        assertEquals(2, sent.sent().size());
        assertTrue(suppressed.isEmpty());
    }

    @Test
    void anAutomaticReplyMustSayWhatItAnswers() {
        MailResponse orphan = MailResponse.to("bob@example.org").from("echo@example.com").automatic();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> relay(false, 3).send(orphan));
        assertTrue(e.getMessage().contains("must say which message it answers"), e.getMessage());
        assertEquals(Optional.empty(), AutoReplyRules.STANDARD.check(MailResponse.to("bob@example.org").from("echo@example.com")));
    }

    @Test
    void everyRelayRefusesWhatTheRulesForbidEvenWithoutALimit() {
        sent.send(echo(TestMail.from("").to("echo@example.com").build()));
        sent.send(echo(TestMail.from("bot@example.org").to("echo@example.com").header("Auto-Submitted", "auto-replied").build()));
        sent.assertNothingSent();
        sent.send(echo(from("bob@example.org")));
        assertEquals(1, sent.sent().size());
    }
}
