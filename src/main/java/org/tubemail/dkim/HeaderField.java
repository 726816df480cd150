package org.tubemail.dkim;

import java.util.Locale;

/**
 * One header field as it stands in the message: its name and the whole field text (name, colon,
 * value, internal folding as CRLF, no final CRLF), kept byte for byte (ISO-8859-1 characters).
 */
record HeaderField(String name, String text) {
    private static final java.util.regex.Pattern WSP = java.util.regex.Pattern.compile("[ \t]+");

    /** The name in lower case, for matching. */
    String key() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Everything after the first colon. */
    String value() {
        return text.substring(text.indexOf(':') + 1);
    }

    /** The field as {@code simple} canonicalization (RFC 6376 3.4.1) keeps it, with its CRLF. */
    String simple() {
        return text + "\r\n";
    }

    /** The field as {@code relaxed} canonicalization (RFC 6376 3.4.2) makes it, with its CRLF. */
    String relaxed() {
        String value = WSP.matcher(value().replace("\r\n", "")).replaceAll(" ").strip();
        return key().strip() + ":" + value + "\r\n";
    }
}
