package org.tubemail.mail;

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
     * The form used as a default state key: stripped and wholly lower case, so that
     * {@code Bob@Example.com} and {@code bob@example.com} share one state.
     */
    public static String forStateKey(String address) {
        return strip(address).toLowerCase(Locale.ROOT);
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
