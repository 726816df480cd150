package org.tubemail.internal.http;

import java.util.Map;

/**
 * The web console: static HTML, CSS and JavaScript from the jar ({@code /tubemail-console/}), no
 * build step and nothing loaded from elsewhere. It is a client of the JSON API like any other.
 */
final class Console {

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    void register(OpsHttpServer http) {
        http.add("GET", "/", OpsHttpServer.Access.OPEN, c -> {
            c.exchange().getResponseHeaders().set("Location", "/console/");
            c.send(302, "text/plain; charset=utf-8", new byte[0]);
        });
        http.add("GET", "/console/", OpsHttpServer.Access.OPEN, c -> OpsHttpServer.resource(c, "index.html", FILES.get("index.html")));
        http.add("GET", "/console/{file}", OpsHttpServer.Access.OPEN, c -> {
            String type = FILES.get(c.path("file"));
            if (type == null) {
                throw new HttpError(404, "nothing at /console/" + c.path("file"));
            }
            OpsHttpServer.resource(c, c.path("file"), type);
        });
    }
}
