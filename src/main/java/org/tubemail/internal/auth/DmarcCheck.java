package org.tubemail.internal.auth;

import org.tubemail.internal.dns.DnsAnswer;
import org.tubemail.internal.dns.DnsException;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.mail.OrganizationalDomain;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Verdict;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DMARC (RFC 7489): the policy record of the {@code From:} domain, else of its organisational
 * domain (then {@code sp=} applies when given), and whether SPF or DKIM passed for a domain
 * aligned with the {@code From:} domain ({@code aspf=}, {@code adkim=}: relaxed unless {@code s}).
 * {@code none} when no policy is published, {@code temperror} when DNS gave no answer in time,
 * {@code permerror} for a message without exactly one {@code From:} domain.
 */
final class DmarcCheck {
    /** Parsed records kept at most; when full, the store starts empty again. */
    private static final int MAX_RECORDS = 10_000;

    private final DnsResolver dns;
    /** The last record parsed per domain; DNS (through its cache) still says each time which text is current. */
    private final Map<String, Parsed> records = new ConcurrentHashMap<>();

    DmarcCheck(DnsResolver dns) {
        this.dns = dns;
    }

    /** The verdict for a message whose {@code From:} domain is {@code fromDomain} ({@code ""} when unusable). */
    Authentication.Dmarc check(String fromDomain, Authentication.Spf spf, List<Authentication.Dkim> dkim) {
        if (fromDomain.isEmpty()) return new Authentication.Dmarc(Verdict.PERMERROR, "", "");
        String from = fromDomain.toLowerCase(Locale.ROOT);
        Map<String, String> record;
        String policy;
        try {
            record = record(from);
            policy = record == null ? null : record.get("p");
            if (record == null) {
                String org = OrganizationalDomain.of(from);
                if (!org.equals(from)) {
                    record = record(org);
                    policy = record == null ? null : record.getOrDefault("sp", record.get("p"));
                }
            }
        } catch (DnsException e) {
            return new Authentication.Dmarc(Verdict.TEMPERROR, from, "");
        }
        if (record == null) return new Authentication.Dmarc(Verdict.NONE, from, "");
        policy = policy == null ? "none" : policy.toLowerCase(Locale.ROOT);
        if (!List.of("none", "quarantine", "reject").contains(policy)) policy = "none";
        boolean strictSpf = "s".equalsIgnoreCase(record.getOrDefault("aspf", "r"));
        boolean strictDkim = "s".equalsIgnoreCase(record.getOrDefault("adkim", "r"));
        boolean spfAligned = spf.verdict() == Verdict.PASS && !spf.helo()
                && OrganizationalDomain.aligned(spf.domain(), from, strictSpf);
        boolean dkimAligned = dkim.stream().anyMatch(d -> d.verdict() == Verdict.PASS
                && OrganizationalDomain.aligned(d.domain(), from, strictDkim));
        return new Authentication.Dmarc(spfAligned || dkimAligned ? Verdict.PASS : Verdict.FAIL, from, policy);
    }

    /** The tags of the one {@code v=DMARC1} record at {@code _dmarc.domain}, or null when there is none (or several). */
    private Map<String, String> record(String domain) throws DnsException {
        DnsAnswer<String> answer = dns.txt("_dmarc." + domain);
        String text = null;
        for (String r : answer.records()) {
            if (!r.strip().startsWith("v=DMARC1")) continue;
            if (text != null) return null;
            text = r;
        }
        if (text == null) return null;
        Parsed parsed = records.get(domain);
        if (parsed == null || !parsed.text().equals(text)) {
            parsed = new Parsed(text, tags(text));
            if (records.size() >= MAX_RECORDS) records.clear();
            records.put(domain, parsed);
        }
        return parsed.tags();
    }

    private static Map<String, String> tags(String record) {
        Map<String, String> tags = new TreeMap<>();
        for (String spec : record.split(";")) {
            int eq = spec.indexOf('=');
            if (eq > 0) tags.put(spec.substring(0, eq).strip().toLowerCase(Locale.ROOT), spec.substring(eq + 1).strip());
        }
        return Collections.unmodifiableMap(tags);
    }

    /** A DMARC record's tags, kept with its text (reparsed only when DNS gives another text). */
    private record Parsed(String text, Map<String, String> tags) {}
}
