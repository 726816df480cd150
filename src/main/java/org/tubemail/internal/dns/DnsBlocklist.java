package org.tubemail.internal.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.mail.DnsblVerdict;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asks DNS blocklists and allowlists (RFC 5782) about a client address, all at once, through the
 * {@link DnsResolver} (its cache and its time limit), and scores the answers: each blocklist whose
 * answer passes its filter adds its weight, each such allowlist subtracts its weight, and a score at
 * or above the threshold means listed. A list that fails or does not answer in time counts as not
 * naming the client: a DNS failure never refuses mail.
 */
public final class DnsBlocklist {
    private static final Logger LOG = LoggerFactory.getLogger(DnsBlocklist.class);

    private final DnsResolver resolver;
    private final List<DnsList> blocklists;
    private final List<DnsList> allowlists;
    private final int threshold;

    /**
     * @param threshold the score from which a client is listed (at least 1)
     */
    public DnsBlocklist(DnsResolver resolver, List<DnsList> blocklists, List<DnsList> allowlists, int threshold) {
        if (threshold < 1) throw new IllegalArgumentException("the DNSBL threshold must be at least 1: " + threshold);
        this.resolver = resolver;
        this.blocklists = List.copyOf(blocklists);
        this.allowlists = List.copyOf(allowlists);
        this.threshold = threshold;
    }

    /** Whether any list is configured. */
    public boolean configured() {
        return !blocklists.isEmpty() || !allowlists.isEmpty();
    }

    /**
     * Asks every list about {@code client} without blocking. The future always completes normally,
     * within the resolver's time limit: lists that failed are left out of the verdict.
     */
    public CompletableFuture<DnsblVerdict> check(InetAddress client) {
        List<CompletableFuture<DnsblVerdict.Hit>> asked = new ArrayList<>();
        blocklists.forEach(l -> asked.add(ask(l, client, 1)));
        allowlists.forEach(l -> asked.add(ask(l, client, -1)));
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<DnsblVerdict.Hit> hits = asked.stream().map(CompletableFuture::join).filter(h -> h != null).toList();
            int score = hits.stream().mapToInt(DnsblVerdict.Hit::weight).sum();
            return hits.isEmpty() ? DnsblVerdict.NONE : new DnsblVerdict(score, threshold, hits);
        });
    }

    /** One list's hit, or null (not listed, filtered out, or the lookup failed). */
    private CompletableFuture<DnsblVerdict.Hit> ask(DnsList list, InetAddress client, int sign) {
        String name = list.query(client);
        DnsAnswer<Record> cached = resolver.cached(name, Type.A);
        CompletableFuture<DnsAnswer<Record>> answer = cached != null ? CompletableFuture.completedFuture(cached)
                : resolver.lookupAsync(name, Type.A);
        return answer.handle((a, failure) -> {
            if (failure != null) {
                LOG.debug("DNS list {} did not answer for {}: {}", list.zone(), client.getHostAddress(), failure.toString());
                return null;
            }
            for (Record r : a.records()) {
                InetAddress code = ((ARecord) r).getAddress();
                if (list.counts(code)) {
                    return new DnsblVerdict.Hit(list.zone(), code.getHostAddress(), sign * list.weight());
                }
            }
            return null;
        });
    }

    @Override
    public String toString() {
        return "DNS lists " + blocklists + ", allowlists " + allowlists + ", threshold " + threshold;
    }
}
