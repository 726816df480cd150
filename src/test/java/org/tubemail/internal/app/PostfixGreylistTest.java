package org.tubemail.internal.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.state.PgTestDb;
import org.tubemail.support.Inbox;
import org.tubemail.support.PostfixInstance;
import org.tubemail.support.SmtpClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greylisting with a real Postfix as the retrying client: Postfix relays a message to Tubemail
 * ({@code receiver.greylist.enabled=true}, a delay of 3 seconds), is told {@code 451 4.7.1}, retries
 * on its own schedule (backoff of 1-2 seconds), and the message arrives after the delay, exactly
 * once; with the greylist in each state storage's store.
 */
class PostfixGreylistTest {

    @TempDir
    Path home;

    private TubemailServer server;
    private PostfixInstance postfix;

    @AfterEach
    void stop() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "mapdb", "postgres"})
    void postfixRetriesAndTheMessageArrivesOnceAfterTheDelay(String storage) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "receiver.smtp.port", "0", "http.enabled", "false",
                "receiver.accepted.domains", "example.com",
                "route.default.host", "example\\.com",
                "handlers", Inbox.class.getName(),
                "storage.kind", storage,
                "receiver.greylist.enabled", "true",
                "receiver.greylist.delay.seconds", "3"));
        if (storage.equals("postgres")) {
            Assumptions.assumeTrue(PgTestDb.URL != null && !PgTestDb.URL.isBlank(), "TUBEMAIL_PG_URL is not set");
            settings.putAll(Map.of("storage.postgres.url", PgTestDb.URL, "storage.postgres.user", PgTestDb.USER,
                    "storage.postgres.password", PgTestDb.PASSWORD));
            try (var states = PgTestDb.open()) {
                new org.tubemail.internal.server.guard.PostgresGreylistStore(states).clear(); // a triplet of an earlier run would pass at once
            }
        }
        server = TubemailServer.configure(Settings.of("test-settings", home, settings));
        server.start();
        Inbox inbox = (Inbox) server.router().routes().get(0).module().instance();

        postfix = PostfixInstance.routing("postfix-greylist", List.of("example.com smtp:[127.0.0.1]:" + server.smtpPort()));

        try (SmtpClient c = new SmtpClient(postfix.smtpPort())) {
            c.begin("bob@example.net");
            assertTrue(c.cmd("RCPT TO:<alice@example.com>").startsWith("250"));
            assertTrue(c.cmd("DATA").startsWith("354"));
            assertTrue(c.cmd("From: bob@example.net\r\nSubject: greylisted\r\nMessage-ID: <grey-1@example.net>\r\n\r\nhello\r\n.")
                    .startsWith("250"));
            c.cmd("QUIT");
        }

        // Postfix retries on its own schedule; flushing its queue after 10 s without a delivery keeps a retry
        // that a loaded machine pushed 60 s back ("skipped, still being delivered") within the wait
        String log = postfix.awaitLogFlushing(l -> l.contains("status=sent"), Duration.ofSeconds(90), Duration.ofSeconds(10));
        assertTrue(log.contains("status=sent"), "Postfix delivered it in the end:\n" + log);
        assertTrue(log.contains("451 4.7.1 Greylisted, please try again in"), "Postfix was greylisted first:\n" + log);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (inbox.seen.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(1, inbox.seen.size(), "arrived exactly once");
        assertEquals("<grey-1@example.net>", inbox.seen.get(0).header("Message-ID").orElseThrow());
        double refused = server.meters().get("tubemail.clients.refused").tag("reason", "greylist").counter().count();
        assertTrue(refused >= 1, "each 451 was counted: " + refused);
    }
}
