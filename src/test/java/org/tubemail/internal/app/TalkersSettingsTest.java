package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.guard.TalkerSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The talker settings: defaults, values, and bad values that stop start-up naming the key and the expected form. */
class TalkersSettingsTest {

    private static final ReceiverSettings RECEIVING = ReceiverSettings.local(0, Set.of("example.com")); // idle timeout 60 s

    private static TalkerSettings read(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return Talkers.create(Settings.of("test-settings", Path.of("."), m), RECEIVING);
    }

    private static String error(String... keyValues) {
        return assertThrows(ConfigException.class, () -> read(keyValues)).getMessage();
    }

    @Test
    void defaultsAreThoseOfTheRecord() {
        assertEquals(TalkerSettings.DEFAULTS, read());
    }

    @Test
    void everyKeyIsRead() {
        assertEquals(new TalkerSettings(Duration.ofSeconds(6), false, Duration.ofSeconds(600), 1000, Duration.ofSeconds(20), 5, 8,
                        Duration.ZERO),
                read("receiver.smtp.greet.delay.seconds", "6", "receiver.smtp.forbid.unauth.pipelining", "false",
                        "receiver.session.max.seconds", "600", "receiver.data.min.bytes.per.second", "1000",
                        "receiver.data.rate.window.seconds", "20", "receiver.error.soft.limit", "5", "receiver.error.hard.limit", "8",
                        "receiver.error.delay.seconds", "0"));
    }

    @Test
    void badValuesNameTheKey() {
        assertEquals("test-settings: receiver.smtp.greet.delay.seconds = '60': expected fewer seconds than receiver.idle.timeout.seconds (60)",
                error("receiver.smtp.greet.delay.seconds", "60"));
        assertEquals("test-settings: receiver.error.hard.limit = '0': expected a whole number from 1 to 1000000",
                error("receiver.error.hard.limit", "0"));
        assertEquals("test-settings: receiver.data.rate.window.seconds = '0': expected a positive number of seconds",
                error("receiver.data.rate.window.seconds", "0"));
        assertEquals("test-settings: receiver.smtp.forbid.unauth.pipelining = 'maybe': expected true or false",
                error("receiver.smtp.forbid.unauth.pipelining", "maybe"));
    }
}
