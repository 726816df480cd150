package org.tubemail.internal.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.boot.BootContext;
import org.tubemail.confirm.ConfirmationEngine;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.handler.Route;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.confirm.MapDbConfirmationStore;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestMail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handlers of a configured server share one confirmation store beside the state file, closed with the server. */
class ConfirmationWiringTest {

    /** Asks for the context's confirmation store, as a handler that confirms would. */
    public static final class Confirming {
        static ConfirmationStore seen;
        final ConfirmationEngine engine;

        public Confirming(BootContext context) {
            seen = context.confirmations();
            engine = new ConfirmationEngine(context.confirmations(), Duration.ofHours(1));
            assertSame(seen, context.confirmations(), "one store per server");
        }

        @Route("confirm@(host)")
        public void START(MailRequest msg) {
        }
    }

    @Test
    void aMapDbServerKeepsConfirmationsBesideItsStateFile(@TempDir Path home) {
        Settings s = Settings.of("test", home, Map.of("receiver.smtp.port", "0", "http.enabled", "false", "storage.kind", "mapdb",
                "storage.path", "run/states/state.db", "handlers", Confirming.class.getName(), "route.default.host", "localhost"));
        TubemailServer server = TubemailServer.configure(s);
        String token;
        try {
            assertTrue(Confirming.seen instanceof MapDbConfirmationStore);
            assertEquals(home.resolve("run/states/confirmations.db").toAbsolutePath(), ((MapDbConfirmationStore) Confirming.seen).file());
            Confirming handler = (Confirming) server.router().modules().get(0).instance();
            token = handler.engine.register("list", TestMail.from("bob@example.org").to("confirm@localhost").build());
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
        // closed with the server: the file can be opened again, and the confirmation is still there
        try (MapDbConfirmationStore again = new MapDbConfirmationStore(home.resolve("run/states/confirmations.db"))) {
            assertTrue(new ConfirmationEngine(again, Duration.ofHours(1)).verify("list", "bob@example.org", token).isPresent());
        }
    }
}
