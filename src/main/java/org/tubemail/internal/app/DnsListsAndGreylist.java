package org.tubemail.internal.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.dns.DnsBlocklist;
import org.tubemail.internal.dns.DnsList;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.server.guard.BlocklistScreen;
import org.tubemail.internal.server.guard.Greylist;
import org.tubemail.internal.server.guard.GreylistStores;
import org.tubemail.internal.state.StateStorage;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Builds the SMTP receiver's DNS list screening ({@code receiver.dnsbl}, {@code receiver.dnswl},
 * {@code receiver.dnsbl.threshold}, {@code receiver.dnsbl.action}) and greylist
 * ({@code receiver.greylist.*}, its store beside the state storage).
 */
final class DnsListsAndGreylist {
    private static final Logger LOG = LoggerFactory.getLogger(DnsListsAndGreylist.class);

    private DnsListsAndGreylist() {}

    /** The screening, asking DNS with the resolver {@code dns} gives, or null when no list is configured (the default). */
    static BlocklistScreen screen(Settings s, Predicate<InetAddress> exempt, Supplier<DnsResolver> dns) {
        List<DnsList> block = lists(s, "receiver.dnsbl");
        List<DnsList> allow = lists(s, "receiver.dnswl");
        int threshold = s.integer("receiver.dnsbl.threshold", 1, 1, 1000);
        BlocklistScreen.Action action = s.choice("receiver.dnsbl.action", "reject", "reject", "tag").equals("tag")
                ? BlocklistScreen.Action.TAG : BlocklistScreen.Action.REJECT;
        if (block.isEmpty() && allow.isEmpty()) {
            return null;
        }
        BlocklistScreen screen = new BlocklistScreen(new DnsBlocklist(dns.get(), block, allow, threshold), action, exempt);
        LOG.info("SMTP clients are screened against {}", screen);
        return screen;
    }

    private static List<DnsList> lists(Settings s, String key) {
        List<DnsList> lists = new ArrayList<>();
        for (String spec : s.list(key, "")) {
            try {
                lists.add(DnsList.parse(spec));
            } catch (IllegalArgumentException e) {
                throw s.invalid(key, "comma-separated DNS lists, each zone[=filter][*weight], e.g. "
                        + "zen.spamhaus.org=127.0.0.2-127.0.0.11*2 (" + e.getMessage() + ")");
            }
        }
        return lists;
    }

    /** The greylist, or null when {@code receiver.greylist.enabled} is false (the default). */
    static Greylist greylist(Settings s, StateStorage storage, Predicate<InetAddress> exempt) {
        boolean on = s.bool("receiver.greylist.enabled", false);
        Greylist.Settings d = Greylist.Settings.defaults();
        Duration delay = s.seconds("receiver.greylist.delay.seconds", d.delay(), false);
        Duration window = Duration.ofHours(s.integer("receiver.greylist.retry.hours", (int) d.retryWindow().toHours(), 1, 24 * 365));
        Duration allow = Duration.ofDays(s.integer("receiver.greylist.allow.days", (int) d.allowPeriod().toDays(), 1, 3650));
        int v4 = s.integer("receiver.greylist.ipv4.prefix", d.ipv4Prefix(), 8, 32);
        int v6 = s.integer("receiver.greylist.ipv6.prefix", d.ipv6Prefix(), 16, 128);
        if (window.compareTo(delay) <= 0) {
            throw s.invalid("receiver.greylist.retry.hours", "a retry window longer than receiver.greylist.delay.seconds");
        }
        if (!on) {
            return null;
        }
        Greylist.Settings settings = new Greylist.Settings(delay, window, allow, v4, v6);
        LOG.info("greylisting on: {}", settings);
        return new Greylist(GreylistStores.beside(storage), settings, exempt, Clock.systemUTC());
    }
}
