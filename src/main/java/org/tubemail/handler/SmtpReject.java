package org.tubemail.handler;

import java.util.regex.Pattern;

/**
 * Thrown by a state method to decline a message with an SMTP reply (Salmon's {@code SMTPError}),
 * e.g. {@code throw new SmtpReject(550, "5.7.1", "not a member of this list")}.
 *
 * <p>A rejection is the handler's decision, not a failure: the module's state is left as it was.
 * Where the reply goes depends on the receiver: over LMTP the recipient gets it after
 * {@code DATA}; over SMTP with {@code receiver.smtp.data.reply=routed} it becomes the reply to
 * {@code DATA} when every recipient declined; otherwise the message goes to the undeliverable
 * queue with the code and text as the reason (see the README's Receivers section).
 */
public class SmtpReject extends RuntimeException {

    private static final Pattern STATUS = Pattern.compile("[45]\\.[0-9]{1,3}\\.[0-9]{1,3}");
    private static final int MAX_TEXT = 400;

    private final int code;
    private final String status;
    private final String text;

    /**
     * @param code   the reply code, 400-599
     * @param status the enhanced status code (RFC 3463) of the same class, e.g. {@code 5.7.1}
     * @param text   the reply text; line breaks and other control characters become spaces
     * @throws IllegalArgumentException when the code or status is not a valid rejection
     */
    public SmtpReject(int code, String status, String text) {
        super(code + " " + status + " " + oneLine(text));
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("an SMTP rejection has a 4xx or 5xx code, not " + code);
        }
        if (status == null || !STATUS.matcher(status).matches() || status.charAt(0) - '0' != code / 100) {
            throw new IllegalArgumentException("enhanced status '" + status + "' does not fit reply code " + code
                    + ": expected " + code / 100 + ".X.Y");
        }
        this.code = code;
        this.status = status;
        this.text = oneLine(text);
    }

    private static String oneLine(String text) {
        String t = text == null || text.isBlank() ? "rejected" : text.strip();
        StringBuilder b = new StringBuilder(Math.min(t.length(), MAX_TEXT));
        for (int i = 0; i < t.length() && b.length() < MAX_TEXT; i++) {
            char c = t.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return b.toString();
    }

    /** The reply code. */
    public int code() {
        return code;
    }

    /** The enhanced status code. */
    public String status() {
        return status;
    }

    /** The reply text, one line. */
    public String text() {
        return text;
    }

    /** Whether the sender may try again later (a 4xx code). */
    public boolean temporary() {
        return code < 500;
    }

    /** The whole reply line, e.g. {@code 550 5.7.1 not a member of this list}. */
    public String reply() {
        return getMessage();
    }
}
