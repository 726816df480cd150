package org.tubemail.internal.app;

import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.server.guard.ClientLimits;
import org.tubemail.support.SmtpClient;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code receiver.client.*} and {@code receiver.trusted.networks}: defaults, values, and errors naming file, key and form. */
class ClientLimitSettingsTest {

    @TempDir
    Path home;

    private Settings settings(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return Settings.of("test-settings", home, m);
    }

    @Test
    void theDefaultsAreOnAndNobodyIsTrusted() {
        ClientLimits d = ClientLimitSettings.read(settings());
        assertEquals(ClientLimits.DEFAULTS.sessions(), d.sessions());
        assertEquals(50, d.sessions());
        assertEquals(120, d.connectionRate());
        assertEquals(300, d.messageRate());
        assertEquals(1_000, d.recipientRate());
        assertEquals(Duration.ofMinutes(1), d.window());
        assertEquals(64, d.ipv6Prefix());
        assertTrue(d.trusted().isEmpty());
    }

    @Test
    void valuesAreRead() throws Exception {
        ClientLimits l = ClientLimitSettings.read(settings("receiver.client.max.sessions", "0", "receiver.client.connection.rate", "7",
                "receiver.client.message.rate", "8", "receiver.client.recipient.rate", "9", "receiver.client.rate.window.seconds", "30",
                "receiver.client.ipv6.prefix", "56", "receiver.client.tracked.max", "5000",
                "receiver.trusted.networks", "127.0.0.1/32, 2001:db8::/32"));
        assertEquals(new ClientLimits(0, 7, 8, 9, Duration.ofSeconds(30), 56, 5000, l.trusted()), l);
        assertTrue(l.trusted().contains(InetAddress.getByName("127.0.0.1")));
        assertTrue(l.trusted().contains(InetAddress.getByName("2001:db8:ff::1")));
        assertFalse(l.trusted().contains(InetAddress.getByName("127.0.0.2")));
    }

    @Test
    void badValuesNameFileKeyAndForm() {
        String e = assertThrows(ConfigException.class, () -> ClientLimitSettings.read(settings("receiver.trusted.networks",
                "127.0.0.1/32,localhost"))).getMessage();
        assertEquals("test-settings: receiver.trusted.networks = '127.0.0.1/32,localhost': expected a comma-separated list of IP "
                + "networks such as 192.0.2.0/24, 2001:db8::/48 ('localhost' is not an IP network such as 10.0.0.0/8 or ::1/128)", e);
        assertTrue(assertThrows(ConfigException.class, () -> ClientLimitSettings.read(settings("receiver.client.ipv6.prefix", "129")))
                .getMessage().startsWith("test-settings: receiver.client.ipv6.prefix = '129': expected"));
        assertTrue(assertThrows(ConfigException.class, () -> ClientLimitSettings.read(settings("receiver.client.message.rate", "-1")))
                .getMessage().startsWith("test-settings: receiver.client.message.rate = '-1': expected"));
        assertTrue(assertThrows(ConfigException.class, () -> ClientLimitSettings.read(settings("receiver.client.rate.window.seconds", "0")))
                .getMessage().startsWith("test-settings: receiver.client.rate.window.seconds = '0': expected"));
    }

    @Test
    void theServerHoldsClientsToTheSettingsAndCountsRefusals() throws Exception {
        TubemailServer server = TubemailServer.configure(settings("storage.kind", "memory", "handlers",
                "org.tubemail.examples.echo.EchoHandler", "receiver.smtp.port", "0", "http.enabled", "false",
                "queue.spool", home.resolve("spool").toString(), "receiver.client.max.sessions", "1"));
        server.start();
        try (Socket a = connect("127.0.0.2", server.smtpPort()); SmtpClient first = new SmtpClient(a);
             Socket b = connect("127.0.0.2", server.smtpPort()); SmtpClient second = new SmtpClient(b)) {
            assertTrue(first.reply().startsWith("220"));
            assertEquals("421 4.7.0 Too many connections from 127.0.0.2 (limit 1 per client), try again later", second.reply());
            Counter refused = server.meters().find("tubemail.clients.refused").tag("reason", "client_connections").counter();
            assertEquals(1.0, refused.count());
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private static Socket connect(String source, int port) throws java.io.IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }
}
