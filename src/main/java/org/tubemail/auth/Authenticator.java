package org.tubemail.auth;

import java.io.ByteArrayInputStream;
import java.util.List;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;

import org.tubemail.dkim.DkimVerifier;
import org.tubemail.dns.DnsResolver;
import org.tubemail.mail.Addresses;
import org.tubemail.mail.Authentication;

/**
 * Checks who sent a message: SPF for the envelope sender (or HELO name), every DKIM signature, and
 * DMARC for the {@code From:} domain, all through one {@link DnsResolver} (its servers, time limit
 * and cache). A DNS failure gives {@code temperror} for the check that needed it, within the
 * resolver's time limit per lookup. Thread-safe; blocks on DNS, so never call it on an event loop.
 */
public final class Authenticator {
    private final SpfCheck spf;
    private final DkimVerifier dkim;
    private final DmarcCheck dmarc;

    public Authenticator(DnsResolver dns) {
        this.spf = new SpfCheck(dns);
        this.dkim = new DkimVerifier(dns);
        this.dmarc = new DmarcCheck(dns);
    }

    /**
     * @param clientIp the client's IP address (the real client's when behind a PROXY-protocol balancer)
     * @param helo     the name it gave in HELO/EHLO
     * @param mailFrom the envelope sender, {@code ""} for the null sender
     * @param message  the message as received
     */
    public Authentication check(String clientIp, String helo, String mailFrom, byte[] message) {
        Authentication.Spf spfResult = spf.check(clientIp, helo, mailFrom);
        List<Authentication.Dkim> dkimResults = dkim.verify(message);
        Authentication.Dmarc dmarcResult = dmarc.check(fromDomain(message), spfResult, dkimResults);
        return new Authentication(spfResult, dkimResults, dmarcResult);
    }

    /** The domain of the one address of the one {@code From:} field, or {@code ""} (RFC 7489 6.6.1). */
    static String fromDomain(byte[] message) {
        try {
            String[] from = new InternetHeaders(new ByteArrayInputStream(message)).getHeader("From");
            if (from == null || from.length != 1) return "";
            InternetAddress[] addresses = InternetAddress.parseHeader(from[0].replaceAll("\r?\n", ""), false);
            return addresses.length == 1 ? Addresses.domain(addresses[0].getAddress()) : "";
        } catch (MessagingException e) { // an unreadable From: no DMARC identity
            return "";
        }
    }
}
