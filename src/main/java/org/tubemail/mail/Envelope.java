package org.tubemail.mail;

import java.util.List;
import java.util.Objects;

/**
 * What the SMTP or LMTP conversation said about a message, as opposed to what its headers say.
 *
 * @param peer       the client's address (e.g. {@code 127.0.0.1:53122}), or {@code ""} when unknown
 * @param mailFrom   the {@code MAIL FROM} address without angle brackets; {@code ""} for the null sender
 * @param recipients     every {@code RCPT TO} address, in the order given
 * @param authentication what the receiver's SPF, DKIM and DMARC checks found; {@link Authentication#NONE} when none ran
 * @param dnsbl          what the receiver's DNS blocklists and allowlists said about the client; {@link DnsblVerdict#NONE} when none named it
 */
public record Envelope(String peer, String mailFrom, List<String> recipients, Authentication authentication, DnsblVerdict dnsbl) {

    /** Copies the recipients and rejects missing parts. */
    public Envelope {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(dnsbl, "dnsbl");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
    }

    /** An envelope whose client no DNS list named. */
    public Envelope(String peer, String mailFrom, List<String> recipients, Authentication authentication) {
        this(peer, mailFrom, recipients, authentication, DnsblVerdict.NONE);
    }

    /** An envelope of a message whose sender was not checked. */
    public Envelope(String peer, String mailFrom, List<String> recipients) {
        this(peer, mailFrom, recipients, Authentication.NONE);
    }

    /** The same envelope with the checks' verdicts. */
    public Envelope withAuthentication(Authentication verdicts) {
        return new Envelope(peer, mailFrom, recipients, verdicts, dnsbl);
    }

    /** The same envelope with the DNS lists' verdict on the client. */
    public Envelope withDnsbl(DnsblVerdict verdict) {
        return new Envelope(peer, mailFrom, recipients, authentication, verdict);
    }

    /** An envelope with no known peer. */
    public static Envelope of(String mailFrom, String... recipients) {
        return new Envelope("", mailFrom, List.of(recipients));
    }
}
