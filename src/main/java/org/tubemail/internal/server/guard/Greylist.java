package org.tubemail.internal.server.guard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.DnsblVerdict;
import org.tubemail.mail.Verdict;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Greylisting (opt-in, {@code receiver.greylist.enabled}): the first message of a triplet (client
 * network, envelope sender, recipient) is refused with {@code 451 4.7.1} naming the delay; a real
 * MTA retries, and a retry after the delay passes. The client's network is then allowed, without
 * greylisting, for {@link Settings#allowPeriod()} (refreshed at most daily while it keeps sending); a
 * triplet never retried is forgotten after {@link Settings#retryWindow()}. Networks rather than
 * addresses (IPv4 /24, IPv6 /64 by default), because big senders retry from another host of the
 * same pool. The sender's digits are folded ({@code bounce-1234@} and {@code bounce-5678@} are one
 * sender), as postgrey does, because VERP senders change per message.
 *
 * <p>Exempt: clients the {@code exempt} predicate names (the composition root passes trusted
 * networks), clients on a DNS allowlist, and senders whose domain passed SPF. Since SPF runs after
 * {@code DATA}, the receiver greylists at the end of {@code DATA}, with every verdict known; the
 * retry sends the message again. A store that fails lets the mail through (logged): greylisting is
 * a heuristic, never a reason to refuse all mail.
 */
public final class Greylist implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Greylist.class);
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    /** How often expired entries are swept out of the store. */
    private static final Duration SWEEP = Duration.ofHours(1);
    /** An allowed client's allowance is renewed at most this often, to spare the store a write per message. */
    private static final Duration REFRESH = Duration.ofDays(1);

    /**
     * @param delay       how long a new triplet is refused
     * @param retryWindow how long a triplet not yet passed is remembered
     * @param allowPeriod how long a client network that passed stays allowed without greylisting
     * @param ipv4Prefix  the IPv4 network a client stands for, e.g. 24
     * @param ipv6Prefix  the IPv6 network a client stands for, e.g. 64
     */
    public record Settings(Duration delay, Duration retryWindow, Duration allowPeriod, int ipv4Prefix, int ipv6Prefix) {
        public Settings {
            if (delay.isNegative() || delay.isZero() || retryWindow.compareTo(delay) <= 0 || allowPeriod.isNegative() || allowPeriod.isZero()
                    || ipv4Prefix < 8 || ipv4Prefix > 32 || ipv6Prefix < 16 || ipv6Prefix > 128) {
                throw new IllegalArgumentException("greylist settings out of range: " + delay + ", " + retryWindow + ", "
                        + allowPeriod + ", /" + ipv4Prefix + ", /" + ipv6Prefix);
            }
        }

        /** postgrey's figures: 300 s delay, 2 days to retry, 36 days allowed, IPv4 /24, IPv6 /64. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(300), Duration.ofDays(2), Duration.ofDays(36), 24, 64);
        }
    }

    private final GreylistStore store;
    private final Settings settings;
    private final Predicate<InetAddress> exempt;
    private final Clock clock;
    private final AtomicLong lastSweep;

    /**
     * @param exempt clients never greylisted (the lead wires trusted networks here); {@code a -> false} for none
     */
    public Greylist(GreylistStore store, Settings settings, Predicate<InetAddress> exempt, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.exempt = exempt;
        this.clock = clock;
        this.lastSweep = new AtomicLong(clock.millis());
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /**
     * Decides on one message.
     *
     * @param clientIp   the client's IP address
     * @param sender     the envelope sender ({@code ""} for a bounce)
     * @param recipients the accepted recipients
     * @param verdicts   the sender checks' verdicts ({@link Authentication#NONE} without checks)
     * @param dnsbl      what the DNS lists said about the client
     * @return the refusal, e.g. {@code 451 4.7.1 Greylisted, please try again in 300 seconds}; empty to let the message through
     */
    public Optional<String> check(String clientIp, String sender, List<String> recipients, Authentication verdicts, DnsblVerdict dnsbl) {
        InetAddress client = address(clientIp);
        if (client == null || exempt.test(client) || dnsbl.allowlisted()
                || verdicts.spf().verdict() == Verdict.PASS && !verdicts.spf().helo() && !sender.isEmpty()) {
            return Optional.empty();
        }
        String network = network(client);
        long now = clock.millis();
        try {
            sweep(now);
            String clientKey = "client " + network;
            long allowedSince = store.get(clientKey, now);
            if (allowedSince >= 0) {
                if (now - allowedSince >= REFRESH.toMillis()) {
                    store.put(clientKey, now, now + settings.allowPeriod().toMillis());
                }
                return Optional.empty();
            }
            long wait = 0;
            String from = folded(sender);
            for (String r : recipients) {
                String key = "triplet " + network + " " + from + " " + Addresses.strip(r).toLowerCase(Locale.ROOT);
                long first = store.firstSeen(key, now, now + settings.retryWindow().toMillis());
                wait = Math.max(wait, first + settings.delay().toMillis() - now);
            }
            if (wait > 0) {
                return Optional.of("451 4.7.1 Greylisted, please try again in " + (wait + 999) / 1000 + " seconds");
            }
            store.put(clientKey, now, now + settings.allowPeriod().toMillis());
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.warn("greylist store failed, letting mail from {} through: {}", clientIp, e.toString());
            return Optional.empty();
        }
    }

    /** Closes the store. */
    @Override
    public void close() {
        store.close();
    }

    /** Removes expired entries, at most once per {@link #SWEEP}, by one caller. */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last >= SWEEP.toMillis() && lastSweep.compareAndSet(last, now)) {
            int removed = store.removeExpired(now);
            LOG.debug("greylist: {} expired entries removed", removed);
        }
    }

    private static String folded(String sender) {
        return DIGITS.matcher(Addresses.strip(sender).toLowerCase(Locale.ROOT)).replaceAll("#");
    }

    private static InetAddress address(String ip) {
        try {
            return ip.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*") ? InetAddress.getByName(ip) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The network {@code client} stands for, e.g. {@code 192.0.2.0/24}. */
    String network(InetAddress client) {
        byte[] b = client.getAddress();
        int prefix = b.length == 4 ? settings.ipv4Prefix() : settings.ipv6Prefix();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }
}
