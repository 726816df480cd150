package org.tubemail.examples.mailinglist;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.Verdict;
import org.tubemail.testing.SentMail;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.nio.charset.StandardCharsets;
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

    private static final Pattern CONFIRM = Pattern.compile("(dev-confirm-[0-9a-f]{32}@lists\\.example\\.com)");
    private static final String DEV = "dev@lists.example.com";

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
        // two accepted domains: the list lives on the second, so nothing may fall back to the first
        kit.router(r -> r.defaultCapture("listdomain", "lists\\.example\\.com")
                .handlers(new MailingListHandler(kit.relay(), db, kit.confirmations(), clock)));
    }

    /** {@code mail} as the receiver hands it over after SPF passed for the sender, with the From domain's DMARC policy. */
    static MailRequest authenticated(TestMail mail, String sender, String dmarcPolicy) {
        String domain = sender.substring(sender.indexOf('@') + 1);
        return mail.authentication(new Authentication(new Authentication.Spf(Verdict.PASS, false, domain), List.of(),
                new Authentication.Dmarc(Verdict.PASS, domain, dmarcPolicy))).build();
    }

    private void deliver(TestMail mail) {
        kit.deliver(mail.authenticated());
    }

    private String key(String who) {
        return DEV + " " + who;
    }

    private String subscribe(String who) {
        deliver(TestMail.from(who).to("dev-subscribe@lists.example.com"));
        SentMail request = kit.relay().lastTo(who);
        assertEquals("Confirm your subscription to dev", request.subject());
        assertEquals("dev-admin@lists.example.com", request.asRequest().fromHeader().get(0).getAddress());
        Matcher m = CONFIRM.matcher(request.text());
        assertTrue(m.find(), request.text());
        assertEquals(m.group(1), request.asRequest().header("Reply-To").orElseThrow(), "replying confirms, on the list's domain");
        return m.group(1);
    }

    private void join(String who) {
        deliver(TestMail.from(who).to(subscribe(who)));
        assertEquals("Welcome to dev", kit.relay().lastTo(who).subject());
    }

    @Test
    void aMemberCannotPostAsSomeoneElse() {
        join("bob@example.org");
        join("ann@example.org");
        kit.relay().clear();
        deliver(TestMail.from("bob@example.org").to(DEV).header("From", "Alice <alice@victim.test>").subject("wire the money"));
        kit.relay().assertNothingSent();
        kit.assertUndeliverable(1);
        String kept = new String(kit.undeliverable().get(kit.undeliverable().keys().get(0)).orElseThrow(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(kept.contains("From: <alice@victim.test> is not aligned with example.org"), kept);
        kit.assertState(MailingListHandler.class, key("bob@example.org"), "POSTING");

        deliver(TestMail.from("bob@example.org").to(DEV).header("From", "Bob <bob@lists.example.org>").subject("from a subdomain"));
        assertEquals(List.of("ann@example.org"), kit.relay().sent().get(0).recipients(), "the same organisational domain is aligned");
    }

    @Test
    void subscribeConfirmPostUnsubscribe() {
        String confirm = subscribe("bob@example.org");
        kit.assertState(MailingListHandler.class, key("bob@example.org"), "CONFIRMING");
        assertFalse(db.isMember(DEV, "bob@example.org"));

        deliver(TestMail.from("bob@example.org").to(confirm));
        kit.assertState(MailingListHandler.class, key("bob@example.org"), "POSTING");
        assertTrue(db.isMember(DEV, "bob@example.org"));
        join("ann@example.org");
        kit.relay().clear();

        deliver(TestMail.from("bob@example.org").to(DEV).subject("first post").text("hi all"));
        List<SentMail> sent = kit.relay().sent();
        assertEquals(1, sent.size(), "to ann only, not back to the poster");
        SentMail post = sent.get(0);
        assertEquals(List.of("ann@example.org"), post.recipients());
        assertEquals("dev-bounce-ann=example.org@lists.example.com", post.envelopeFrom());
        assertEquals("first post", post.subject());
        MailRequest p = post.asRequest();
        assertEquals("<dev.lists.example.com>", p.header("List-Id").orElseThrow());
        assertEquals("<mailto:dev@lists.example.com>", p.header("List-Post").orElseThrow());
        assertEquals("<mailto:dev-unsubscribe@lists.example.com>", p.header("List-Unsubscribe").orElseThrow());
        assertEquals("bob@example.org", p.fromHeader().get(0).getAddress(), "no DMARC policy: From unchanged");
        assertEquals(DEV, p.header("Reply-To").orElseThrow());

        deliver(TestMail.from("bob@example.org").to("dev-unsubscribe@lists.example.com"));
        assertEquals("You left dev", kit.relay().lastTo("bob@example.org").subject());
        kit.assertState(MailingListHandler.class, key("bob@example.org"), "START");
        assertEquals(List.of("ann@example.org"), db.activeMembers(DEV));
        kit.assertUndeliverable(0);
    }

    @Test
    void aSubscriberConfirmsByAnsweringTheRequest() {
        kit.conversation("dora@example.org").authenticated()
                .say("dev-subscribe@lists.example.com", "subscribe me")
                .expectReply("Confirm your subscription to dev")
                .answer("yes") // to its Reply-To: the confirmation address, on the list's domain
                .expectReply("Welcome to dev");
        kit.assertState(MailingListHandler.class, key("dora@example.org"), "POSTING");
        assertTrue(db.isMember(DEV, "dora@example.org"));
    }

    @Test
    void eachListHasItsOwnStateAndDomain() {
        join("ann@example.org");
        deliver(TestMail.from("ann@example.org").to("ops-subscribe@lists.example.com"));
        kit.assertState(MailingListHandler.class, "ops@lists.example.com ann@example.org", "CONFIRMING");
        kit.assertState(MailingListHandler.class, key("ann@example.org"), "POSTING");
        assertTrue(kit.relay().lastTo("ann@example.org").text().contains("ops-confirm-"), "the ops list's own token");
    }

    @Test
    void addressesWorkInAnyCase() {
        deliver(TestMail.from("Bob@Example.org").to("Dev-Subscribe@Lists.Example.com"));
        String text = kit.relay().lastTo("Bob@Example.org").text();
        Matcher m = CONFIRM.matcher(text);
        assertTrue(m.find(), "the list's addresses in lower case: " + text);
        deliver(TestMail.from("bob@example.org").to(m.group(1).toUpperCase(java.util.Locale.ROOT)));
        assertTrue(db.isMember(DEV, "bob@example.org"), "one list, one token, whatever the case");
        kit.assertState(MailingListHandler.class, key("bob@example.org"), "POSTING");
    }

    @Test
    void aPostFromAStrangerAsksThemToJoin() {
        join("ann@example.org");
        kit.relay().clear();
        deliver(TestMail.from("carl@example.net").to(DEV).subject("hello?"));
        List<SentMail> sent = kit.relay().sent();
        assertEquals(1, sent.size(), "nothing reaches the members");
        assertEquals("Confirm your subscription to dev", sent.get(0).subject());
        assertTrue(sent.get(0).text().contains("was not posted: only members may post"), sent.get(0).text());
        kit.assertState(MailingListHandler.class, key("carl@example.net"), "CONFIRMING");
    }

    @Test
    void wrongUsedAndExpiredTokensFail() {
        String bobs = subscribe("bob@example.org");
        subscribe("eve@example.org");
        deliver(TestMail.from("eve@example.org").to(bobs));
        assertEquals("Confirmation failed for dev", kit.relay().lastTo("eve@example.org").subject());
        deliver(TestMail.from("bob@example.org").to(bobs));
        assertTrue(db.isMember(DEV, "bob@example.org"), "eve's attempt did not use bob's token up");
        String late = subscribe("cat@example.org");
        clock.now = clock.now.plus(Duration.ofHours(49));
        deliver(TestMail.from("cat@example.org").to(late));
        assertFalse(db.isMember(DEV, "cat@example.org"));
        kit.assertState(MailingListHandler.class, key("cat@example.org"), "CONFIRMING");
    }

    @Test
    void unauthenticatedSendersChangeNothing() {
        kit.deliver(TestMail.from("bob@example.org").to("dev-subscribe@lists.example.com"));
        kit.relay().assertNothingSent();
        kit.assertState(MailingListHandler.class, key("bob@example.org"), "START");
        kit.assertUndeliverable(1);
    }

    @Test
    void postsFromStrictDmarcDomainsComeFromTheList() {
        join("ann@example.org");
        join("alice@strict.example");
        kit.relay().clear();
        kit.deliver(authenticated(TestMail.from("alice@strict.example").to(DEV).subject("signed")
                .header("DKIM-Signature", "v=1; a=rsa-sha256; d=strict.example; s=s; h=from; bh=x; b=y"), "alice@strict.example", "reject"));
        MailRequest p = kit.relay().lastTo("ann@example.org").asRequest();
        assertEquals(DEV, p.fromHeader().get(0).getAddress());
        assertEquals("alice@strict.example via dev", p.fromHeader().get(0).getPersonal());
        assertEquals("alice@strict.example", p.addressHeader("Reply-To").get(0).getAddress(), "the poster in Reply-To");
        assertTrue(p.header("DKIM-Signature").isEmpty(), "the author's broken signature is gone");

        kit.deliver(authenticated(TestMail.from("alice@strict.example").to(DEV).subject("q"), "alice@strict.example", "quarantine"));
        assertEquals(DEV, kit.relay().lastTo("ann@example.org").asRequest().fromHeader().get(0).getAddress());
        kit.deliver(authenticated(TestMail.from("alice@strict.example").to(DEV).subject("n"), "alice@strict.example", "none"));
        assertEquals("alice@strict.example", kit.relay().lastTo("ann@example.org").asRequest().fromHeader().get(0).getAddress());
    }

    static MailRequest dsn(String to, String status, String action) {
        String text = "From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
                + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
                + "Final-Recipient: rfc822; bob@example.org\r\nAction: " + action + "\r\nStatus: " + status + "\r\n\r\n--b--\r\n";
        return MailRequest.parse(Envelope.of("", to), text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void hardBouncesDisableAMemberAndSoftOnesDecay() {
        join("ann@example.org");
        join("bob@example.org");
        String verp = "dev-bounce-bob=example.org@lists.example.com";
        for (int i = 0; i < 4; i++) {
            kit.deliver(dsn(verp, "4.2.2", "delayed"));
            clock.now = clock.now.plus(Duration.ofDays(3));
        }
        assertFalse(db.isDisabled(DEV, "bob@example.org"), "soft bounces spread over days decay: " + db.bounceScore(DEV,
                "bob@example.org", clock.millis()));
        kit.deliver(dsn(verp, "5.1.1", "failed"));
        kit.deliver(dsn(verp, "5.1.1", "failed"));
        assertFalse(db.isDisabled(DEV, "bob@example.org"));
        kit.deliver(dsn(verp, "5.1.1", "failed"));
        assertTrue(db.isDisabled(DEV, "bob@example.org"), "three hard bounces");
        kit.relay().clear();
        deliver(TestMail.from("ann@example.org").to(DEV).subject("anyone?"));
        kit.relay().assertNothingSent();

        // a vacation reply to a bounce address counts nothing
        kit.deliver(MailRequest.parse(Envelope.of("", "dev-bounce-ann=example.org@lists.example.com"),
                "From: ann@example.org\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nI am out of the office.\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0.0, db.bounceScore(DEV, "ann@example.org", clock.millis()));
        kit.assertUndeliverable(0);
    }

    @Test
    void aBurstOfSoftBouncesCounts() {
        join("bob@example.org");
        for (int i = 0; i < 6; i++) {
            kit.deliver(dsn("dev-bounce-bob=example.org@lists.example.com", "4.2.2", "delayed"));
        }
        assertTrue(db.isDisabled(DEV, "bob@example.org"), "six soft bounces at once weigh as three hard ones");
    }

    @Test
    void membersSurviveReopen(@TempDir Path dir) {
        Path file = dir.resolve("lists.db");
        try (ListDatabase disk = ListDatabase.open(file)) {
            disk.addMember(DEV, "ann@example.org");
            disk.recordBounce(DEV, "ann@example.org", true, 0, MailingListHandler.BOUNCE_LIMIT);
        }
        try (ListDatabase disk = ListDatabase.open(file)) {
            assertEquals(List.of("ann@example.org"), disk.activeMembers(DEV));
            assertEquals(1.0, disk.bounceScore(DEV, "ann@example.org", 0));
        }
    }
}
