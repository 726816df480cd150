package org.tubemail.app;

import org.junit.jupiter.api.Test;
import org.tubemail.auth.UpstreamResults;
import org.tubemail.config.ConfigException;
import org.tubemail.config.Settings;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** receiver.auth.upstream.id: nobody believed by default, a wrong value named with its key. */
class SenderAuthTest {

    @Test
    void upstreamVerdictsAreBelievedOnlyFromANamedHost() {
        assertSame(UpstreamResults.NONE, SenderAuth.upstream(Settings.of("settings.properties", Path.of("."), Map.of())));
        ConfigException e = assertThrows(ConfigException.class, () -> SenderAuth.upstream(
                Settings.of("settings.properties", Path.of("."), Map.of("receiver.auth.upstream.id", "mx.example.com; spf=pass"))));
        assertTrue(e.getMessage().contains("settings.properties") && e.getMessage().contains("receiver.auth.upstream.id")
                && e.getMessage().contains("host name"), e.getMessage());
    }
}
