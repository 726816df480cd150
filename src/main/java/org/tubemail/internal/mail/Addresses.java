package org.tubemail.internal.mail;

import java.util.Locale;

/** Small helpers for envelope addresses. */
public final class Addresses {

    private Addresses() {
    }

    /**
     * Strips white space and angle brackets: {@code " <Bob@Example.COM> "} becomes
     * {@code "Bob@Example.COM"}. The null sender {@code <>} becomes {@code ""}.
     */
    public static String strip(String address) {
        String a = address == null ? "" : address.trim();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1).trim();
        }
        return a;
    }

    /**
     * The form used for routing: stripped, with the domain in lower case. The local part keeps its
     * case (RFC 5321 lets it matter).
     */
    public static String forRouting(String address) {
        String a = strip(address);
        int at = a.lastIndexOf('@');
        return at < 0 ? a : a.substring(0, at + 1) + a.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * The form used for case-insensitive routing: stripped and {@linkplain #lowerCase lower-cased},
     * so {@code ECHO@LocalHost} becomes {@code echo@localhost}.
     */
    public static String folded(String address) {
        return lowerCase(strip(address));
    }

    /**
     * Folds case one character at a time (upper, then lower case: {@code ς}, {@code σ} and
     * {@code Σ} all become {@code σ}; no locale, no context, unlike {@link String#toLowerCase}), so
     * that text found in an address stays a substring of it once both are folded.
     */
    public static String lowerCase(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int lower = Character.toLowerCase(Character.toUpperCase(cp));
            if (lower != cp && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (b != null) {
                b.appendCodePoint(lower);
            }
            i += Character.charCount(cp);
        }
        return b == null ? s : b.toString();
    }

    /**
     * The form used as a default state key: stripped and wholly lower case, so that
     * {@code Bob@Example.com} and {@code bob@example.com} share one state.
     */
    public static String forStateKey(String address) {
        return strip(address).toLowerCase(Locale.ROOT);
    }

    /**
     * Whether {@code c} must never be written into a header line raw: a C0 or C1 control character
     * (including CR, LF, TAB and U+0085 NEXT LINE), DEL, or the Unicode line and paragraph
     * separators U+2028 and U+2029, which some readers take for line breaks.
     */
    public static boolean breaksLines(int c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029;
    }

    /** Whether {@code s} holds a character that {@link #breaksLines} refuses. */
    public static boolean hasLineBreaking(String s) {
        return s.chars().anyMatch(Addresses::breaksLines);
    }

    /** The domain part (after the last {@code @}), lower case; {@code ""} when there is none. */
    public static String domain(String address) {
        String a = strip(address);
        int at = a.lastIndexOf('@');
        return at < 0 ? "" : a.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** The local part (before the last {@code @}); the whole address when there is no {@code @}. */
    public static String localPart(String address) {
        String a = strip(address);
        int at = a.lastIndexOf('@');
        return at < 0 ? a : a.substring(0, at);
    }
}
