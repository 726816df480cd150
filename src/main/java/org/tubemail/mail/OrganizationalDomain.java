package org.tubemail.mail;

import java.util.Locale;

import com.google.common.net.InternetDomainName;

/**
 * The organisational domain of RFC 7489 (DMARC): the registered domain under a public suffix, e.g.
 * {@code example.co.uk} for {@code mail.example.co.uk}. The Public Suffix List is the copy Guava
 * bundles ({@link InternetDomainName#topPrivateDomain()}); nothing is downloaded at run time.
 */
public final class OrganizationalDomain {
    private OrganizationalDomain() {}

    /** The organisational domain of {@code domain}, lower case; the domain itself when it has none (e.g. {@code localhost}). */
    public static String of(String domain) {
        String d = normalise(domain);
        try {
            InternetDomainName name = InternetDomainName.from(d);
            return name.isUnderPublicSuffix() ? name.topPrivateDomain().toString() : d;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return d;
        }
    }

    /** Whether the two domains are aligned: the same domain when {@code strict}, else the same organisational domain. */
    public static boolean aligned(String a, String b, boolean strict) {
        if (a.isEmpty() || b.isEmpty()) return false;
        return strict ? normalise(a).equals(normalise(b)) : of(a).equals(of(b));
    }

    private static String normalise(String domain) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }
}
