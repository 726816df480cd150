package org.tubemail.internal.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One DNS blocklist or allowlist, written {@code zone[=filter][*weight]} as Postfix's
 * {@code postscreen_dnsbl_sites} writes it, e.g. {@code zen.spamhaus.org=127.0.0.2-127.0.0.11*2}:
 * the list's zone; the answers that count, as addresses and ranges {@code a-b} separated by
 * {@code ;} (without a filter: any address in {@code 127.0.0.0/8} except {@code 127.255.255.0/24},
 * which lists such as Spamhaus answer for a refused query, not for a listed client); and the weight
 * a hit adds to the score (1 unless given; always positive, an allowlist subtracts it).
 *
 * @param zone   the zone, in lower case, without a final dot
 * @param ranges the answer ranges that count, each {@code [from, to]} as unsigned IPv4 numbers; empty: the default
 * @param weight what a hit adds (or, for an allowlist, subtracts)
 */
public record DnsList(String zone, List<long[]> ranges, int weight) {

    public DnsList {
        ranges = List.copyOf(ranges);
    }

    /**
     * Reads {@code zone[=filter][*weight]}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DnsList parse(String spec) {
        String s = spec.strip();
        int weight = 1;
        int star = s.lastIndexOf('*');
        if (star >= 0) {
            try {
                weight = Integer.parseInt(s.substring(star + 1).strip());
            } catch (NumberFormatException e) {
                weight = 0;
            }
            if (weight < 1 || weight > 1000) {
                throw new IllegalArgumentException("'" + spec + "': the weight after * must be a whole number 1-1000");
            }
            s = s.substring(0, star).strip();
        }
        int eq = s.indexOf('=');
        String zone = (eq < 0 ? s : s.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
        if (zone.endsWith(".")) zone = zone.substring(0, zone.length() - 1);
        if (!zone.matches("[a-z0-9_-]+(\\.[a-z0-9_-]+)+")) {
            throw new IllegalArgumentException("'" + spec + "': '" + zone + "' is not a DNS zone such as zen.spamhaus.org");
        }
        List<long[]> ranges = new ArrayList<>();
        if (eq >= 0) {
            for (String item : s.substring(eq + 1).split(";")) {
                String[] ends = item.strip().split("-", 2);
                long from = ipv4(ends[0], spec);
                long to = ends.length == 2 ? ipv4(ends[1], spec) : from;
                if (to < from) throw new IllegalArgumentException("'" + spec + "': range " + item.strip() + " ends before it starts");
                ranges.add(new long[] {from, to});
            }
        }
        return new DnsList(zone, ranges, weight);
    }

    private static long ipv4(String text, String spec) {
        String[] octets = text.strip().split("\\.", -1);
        long n = 0;
        if (octets.length == 4) {
            for (String o : octets) {
                if (!o.matches("[0-9]{1,3}") || Integer.parseInt(o) > 255) {
                    n = -1;
                    break;
                }
                n = n << 8 | Integer.parseInt(o);
            }
            if (n >= 0) return n;
        }
        throw new IllegalArgumentException("'" + spec + "': '" + text.strip() + "' is not an IPv4 address such as 127.0.0.2");
    }

    /** Whether the answer {@code address} counts as a hit. */
    public boolean counts(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 4) return false;
        long n = (b[0] & 0xffL) << 24 | (b[1] & 0xffL) << 16 | (b[2] & 0xffL) << 8 | (b[3] & 0xffL);
        if (ranges.isEmpty()) {
            return (b[0] & 0xff) == 127 && !((b[1] & 0xff) == 255 && (b[2] & 0xff) == 255);
        }
        for (long[] r : ranges) {
            if (n >= r[0] && n <= r[1]) return true;
        }
        return false;
    }

    /**
     * The name to look up for {@code client} in this zone: the IPv4 address's octets reversed
     * ({@code 2.0.0.127.zone}), or the IPv6 address's 32 nibbles reversed (RFC 5782).
     */
    public String query(InetAddress client) {
        byte[] b = client.getAddress();
        StringBuilder name = new StringBuilder(80);
        for (int i = b.length - 1; i >= 0; i--) {
            if (b.length == 4) {
                name.append(b[i] & 0xff).append('.');
            } else {
                name.append(Character.forDigit(b[i] & 0xf, 16)).append('.').append(Character.forDigit(b[i] >> 4 & 0xf, 16)).append('.');
            }
        }
        return name.append(zone).toString();
    }

    @Override
    public String toString() {
        return zone + "*" + weight;
    }
}
