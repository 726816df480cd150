package org.tubemail.internal.http;

import org.tubemail.support.Eventually;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay's dead letters through the API: listed with their reason, requeued one by one once the cause is fixed. */
class RelayQueueApiTest {

    @TempDir
    Path home;

    private volatile boolean refuse = true;
    private final List<String> delivered = new CopyOnWriteArrayList<>();

    @Test
    void aDeadLetterIsListedAndRequeuedOnceTheSmarthostTakesIt() throws Exception {
        SMTPServer smarthost = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).messageHandlerFactory(ctx -> new MessageHandler() {
            @Override
            public void from(String address) {
            }

            @Override
            public void recipient(String address) throws RejectException {
                if (refuse) {
                    throw new RejectException(550, "5.1.1 <" + address + ">: no such user");
                }
                delivered.add(address);
            }

            @Override
            public String data(InputStream data) throws java.io.IOException {
                data.readAllBytes();
                return null;
            }

            @Override
            public void done() {
            }
        }).build();
        smarthost.start();
        try (OpsFixture ops = new OpsFixture(home, Map.of("relay.host", "127.0.0.1", "relay.port", String.valueOf(smarthost.getPortAllocated())))) {
            ops.smtp("bob@example.org", "echo@localhost", OpsFixture.mail("bob@example.org", "echo@localhost", "dead?", "x"));
            Eventually.await("the dead letter", () -> ops.server.meters().find("tubemail.relay.dead").counter().count() == 1);
            JsonNode page = Call.JSON.readTree(ops.get("/api/queues/relay-retry").body());
            assertEquals(1, page.path("total").asInt(), page.toString());
            JsonNode letter = page.path("items").get(0);
            assertTrue(letter.path("reason").asText().startsWith("dead-letter attempts=1"), letter.toString());
            assertTrue(letter.path("reason").asText().contains("550"), letter.toString());
            assertEquals("bob@example.org", letter.path("envelope").path("recipients").get(0).asText());

            refuse = false;
            String key = letter.path("key").asText();
            assertEquals(200, ops.change("POST", "/api/queues/relay-retry/" + key + "/requeue", null).statusCode());
            assertEquals(404, ops.change("POST", "/api/queues/relay-retry/" + key + "/requeue", null).statusCode(), "it is gone");
            Eventually.await("the requeued reply to be sent", () -> delivered.contains("bob@example.org"));
            Eventually.await("the retry queue to empty", () -> ops.server.meters().find("tubemail.relay.sent").counter() != null
                    && ops.server.meters().find("tubemail.relay.sent").counter().count() == 1);
            assertEquals(0, Call.JSON.readTree(ops.get("/api/queues").body()).path("queues").path("relay-retry").asInt());
            assertEquals(200, ops.change("POST", "/api/queues/relay-retry/requeue-dead", null).statusCode());
        } finally {
            smarthost.stop();
        }
    }
}
