package org.tubemail.internal.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.tubemail.handler.Authenticated;
import org.tubemail.handler.Route;
import org.tubemail.internal.auth.UpstreamResults;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.routing.Router;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestKit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * receiver.auth.upstream.id: nobody believed by default, a wrong value named with its key. With checks
 * off, start-up warns that @Authenticated handlers get no mail, unless trusted networks give them some.
 */
class SenderAuthTest {

    /** A module that serves authenticated senders only. */
    @Authenticated
    public static class Members {
        @Route("members@(host)")
        public String START(MailRequest msg) {
            return "MEMBER";
        }
    }

    @Test
    void withChecksOffTheStartUpMessageCountsTrustedNetworks() {
        assertEquals(List.of("WARN handlers accept only authenticated senders but receiver.auth.checks is off, no receiver.auth.upstream.id"
                + " is believed and no receiver.trusted.networks are set: all their mail goes to the undeliverable queue"), startUpLog(Map.of()));
        assertEquals(List.of("INFO handlers accept only authenticated senders and receiver.auth.checks is off: only mail from"
                        + " receiver.trusted.networks (auth=local) reaches them; other mail goes to the undeliverable queue"),
                startUpLog(Map.of("receiver.trusted.networks", "10.0.0.0/8")));
        assertEquals(List.of(), startUpLog(Map.of("receiver.auth.upstream.id", "mx.example.com")), "an MTA in front authenticates");
    }

    private static List<String> startUpLog(Map<String, String> settings) {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger(SenderAuth.class);
        logger.addAppender(log);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // the test suite's logging may be quieter
        try {
            Router router = new TestKit().router(r -> r.defaultCapture("host", "example\\.com").handlers(new Members())).router();
            assertNull(SenderAuth.create(Settings.of("settings.properties", Path.of("."), settings), router, null), "no checks: no DNS asked");
        } finally {
            logger.detachAppender(log);
            logger.setLevel(level);
        }
        return log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void upstreamVerdictsAreBelievedOnlyFromANamedHost() {
        assertSame(UpstreamResults.NONE, SenderAuth.upstream(Settings.of("settings.properties", Path.of("."), Map.of())));
        ConfigException e = assertThrows(ConfigException.class, () -> SenderAuth.upstream(
                Settings.of("settings.properties", Path.of("."), Map.of("receiver.auth.upstream.id", "mx.example.com; spf=pass"))));
        assertTrue(e.getMessage().contains("settings.properties") && e.getMessage().contains("receiver.auth.upstream.id")
                && e.getMessage().contains("host name"), e.getMessage());
    }
}
