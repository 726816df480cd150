package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TLS and PROXY protocol settings: bad values stop start-up naming the key and the expected form. */
class ReceiverSecurityTest {

    @TempDir
    Path home;

    private String configError(String... keyValues) {
        Map<String, String> m = new HashMap<>(Map.of("storage.kind", "memory", "handlers", "org.tubemail.examples.echo.EchoHandler",
                "receiver.smtp.port", "0"));
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        Settings s = Settings.of("test-settings", home, m);
        return assertThrows(ConfigException.class, () -> TubemailServer.configure(s).stop(Duration.ZERO)).getMessage();
    }

    @Test
    void badTlsAndProxySettingsNameTheKey() {
        String e = configError("receiver.tls.cert", "missing.pem", "receiver.tls.key", "missing.key");
        assertTrue(e.startsWith("test-settings: receiver.tls.cert / receiver.tls.key: expected a readable PEM certificate chain"), e);
        assertTrue(e.contains("missing.pem"), e);
        assertEquals("test-settings: receiver.tls.key = '': expected a PEM file, set together with receiver.tls.cert",
                configError("receiver.tls.cert", "cert.pem"));
        assertTrue(configError("receiver.tls.required", "true", "receiver.tls.enabled", "false")
                .startsWith("test-settings: receiver.tls.required = 'true': expected false while receiver.tls.enabled is false"));
        String proxy = configError("receiver.proxy.protocol", "on", "receiver.proxy.trusted", "10.0.0.0/8,lb.example.com");
        assertTrue(proxy.startsWith("test-settings: receiver.proxy.trusted = '10.0.0.0/8,lb.example.com': expected a comma-separated list of IP networks"), proxy);
        assertTrue(configError("receiver.proxy.protocol", "yes").startsWith("test-settings: receiver.proxy.protocol = 'yes'"));
    }
}
