package org.tubemail.internal.auth;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.tubemail.internal.dns.DnsAnswer;
import org.tubemail.internal.dns.DnsException;
import org.tubemail.internal.dns.DnsResolver;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * jSPF's DNS access through Tubemail's {@link DnsResolver}, so SPF shares its servers, time limit
 * and cache. A lookup that fails or times out reaches jSPF as its {@link TimeoutException}, which
 * it turns into {@code temperror}; no records is {@code null}, as jSPF's own service answers.
 */
final class JspfDns implements DNSService {
    private final DnsResolver dns;
    /** Where the lookups of the check running on this thread go, when they are noted. */
    private final ThreadLocal<Lookups> noting = new ThreadLocal<>();

    JspfDns(DnsResolver dns) {
        this.dns = dns;
    }

    /** One lookup an SPF check made and what jSPF got: the records as strings, or null for none. */
    record Lookup(String name, int type, List<String> records) {}

    /** The lookups of one check, and whether each got an answer (none failed or timed out). */
    static final class Lookups {
        private final List<Lookup> lookups = new ArrayList<>();
        private boolean answered = true;

        synchronized void add(Lookup lookup) {
            lookups.add(lookup);
        }

        synchronized void failed() {
            answered = false;
        }

        /** The lookups, or null when one got no answer. */
        synchronized List<Lookup> answered() {
            return answered ? List.copyOf(lookups) : null;
        }
    }

    /** Notes every lookup this thread makes into {@code into} until {@link #stopNoting()}. */
    void noteInto(Lookups into) {
        noting.set(into);
    }

    void stopNoting() {
        noting.remove();
    }

    /**
     * Whether the resolver's cache still holds every one of {@code lookups} with the same records:
     * then a check that made them would make them again, with the same outcome. False as soon as
     * one is no longer cached (its TTL passed) or has changed.
     */
    boolean stillCached(List<Lookup> lookups) {
        for (Lookup l : lookups) {
            DnsAnswer<Record> now = dns.cached(l.name(), l.type());
            if (now == null || !Objects.equals(convert(now), l.records())) return false;
        }
        return true;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        if (request.getRecordType() == DNSRequest.SPF) return null; // see getRecordsAsync
        Lookups notes = noting.get();
        int type = type(request);
        try {
            List<String> records = convert(dns.lookup(request.getHostname(), type));
            if (notes != null) notes.add(new Lookup(request.getHostname(), type, records));
            return records;
        } catch (DnsException e) {
            if (notes != null) notes.failed();
            throw new TimeoutException(e.getMessage());
        }
    }

    /**
     * Asks nothing for the SPF record type (99), which RFC 7208 retired: jSPF asks it first for every
     * check, and the empty answer, which carries no negative TTL from many servers, is never cached;
     * the TXT query that follows is.
     */
    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        if (request.getRecordType() == DNSRequest.SPF) return CompletableFuture.completedFuture(null);
        Lookups notes = noting.get();
        int type = type(request);
        return dns.lookupAsync(request.getHostname(), type).handle((answer, failure) -> {
            if (failure != null) {
                if (notes != null) notes.failed();
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                throw new java.util.concurrent.CompletionException(new TimeoutException(cause.getMessage()));
            }
            List<String> records = convert(answer);
            if (notes != null) notes.add(new Lookup(request.getHostname(), type, records));
            return records;
        });
    }

    private static List<String> convert(DnsAnswer<Record> answer) {
        if (answer.records().isEmpty()) return null;
        return DNSServiceXBillImpl.convertRecordsToList(answer.records().toArray(new Record[0]));
    }

    private static int type(DNSRequest request) {
        return switch (request.getRecordType()) {
            case DNSRequest.A -> Type.A;
            case DNSRequest.AAAA -> Type.AAAA;
            case DNSRequest.MX -> Type.MX;
            case DNSRequest.PTR -> Type.PTR;
            default -> Type.TXT;
        };
    }

    @Override
    public List<String> getLocalDomainNames() {
        return List.of();
    }

    @Override
    public void setTimeOut(int seconds) {
        // the resolver's own time limit (dns.timeout.seconds) applies
    }

    @Override
    public int getRecordLimit() {
        return 0;
    }

    @Override
    public void setRecordLimit(int limit) {
        // no limit on records per answer
    }
}
