package org.tubemail.server;

import java.util.List;

/**
 * The argument of {@code MAIL FROM:} or {@code RCPT TO:}: the address between angle brackets (empty
 * for the null sender {@code <>}) and the ESMTP parameters after it.
 *
 * <p>Lenient where clients commonly are: a space after the colon, or an address without brackets
 * (then up to the first space). Quoted local parts may hold {@code >} and spaces.
 *
 * @param address    the address as given, brackets removed
 * @param parameters the {@code KEYWORD[=value]} parameters, in order
 */
record SmtpPath(String address, List<String> parameters) {

    /**
     * @param arg the text after {@code FROM:} or {@code TO:}
     * @return the path, or {@code null} when it is malformed or holds control characters
     */
    static SmtpPath parse(String arg) {
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
        } else {
            end = t.indexOf(' ');
            end = end < 0 ? t.length() : end;
            address = t.substring(0, end);
            if (address.isEmpty()) {
                return null;
            }
        }
        if (address.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return null;
        }
        String rest = t.substring(end).strip();
        return new SmtpPath(address, rest.isEmpty() ? List.of() : List.of(rest.split(" +")));
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
