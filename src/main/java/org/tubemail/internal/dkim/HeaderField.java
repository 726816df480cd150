package org.tubemail.internal.dkim;

import java.util.Locale;

/**
 * One header field as it stands in the message: its name and the whole field text (name, colon,
 * value, internal folding as CRLF, no final CRLF), kept byte for byte (ISO-8859-1 characters).
 */
final class HeaderField {
    private final String name;
    private final String text;
    private final String key;

    HeaderField(String name, String text) {
        this.name = name;
        this.text = text;
        this.key = name.toLowerCase(Locale.ROOT);
    }

    /** The name as written. */
    String name() {
        return name;
    }

    /** The whole field, without its final CRLF. */
    String text() {
        return text;
    }

    /** The name in lower case, for matching. */
    String key() {
        return key;
    }

    /** Everything after the first colon. */
    String value() {
        return text.substring(text.indexOf(':') + 1);
    }

    /** The field as {@code simple} canonicalization (RFC 6376 3.4.1) keeps it, with its CRLF. */
    String simple() {
        return text + "\r\n";
    }

    /**
     * The field as {@code relaxed} canonicalization (RFC 6376 3.4.2) makes it, with its CRLF: the
     * name in lower case, line folds (CRLF) removed, runs of spaces and tabs made one space, and
     * the value stripped.
     */
    String relaxed() {
        int colon = text.indexOf(':');
        StringBuilder value = new StringBuilder(text.length() - colon);
        boolean space = false;
        for (int i = colon + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                i++;
            } else if (c == ' ' || c == '\t') {
                space = true;
            } else {
                if (space) value.append(' ');
                space = false;
                value.append(c);
            }
        }
        if (space) value.append(' ');
        return key.strip() + ":" + value.toString().strip() + "\r\n";
    }
}
