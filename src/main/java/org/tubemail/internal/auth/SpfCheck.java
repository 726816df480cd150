package org.tubemail.internal.auth;

import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Verdict;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SPF (RFC 7208) with Apache jSPF: the {@code MAIL FROM} identity, or the HELO identity when the
 * sender is null (a bounce). Blocks on DNS; run it off any event loop.
 *
 * <p>A result is kept per client address, sender domain and HELO name with every lookup it rested
 * on, and given again only while the resolver's cache still holds each of those lookups with the
 * same records: it can never outlive a record's TTL, and a changed record is evaluated anew. Not
 * kept: {@code temperror}, a check where a lookup failed, and records with macros (they may read
 * the sender's local part).
 */
final class SpfCheck {
    /** Results kept at most; when full, the store starts empty again. */
    static final int MAX_RESULTS = 10_000;

    private final SPF spf;
    private final JspfDns service;
    /** The last result per client address, sender domain and HELO name, with the lookups it rested on. */
    private final Map<Key, Result> results = new ConcurrentHashMap<>();

    private record Key(String clientIp, String domain, String helo, boolean byHelo) {}

    /** A verdict and every lookup that led to it. */
    private record Result(Verdict verdict, List<JspfDns.Lookup> lookups) {}

    /**
     * jSPF's own wiring (as {@code new SPF(dns)} does it) with its synchronous executor: the
     * asynchronous one, jSPF's default, stopped after the SPF-type query and never asked for TXT.
     */
    SpfCheck(DnsResolver dns) {
        JspfDns service = new JspfDns(dns);
        this.service = service;
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, service);
        MacroExpand macros = new MacroExpand(service);
        wiring.put(MacroExpandEnabled.class, macros);
        this.spf = new SPF(service, new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)), macros,
                new SynchronousSPFExecutor(service));
        wiring.put(SPFCheckEnabled.class, spf);
        spf.setUseBestGuess(false);
    }

    /**
     * @param clientIp the connecting client's address (after PROXY, the real client's)
     * @param helo     the HELO/EHLO name
     * @param mailFrom the envelope sender, {@code ""} for the null sender
     */
    Authentication.Spf check(String clientIp, String helo, String mailFrom) {
        boolean byHelo = mailFrom.isEmpty();
        String domain = byHelo ? helo : Addresses.domain(mailFrom);
        if (domain.isEmpty() || clientIp.isEmpty() || "unknown".equals(clientIp)) {
            return new Authentication.Spf(Verdict.NONE, byHelo, domain);
        }
        Key key = new Key(clientIp, domain.toLowerCase(Locale.ROOT), helo.toLowerCase(Locale.ROOT), byHelo);
        Result kept = results.get(key);
        if (kept != null && service.stillCached(kept.lookups())) return new Authentication.Spf(kept.verdict(), byHelo, domain);
        JspfDns.Lookups lookups = new JspfDns.Lookups();
        service.noteInto(lookups);
        Verdict verdict;
        try {
            verdict = Verdict.of(spf.checkSPF(clientIp, mailFrom, helo).getResult());
        } finally {
            service.stopNoting();
        }
        List<JspfDns.Lookup> made = lookups.answered();
        if (verdict != Verdict.TEMPERROR && made != null && made.stream().noneMatch(SpfCheck::hasMacro)) {
            if (results.size() >= MAX_RESULTS) results.clear();
            results.put(key, new Result(verdict, made));
        }
        return new Authentication.Spf(verdict, byHelo, domain);
    }

    /**
     * Whether a record may hold a macro ({@code %{l}}, {@code %{s}}, ...): then the result may
     * depend on the sender's local part or the time, which the key does not hold, so it is not kept.
     */
    private static boolean hasMacro(JspfDns.Lookup lookup) {
        return lookup.records() != null && lookup.records().stream().anyMatch(r -> r.indexOf('%') >= 0);
    }
}
