package org.tubemail.mail;

import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.mail.OrganizationalDomain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the receiver found out about who sent a message: the SPF verdict for the envelope sender
 * (or the HELO name for a bounce), one DKIM verdict per signature, and the DMARC verdict for the
 * {@code From:} domain. Written as {@code Authentication-Results} (RFC 8601) into the message and
 * kept with the envelope while the message is spooled. {@link #NONE} when nothing was checked.
 *
 * <p>Mail from a trusted network ({@code receiver.trusted.networks}) is {@link #local()}: it counts
 * as authenticated for any domain, whatever the checks said (as Postfix's {@code permit_mynetworks}),
 * and the results say {@code auth=local}.
 *
 * @param spf   the SPF check
 * @param dkim  each DKIM signature's check, in message order; empty when unsigned
 * @param dmarc the DMARC check
 * @param local whether the client is in a trusted network
 */
public record Authentication(Spf spf, List<Dkim> dkim, Dmarc dmarc, boolean local) {
    private static final Pattern SPACES = Pattern.compile("\\s+");

    /** No check ran. */
    public static final Authentication NONE = new Authentication(new Spf(Verdict.NONE, false, ""), List.of(),
            new Dmarc(Verdict.NONE, "", ""));

    /** No check ran, and the client is in a trusted network. */
    public static final Authentication LOCAL = NONE.asLocal();

    /**
     * @param verdict the result
     * @param helo    whether the HELO name was checked (the sender was null) rather than the {@code MAIL FROM} domain
     * @param domain  the domain checked
     */
    public record Spf(Verdict verdict, boolean helo, String domain) {}

    /**
     * @param verdict  the result of this signature
     * @param domain   its {@code d=} domain
     * @param selector its {@code s=} selector
     */
    public record Dkim(Verdict verdict, String domain, String selector) {}

    /**
     * @param verdict    the result
     * @param fromDomain the {@code From:} header's domain
     * @param policy     the published policy ({@code none}, {@code quarantine}, {@code reject}), {@code ""} when none
     */
    public record Dmarc(Verdict verdict, String fromDomain, String policy) {}

    public Authentication {
        dkim = List.copyOf(dkim);
    }

    /** Verdicts of a client outside the trusted networks. */
    public Authentication(Spf spf, List<Dkim> dkim, Dmarc dmarc) {
        this(spf, dkim, dmarc, false);
    }

    /** These verdicts, for a client in a trusted network. */
    public Authentication asLocal() {
        return new Authentication(spf, dkim, dmarc, true);
    }

    /**
     * The domain that authenticates {@code address}'s domain: SPF passed for an aligned domain (when
     * {@code bySpf}) or a DKIM signature of an aligned domain verified (when {@code byDkim}).
     * Aligned means the same organisational domain, or the very same domain when {@code strict}.
     * From a trusted network ({@link #local()}), any domain is authenticated.
     */
    public Optional<String> authenticatedDomain(String address, boolean bySpf, boolean byDkim, boolean strict) {
        String domain = Addresses.domain(Addresses.strip(address));
        if (domain.isEmpty()) return Optional.empty();
        if (local) return Optional.of(domain);
        if (bySpf && spf.verdict() == Verdict.PASS && !spf.helo() && OrganizationalDomain.aligned(spf.domain(), domain, strict)) {
            return Optional.of(spf.domain());
        }
        if (byDkim) {
            for (Dkim d : dkim) {
                if (d.verdict() == Verdict.PASS && OrganizationalDomain.aligned(d.domain(), domain, strict)) {
                    return Optional.of(d.domain());
                }
            }
        }
        return Optional.empty();
    }

    /** Whether SPF or DKIM authenticates {@code address}'s domain with relaxed alignment (the default rule). */
    public boolean authenticates(String address) {
        return authenticatedDomain(address, true, true, false).isPresent();
    }

    /** The {@code From:} domain when DMARC passed, else empty. */
    public Optional<String> alignedFromDomain() {
        return dmarc.verdict() == Verdict.PASS ? Optional.of(dmarc.fromDomain()) : Optional.empty();
    }

    /**
     * The verdicts as RFC 8601 result info, on one line:
     * {@code spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org header.s=s1; dmarc=pass header.from=example.org policy.dmarc=reject},
     * followed by {@code ; auth=local} for a client in a trusted network.
     */
    public String summary() {
        return String.join("; ", results());
    }

    /** The value of an {@code Authentication-Results} header naming this server {@code authservId}, folded. */
    public String headerValue(String authservId) {
        return authservId + ";\r\n\t" + String.join(";\r\n\t", results());
    }

    private List<String> results() {
        List<String> out = new ArrayList<>();
        out.add("spf=" + spf.verdict().token() + (spf.domain().isEmpty() ? ""
                : (spf.helo() ? " smtp.helo=" : " smtp.mailfrom=") + token(spf.domain())));
        if (dkim.isEmpty()) {
            out.add("dkim=none");
        }
        for (Dkim d : dkim) {
            out.add("dkim=" + d.verdict().token() + " header.d=" + token(d.domain()) + " header.s=" + token(d.selector()));
        }
        out.add("dmarc=" + dmarc.verdict().token() + (dmarc.fromDomain().isEmpty() ? "" : " header.from=" + token(dmarc.fromDomain()))
                + (dmarc.policy().isEmpty() ? "" : " policy.dmarc=" + token(dmarc.policy())));
        if (local) {
            out.add("auth=local");
        }
        return out;
    }

    /** A property value made safe for the header: no spaces, semicolons, parentheses or control characters. */
    private static String token(String value) {
        StringBuilder t = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0x20 && c != 0x7f && c != ';' && c != '(' && c != ')' && c != '"' && c != '\\') t.append(c);
        }
        return t.length() == 0 ? "unknown" : t.toString();
    }

    /** Reads back a {@link #summary()}; unknown parts are ignored, an empty text is {@link #NONE}. */
    public static Authentication parse(String summary) {
        Spf spf = NONE.spf();
        Dmarc dmarc = NONE.dmarc();
        List<Dkim> dkim = new ArrayList<>();
        boolean local = false;
        for (String part : summary.split(";")) {
            String[] words = SPACES.split(part.strip());
            if (words.length == 0 || !words[0].contains("=")) continue;
            String method = words[0].substring(0, words[0].indexOf('=')).toLowerCase(Locale.ROOT);
            Verdict verdict = Verdict.of(words[0].substring(words[0].indexOf('=') + 1));
            Map<String, String> props = new LinkedHashMap<>();
            for (int i = 1; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                if (eq > 0) props.put(words[i].substring(0, eq).toLowerCase(Locale.ROOT), words[i].substring(eq + 1));
            }
            switch (method) {
                case "spf" -> spf = props.containsKey("smtp.helo") ? new Spf(verdict, true, props.get("smtp.helo"))
                        : new Spf(verdict, false, props.getOrDefault("smtp.mailfrom", ""));
                case "dkim" -> {
                    if (verdict != Verdict.NONE) {
                        dkim.add(new Dkim(verdict, props.getOrDefault("header.d", ""), props.getOrDefault("header.s", "")));
                    }
                }
                case "dmarc" -> dmarc = new Dmarc(verdict, props.getOrDefault("header.from", ""),
                        props.getOrDefault("policy.dmarc", ""));
                case "auth" -> local = words[0].equalsIgnoreCase("auth=local");
                default -> { }
            }
        }
        return new Authentication(spf, dkim, dmarc, local);
    }
}
