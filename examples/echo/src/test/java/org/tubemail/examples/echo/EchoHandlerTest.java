package org.tubemail.examples.echo;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tubemail.mail.Authentication;
import org.tubemail.testing.SentMail;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EchoHandlerTest {

    private final TestKit kit = new TestKit();

    @BeforeEach
    void router() {
        kit.router(r -> r.defaultCapture("host", "example\\.com").handlers(new EchoHandler(kit.relay())));
    }

    @Test
    void repliesQuotingTheMessage() {
        kit.deliver(TestMail.from("bob@example.org").to("echo@example.com").subject("ping").text("hello\nthere"));
        SentMail reply = kit.relay().lastTo("bob@example.org");
        assertEquals("Re: ping", reply.subject());
        assertTrue(reply.text().contains("> hello\n> there"), reply.text());
        assertEquals("auto-replied", reply.asRequest().header("Auto-Submitted").orElseThrow());
        assertEquals("echo@example.com", reply.envelopeFrom());
    }

    @Test
    void anHtmlOnlyMessageIsQuotedAsText() {
        kit.deliver(TestMail.from("bob@example.org").to("echo@example.com").subject("html")
                .html("<html><head><style>p{}</style></head><body><p>Hello &amp; welcome,</p><p>see <a href=\"https://example.org/x\">this</a><br>bye</p></body></html>"));
        String text = kit.relay().lastTo("bob@example.org").text();
        assertTrue(text.contains("> Hello & welcome,\n> \n> see this <https://example.org/x>\n> bye"), text);
        assertTrue(!text.contains("p{}") && !text.contains("<p>"), text);
    }

    @Test
    void answersEveryMessageOfAConversation() {
        kit.conversation("bob@example.org").subject("ping")
                .say("echo@example.com", "first").expectReply("> first")
                .say("Echo@Example.com", "second").expectReply("> second")
                .answer("third").expectReply("Subject: Re: Re: ping|> third");
        assertTrue(kit.relay().delivered("> second").isPresent());
        kit.clearQueue();
        kit.conversation("bob@example.org").say("echo@example.com", "again").expectReply("> again");
        assertEquals(1, kit.relay().sent().size());
    }

    @Test
    void neverAnswersBouncesOrAutomaticMail() {
        kit.deliver(TestMail.from("").to("echo@example.com").subject("Undelivered Mail"));
        kit.deliver(TestMail.from("bot@example.org").to("echo@example.com").header("Auto-Submitted", "auto-replied"));
        kit.deliver(TestMail.from("list@example.org").to("echo@example.com").header("Precedence", "bulk"));
        kit.deliver(TestMail.from("list@example.org").to("echo@example.com").header("List-Id", "<dev.example.org>"));
        kit.relay().assertNothingSent();
        kit.assertUndeliverable(0);
    }

    @Test
    void neverAnswersASenderWhoseDomainSaysTheMailIsForged() {
        kit.deliver(TestMail.from("victim@forged.test").to("echo@example.com")
                .authentication(Authentication.parse("spf=fail smtp.mailfrom=forged.test; dkim=none; dmarc=none")));
        kit.deliver(TestMail.from("ceo@strict.test").to("echo@example.com")
                .authentication(Authentication.parse("spf=none smtp.mailfrom=strict.test; dkim=none; dmarc=fail header.from=strict.test policy.dmarc=reject")));
        kit.relay().assertNothingSent();
        kit.deliver(TestMail.from("bob@soft.test").to("echo@example.com")
                .authentication(Authentication.parse("spf=softfail smtp.mailfrom=soft.test; dkim=none; dmarc=none")));
        assertEquals(1, kit.relay().sent().size(), "~all is no proof of forgery");
    }

    @Test
    void ordinaryMailMarkedAutoSubmittedNoIsAnswered() {
        kit.deliver(TestMail.from("bob@example.org").to("echo@example.com").header("Auto-Submitted", "no"));
        assertEquals(1, kit.relay().sent().size());
    }
}
