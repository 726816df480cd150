package org.tubemail.internal.app;

import org.tubemail.internal.config.Settings;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.guard.TalkerSettings;

import java.time.Duration;

/**
 * How the SMTP receiver treats early, slow and noisy talkers: {@code receiver.smtp.greet.delay.seconds},
 * {@code receiver.smtp.forbid.unauth.pipelining}, {@code receiver.session.max.seconds},
 * {@code receiver.data.min.bytes.per.second}, {@code receiver.data.rate.window.seconds},
 * {@code receiver.error.soft.limit}, {@code receiver.error.hard.limit}, {@code receiver.error.delay.seconds}.
 */
final class Talkers {

    private Talkers() {
    }

    /** Reads the settings; the greeting delay must be shorter than the idle timeout of {@code receiving}. */
    static TalkerSettings create(Settings s, ReceiverSettings receiving) {
        TalkerSettings d = TalkerSettings.DEFAULTS;
        Duration greetDelay = s.seconds("receiver.smtp.greet.delay.seconds", d.greetDelay(), true);
        if (greetDelay.compareTo(receiving.idleTimeout()) >= 0) {
            throw s.invalid("receiver.smtp.greet.delay.seconds", "fewer seconds than receiver.idle.timeout.seconds ("
                    + receiving.idleTimeout().toSeconds() + ")");
        }
        return new TalkerSettings(greetDelay,
                s.bool("receiver.smtp.forbid.unauth.pipelining", d.forbidUnauthPipelining()),
                s.seconds("receiver.session.max.seconds", d.sessionMax(), true),
                s.integer("receiver.data.min.bytes.per.second", (int) d.dataMinBytesPerSecond(), 0, 1_000_000_000),
                s.seconds("receiver.data.rate.window.seconds", d.dataRateWindow(), false),
                s.integer("receiver.error.soft.limit", d.softErrorLimit(), 1, 1_000_000),
                s.integer("receiver.error.hard.limit", d.hardErrorLimit(), 1, 1_000_000),
                s.seconds("receiver.error.delay.seconds", d.errorDelay(), true));
    }
}
