package org.tubemail.internal.auth;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tubemail.internal.dkim.DkimKey;
import org.tubemail.internal.dkim.DkimKeys;
import org.tubemail.internal.dkim.DkimSigner;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.dns.DnsSettings;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Verdict;
import org.tubemail.support.Dnsmasq;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPF, DKIM and DMARC verdicts for records served by a real dnsmasq. */
class AuthenticatorTest {
    private static KeyPair key;
    private static Dnsmasq dns;
    private static Authenticator auth;

    @BeforeAll
    static void publish() throws Exception {
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        dns = Dnsmasq.builder()
                .txt("example.org", "v=spf1 ip4:127.0.0.1 -all")
                .txt("_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine")
                .txt("s1._domainkey.example.org", DkimKeys.record(key.getPublic()))
                .txt("soft.example.net", "v=spf1 ~all")
                .txt("mx.example.org", "v=spf1 a -all").a("mx.example.org", "127.0.0.1")
                .txt("relaxed.example.com", "v=spf1 ip4:127.0.0.0/8 -all")
                .txt("_dmarc.example.com", "v=DMARC1; p=none; aspf=s")
                .txt("macro.example.org", "v=spf1 exists:%{l}.allow.example.org -all").a("alice.allow.example.org", "127.0.0.2")
                .start();
        auth = new Authenticator(dns.resolver());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static byte[] message(String from) {
        return ("From: " + from + "\r\nTo: bob@localhost\r\nSubject: hi\r\nMessage-ID: <x@y>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] signed(String from) {
        return new DkimSigner(new DkimKey("example.org", "s1", key.getPrivate())).sign(message(from));
    }

    @Test
    void spfPassesForAnAllowedHostAndFailsForAnother() {
        Authentication a = auth.check("127.0.0.1", "client.example.org", "alice@example.org", message("alice@example.org"));
        assertEquals(new Authentication.Spf(Verdict.PASS, false, "example.org"), a.spf());
        assertEquals(Verdict.PASS, a.dmarc().verdict(), "SPF aligned with From");
        assertEquals("reject", a.dmarc().policy());
        assertEquals("example.org", a.alignedFromDomain().orElseThrow());
        assertTrue(a.authenticates("alice@example.org"));

        Authentication forged = auth.check("127.0.0.2", "evil.example.net", "alice@example.org", message("alice@example.org"));
        assertEquals(Verdict.FAIL, forged.spf().verdict());
        assertEquals(Verdict.FAIL, forged.dmarc().verdict());
        assertFalse(forged.authenticates("alice@example.org"));
        assertTrue(forged.alignedFromDomain().isEmpty());
        assertEquals(Verdict.SOFTFAIL, auth.check("127.0.0.1", "h", "x@soft.example.net", message("x@soft.example.net")).spf().verdict());
    }

    /** SPF results are kept per client, domain and HELO, but not when a macro may read the sender's local part. */
    @Test
    void spfWithAMacroJudgesEachSenderAndKeptResultsStayRight() {
        for (int i = 0; i < 2; i++) {
            assertEquals(Verdict.PASS, auth.check("127.0.0.1", "h", "alice@macro.example.org", message("x@y")).spf().verdict());
            assertEquals(Verdict.FAIL, auth.check("127.0.0.1", "h", "bob@macro.example.org", message("x@y")).spf().verdict());
            assertEquals(Verdict.PASS, auth.check("127.0.0.1", "h", "a@example.org", message("x@y")).spf().verdict());
            assertEquals(Verdict.FAIL, auth.check("127.0.0.2", "h", "a@example.org", message("x@y")).spf().verdict(), "another client");
        }
    }

    @Test
    void nullSenderChecksTheHeloName() {
        Authentication a = auth.check("127.0.0.1", "mx.example.org", "", message("MAILER-DAEMON@mx.example.org"));
        assertEquals(new Authentication.Spf(Verdict.PASS, true, "mx.example.org"), a.spf());
        assertFalse(a.authenticates("postmaster@mx.example.org"), "a HELO pass authenticates no sender");
    }

    @Test
    void dkimAuthenticatesWhereSpfFails() {
        Authentication a = auth.check("127.0.0.9", "forwarder", "alice@example.org", signed("Alice <alice@example.org>"));
        assertEquals(Verdict.FAIL, a.spf().verdict());
        assertEquals(List.of(new Authentication.Dkim(Verdict.PASS, "example.org", "s1")), a.dkim());
        assertEquals(Verdict.PASS, a.dmarc().verdict());
        assertEquals("example.org", a.authenticatedDomain("alice@mail.example.org", false, true, false).orElseThrow(),
                "relaxed alignment: same organisational domain");
        assertTrue(a.authenticatedDomain("alice@mail.example.org", false, true, true).isEmpty(), "strict alignment");
    }

    @Test
    void dmarcUsesTheOrganisationalDomainsSubdomainPolicyAndStrictAlignment() {
        Authentication sub = auth.check("127.0.0.9", "h", "bob@news.example.org", message("bob@news.example.org"));
        assertEquals(new Authentication.Dmarc(Verdict.FAIL, "news.example.org", "quarantine"), sub.dmarc());
        Authentication strict = auth.check("127.0.0.1", "h", "a@relaxed.example.com", message("a@example.com"));
        assertEquals(Verdict.PASS, strict.spf().verdict());
        assertEquals(Verdict.FAIL, strict.dmarc().verdict(), "aspf=s wants the very From domain");
        assertEquals(Verdict.NONE, auth.check("127.0.0.1", "h", "a@nodmarc.test", message("a@nodmarc.test")).dmarc().verdict());
    }

    /**
     * The parsed DKIM keys and DMARC records kept between messages, and DNS's own cache, give way
     * to changed records once their TTL (here 1 s) has passed: the same message, checked again
     * after its domain moved its SPF, DKIM key and DMARC policy, gets the new verdicts.
     */
    @Test
    void aChangedRecordIsSeenOnceItsTtlHasPassed() throws Exception {
        KeyPair first = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        KeyPair second = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        byte[] message = new DkimSigner(new DkimKey("ttl.example.org", "s1", first.getPrivate())).sign(message("a@ttl.example.org"));
        Dnsmasq before = Dnsmasq.builder().ttl(1)
                .txt("ttl.example.org", "v=spf1 ip4:127.0.0.1 -all")
                .txt("_dmarc.ttl.example.org", "v=DMARC1; p=reject")
                .txt("s1._domainkey.ttl.example.org", DkimKeys.record(first.getPublic()))
                .start();
        Authenticator checks;
        int port;
        try (before) {
            port = before.port();
            checks = new Authenticator(before.resolver());
            Authentication a = checks.check("127.0.0.1", "h", "a@ttl.example.org", message);
            assertEquals(Verdict.PASS, a.spf().verdict());
            assertEquals(List.of(new Authentication.Dkim(Verdict.PASS, "ttl.example.org", "s1")), a.dkim());
            assertEquals(new Authentication.Dmarc(Verdict.PASS, "ttl.example.org", "reject"), a.dmarc());
        }
        try (Dnsmasq after = Dnsmasq.builder().ttl(1).port(port)
                .txt("ttl.example.org", "v=spf1 -all")
                .txt("_dmarc.ttl.example.org", "v=DMARC1; p=none")
                .txt("s1._domainkey.ttl.example.org", DkimKeys.record(second.getPublic()))
                .start()) {
            Thread.sleep(1_500);
            Authentication a = checks.check("127.0.0.1", "h", "a@ttl.example.org", message);
            assertEquals(Verdict.FAIL, a.spf().verdict());
            assertEquals(List.of(new Authentication.Dkim(Verdict.FAIL, "ttl.example.org", "s1")), a.dkim(), "the new key");
            assertEquals(new Authentication.Dmarc(Verdict.FAIL, "ttl.example.org", "none"), a.dmarc());
        }
    }

    @Test
    void aSilentDnsServerGivesTemperrorInBoundedTime() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Authenticator blind = new Authenticator(new DnsResolver(new DnsSettings(
                    List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())), Duration.ofMillis(300), 10)));
            long start = System.nanoTime();
            Authentication a = blind.check("127.0.0.1", "h", "alice@example.org", signed("alice@example.org"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Verdict.TEMPERROR, a.spf().verdict());
            assertEquals(Verdict.TEMPERROR, a.dkim().get(0).verdict());
            assertEquals(Verdict.TEMPERROR, a.dmarc().verdict());
            assertTrue(ms < 5_000, "took " + ms + " ms");
        }
    }

    @Test
    void resultsHeaderReplacesForgedOnesClaimingOurIdAndRoundTrips() {
        Authentication a = auth.check("127.0.0.1", "h", "alice@example.org", signed("alice@example.org"));
        byte[] in = ("Authentication-Results: mx.tubemail.test; spf=pass smtp.mailfrom=evil\r\n"
                + "Authentication-Results: other.example; dkim=fail\r\n"
                + "authentication-results: (comment) MX.TUBEMAIL.TEST;\r\n dkim=pass\r\n"
                + "Subject: s\r\n\r\nAuthentication-Results: mx.tubemail.test; body text stays\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        String out = new String(AuthenticationResults.prepend("mx.tubemail.test", a, in), StandardCharsets.US_ASCII);
        assertTrue(out.startsWith("Authentication-Results: mx.tubemail.test;\r\n\tspf=pass smtp.mailfrom=example.org;"), out);
        assertEquals(1, out.split("\r\n\r\n")[0].split("mx.tubemail.test", -1).length - 1, out);
        assertTrue(out.contains("Authentication-Results: other.example; dkim=fail\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\nAuthentication-Results: mx.tubemail.test; body text stays\r\n"), out);
        assertEquals(a, Authentication.parse(a.summary()));
    }
}
