package org.tubemail.internal.server;

import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.routing.Router;

import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides at {@code RCPT} time whether a recipient is accepted, so that senders learn at once and
 * the server is never an open relay: the domain must be one of the accepted domains, and some route
 * must match the address. Source routes ({@code @a,@b:user@c}) are reduced to the final address,
 * as RFC 5321 asks; the percent hack is not honoured (the address is judged by its real domain).
 */
public final class RecipientPolicy {

    /** A reply refusing a recipient. */
    public record Refusal(int code, String text) {
    }


    /** In the accepted domains, accepts every domain: only for servers that never relay, like {@code tubemail log}. */
    static final String ANY_DOMAIN = "*";

    private final Set<String> acceptedDomains;
    private final Predicate<String> routed;

    /** Accepts recipients in {@code acceptedDomains} (or any, with {@link #ANY_DOMAIN}) that some route of {@code router} matches. */
    public RecipientPolicy(Set<String> acceptedDomains, Router router) {
        this(acceptedDomains, router::accepts);
    }

    /**
     * Accepts recipients in {@code acceptedDomains} that {@code routed} accepts (e.g. a running server's
     * router, asked through its API, for {@code tubemail routes ADDRESS}).
     */
    public RecipientPolicy(Set<String> acceptedDomains, Predicate<String> routed) {
        this.acceptedDomains = acceptedDomains;
        this.routed = routed;
    }

    /** The address without brackets and source route. */
    public static String normalise(String address) {
        String a = Addresses.strip(address);
        if (a.startsWith("@")) {
            int colon = a.indexOf(':');
            a = colon < 0 ? a : a.substring(colon + 1);
        }
        return a;
    }

    /** @return the refusal, or {@code null} when the recipient is accepted */
    public Refusal check(String normalised) {
        int at = normalised.lastIndexOf('@');
        if (at < 1 || at == normalised.length() - 1 || Addresses.hasLineBreaking(normalised) || normalised.indexOf(' ') >= 0
                && !normalised.startsWith("\"")) {
            return new Refusal(501, "5.1.3 Bad recipient address syntax: <" + printable(normalised) + ">");
        }
        String domain = Addresses.domain(normalised);
        if (!acceptedDomains.contains(domain) && !acceptedDomains.contains(ANY_DOMAIN)) {
            return new Refusal(550, "5.7.1 <" + printable(normalised) + ">: relaying denied, domain not accepted here");
        }
        if (!routed.test(normalised)) {
            return new Refusal(550, "5.1.1 <" + printable(normalised) + ">: no such recipient here");
        }
        return null;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.chars().forEach(c -> b.append(Addresses.breaksLines(c) ? '?' : (char) c));
        String p = b.toString();
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }
}
