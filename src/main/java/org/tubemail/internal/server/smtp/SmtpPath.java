package org.tubemail.internal.server.smtp;

import org.tubemail.internal.mail.Addresses;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The argument of {@code MAIL FROM:} or {@code RCPT TO:}: the address between angle brackets (empty
 * for the null sender {@code <>}) and the ESMTP parameters after it.
 *
 * <p>The address must be an RFC 5321 path: an optional source route ({@code @a,@b:}), then a
 * mailbox {@code local@domain} whose local part is a dot-string or a quoted string and whose domain
 * is a host name or an address literal ({@code [192.0.2.1]}); SMTPUTF8 (RFC 6531) adds non-ASCII
 * letters. Anything else, such as {@code a@b@example.com} or {@code not-an-address-<<}, is refused.
 * So is any control or line-separator character ({@link Addresses#breaksLines}: C0, C1, U+2028,
 * U+2029), so that an address written into a header line can never break it.
 *
 * <p>Lenient where clients commonly are, as Postfix is: a space after the colon, an address without
 * brackets (then up to the first space), and {@code _} inside a domain label.
 *
 * @param address    the address as given, brackets removed
 * @param parameters the {@code KEYWORD[=value]} parameters, in order
 */
public record SmtpPath(String address, List<String> parameters) {

    private static final String ATEXT = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\x{80}-\\x{10FFFF}]";
    private static final String DOT_STRING = ATEXT + "++(?:\\." + ATEXT + "++)*+";
    private static final String QUOTED = "\"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\x{80}-\\x{10FFFF}]|\\\\[\\x20-\\x7e])*+\"";
    private static final String LET_DIG = "[A-Za-z0-9\\x{80}-\\x{10FFFF}]";
    private static final String LABEL = LET_DIG + "(?:[A-Za-z0-9_\\-\\x{80}-\\x{10FFFF}]*+(?<=" + LET_DIG + "))?";
    private static final String DOMAIN = LABEL + "(?:\\." + LABEL + ")*+";
    private static final String ADDRESS_LITERAL = "\\[[\\x21-\\x5a\\x5e-\\x7e]++\\]";
    private static final Pattern PATH = Pattern.compile("(?:@" + DOMAIN + "(?:,@" + DOMAIN + ")*+:)?"
            + "(?:" + DOT_STRING + "|" + QUOTED + ")@(?:" + DOMAIN + "|" + ADDRESS_LITERAL + ")");

    /**
     * @param arg the text after {@code FROM:} or {@code TO:}
     * @return the path, or {@code null} when it is not an RFC 5321 path (or {@code <>})
     */
    public static SmtpPath parse(String arg) {
        String t = arg.strip();
        int end;
        String address;
        if (t.startsWith("<")) {
            end = closing(t);
            if (end < 0) {
                return null;
            }
            address = t.substring(1, end);
            end++;
            if (end < t.length() && t.charAt(end) != ' ') {
                return null; // text glued to the closing bracket
            }
        } else {
            end = t.indexOf(' ');
            end = end < 0 ? t.length() : end;
            address = t.substring(0, end);
            if (address.isEmpty()) {
                return null;
            }
        }
        if (!address.isEmpty() && !isPath(address)) {
            return null;
        }
        String rest = t.substring(end).strip();
        return new SmtpPath(address, rest.isEmpty() ? List.of() : List.of(rest.split(" +")));
    }

    /** Whether {@code address} (without brackets) is an RFC 5321 path with no line-breaking character. */
    static boolean isPath(String address) {
        return !Addresses.hasLineBreaking(address) && PATH.matcher(address).matches();
    }

    /** The index of the {@code >} closing the path, skipping quoted parts; -1 when none. */
    private static int closing(String t) {
        boolean quoted = false;
        for (int i = 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }
}
