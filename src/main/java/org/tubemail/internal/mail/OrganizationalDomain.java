package org.tubemail.internal.mail;

import com.google.common.net.InternetDomainName;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The organisational domain of RFC 7489 (DMARC): the registered domain under a public suffix, e.g.
 * {@code example.co.uk} for {@code mail.example.co.uk}. The Public Suffix List is the copy Guava
 * bundles ({@link InternetDomainName#topPrivateDomain()}); nothing is downloaded at run time. The
 * answers for up to 10,000 domains are kept, since the list is fixed for the life of the JVM.
 */
public final class OrganizationalDomain {
    /** Domains whose answer is kept (the list does not change while the JVM runs); when full, it starts empty again. */
    private static final int MAX_KEPT = 10_000;
    private static final Map<String, String> KEPT = new ConcurrentHashMap<>();

    private OrganizationalDomain() {}

    /** The organisational domain of {@code domain}, lower case; the domain itself when it has none (e.g. {@code localhost}). */
    public static String of(String domain) {
        String d = normalise(domain);
        String org = KEPT.get(d);
        if (org == null) {
            org = lookUp(d);
            if (KEPT.size() >= MAX_KEPT) KEPT.clear();
            KEPT.put(d, org);
        }
        return org;
    }

    private static String lookUp(String d) {
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
