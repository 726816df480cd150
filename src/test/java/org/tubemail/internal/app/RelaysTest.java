package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Relay;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.relay.SmtpRelay;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code relay.host=mx}: direct delivery, and the settings it refuses. */
class RelaysTest {

    @TempDir
    Path home;

    private Settings settings(Map<String, String> values) {
        return Settings.of("settings.properties", home, values);
    }

    @Test
    void mxMeansDirectDelivery() {
        Relay r = Relays.create(settings(Map.of("relay.host", "mx", "dns.servers", "127.0.0.1:53", "relay.helo", "mail.example.com")));
        assertInstanceOf(SmtpRelay.class, r);
        assertTrue(r.toString().contains("MX delivery[port 25, STARTTLS when offered, EHLO mail.example.com]"), r.toString());
        ((SmtpRelay) r).close();
        Relay plain = Relays.create(settings(Map.of("relay.host", "mx", "relay.security", "none", "dns.servers", "127.0.0.1")));
        assertTrue(plain.toString().contains("no TLS"), plain.toString());
        ((SmtpRelay) plain).close();
    }

    @Test
    void mxRefusesSmarthostOnlySettings() {
        ConfigException tls = assertThrows(ConfigException.class,
                () -> Relays.create(settings(Map.of("relay.host", "mx", "relay.security", "tls", "dns.servers", "127.0.0.1"))));
        assertTrue(tls.getMessage().contains("relay.security"), tls.getMessage());
        ConfigException login = assertThrows(ConfigException.class,
                () -> Relays.create(settings(Map.of("relay.host", "mx", "relay.username", "me", "dns.servers", "127.0.0.1"))));
        assertEquals(true, login.getMessage().contains("relay.username") && login.getMessage().contains("relay.host = mx"), login.getMessage());
    }
}
