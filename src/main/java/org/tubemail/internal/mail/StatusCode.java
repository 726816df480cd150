package org.tubemail.internal.mail;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RFC 3463 enhanced mail system status code such as {@code 5.1.1}: class (2 success,
 * 4 persistent transient failure, 5 permanent failure), subject and detail, with its meaning from
 * the RFC and the IANA registry.
 *
 * @param codeClass 2, 4 or 5
 * @param subject   0 to 999 (1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol,
 *                  6 content, 7 security)
 * @param detail    0 to 999
 */
public record StatusCode(int codeClass, int subject, int detail) {

    private static final Pattern CODE = Pattern.compile("(?<![\\d.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d.]*\\d)");

    private static final Map<String, String> SUBJECTS = Map.of(
            "0", "Other or undefined status", "1", "Other address status", "2", "Other or undefined mailbox status",
            "3", "Other or undefined mail system status", "4", "Other or undefined network or routing status",
            "5", "Other or undefined protocol status", "6", "Other or undefined media error",
            "7", "Other or undefined security status");

    private static final Map<String, String> DETAILS = Map.ofEntries(
            Map.entry("1.1", "Bad destination mailbox address"),
            Map.entry("1.2", "Bad destination system address"),
            Map.entry("1.3", "Bad destination mailbox address syntax"),
            Map.entry("1.4", "Destination mailbox address ambiguous"),
            Map.entry("1.5", "Destination address valid"),
            Map.entry("1.6", "Destination mailbox has moved, no forwarding address"),
            Map.entry("1.7", "Bad sender's mailbox address syntax"),
            Map.entry("1.8", "Bad sender's system address"),
            Map.entry("1.10", "Recipient address has null MX"),
            Map.entry("2.1", "Mailbox disabled, not accepting messages"),
            Map.entry("2.2", "Mailbox full"),
            Map.entry("2.3", "Message length exceeds administrative limit"),
            Map.entry("2.4", "Mailing list expansion problem"),
            Map.entry("3.1", "Mail system full"),
            Map.entry("3.2", "System not accepting network messages"),
            Map.entry("3.3", "System not capable of selected features"),
            Map.entry("3.4", "Message too big for system"),
            Map.entry("3.5", "System incorrectly configured"),
            Map.entry("4.1", "No answer from host"),
            Map.entry("4.2", "Bad connection"),
            Map.entry("4.3", "Directory server failure"),
            Map.entry("4.4", "Unable to route"),
            Map.entry("4.5", "Mail system congestion"),
            Map.entry("4.6", "Routing loop detected"),
            Map.entry("4.7", "Delivery time expired"),
            Map.entry("5.1", "Invalid command"),
            Map.entry("5.2", "Syntax error"),
            Map.entry("5.3", "Too many recipients"),
            Map.entry("5.4", "Invalid command arguments"),
            Map.entry("5.5", "Wrong protocol version"),
            Map.entry("6.1", "Media not supported"),
            Map.entry("6.2", "Conversion required and prohibited"),
            Map.entry("6.3", "Conversion required but not supported"),
            Map.entry("6.4", "Conversion with loss performed"),
            Map.entry("6.5", "Conversion failed"),
            Map.entry("7.1", "Delivery not authorized, message refused"),
            Map.entry("7.2", "Mailing list expansion prohibited"),
            Map.entry("7.3", "Security conversion required but not possible"),
            Map.entry("7.4", "Security features not supported"),
            Map.entry("7.5", "Cryptographic failure"),
            Map.entry("7.6", "Cryptographic algorithm not supported"),
            Map.entry("7.7", "Message integrity failure"),
            Map.entry("7.8", "Authentication credentials invalid"),
            Map.entry("7.9", "Authentication mechanism is too weak"),
            Map.entry("7.20", "No passing DKIM signature found"),
            Map.entry("7.21", "No acceptable DKIM signature found"),
            Map.entry("7.22", "No valid author-matched DKIM signature found"),
            Map.entry("7.23", "SPF validation failed"),
            Map.entry("7.24", "SPF validation error"),
            Map.entry("7.25", "Reverse DNS validation failed"),
            Map.entry("7.26", "Multiple authentication checks failed"),
            Map.entry("7.27", "Sender address has null MX"));

    /** Checks the ranges. */
    public StatusCode {
        if (codeClass != 2 && codeClass != 4 && codeClass != 5) {
            throw new IllegalArgumentException("status class must be 2, 4 or 5, not " + codeClass);
        }
        if (subject < 0 || subject > 999 || detail < 0 || detail > 999) {
            throw new IllegalArgumentException("status subject and detail must be 0-999: " + subject + "." + detail);
        }
    }

    /** Parses exactly {@code "5.1.1"} (surrounding blanks allowed). */
    public static Optional<StatusCode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = CODE.matcher(text.trim());
        return m.matches() ? Optional.of(of(m)) : Optional.empty();
    }

    /** The first status code written anywhere in {@code text}, e.g. in {@code "550 5.1.1 User unknown"}. */
    public static Optional<StatusCode> find(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = CODE.matcher(text);
        return m.find() ? Optional.of(of(m)) : Optional.empty();
    }

    private static StatusCode of(Matcher m) {
        return new StatusCode(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** The code a bare SMTP reply stands for: {@code 4.0.0} for 4xx, {@code 5.0.0} for 5xx, {@code 2.0.0} for 2xx. */
    public static StatusCode ofReply(int replyCode) {
        return new StatusCode(replyCode / 100, 0, 0);
    }

    /** Whether this is a permanent failure (class 5). */
    public boolean isPermanent() {
        return codeClass == 5;
    }

    /** Whether this is a transient failure (class 4). */
    public boolean isTransient() {
        return codeClass == 4;
    }

    /** What the code means, e.g. {@code "Permanent failure: Bad destination mailbox address"}. */
    public String meaning() {
        String kind = switch (codeClass) {
            case 2 -> "Success";
            case 4 -> "Persistent transient failure";
            default -> "Permanent failure";
        };
        String what = DETAILS.get(subject + "." + detail);
        if (what == null) {
            what = SUBJECTS.getOrDefault(Integer.toString(subject), "Unknown status subject " + subject);
        }
        return kind + ": " + what;
    }

    /** {@code "5.1.1"}. */
    @Override
    public String toString() {
        return codeClass + "." + subject + "." + detail;
    }
}
