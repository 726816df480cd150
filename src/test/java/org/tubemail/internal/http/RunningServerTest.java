package org.tubemail.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tests of one running server ({@link OpsFixture} with its defaults) per test, spoken to over HTTP and SMTP. */
abstract class RunningServerTest {

    @TempDir
    Path home;
    OpsFixture ops;

    @BeforeEach
    void startServer() throws Exception {
        ops = new OpsFixture(home, Map.of());
    }

    @AfterEach
    void stopServer() {
        ops.close();
    }

    /** The body of a JSON response, which must say it is JSON. */
    static JsonNode json(HttpResponse<String> r) throws Exception {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        return Call.JSON.readTree(r.body());
    }
}
