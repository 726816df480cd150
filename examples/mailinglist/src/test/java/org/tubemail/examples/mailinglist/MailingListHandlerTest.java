package org.tubemail.examples.mailinglist;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.testing.SentMail;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailingListHandlerTest {

    private static final Pattern CONFIRM = Pattern.compile("(dev-confirm-[0-9a-f]{24}@example\\.com)");

    /** A clock tests can move forward. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-22T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestKit kit = new TestKit();
    private final ListDatabase db = ListDatabase.inMemory();
    private final MovableClock clock = new MovableClock();

    @BeforeEach
    void router() {
        kit.router(r -> r.defaultCapture("listdomain", "example\\.com")
                .handlers(new MailingListHandler(kit.relay(), "example.com", db, clock)));
    }

    private String subscribe(String who) {
        kit.deliver(TestMail.from(who).to("dev-subscribe@example.com"));
        SentMail request = kit.relay().lastTo(who);
        assertEquals("Confirm your subscription to dev", request.subject());
        Matcher m = CONFIRM.matcher(request.text());
        assertTrue(m.find(), request.text());
        assertEquals(m.group(1), request.asRequest().header("Reply-To").orElseThrow());
        return m.group(1);
    }

    private void join(String who) {
        kit.deliver(TestMail.from(who).to(subscribe(who)));
        assertEquals("Welcome to dev", kit.relay().lastTo(who).subject());
    }

    @Test
    void subscribeConfirmPostUnsubscribe() {
        String confirm = subscribe("bob@example.org");
        kit.assertState(MailingListHandler.class, "bob@example.org", "CONFIRMING");
        assertFalse(db.isMember("dev", "bob@example.org"));

        kit.deliver(TestMail.from("bob@example.org").to(confirm));
        kit.assertState(MailingListHandler.class, "bob@example.org", "POSTING");
        assertTrue(db.isMember("dev", "bob@example.org"));
        join("ann@example.org");
        kit.relay().clear();

        kit.deliver(TestMail.from("bob@example.org").to("dev@example.com").subject("first post").text("hi all"));
        List<SentMail> sent = kit.relay().sent();
        assertEquals(1, sent.size(), "to ann only, not back to the poster");
        SentMail post = sent.get(0);
        assertEquals(List.of("ann@example.org"), post.recipients());
        assertEquals("dev-bounce-ann=example.org@example.com", post.envelopeFrom());
        assertEquals("first post", post.subject());
        assertEquals("<dev.example.com>", post.asRequest().header("List-Id").orElseThrow());
        assertEquals("<mailto:dev-unsubscribe@example.com>", post.asRequest().header("List-Unsubscribe").orElseThrow());

        kit.deliver(TestMail.from("bob@example.org").to("dev-unsubscribe@example.com"));
        assertEquals("You left dev", kit.relay().lastTo("bob@example.org").subject());
        kit.assertState(MailingListHandler.class, "bob@example.org", "START");
        assertEquals(List.of("ann@example.org"), db.activeMembers("dev"));
        kit.assertUndeliverable(0);
    }

    @Test
    void wrongUsedAndExpiredTokensFail() {
        String bobs = subscribe("bob@example.org");
        // eve cannot use bob's token, and bob can still use it afterwards
        subscribe("eve@example.org");
        kit.deliver(TestMail.from("eve@example.org").to(bobs));
        assertEquals("Confirmation failed for dev", kit.relay().lastTo("eve@example.org").subject());
        kit.deliver(TestMail.from("bob@example.org").to(bobs));
        assertTrue(db.isMember("dev", "bob@example.org"));
        // a used token fails
        kit.deliver(TestMail.from("bob@example.org").to(bobs));
        assertEquals("Confirmation failed for dev", kit.relay().lastTo("bob@example.org").subject());
        // an expired one fails
        String late = subscribe("cat@example.org");
        clock.now = clock.now.plus(Duration.ofHours(49));
        kit.deliver(TestMail.from("cat@example.org").to(late));
        assertFalse(db.isMember("dev", "cat@example.org"));
        kit.assertState(MailingListHandler.class, "cat@example.org", "CONFIRMING");
    }

    @Test
    void nonMembersCannotPost() {
        join("ann@example.org");
        kit.relay().clear();
        kit.deliver(TestMail.from("spam@example.net").to("dev@example.com").subject("buy"));
        List<SentMail> sent = kit.relay().sent();
        assertEquals(1, sent.size());
        assertEquals("Not posted to dev", sent.get(0).subject());
        assertTrue(sent.get(0).isTo("spam@example.net"));
    }

    @Test
    void repeatedBouncesStopDeliveryToAMember() {
        join("ann@example.org");
        join("bob@example.org");
        for (int i = 0; i < MailingListHandler.BOUNCE_LIMIT; i++) {
            assertTrue(db.activeMembers("dev").contains("bob@example.org"), "still active after " + i + " bounces");
            kit.deliver(TestMail.from("").to("dev-bounce-bob=example.org@example.com").subject("Undelivered Mail"));
        }
        assertTrue(db.isDisabled("dev", "bob@example.org"));
        kit.relay().clear();
        kit.deliver(TestMail.from("ann@example.org").to("dev@example.com").subject("anyone?"));
        kit.relay().assertNothingSent();
        // ordinary mail to a bounce address counts nothing
        kit.deliver(TestMail.from("ann@example.org").to("dev-bounce-ann=example.org@example.com"));
        assertFalse(db.isDisabled("dev", "ann@example.org"));
    }

    @Test
    void pendingConfirmationsAndMembersSurviveReopen(@TempDir Path dir) {
        Path file = dir.resolve("lists.db");
        String token;
        try (ListDatabase disk = ListDatabase.open(file)) {
            token = new ConfirmationEngine(disk, clock, Duration.ofHours(1)).request("dev", "bob@example.org");
            disk.addMember("dev", "ann@example.org");
        }
        try (ListDatabase disk = ListDatabase.open(file)) {
            assertEquals(List.of("ann@example.org"), disk.activeMembers("dev"));
            assertTrue(new ConfirmationEngine(disk, clock, Duration.ofHours(1)).confirm("dev", "bob@example.org", token).isPresent());
        }
        try (ListDatabase disk = ListDatabase.open(file)) {
            assertTrue(new ConfirmationEngine(disk, clock, Duration.ofHours(1)).confirm("dev", "bob@example.org", token).isEmpty(),
                    "used up, durably");
        }
    }
}
