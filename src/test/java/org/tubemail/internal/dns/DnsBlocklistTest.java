package org.tubemail.internal.dns;

import org.junit.jupiter.api.Test;
import org.tubemail.mail.DnsblVerdict;
import org.tubemail.support.Dnsmasq;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** List syntax, RFC 5782 query names, filters and scores, with the lists served by a real dnsmasq. */
class DnsBlocklistTest {

    @Test
    void readsZoneFilterAndWeight() {
        DnsList l = DnsList.parse(" Zen.Spamhaus.org.=127.0.0.2-127.0.0.11;127.0.0.20*3 ");
        assertEquals("zen.spamhaus.org", l.zone());
        assertEquals(3, l.weight());
        assertEquals(2, l.ranges().size());
        assertEquals(1, DnsList.parse("bl.example").weight());
    }

    @Test
    void badSpecsAreRefusedSayingWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsList.parse("bl.example*0")).getMessage().contains("weight"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsList.parse("bl.example*x")).getMessage().contains("weight"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsList.parse("localhost")).getMessage().contains("not a DNS zone"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsList.parse("bl.example=127.0.0")).getMessage().contains("not an IPv4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsList.parse("bl.example=127.0.0.9-127.0.0.2")).getMessage()
                .contains("ends before"));
    }

    @Test
    void queryNamesReverseOctetsAndNibbles() throws Exception {
        DnsList l = DnsList.parse("bl.example");
        assertEquals("2.0.0.127.bl.example", l.query(InetAddress.getByName("127.0.0.2")));
        assertEquals("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example",
                l.query(InetAddress.getByName("2001:db8::1")));
    }

    @Test
    void withoutAFilterAnyLoopbackAnswerCountsButTheRefusalCodes() throws Exception {
        DnsList l = DnsList.parse("bl.example");
        assertTrue(l.counts(InetAddress.getByName("127.0.0.2")));
        assertTrue(l.counts(InetAddress.getByName("127.1.2.3")));
        assertFalse(l.counts(InetAddress.getByName("127.255.255.254")), "Spamhaus: query refused, not a listing");
        assertFalse(l.counts(InetAddress.getByName("192.0.2.1")));
        DnsList filtered = DnsList.parse("bl.example=127.0.0.4;127.0.0.10-127.0.0.11");
        assertTrue(filtered.counts(InetAddress.getByName("127.0.0.4")));
        assertTrue(filtered.counts(InetAddress.getByName("127.0.0.11")));
        assertFalse(filtered.counts(InetAddress.getByName("127.0.0.5")));
    }

    @Test
    void scoresWeightsOfListsThatNameTheClientIPv4AndIPv6() throws Exception {
        try (Dnsmasq dns = Dnsmasq.builder()
                .a("9.2.0.192.one.test", "127.0.0.2")
                .a("9.2.0.192.two.test", "127.0.0.3")
                .a("9.2.0.192.three.test", "127.0.0.4")
                .a("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.one.test", "127.0.0.2")
                .a("9.2.0.192.allow.test", "127.0.10.2")
                .start()) {
            DnsBlocklist lists = new DnsBlocklist(dns.resolver(),
                    List.of(DnsList.parse("one.test*2"), DnsList.parse("two.test"), DnsList.parse("three.test=127.0.0.2"),
                            DnsList.parse("absent.test")),
                    List.of(DnsList.parse("allow.test")), 3);
            DnsblVerdict v = lists.check(InetAddress.getByName("192.0.2.9")).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(new DnsblVerdict.Hit("one.test", "127.0.0.2", 2), new DnsblVerdict.Hit("two.test", "127.0.0.3", 1),
                    new DnsblVerdict.Hit("allow.test", "127.0.10.2", -1)), v.hits());
            assertEquals(2, v.score());
            assertFalse(v.listed(), "2 is below the threshold 3");
            assertEquals(v, DnsblVerdict.parse(v.summary()));

            DnsblVerdict six = lists.check(InetAddress.getByName("2001:db8::1")).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(new DnsblVerdict.Hit("one.test", "127.0.0.2", 2)), six.hits());
            assertEquals(DnsblVerdict.NONE, lists.check(InetAddress.getByName("192.0.2.10")).get(10, TimeUnit.SECONDS));
        }
    }
}
