package org.tubemail.internal.dns;

import org.junit.jupiter.api.Test;
import org.tubemail.support.Dnsmasq;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resolver against a real dnsmasq, and against a server that never answers. */
class DnsResolverTest {

    @Test
    void readsTxtMxAAndAaaaRecords() throws Exception {
        String longKey = "v=DKIM1; k=rsa; p=" + "A".repeat(400);
        try (Dnsmasq dns = Dnsmasq.builder()
                .txt("example.org", "v=spf1 ip4:127.0.0.1 -all")
                .txt("sel._domainkey.example.org", longKey)
                .mx("example.org", "mx2.example.org", 20).mx("example.org", "mx1.example.org", 10)
                .a("mx1.example.org", "127.0.0.2").aaaa("mx1.example.org", "::1")
                .start()) {
            DnsResolver resolver = dns.resolver();
            assertEquals(List.of("v=spf1 ip4:127.0.0.1 -all"), resolver.txt("example.org").records());
            assertEquals(List.of(longKey), resolver.txt("sel._domainkey.example.org").records(), "split strings are joined");
            assertEquals(List.of(new MxHost(10, "mx1.example.org"), new MxHost(20, "mx2.example.org")),
                    resolver.mx("example.org").records());
            assertEquals(List.of(InetAddress.getByName("127.0.0.2")), resolver.a("mx1.example.org").records());
            assertEquals(List.of(InetAddress.getByName("::1")), resolver.aaaa("mx1.example.org").records());
        }
    }

    @Test
    void tellsMissingNamesFromMissingRecords() throws Exception {
        try (Dnsmasq dns = Dnsmasq.builder().a("host.example.org", "127.0.0.3").start()) {
            DnsResolver resolver = dns.resolver();
            assertEquals(DnsAnswer.Outcome.NO_DOMAIN, resolver.txt("nothing.example.org").outcome());
            assertEquals(DnsAnswer.Outcome.NO_DATA, resolver.txt("host.example.org").outcome());
            assertEquals(DnsAnswer.Outcome.FOUND, resolver.a("host.example.org").outcome());
        }
    }

    @Test
    void cachedAnswersOutliveTheServer() throws Exception {
        DnsResolver resolver;
        try (Dnsmasq dns = Dnsmasq.builder().txt("cached.example.org", "kept").start()) {
            resolver = dns.resolver();
            assertEquals(List.of("kept"), resolver.txt("cached.example.org").records());
        }
        assertEquals(List.of("kept"), resolver.txt("cached.example.org").records(), "answered from the cache");
    }

    @Test
    void aSilentServerIsATemporaryErrorWithinTheTimeLimit() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            DnsResolver resolver = new DnsResolver(new DnsSettings(
                    List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())), Duration.ofMillis(500), 100));
            long start = System.nanoTime();
            DnsException e = assertThrows(DnsException.class, () -> resolver.txt("example.org"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            // 0.5 s asked; a lookup without the limit waits the resolver library's 10 s: 5 s leaves room for a loaded machine
            assertTrue(millis < 5_000, "gave up after " + millis + " ms");
            assertTrue(e.getMessage().contains("example.org"), e.getMessage());
        }
    }

    @Test
    void asksTheNextServerWhenOneIsSilent() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             Dnsmasq dns = Dnsmasq.builder().txt("example.org", "second").start()) {
            DnsResolver resolver = new DnsResolver(new DnsSettings(List.of(
                    new InetSocketAddress("127.0.0.1", silent.getLocalPort()), new InetSocketAddress("127.0.0.1", dns.port())),
                    Duration.ofSeconds(3), 100));
            assertEquals(List.of("second"), resolver.txt("example.org").records());
        }
    }

    @Test
    void parsesServerLists() {
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("::1", 53),
                        new InetSocketAddress("::1", 5300), new InetSocketAddress("192.0.2.1", 53)),
                DnsSettings.parseServers("127.0.0.1:5353, ::1,[::1]:5300,192.0.2.1"));
        assertThrows(IllegalArgumentException.class, () -> DnsSettings.parseServers("127.0.0.1:99999"));
        assertThrows(IllegalArgumentException.class, () -> DnsSettings.parseServers("bad host!"));
        assertThrows(IllegalArgumentException.class, () -> DnsSettings.parseServers(" , "));
    }
}
