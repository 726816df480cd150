package org.tubemail.internal.auth;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import org.tubemail.internal.dkim.DkimVerifier;
import org.tubemail.internal.dkim.RawMessage;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.mail.Authentication;

import java.util.List;

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
        RawMessage raw = RawMessage.parse(message);
        List<Authentication.Dkim> dkimResults = dkim.verify(raw);
        Authentication.Dmarc dmarcResult = dmarc.check(fromDomain(raw), spfResult, dkimResults);
        return new Authentication(spfResult, dkimResults, dmarcResult);
    }

    /** The domain of the one address of the one {@code From:} field, or {@code ""} (RFC 7489 6.6.1). */
    static String fromDomain(RawMessage message) {
        try {
            List<String> from = message.values("From");
            if (from.size() != 1) return "";
            InternetAddress[] addresses = InternetAddress.parseHeader(from.get(0), false);
            return addresses.length == 1 ? Addresses.domain(addresses[0].getAddress()) : "";
        } catch (MessagingException e) { // an unreadable From: no DMARC identity
            return "";
        }
    }
}
