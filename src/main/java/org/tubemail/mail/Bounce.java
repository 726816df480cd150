package org.tubemail.mail;

import org.tubemail.internal.mail.StatusCode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a bounce says: a delivery failure report, read from an RFC 3464 delivery status
 * notification or, for mailers that send none (qmail, old Exchange, ...), guessed from the text
 * with a score. Obtained from {@link MailRequest#bounce()}.
 *
 * <p>A bounce is {@link Kind#HARD} when its status is a permanent failure (class 5), except
 * {@code 5.2.2} "mailbox full", which passes when the owner reads their mail, and is therefore
 * {@link Kind#SOFT} like every transient failure (class 4, or {@code Action: delayed}).
 *
 * @param kind            hard or soft
 * @param source          how it was read
 * @param score           how sure the reading is, 0 to 1 (1 for a DSN)
 * @param reportingMta    the mail server that wrote the report, or {@code ""}
 * @param recipients      one report per failed or delayed recipient, the one that decides first
 * @param originalHeaders the returned message's headers (names in lower case, values unfolded),
 *                        empty when the bounce did not include them
 */
public record Bounce(Kind kind, Source source, double score, String reportingMta, List<Recipient> recipients,
                     Map<String, List<String>> originalHeaders) {

    /** Hard (the address will not work) or soft (it may work later). */
    public enum Kind {
        /** A permanent failure: stop sending there. */
        HARD,
        /** A transient failure: the address may work later. */
        SOFT
    }

    /** Where the report came from. */
    public enum Source {
        /** An RFC 3464 {@code message/delivery-status} part. */
        DSN,
        /** The text of a non-standard bounce, read by heuristics. */
        HEURISTIC
    }

    /**
     * The report about one recipient.
     *
     * @param finalRecipient    the address that failed (without its address type), or {@code ""}
     * @param originalRecipient the address as first given, or {@code ""}
     * @param action            {@code failed} or {@code delayed} (lower case)
     * @param status            the RFC 3463 status
     * @param remoteMta         the server that refused it, or {@code ""}
     * @param diagnostic        the remote server's reply or the reason, or {@code ""}
     */
    public record Recipient(String finalRecipient, String originalRecipient, String action, StatusCode status,
                            String remoteMta, String diagnostic) {
    }

    /** Copies the lists and the header map. */
    public Bounce {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a bounce reports at least one recipient");
        }
        recipients = List.copyOf(recipients);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        originalHeaders.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        originalHeaders = Collections.unmodifiableMap(copy);
    }

    /** The kind a status and action make: see the class comment. */
    public static Kind kindOf(StatusCode status, String action) {
        boolean mailboxFull = status.subject() == 2 && status.detail() == 2;
        return status.isPermanent() && !mailboxFull && !"delayed".equals(action) ? Kind.HARD : Kind.SOFT;
    }

    /** The recipient report that decides the kind: the first one. */
    public Recipient primary() {
        return recipients.get(0);
    }

    /** Whether the address will not work. */
    public boolean isHard() {
        return kind == Kind.HARD;
    }

    /** Whether the address may work later. */
    public boolean isSoft() {
        return kind == Kind.SOFT;
    }

    /** The status of the primary recipient. */
    public StatusCode status() {
        return primary().status();
    }

    /** The meaning of that status, e.g. {@code "Permanent failure: Bad destination mailbox address"}. */
    public String statusMeaning() {
        return primary().status().meaning();
    }

    /** The address that failed, or {@code ""} when the bounce does not say. */
    public String finalRecipient() {
        return primary().finalRecipient();
    }

    /** The server that refused the primary recipient, or {@code ""}. */
    public String remoteMta() {
        return primary().remoteMta();
    }

    /** The remote server's reply or the reason for the primary recipient, or {@code ""}. */
    public String diagnostic() {
        return primary().diagnostic();
    }

    /** The first value of a header of the returned message. */
    public Optional<String> originalHeader(String name) {
        List<String> values = originalHeaders.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** One line for logs. */
    @Override
    public String toString() {
        return "Bounce[" + kind + " " + status() + " <" + finalRecipient() + "> via " + source
                + (source == Source.HEURISTIC ? String.format(Locale.ROOT, " score %.2f", score) : "") + "]";
    }
}
