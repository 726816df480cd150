package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.server.guard.Greylist;
import org.tubemail.internal.state.MemoryStorage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** receiver.dnsbl, receiver.dnswl and receiver.greylist.*: off by default, wrong values named with their key and form. */
class DnsListsAndGreylistTest {

    private static Settings settings(Map<String, String> values) {
        return Settings.of("settings.properties", Path.of("."), values);
    }

    @Test
    void offByDefault() {
        assertNull(DnsListsAndGreylist.screen(settings(Map.of()), a -> false, () -> null));
        assertNull(DnsListsAndGreylist.greylist(settings(Map.of()), new MemoryStorage(), a -> false));
    }

    @Test
    void listsAndGreylistAreBuiltFromTheirKeys() {
        // the README's example
        assertNotNull(DnsListsAndGreylist.screen(settings(Map.of("receiver.dnsbl", "zen.spamhaus.org=127.0.0.2-127.0.0.11*2, bl.spamcop.net",
                "receiver.dnswl", "list.dnswl.org=127.0.2.0-127.0.20.3*3", "receiver.dnsbl.threshold", "2", "receiver.dnsbl.action", "reject")),
                a -> false, () -> Resolvers.create(settings(Map.of()))));
        assertNotNull(DnsListsAndGreylist.screen(settings(Map.of("receiver.dnswl", "list.dnswl.org*5", "receiver.dnsbl.action", "tag")),
                a -> false, () -> Resolvers.create(settings(Map.of()))));
        Greylist g = DnsListsAndGreylist.greylist(settings(Map.of("receiver.greylist.enabled", "true", "receiver.greylist.delay.seconds", "60",
                "receiver.greylist.allow.days", "7", "receiver.greylist.ipv6.prefix", "56")), new MemoryStorage(), a -> false);
        assertEquals(new Greylist.Settings(Duration.ofSeconds(60), Duration.ofDays(2), Duration.ofDays(7), 24, 56), g.settings());
    }

    @Test
    void wrongValuesNameTheKeyAndTheForm() {
        ConfigException e = assertThrows(ConfigException.class, () -> DnsListsAndGreylist.screen(
                settings(Map.of("receiver.dnsbl", "zen.spamhaus.org=127.0.0*2")), a -> false, () -> null));
        assertTrue(e.getMessage().contains("settings.properties") && e.getMessage().contains("receiver.dnsbl")
                && e.getMessage().contains("zone[=filter][*weight]") && e.getMessage().contains("'127.0.0' is not an IPv4 address"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> DnsListsAndGreylist.screen(settings(Map.of("receiver.dnsbl.action", "drop")), a -> false, () -> null));
        assertTrue(e.getMessage().contains("receiver.dnsbl.action") && e.getMessage().contains("reject, tag"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> DnsListsAndGreylist.greylist(settings(Map.of("receiver.greylist.delay.seconds", "7200",
                "receiver.greylist.retry.hours", "1")), new MemoryStorage(), a -> false));
        assertTrue(e.getMessage().contains("receiver.greylist.retry.hours"), e.getMessage());
    }
}
