package org.tubemail.internal.dns;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.Credibility;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * DNS lookups through dnsjava: the configured servers (asked in turn), a time limit on every
 * lookup, and a cache that keeps answers for their TTL. Thread-safe. Every method blocks its caller
 * for at most the configured timeout, so call it from a worker thread, never from an event loop;
 * {@link #lookupAsync} does not block.
 */
public final class DnsResolver {
    private final LookupSession session;
    private final DnsSettings settings;
    private final Cache cache;

    public DnsResolver(DnsSettings settings) {
        this.settings = settings;
        // Each server gets its share of the time limit, so that a silent first server leaves time for the next.
        Duration share = settings.timeout().dividedBy(settings.servers().size());
        List<Resolver> servers = new ArrayList<>();
        for (InetSocketAddress server : settings.servers()) {
            SimpleResolver simple = new SimpleResolver(server);
            simple.setTimeout(share);
            servers.add(simple);
        }
        ExtendedResolver resolver = new ExtendedResolver(servers);
        resolver.setTimeout(settings.timeout());
        resolver.setRetries(1);
        LookupSession.LookupSessionBuilder builder = LookupSession.builder().resolver(resolver).clearCaches();
        if (settings.cacheSize() > 0) {
            cache = new Cache(DClass.IN);
            cache.setMaxEntries(settings.cacheSize());
            builder.cache(cache);
        } else {
            cache = null;
        }
        this.session = builder.build();
    }

    /** TXT records of {@code name}, each record's strings joined without separator (as SPF, DKIM and DMARC read them). */
    public DnsAnswer<String> txt(String name) throws DnsException {
        return lookup(name, Type.TXT).map(r -> String.join("", ((TXTRecord) r).getStrings()));
    }

    /** MX records of {@code name}, lowest preference first. */
    public DnsAnswer<MxHost> mx(String name) throws DnsException {
        DnsAnswer<MxHost> answer = lookup(name, Type.MX).map(r -> {
            MXRecord mx = (MXRecord) r;
            return new MxHost(mx.getPriority(), withoutDot(mx.getTarget()));
        });
        return new DnsAnswer<>(answer.outcome(),
                answer.records().stream().sorted(Comparator.comparingInt(MxHost::preference)).toList());
    }

    /** IPv4 addresses of {@code name}. */
    public DnsAnswer<InetAddress> a(String name) throws DnsException {
        return lookup(name, Type.A).map(r -> ((ARecord) r).getAddress());
    }

    /** IPv6 addresses of {@code name}. */
    public DnsAnswer<InetAddress> aaaa(String name) throws DnsException {
        return lookup(name, Type.AAAA).map(r -> ((AAAARecord) r).getAddress());
    }

    /**
     * Records of any type ({@link Type}), CNAMEs followed, within the time limit.
     *
     * @throws DnsException on a timeout, a server failure or an invalid name
     */
    public DnsAnswer<Record> lookup(String name, int type) throws DnsException {
        DnsAnswer<Record> cached = cached(name, type);
        if (cached != null) return cached;
        CompletableFuture<DnsAnswer<Record>> future = lookupAsync(name, type);
        try {
            return future.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DnsException("DNS lookup " + name + " " + Type.string(type) + " timed out after "
                    + settings.timeout().toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DnsException dns) throw new DnsException(dns.getMessage(), dns.getCause());
            throw new DnsException("DNS lookup " + name + " " + Type.string(type) + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsException("DNS lookup " + name + " " + Type.string(type) + " interrupted", e);
        }
    }

    /**
     * Like {@link #lookup}, without blocking: the future completes with the answer or, after the
     * time limit or on a failure, exceptionally with a {@link DnsException}.
     */
    public CompletableFuture<DnsAnswer<Record>> lookupAsync(String name, int type) {
        Name query;
        try {
            query = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return CompletableFuture.failedFuture(new DnsException("'" + name + "' is not a DNS name", e));
        }
        return session.lookupAsync(query, type).toCompletableFuture()
                .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((result, failure) -> answer(name, type, result, failure));
    }

    /**
     * The answer the cache holds now, without asking any server, read on the caller's thread (the
     * lookup session asks the same cache, but through futures and a thread hand-off that cost more
     * CPU than the lookup); null when it holds none (never asked, its TTL passed, no cache), or
     * only a CNAME to follow.
     */
    public DnsAnswer<Record> cached(String name, int type) {
        if (cache == null) return null;
        Name query;
        try {
            query = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return null; // lookupAsync reports it
        }
        SetResponse response = cache.lookupRecords(query, type, Credibility.NORMAL);
        if (response.isNXDOMAIN()) return DnsAnswer.none(DnsAnswer.Outcome.NO_DOMAIN);
        if (response.isNXRRSET()) return DnsAnswer.none(DnsAnswer.Outcome.NO_DATA);
        if (!response.isSuccessful()) return null;
        List<Record> records = new ArrayList<>();
        for (RRset set : response.answers()) {
            for (Record r : set.rrs()) {
                if (r.getType() == type) records.add(r);
            }
        }
        return records.isEmpty() ? null : new DnsAnswer<>(DnsAnswer.Outcome.FOUND, records);
    }

    private static DnsAnswer<Record> answer(String name, int type, LookupResult result, Throwable failure) {
        if (failure == null) {
            List<Record> records = result.getRecords().stream().filter(r -> r.getType() == type).toList();
            return records.isEmpty() ? DnsAnswer.none(DnsAnswer.Outcome.NO_DATA)
                    : new DnsAnswer<>(DnsAnswer.Outcome.FOUND, records);
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof NoSuchDomainException) return DnsAnswer.none(DnsAnswer.Outcome.NO_DOMAIN);
        if (cause instanceof NoSuchRRSetException) return DnsAnswer.none(DnsAnswer.Outcome.NO_DATA);
        String what = cause instanceof TimeoutException ? "timed out" : "failed: " + cause;
        throw new CompletionException(new DnsException("DNS lookup " + name + " " + Type.string(type) + " " + what, cause));
    }

    private static String withoutDot(Name name) {
        String text = name.toString();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
