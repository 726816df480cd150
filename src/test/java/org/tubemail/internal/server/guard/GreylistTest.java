package org.tubemail.internal.server.guard;

import org.junit.jupiter.api.Test;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.DnsblVerdict;
import org.tubemail.mail.Verdict;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The greylist's rules, on a clock moved by hand. */
class GreylistTest {

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final MemoryGreylistStore store = new MemoryGreylistStore();
    private final Greylist greylist = new Greylist(store, Greylist.Settings.defaults(), a -> a.getHostAddress().equals("10.0.0.1"), clock);

    private Optional<String> check(String ip, String from, String... to) {
        return greylist.check(ip, from, List.of(to), Authentication.NONE, DnsblVerdict.NONE);
    }

    @Test
    void aNewTripletWaitsTheDelayThenItsNetworkIsAllowed() {
        assertEquals(Optional.of("451 4.7.1 Greylisted, please try again in 300 seconds"), check("192.0.2.7", "bob@example.net", "alice@example.com"));
        clock.advance(Duration.ofSeconds(100));
        assertEquals(Optional.of("451 4.7.1 Greylisted, please try again in 200 seconds"), check("192.0.2.7", "bob@example.net", "alice@example.com"),
                "an early retry does not start the delay over");
        clock.advance(Duration.ofSeconds(200));
        assertEquals(Optional.empty(), check("192.0.2.7", "bob@example.net", "alice@example.com"));
        // the /24 is allowed now, for any sender and recipient
        assertEquals(Optional.empty(), check("192.0.2.200", "carol@example.org", "dave@example.com"));
        assertTrue(check("192.0.3.7", "carol@example.org", "dave@example.com").isPresent(), "another network waits");
        clock.advance(Duration.ofDays(37));
        assertTrue(check("192.0.2.7", "bob@example.net", "alice@example.com").isPresent(), "the allowance ended");
    }

    @Test
    void aTripletNotRetriedInTheWindowStartsOver() {
        assertTrue(check("192.0.2.7", "bob@example.net", "alice@example.com").isPresent());
        clock.advance(Duration.ofDays(3));
        assertEquals(Optional.of("451 4.7.1 Greylisted, please try again in 300 seconds"), check("192.0.2.7", "bob@example.net", "alice@example.com"));
    }

    @Test
    void everyRecipientOfAMessageMustHaveWaited() {
        assertTrue(check("192.0.2.7", "bob@example.net", "alice@example.com").isPresent());
        clock.advance(Duration.ofSeconds(301));
        assertEquals(Optional.of("451 4.7.1 Greylisted, please try again in 300 seconds"),
                check("192.0.2.7", "bob@example.net", "alice@example.com", "carol@example.com"));
        clock.advance(Duration.ofSeconds(301));
        assertEquals(Optional.empty(), check("192.0.2.7", "bob@example.net", "alice@example.com", "carol@example.com"));
    }

    @Test
    void ipv6ClientsStandForTheirSlash64AndVerpSendersForOne() {
        assertTrue(check("2001:db8:1:2::7", "bounce-1234@lists.example.net", "alice@example.com").isPresent());
        clock.advance(Duration.ofSeconds(301));
        assertEquals(Optional.empty(), check("2001:db8:1:2:ffff::9", "bounce-98765@lists.example.net", "alice@example.com"));
        assertEquals("2001:db8:1:2:0:0:0:0/64", greylist.network(addr("2001:db8:1:2:ffff::9")));
        assertEquals("192.0.2.0/24", greylist.network(addr("192.0.2.77")));
    }

    @Test
    void exemptClientsAllowlistedClientsAndSpfPassesAreNeverGreylisted() {
        assertEquals(Optional.empty(), check("10.0.0.1", "bob@example.net", "alice@example.com"), "the exempt predicate");
        DnsblVerdict allowlisted = new DnsblVerdict(-1, 1, List.of(new DnsblVerdict.Hit("wl.test", "127.0.10.1", -1)));
        assertEquals(Optional.empty(), greylist.check("192.0.2.7", "bob@example.net", List.of("alice@example.com"), Authentication.NONE, allowlisted));
        Authentication spfPass = new Authentication(new Authentication.Spf(Verdict.PASS, false, "example.net"), List.of(),
                Authentication.NONE.dmarc());
        assertEquals(Optional.empty(), greylist.check("192.0.2.8", "bob@example.net", List.of("alice@example.com"), spfPass, DnsblVerdict.NONE));
        Authentication heloPass = new Authentication(new Authentication.Spf(Verdict.PASS, true, "mx.example.net"), List.of(),
                Authentication.NONE.dmarc());
        assertTrue(greylist.check("192.0.2.9", "", List.of("alice@example.com"), heloPass, DnsblVerdict.NONE).isPresent(),
                "a bounce's HELO passing SPF proves no sender domain");
        assertEquals(1, store.count(), "exempt mail leaves no entry");
    }

    @Test
    void aFailingStoreLetsMailThrough() {
        GreylistStore away = new GreylistStore() {
            @Override
            public long firstSeen(String key, long nowMillis, long expiresAtMillis) {
                throw new IllegalStateException("database away");
            }

            @Override
            public long get(String key, long nowMillis) {
                throw new IllegalStateException("database away");
            }

            @Override
            public void put(String key, long valueMillis, long expiresAtMillis) {
                throw new IllegalStateException("database away");
            }

            @Override
            public int removeExpired(long nowMillis) {
                throw new IllegalStateException("database away");
            }

            @Override
            public int count() {
                return 0;
            }

            @Override
            public void clear() {
            }
        };
        Greylist broken = new Greylist(away, Greylist.Settings.defaults(), a -> false, clock);
        assertEquals(Optional.empty(), broken.check("192.0.2.7", "bob@example.net", List.of("alice@example.com"), Authentication.NONE,
                DnsblVerdict.NONE));
    }

    private static InetAddress addr(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
