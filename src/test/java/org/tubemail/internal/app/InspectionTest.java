package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.routing.RouteCheck;
import org.tubemail.internal.state.PgTestDb;
import org.tubemail.internal.state.PostgresStorage;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The router-only assembly behind {@code tubemail routes}: what it shows, and what it says it cannot. */
class InspectionTest {

    @TempDir
    Path home;

    private Settings settings(String... pairs) {
        Map<String, String> m = new HashMap<>(Map.of("receiver.accepted.domains", "localhost", "route.default.host", "localhost",
                "handlers", "org.tubemail.examples.echo.EchoHandler"));
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return Settings.of("test", home, m);
    }

    @Test
    void aHandlerThatCannotBeBuiltIsLeftOutWithANote() {
        try (Inspection i = Inspection.of(settings("handlers", "org.tubemail.examples.echo.EchoHandler,org.example.Missing"),
                OptionalLong.empty())) {
            assertEquals(1, i.router().modules().size());
            assertEquals(1, i.notes().size());
            assertTrue(i.notes().get(0).startsWith("handler org.example.Missing is not shown: ") && i.notes().get(0).contains("no such class"),
                    i.notes().toString());
        }
    }

    @Test
    void webhooksAreRoutesAndEachAddressGetsTheServersRcptReply() {
        try (Inspection i = Inspection.of(settings("forward.http.support", "http://127.0.0.1:9/hook",
                "forward.http.support.secret", "0123456789abcdef"), OptionalLong.empty())) {
            assertTrue(i.router().routes().stream().anyMatch(m -> m.route().source().equals("support@(host)")), i.router().routes().toString());
            assertEquals(null, i.rcpt("support@localhost"));
            assertEquals(null, i.rcpt("<echo@localhost>"));
            assertEquals(550, i.rcpt("echo@gmail.com").code());
            assertTrue(i.rcpt("echo@gmail.com").text().startsWith("5.7.1 "), i.rcpt("echo@gmail.com").text());
            assertTrue(i.rcpt("nobody@localhost").text().startsWith("5.1.1 "), i.rcpt("nobody@localhost").text());
        }
        assertTrue(!home.resolve("run/forward-retry").toFile().exists(), "webhook retries were kept in memory: nothing can be posted");
    }

    @Test
    void aMapDbStateFileOfARunningServerIsNotOpened() {
        try (Inspection i = Inspection.of(settings("storage.kind", "mapdb"), OptionalLong.of(4242))) {
            assertTrue(i.notes().get(0).contains("state.db is held by the running server (pid 4242); every key is shown in START"),
                    i.notes().toString());
        }
        assertTrue(!home.resolve("run/state.db").toFile().exists(), "the state file was not opened (nor created)");
        try (Inspection i = Inspection.of(settings("storage.kind", "mapdb"), OptionalLong.empty())) {
            assertEquals(List.of(), i.notes(), "a stopped server's states are read");
        }
    }

    @Test
    void postgresStatesAreShownWhileTheServerRuns() {
        PgTestDb.assumeConfigured();
        try (PostgresStorage db = PgTestDb.open()) {
            db.clear();
            db.set("echo", "bob@example.org", "SOMEWHERE");
            try (Inspection i = Inspection.of(settings("storage.kind", "postgres", "storage.postgres.url", PgTestDb.URL,
                    "storage.postgres.user", PgTestDb.USER, "storage.postgres.password", PgTestDb.PASSWORD), OptionalLong.of(4242))) {
                assertEquals(List.of(), i.notes());
                List<RouteCheck> checks = i.router().explain("echo@localhost", "bob@example.org");
                assertEquals("SOMEWHERE", checks.get(0).currentState());
            } finally {
                db.clear();
            }
        }
    }
}
