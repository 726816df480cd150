package org.tubemail.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConversationTest {

    private final TestKit kit = new TestKit();

    private TestKit greeter() {
        return kit.router(r -> r.defaultCapture("host", "example\\.com").handlers(new Greeter(kit.relay())));
    }

    @Test
    void expectReplyLooksOnlyAtWhatTheLastSayBrought() {
        Conversation bob = greeter().conversation("bob@example.org");
        bob.say("hello@example.com", "hi").expectReply("Nice to meet you");
        bob.say("hello@example.com", "hi again").expectReply("Hello again");
        AssertionError e = assertThrows(AssertionError.class, () -> bob.expectReply("Nice to meet you"));
        assertTrue(e.getMessage().contains("Re: test"), e.getMessage());
        kit.assertState(Greeter.class, "bob@example.org", "GREETED");
    }

    @Test
    void repliesToOthersDoNotCount() {
        greeter();
        kit.conversation("ann@example.org").say("hello@example.com", "hi").expectReply("Nice");
        Conversation bob = kit.conversation("bob@example.org");
        AssertionError e = assertThrows(AssertionError.class, () -> bob.say("nobody@example.com", "hi").expectReply("Nice"));
        assertTrue(e.getMessage().contains("nothing was sent to them") && e.getMessage().contains("no route matches"), e.getMessage());
        bob.expectNoReply();
        assertThrows(AssertionError.class, () -> kit.conversation("ann@example.org").say("hello@example.com", "x").expectNoReply());
    }

    @Test
    void subscribeConfirmAndWelcome() {
        kit.router(r -> r.defaultCapture("host", "example\\.com").handlers(new Subscriptions(kit.relay(), kit.confirmations())));
        Conversation bob = kit.conversation("bob@example.org").subject("please add me");
        bob.say("list-subscribe@example.com", "subscribe").expectReply("confirm");
        assertTrue(bob.reply().html().contains("mailto:list-confirm-"), "the HTML part from the template");
        assertEquals(1, kit.confirmations().count());
        bob.answer("yes").expectReply("Welcome to list! You asked with the subject \"please add me\"");
        kit.assertState(Subscriptions.class, "bob@example.org", "SUBSCRIBED");
        assertEquals(0, kit.confirmations().count());
    }

    @Test
    void aGuessedTokenConfirmsNothing() {
        kit.router(r -> r.defaultCapture("host", "example\\.com").handlers(new Subscriptions(kit.relay(), kit.confirmations())));
        kit.conversation("bob@example.org").say("list-subscribe@example.com", "subscribe").expectReply("confirm")
                .say("list-confirm-" + "0".repeat(32) + "@example.com", "yes").expectNoReply();
        kit.assertState(Subscriptions.class, "bob@example.org", "CONFIRMING");
    }

    @Test
    void deliveredFindsTextEvenWhenTheBodyIsEncoded() {
        greeter().conversation("bob@example.org").say("hello@example.com", "hi");
        kit.relay().send(org.tubemail.mail.MailResponse.to("ann@example.org").from("x@example.com").subject("Grüße")
                .text("Schöne Grüße aus Köln, " + "x".repeat(100)));
        assertTrue(kit.relay().delivered("Nice to meet").isPresent());
        assertTrue(kit.relay().delivered("Schöne Grüße aus Köln").orElseThrow().isTo("ann@example.org"));
        assertTrue(kit.relay().delivered("nowhere to be found").isEmpty());
    }

    @Test
    void clearQueueForgetsRelayedAndUndeliverableMail() {
        greeter().conversation("bob@example.org").say("hello@example.com", "hi").say("nobody@example.com", "x");
        assertEquals(1, kit.relay().sent().size());
        kit.assertUndeliverable(1);
        kit.clearQueue();
        assertEquals(0, kit.relay().sent().size());
        kit.assertUndeliverable(0);
        kit.conversation("bob@example.org").say("hello@example.com", "again").expectReply("Hello again");
    }
}
