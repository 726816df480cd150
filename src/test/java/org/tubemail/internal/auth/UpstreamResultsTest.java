package org.tubemail.internal.auth;

import org.junit.jupiter.api.Test;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Verdict;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the verdicts an MTA in front wrote, as its milters write them, and never a sender's own. */
class UpstreamResultsTest {

    private static final UpstreamResults MX = UpstreamResults.trusting("mx.example.com");

    private static byte[] mail(String headers) {
        return (headers + "From: Alice <alice@example.org>\r\nSubject: hi\r\n\r\nbody\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What Postfix passes on with pypolicyd-spf, OpenDKIM and OpenDMARC: one field each, on top. */
    @Test
    void postfixMiltersFieldsAreMerged() {
        Authentication a = MX.read(mail("""
                Authentication-Results: mx.example.com; dmarc=pass (p=reject dis=none) header.from=example.org\r
                Authentication-Results: mx.example.com;\r
                \tdkim=pass (2048-bit key; unprotected) header.d=example.org header.i=@example.org header.b="AbCd12";\r
                \tdkim-atps=neutral\r
                Authentication-Results: mx.example.com; spf=pass (sender SPF authorized; client-ip=192.0.2.1)\r
                \tsmtp.mailfrom=alice@example.org (helo=mail.example.org)\r
                Received: from mail.example.org (mail.example.org [192.0.2.1]) by mx.example.com (Postfix) with ESMTPS\r
                """));
        assertEquals(new Authentication.Spf(Verdict.PASS, false, "example.org"), a.spf());
        assertEquals(List.of(new Authentication.Dkim(Verdict.PASS, "example.org", "")), a.dkim());
        assertEquals(new Authentication.Dmarc(Verdict.PASS, "example.org", "reject"), a.dmarc());
        assertTrue(a.authenticates("alice@example.org"));
        assertFalse(a.authenticates("mallory@example.net"));
    }

    /** rspamd writes one field with every method and the policy as a comment. */
    @Test
    void rspamdsSingleField() {
        Authentication a = MX.read(mail("""
                Authentication-Results: MX.example.com;\r
                \tdkim=fail ("body hash did not verify") header.d=example.org header.s=sel1 header.b=abc;\r
                \tdkim=pass header.d=relay.example.net header.s=s2024;\r
                \tspf=softfail (mx.example.com: domain of bounce@example.org is not designated) smtp.mailfrom=bounce@example.org;\r
                \tdmarc=fail reason="SPF not aligned (relaxed)" (policy=quarantine) header.from=example.org\r
                Received: from x by mx.example.com\r
                """));
        assertEquals(Verdict.SOFTFAIL, a.spf().verdict());
        assertEquals(List.of(new Authentication.Dkim(Verdict.FAIL, "example.org", "sel1"),
                new Authentication.Dkim(Verdict.PASS, "relay.example.net", "s2024")), a.dkim());
        assertEquals(new Authentication.Dmarc(Verdict.FAIL, "example.org", "quarantine"), a.dmarc());
        assertFalse(a.authenticates("bounce@example.org"));
    }

    @Test
    void aBounceIsJudgedByItsHeloName() {
        Authentication a = MX.read(mail("Authentication-Results: mx.example.com; spf=pass smtp.helo=mail.example.org\r\n"));
        assertEquals(new Authentication.Spf(Verdict.PASS, true, "mail.example.org"), a.spf());
    }

    /** A sender can write any header; the MTA's Received line sits above whatever it wrote. */
    @Test
    void fieldsBelowTheFirstReceivedLineAreTheSendersAndIgnored() {
        Authentication a = MX.read(mail("""
                Received: from evil.example.net by mx.example.com (Postfix)\r
                Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=alice@example.org; dkim=pass header.d=example.org\r
                """));
        assertEquals(Authentication.NONE, a);
    }

    @Test
    void otherServersFieldsAndNoResultsCountForNothing() {
        assertEquals(Authentication.NONE, MX.read(mail(
                "Authentication-Results: mx.example.com.evil.net; spf=pass smtp.mailfrom=alice@example.org\r\n"
                        + "Authentication-Results: mx.example.com 1; none\r\n")));
        assertEquals(Authentication.NONE, UpstreamResults.NONE.read(mail(
                "Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=alice@example.org\r\n")));
    }

    @Test
    void anAuthservIdMustBeAHostName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpstreamResults.trusting("mx; spf=pass"));
        assertTrue(e.getMessage().contains("host name"), e.getMessage());
    }
}
