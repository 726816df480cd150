package org.tubemail.testing;

import jakarta.mail.internet.MimeMessage;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A message a {@link CapturingRelay} took, readable with the same accessors as a received one.
 *
 * @param envelopeFrom the envelope sender it was sent with
 * @param recipients   the envelope recipients
 * @param message      the message as sent
 */
public record SentMail(String envelopeFrom, List<String> recipients, MimeMessage message) {

    /** Copies the recipients. */
    public SentMail {
        recipients = List.copyOf(recipients);
    }

    /** The message parsed back, as a receiver would see it. */
    public MailRequest asRequest() {
        return MailRequest.of(new Envelope("", envelopeFrom, recipients), message);
    }

    /** The decoded subject. */
    public String subject() {
        return asRequest().subject();
    }

    /** The plain-text body. */
    public String text() {
        return asRequest().text();
    }

    /** The HTML body, or {@code ""}. */
    public String html() {
        return asRequest().html();
    }

    /**
     * Whether {@code pattern} is found (not necessarily the whole text) in the message as sent
     * (headers and encoded body), or in its decoded subject, text body or HTML body: so a word
     * split by quoted-printable or hidden by base64 is still found.
     */
    public boolean matches(Pattern pattern) {
        MailRequest r = asRequest();
        return pattern.matcher(r.rawText()).find() || pattern.matcher(r.subject()).find()
                || pattern.matcher(r.text()).find() || pattern.matcher(r.html()).find();
    }

    /** Whether {@code address} is among the envelope recipients (case-insensitive). */
    public boolean isTo(String address) {
        return recipients.stream().anyMatch(r -> r.equalsIgnoreCase(address));
    }
}
