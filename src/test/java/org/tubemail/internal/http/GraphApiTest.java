package org.tubemail.internal.http;

import org.tubemail.support.Eventually;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/graph}: each stateful module's states, arrows, Mermaid text and keys per state, after real SMTP. */
class GraphApiTest extends RunningServerTest {

    private void deliver(String from, String expectedState) throws Exception {
        assertTrue(ops.smtp(from, "flaky@localhost", OpsFixture.mail(from, "flaky@localhost", "graph", "x")).startsWith("250"));
        Eventually.await(from + " in " + expectedState, () -> ops.server.router().storage().get("flaky", from).equals(expectedState));
    }

    @Test
    void eachStatefulModuleWithItsArrowsAndTheKeysInEachState() throws Exception {
        JsonNode all = json(ops.get("/api/graph"));
        List<String> modules = new ArrayList<>();
        all.path("modules").forEach(m -> modules.add(m.path("module").asText()));
        assertEquals(List.of("flaky"), modules, "the echo module is stateless: " + all);
        JsonNode flaky = all.path("modules").get(0);
        assertEquals("[\"START\",\"DONE\"]", flaky.path("states").toString());
        assertEquals("ERROR", flaky.path("errorState").asText());
        assertEquals(1, flaky.path("transitions").size(), flaky.toString());
        JsonNode arrow = flaky.path("transitions").get(0);
        assertEquals("START", arrow.path("from").asText());
        assertEquals("DONE", arrow.path("to").asText());
        assertEquals("[\"flaky@(host)\"]", arrow.path("routes").toString());
        assertTrue(flaky.path("mermaid").asText().contains("START --> DONE : flaky@(host)\n"), flaky.path("mermaid").asText());
        assertEquals("{\"DONE\":0,\"ERROR\":0}", flaky.path("keys").toString(), "START is every key not stored: no count");

        deliver("bob@example.org", "ERROR"); // the handler throws: its key goes to the router's error state
        FlakyHandler.FAIL.set(false);
        deliver("ann@example.org", "DONE");
        deliver("carol@example.org", "DONE");
        assertEquals(200, ops.change("PUT", "/api/state/flaky/dan@example.org", "{\"state\":\"RETIRED\"}").statusCode());

        JsonNode one = json(ops.get("/api/graph/flaky"));
        assertEquals("flaky", one.path("module").asText());
        assertEquals("{\"DONE\":2,\"ERROR\":1,\"RETIRED\":1}", one.path("keys").toString(),
                "a state no method handles any more is counted too: " + one);
        assertEquals(one.path("transitions"), flaky.path("transitions"));
    }

    @Test
    void aStatelessModuleHasAnEmptyGraphAndAnUnknownOneIsA404() throws Exception {
        JsonNode echo = json(ops.get("/api/graph/echo"));
        assertEquals(0, echo.path("states").size(), echo.toString());
        assertEquals(0, echo.path("transitions").size(), echo.toString());

        HttpResponse<String> unknown = ops.get("/api/graph/NoSuchModule");
        assertEquals(404, unknown.statusCode());
        JsonNode error = json(unknown);
        assertTrue(error.path("error").asText().contains("no handler module named 'NoSuchModule'"), unknown.body());
        assertFalse(unknown.body().contains("at org."), unknown.body());
    }

    @Test
    void theTokenGuardsTheGraph(@TempDir Path other) throws Exception {
        try (OpsFixture guarded = new OpsFixture(other, Map.of("http.token", "0123456789abcdef0123"))) {
            assertEquals(401, guarded.get("/api/graph").statusCode());
            assertEquals(401, guarded.get("/api/graph/flaky").statusCode());
            assertEquals(200, guarded.get("/api/graph", "Authorization", "Bearer 0123456789abcdef0123").statusCode());
        }
    }
}
