package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Authenticated;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.Stateless;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.Verdict;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Authenticated} on modules and methods: who may run them, and what happens to the others. */
class AuthenticatedRoutingTest {

    /** Every method of this module demands an authenticated sender. */
    @Authenticated
    public static class Members {
        final List<String> ran = new ArrayList<>();

        @Stateless
        @Route("members@(host)")
        public void audit(MailRequest msg) {
            ran.add("audit");
        }

        @Route("members@(host)")
        public String START(MailRequest msg) {
            ran.add("START");
            return "MEMBER";
        }

        @RouteLike("START")
        public String MEMBER(MailRequest msg) {
            ran.add("MEMBER");
            return null;
        }
    }

    /** Only posting demands it; asking for help does not. */
    public static class Help {
        @Route("help@(host)")
        public String START(MailRequest msg) {
            return "ASKED";
        }

        @Authenticated(by = Authenticated.By.DKIM, strict = true)
        @RouteLike("START")
        public String ASKED(MailRequest msg) {
            return "POSTED";
        }

        @Route("thanks@(host)")
        public String POSTED(MailRequest msg) {
            return null;
        }
    }

    /** Posts must carry the authenticated domain in From:, strictly for the strict one. */
    public static class Posts {
        final List<String> ran = new ArrayList<>();

        @Stateless
        @Authenticated(fromAligned = true)
        @Route("posts@(host)")
        public void post(MailRequest msg) {
            ran.add(msg.fromHeader().get(0).getAddress());
        }

        @Stateless
        @Authenticated(fromAligned = true, strict = true)
        @Route("strict@(host)")
        public void strictPost(MailRequest msg) {
            ran.add("strict " + msg.fromHeader().get(0).getAddress());
        }
    }

    @Test
    void fromAlignedDemandsTheAuthenticatedDomainInFrom() {
        Posts posts = new Posts();
        TestKit k = new TestKit().router(r -> r.defaultCapture("host", "example\\.com").handlers(posts));
        k.deliver(TestMail.from("bob@example.org").to("posts@example.com").authenticated());
        k.deliver(TestMail.from("bob@example.org").to("posts@example.com").header("From", "bob@news.example.org").authenticated());
        RecipientResult other = k.deliver(TestMail.from("bob@example.org").to("posts@example.com")
                .header("From", "Alice <alice@victim.test>").authenticated()).results().get(0);
        RecipientResult two = k.deliver(TestMail.from("bob@example.org").to("posts@example.com")
                .header("From", "bob@example.org, alice@victim.test").authenticated()).results().get(0);
        k.deliver(TestMail.from("bob@example.org").to("strict@example.com").header("From", "bob@news.example.org").authenticated());
        k.deliver(TestMail.from("bob@example.org").to("strict@example.com").authenticated());
        assertEquals(List.of("bob@example.org", "bob@news.example.org", "strict bob@example.org"), posts.ran);
        assertEquals(RecipientResult.Status.UNAUTHENTICATED, other.status());
        assertTrue(other.reason().contains("Posts.post accepts only mail whose From: is the authenticated domain's, and From: "
                + "<alice@victim.test> is not aligned with example.org"), other.reason());
        assertTrue(two.reason().contains("From: names 2 authors"), two.reason());
        k.assertUndeliverable(3);
        MailRequest forged = TestMail.from("bob@example.org").to("posts@example.com").header("From", "alice@victim.test").authenticated().build();
        assertTrue(k.router().authenticationRefusal(forged).orElseThrow().contains("not aligned"), "receiver.auth.reject refuses it too");
    }

    private final Members members = new Members();
    private final TestKit kit = new TestKit().router(r -> r.defaultCapture("host", "example\\.com").handlers(members, new Help()));

    @Test
    void anUnauthenticatedSenderRunsNothingOfTheModuleAndLeavesItsStateAlone() {
        RecipientResult r = kit.deliver(TestMail.from("alice@example.org").to("members@example.com")).results().get(0);
        assertEquals(RecipientResult.Status.UNAUTHENTICATED, r.status());
        assertTrue(r.reason().contains("Members.audit accepts only authenticated senders and <alice@example.org> is not (no checks ran)"),
                r.reason());
        assertEquals(List.of(), members.ran);
        kit.assertState(Members.class, "alice@example.org", "START");
        kit.assertUndeliverable(1);

        kit.deliver(TestMail.from("alice@example.org").to("members@example.com").authenticated());
        assertEquals(List.of("audit", "START"), members.ran);
        kit.assertState(Members.class, "alice@example.org", "MEMBER");
    }

    @Test
    void aForgedSenderIsRefusedEvenWithPassesForAnotherDomain() {
        Authentication mallory = Authentication.parse("spf=pass smtp.mailfrom=evil.example.net; "
                + "dkim=pass header.d=evil.example.net header.s=s; dmarc=pass header.from=evil.example.net");
        kit.deliver(TestMail.from("alice@example.org").to("members@example.com").authentication(mallory));
        kit.assertState(Members.class, "alice@example.org", "START");
        assertEquals(List.of(), members.ran);
    }

    @Test
    void aMethodLevelRuleAppliesOnlyInItsStateAndCanDemandStrictDkim() {
        Authentication spfOnly = Authentication.parse("spf=pass smtp.mailfrom=example.org; dmarc=pass header.from=example.org");
        Authentication parentDkim = Authentication.parse("spf=fail smtp.mailfrom=lists.example.org; "
                + "dkim=pass header.d=example.org header.s=s");
        Authentication ownDkim = Authentication.parse("dkim=pass header.d=lists.example.org header.s=s");

        kit.deliver(TestMail.from("bob@lists.example.org").to("help@example.com"));
        kit.assertState(Help.class, "bob@lists.example.org", "ASKED");
        kit.deliver(TestMail.from("bob@lists.example.org").to("help@example.com").authentication(spfOnly));
        kit.deliver(TestMail.from("bob@lists.example.org").to("help@example.com").authentication(parentDkim));
        kit.assertState(Help.class, "bob@lists.example.org", "ASKED");
        kit.assertUndeliverable(2);
        assertTrue(kit.router().authenticationRefusal(TestMail.from("bob@lists.example.org").to("help@example.com")
                .authentication(parentDkim).build()).orElseThrow().startsWith("Help.ASKED accepts only"));

        kit.deliver(TestMail.from("bob@lists.example.org").to("help@example.com").authentication(ownDkim));
        kit.assertState(Help.class, "bob@lists.example.org", "POSTED");
        assertTrue(kit.router().authenticationRefusal(TestMail.from("bob@lists.example.org").to("help@example.com").build()).isEmpty(),
                "POSTED has no method for help@, so nothing would refuse it");
    }

    @Test
    void theVerdictsSurviveTheirOwnSummary() {
        Authentication a = new Authentication(new Authentication.Spf(Verdict.SOFTFAIL, true, "mx.example.org"),
                List.of(new Authentication.Dkim(Verdict.PASS, "example.org", "s1"), new Authentication.Dkim(Verdict.FAIL, "x.test", "k")),
                new Authentication.Dmarc(Verdict.PASS, "example.org", "quarantine"));
        assertEquals(a, Authentication.parse(a.summary()));
        assertEquals(Authentication.NONE, Authentication.parse(""));
        assertEquals(a.asLocal(), Authentication.parse(a.summary() + "; auth=local"));
        assertEquals(Authentication.LOCAL, Authentication.parse(Authentication.LOCAL.summary()));
        assertTrue(Authentication.LOCAL.summary().endsWith("; auth=local"), Authentication.LOCAL.summary());
    }

    @Test
    void aClientInATrustedNetworkIsAuthenticatedForAnyRuleAsAuthLocal() {
        Authentication forgedButLocal = Authentication.parse("spf=fail smtp.mailfrom=example.org; dkim=none; "
                + "dmarc=fail header.from=example.org policy.dmarc=reject; auth=local");
        assertTrue(forgedButLocal.local());
        kit.deliver(TestMail.from("alice@example.org").to("members@example.com").authentication(forgedButLocal));
        kit.assertState(Members.class, "alice@example.org", "MEMBER");
        kit.deliver(TestMail.from("bob@lists.example.org").to("help@example.com").authentication(Authentication.LOCAL));
        kit.deliver(TestMail.from("bob@lists.example.org").to("help@example.com").authentication(Authentication.LOCAL));
        kit.assertState(Help.class, "bob@lists.example.org", "POSTED"); // strict DKIM too
        kit.assertUndeliverable(0);
        assertEquals(java.util.Optional.of("example.org"), Authentication.LOCAL.authenticatedDomain("alice@example.org", false, true, true));
        assertEquals(java.util.Optional.empty(), Authentication.LOCAL.authenticatedDomain("", true, true, false), "not the null sender");
    }
}
