package org.tubemail.internal.relay;

import org.tubemail.internal.dns.DnsAnswer;
import org.tubemail.internal.dns.DnsException;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.dns.MxHost;

import java.net.IDN;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Sends each message straight to its recipients' domains (RFC 5321 section 5): the domain's MX
 * records through the {@link DnsResolver}, lowest preference first (equal preferences in random
 * order), or the domain itself when it has no MX record (the implicit MX); each exchanger's A, then
 * AAAA addresses; the first exchanger that answers the transaction decides its recipients. An
 * exchanger that cannot be reached (no connection, timeout, a refusing greeting) passes the
 * message to the next one; one whose STARTTLS handshake fails gets it again in plain text at once
 * (opportunistic TLS protects against passive listeners only, and must not keep mail back); after {@link #MAX_ADDRESSES} addresses, or when
 * none is left, the recipients are retried later.
 *
 * <p>Refused for good: a domain that does not exist (NXDOMAIN), one that publishes a null MX
 * (RFC 7505), one with neither MX nor address, and the exchanger's {@code 5xx} replies. Retried: a
 * DNS failure or timeout, no exchanger reachable, and {@code 4xx} replies. Connections are kept
 * open per exchanger address, as with a smarthost.
 */
final class MxSender implements Sender {

    /** Addresses tried per domain and attempt (as Postfix's {@code smtp_mx_address_limit}). */
    static final int MAX_ADDRESSES = 5;
    /** Exchanger addresses whose connections are kept. */
    static final int MAX_POOLED = 64;

    private final MxSettings settings;
    private final DnsResolver dns;
    private final Properties tls = new Properties();
    private final Properties plain = new Properties();
    private final Map<String, SmtpSender> senders = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SmtpSender> eldest) {
            if (size() > MAX_POOLED) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    });

    MxSender(MxSettings settings, DnsResolver dns) {
        this.settings = settings;
        this.dns = dns;
        tls.setProperty("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
        tls.setProperty("mail.smtp.starttls.required", "false");
        tls.setProperty("mail.smtp.ssl.trust", "*");
        tls.setProperty("mail.smtp.ssl.checkserveridentity", "false");
        plain.setProperty("mail.smtp.starttls.enable", "false");
        if (!settings.helo().isEmpty()) {
            tls.setProperty("mail.smtp.localhost", settings.helo());
            plain.setProperty("mail.smtp.localhost", settings.helo());
        }
    }

    /** The domain has no mail service: refuse its recipients. */
    private static final class NoMail extends Exception {
        NoMail(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Outcome send(byte[] message, String from, List<String> recipients) {
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (String r : recipients) {
            int at = r.lastIndexOf('@');
            try {
                if (at < 1 || at == r.length() - 1) {
                    throw new IllegalArgumentException("no domain");
                }
                String domain = IDN.toASCII(r.substring(at + 1).toLowerCase(Locale.ROOT), IDN.ALLOW_UNASSIGNED);
                byDomain.computeIfAbsent(domain, d -> new ArrayList<>()).add(r);
            } catch (IllegalArgumentException e) {
                outcomes.add(new Outcome(List.of(), List.of(), List.of(r), "bad address <" + r + ">: " + e.getMessage(), false));
            }
        }
        byDomain.forEach((domain, rcpts) -> outcomes.add(toDomain(message, from, domain, rcpts)));
        return merged(outcomes);
    }

    private Outcome toDomain(byte[] message, String from, String domain, List<String> rcpts) {
        List<String> hosts;
        try {
            hosts = exchangers(domain);
        } catch (NoMail e) {
            return new Outcome(List.of(), List.of(), rcpts, domain + ": " + e.getMessage(), false);
        } catch (DnsException e) {
            return new Outcome(List.of(), rcpts, List.of(), domain + ": " + e.getMessage(), false);
        }
        boolean implicit = hosts.size() == 1 && hosts.get(0).equals(domain);
        List<String> errors = new ArrayList<>();
        int tried = 0;
        for (String host : hosts) {
            List<InetAddress> addresses;
            try {
                addresses = addresses(host);
            } catch (DnsException e) {
                errors.add(host + ": " + e.getMessage());
                continue;
            }
            if (addresses.isEmpty()) {
                if (implicit) {
                    return new Outcome(List.of(), List.of(), rcpts, domain + ": has no MX and no address record", false);
                }
                errors.add(host + ": no A or AAAA record");
            }
            for (InetAddress address : addresses) {
                if (tried++ == MAX_ADDRESSES) {
                    errors.add("stopped after " + MAX_ADDRESSES + " addresses");
                    return new Outcome(List.of(), rcpts, List.of(), domain + ": " + String.join("; ", errors), false);
                }
                Outcome o = sender(address, settings.startTls()).send(message, from, rcpts);
                if (!o.reached() && settings.startTls() && tlsFailed(o)) {
                    // opportunistic TLS: a broken handshake is no reason to keep mail back (as Postfix's "may" level)
                    errors.add(host + " [" + address.getHostAddress() + "]: " + o.error() + "; sent again without TLS");
                    o = sender(address, false).send(message, from, rcpts);
                }
                if (o.reached()) {
                    return new Outcome(o.sent(), o.retry(), o.refused(),
                            o.error().isEmpty() ? "" : host + " [" + address.getHostAddress() + "]: " + o.error(), true);
                }
                errors.add(host + " [" + address.getHostAddress() + "]: " + o.error());
            }
        }
        return new Outcome(List.of(), rcpts, List.of(), domain + ": " + String.join("; ", errors), false);
    }

    /** The exchangers to try, in order. */
    private List<String> exchangers(String domain) throws DnsException, NoMail {
        DnsAnswer<MxHost> mx = dns.mx(domain);
        switch (mx.outcome()) {
            case NO_DOMAIN:
                throw new NoMail("domain does not exist (NXDOMAIN)");
            case NO_DATA:
                return List.of(domain);
            default:
                break;
        }
        if (mx.records().stream().allMatch(h -> h.host().isEmpty() || h.host().equals("."))) {
            throw new NoMail("domain accepts no mail (null MX, RFC 7505)");
        }
        TreeMap<Integer, List<String>> byPreference = new TreeMap<>();
        for (MxHost h : mx.records()) {
            if (!h.host().isEmpty() && !h.host().equals(".")) {
                byPreference.computeIfAbsent(h.preference(), p -> new ArrayList<>()).add(h.host().toLowerCase(Locale.ROOT));
            }
        }
        List<String> order = new ArrayList<>();
        for (List<String> same : byPreference.values()) {
            Collections.shuffle(same);
            order.addAll(same);
        }
        return order;
    }

    /** A, then AAAA addresses; a failure of one kind is reported only when the other found nothing. */
    private List<InetAddress> addresses(String host) throws DnsException {
        List<InetAddress> out = new ArrayList<>();
        DnsException failure = null;
        try {
            out.addAll(dns.a(host).records());
        } catch (DnsException e) {
            failure = e;
        }
        try {
            out.addAll(dns.aaaa(host).records());
        } catch (DnsException e) {
            failure = failure == null ? e : failure;
        }
        if (out.isEmpty() && failure != null) {
            throw failure;
        }
        return out;
    }

    private SmtpSender sender(InetAddress address, boolean startTls) {
        String ip = address.getHostAddress();
        return senders.computeIfAbsent((startTls ? "tls " : "plain ") + ip, k -> new SmtpSender(
                new RelaySettings(ip, settings.port(), RelaySettings.Security.NONE, "", "", settings.timeout()),
                startTls ? tls : plain));
    }

    /** Whether an attempt failed in the STARTTLS handshake (Jakarta Mail's message, or an SSL exception behind it). */
    private static boolean tlsFailed(Outcome o) {
        return o.error().contains("convert socket to TLS") || o.error().contains("SSL");
    }

    private static Outcome merged(List<Outcome> outcomes) {
        if (outcomes.size() == 1) {
            return outcomes.get(0);
        }
        List<String> sent = new ArrayList<>();
        List<String> retry = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        boolean reached = false;
        for (Outcome o : outcomes) {
            sent.addAll(o.sent());
            retry.addAll(o.retry());
            refused.addAll(o.refused());
            if (!o.error().isEmpty()) {
                errors.add(o.error());
            }
            reached |= o.reached();
        }
        return new Outcome(sent, retry, refused, String.join("; ", errors), reached);
    }

    @Override
    public void close() {
        synchronized (senders) {
            senders.values().forEach(SmtpSender::close);
            senders.clear();
        }
    }
}
