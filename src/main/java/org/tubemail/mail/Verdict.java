package org.tubemail.mail;

import java.util.Locale;

/** The result of one sender-authentication check, with the names RFC 8601 gives them. */
public enum Verdict {
    /** Not checked, or nothing published to check against. */
    NONE,
    /** The check passed. */
    PASS,
    /** The check failed: the domain says this mail is not from it, or a signature does not verify. */
    FAIL,
    /** SPF: the domain says the host is probably not allowed ({@code ~all}). */
    SOFTFAIL,
    /** SPF: the domain makes no statement about the host ({@code ?all}). */
    NEUTRAL,
    /** DKIM: a signature Tubemail does not accept (e.g. rsa-sha1, a short key). */
    POLICY,
    /** A temporary failure, usually DNS: a retry may give another answer. */
    TEMPERROR,
    /** A permanent error: a broken record or signature. */
    PERMERROR;

    /** The lower-case name used in {@code Authentication-Results}. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The verdict named {@code token} (any case); {@link #PERMERROR} for an unknown name. */
    public static Verdict of(String token) {
        try {
            return valueOf(token.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return PERMERROR;
        }
    }
}
