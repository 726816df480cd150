package org.tubemail.auth;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.tubemail.dns.DnsAnswer;
import org.tubemail.dns.DnsException;
import org.tubemail.dns.DnsResolver;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * jSPF's DNS access through Tubemail's {@link DnsResolver}, so SPF shares its servers, time limit
 * and cache. A lookup that fails or times out reaches jSPF as its {@link TimeoutException}, which
 * it turns into {@code temperror}; no records is {@code null}, as jSPF's own service answers.
 */
final class JspfDns implements DNSService {
    private final DnsResolver dns;

    JspfDns(DnsResolver dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        if (request.getRecordType() == DNSRequest.SPF) return null; // see getRecordsAsync
        try {
            return convert(dns.lookup(request.getHostname(), type(request)));
        } catch (DnsException e) {
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
        return dns.lookupAsync(request.getHostname(), type(request)).handle((answer, failure) -> {
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                throw new java.util.concurrent.CompletionException(new TimeoutException(cause.getMessage()));
            }
            return convert(answer);
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
