package org.tubemail.internal.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.web.WebHandler;
import org.tubemail.web.WebRequest;
import org.tubemail.web.WebResponse;
import org.tubemail.web.WebRoutes;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's HTTP listener (the JDK's {@code HttpServer}): health, Prometheus metrics, the JSON
 * API, the live event stream, the web console, and the public routes applications register
 * ({@link WebRoutes}). The security rules are in the README ("Operating Tubemail"); in short:
 * <ul>
 *   <li>with {@code http.token} set, {@code /api} and {@code /metrics} demand
 *       {@code Authorization: Bearer TOKEN} (compared in constant time);</li>
 *   <li>without it (loopback only), requests must name a loopback host, which defeats DNS
 *       rebinding;</li>
 *   <li>calls that change something demand the {@code X-Tubemail-CSRF} header with the value from
 *       {@code GET /api/csrf} (unless they carry the Bearer token), and a cross-site
 *       {@code Origin} is refused;</li>
 *   <li>every error is JSON with a 4xx (or a bare 500) status; no stack trace ever reaches a client.</li>
 * </ul>
 */
public final class OpsHttpServer implements WebRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);
    static final String CSRF_HEADER = "X-Tubemail-CSRF";
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Set<String> RESERVED = Set.of("/api", "/console", "/health", "/metrics");
    /** The console's pages may load only their own scripts and styles. */
    static final String CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
            + " frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** Who may call a route. */
    enum Access {
        /** Anyone (health, the console's static files, applications' public routes). */
        OPEN,
        /** The API and metrics: the Bearer token when one is set. */
        API
    }

    /** Answers a call. */
    @FunctionalInterface
    interface Action {
        void handle(Call call) throws Exception;
    }

    private record Route(String method, Pattern pattern, List<String> names, Access access, Action action) {
    }

    private final HttpSettings settings;
    private final List<Route> routes = new ArrayList<>();
    private final String csrfToken;
    private final AtomicInteger streams = new AtomicInteger();
    private HttpServer server;
    private ThreadPoolExecutor executor;
    private volatile boolean stopping;

    /** A listener with the health, metrics, API and console routes of {@code context}. */
    public OpsHttpServer(HttpSettings settings, OpsContext context) {
        this.settings = settings;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.csrfToken = HexFormat.of().formatHex(random);
        new Api(context, this).register();
        new Console().register(this);
        add("GET", "/api/csrf", Access.API, c -> c.json(200, Map.of("header", CSRF_HEADER, "token", csrfToken)));
    }

    /** Adds a route; {@code {name}} parts of {@code path} match one path segment. */
    void add(String method, String path, Access access, Action action) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(path);
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(path.substring(at, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            at = m.end();
        }
        regex.append(Pattern.quote(path.substring(at)));
        routes.add(new Route(method, Pattern.compile(regex.toString()), names, access, action));
    }

    @Override
    public void get(String path, WebHandler handler) {
        addPublic("GET", path, handler);
    }

    @Override
    public void post(String path, WebHandler handler) {
        addPublic("POST", path, handler);
    }

    @Override
    public Optional<String> publicUrl() {
        return settings.publicUrl();
    }

    private void addPublic(String method, String path, WebHandler handler) {
        if (!path.startsWith("/") || RESERVED.stream().anyMatch(r -> path.equals(r) || path.startsWith(r + "/"))) {
            throw new IllegalArgumentException("a public route must start with / and not with /api, /console, /health or /metrics: " + path);
        }
        add(method, path, Access.OPEN, c -> {
            WebResponse r = handler.handle(new WebRequest(c.method(), c.exchange().getRequestURI().getPath(), c.pathParams(), c.query(),
                    c.method().equals("POST") ? c.form() : Map.of()));
            c.exchange().getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
            c.exchange().getResponseHeaders().set("Cache-Control", "no-store");
            c.send(r.status(), r.contentType(), r.body());
        });
    }

    /** Binds the port and starts answering. */
    public void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
        AtomicInteger n = new AtomicInteger();
        // event streams hold a thread each, and are limited to http.events.clients; 8 more serve the rest
        int threads = settings.eventClients() + 8;
        executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "tubemail-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        LOG.info("HTTP listener on http://{}:{}/ (console at /console/, {})", settings.host(), port(),
                settings.token().isEmpty() ? "loopback only, no token" : "Bearer token required");
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Whether the listener is up. */
    public boolean running() {
        return server != null && !stopping;
    }

    /** Stops: event streams end, calls under way get up to a second. */
    public void stop() {
        stopping = true;
        if (server != null) {
            server.stop(1);
            executor.shutdownNow();
        }
    }

    boolean stopping() {
        return stopping;
    }

    AtomicInteger streams() {
        return streams;
    }

    HttpSettings settings() {
        return settings;
    }

    private void dispatch(HttpExchange exchange) {
        try (exchange) {
            secureHeaders(exchange);
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            Call call = null;
            try {
                checkHost(exchange);
                boolean pathKnown = false;
                for (Route r : routes) {
                    Matcher m = r.pattern().matcher(path);
                    if (!m.matches()) {
                        continue;
                    }
                    pathKnown = true;
                    if (!r.method().equals(method) && !(method.equals("HEAD") && r.method().equals("GET"))) {
                        continue;
                    }
                    Map<String, String> params = new LinkedHashMap<>();
                    for (int i = 0; i < r.names().size(); i++) {
                        params.put(r.names().get(i), decode(m.group(i + 1)));
                    }
                    call = new Call(exchange, params);
                    if (r.access() == Access.API) {
                        boolean bearer = checkToken(exchange);
                        if (!method.equals("GET") && !method.equals("HEAD")) {
                            checkCsrf(exchange, bearer);
                        }
                    }
                    r.action().handle(call);
                    return;
                }
                throw pathKnown ? new HttpError(405, method + " is not allowed on " + path) : new HttpError(404, "nothing at " + path);
            } catch (HttpError e) {
                error(exchange, e.status(), e.getMessage());
            } catch (IOException e) {
                LOG.debug("HTTP {} {}: {}", method, path, e.toString()); // the client went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the listener is stopping
            } catch (Exception | LinkageError e) {
                LOG.error("HTTP {} {} failed", method, path, e);
                error(exchange, 500, "internal error; the server log has the details");
            }
        }
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "malformed percent-encoding in the path");
        }
    }

    private static void error(HttpExchange exchange, int status, String message) {
        try {
            if (exchange.getResponseCode() != -1) {
                return; // the answer has begun; nothing more can be said
            }
            if (status == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"tubemail\"");
            }
            byte[] body = Call.JSON.writeValueAsBytes(Map.of("status", status, "error", message));
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        } catch (IOException e) {
            LOG.debug("cannot send error {}: {}", status, e.toString());
        }
    }

    private static void secureHeaders(HttpExchange exchange) {
        var h = exchange.getResponseHeaders();
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        h.set("Cache-Control", "no-store");
    }

    /** Without a token the listener is loopback only: a Host header naming anything else is a DNS rebinding attempt. */
    private void checkHost(HttpExchange exchange) {
        if (!settings.token().isEmpty()) {
            return;
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return; // HTTP/1.0 without Host: not a browser
        }
        String name = host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
        String publicHost = settings.publicUrl().map(u -> URI.create(u).getHost()).orElse("");
        if (!LOOPBACK_NAMES.contains(name) && !name.equals(settings.host()) && !name.equalsIgnoreCase(publicHost)) {
            throw new HttpError(421, "this listener answers only to a loopback host name, not '" + host + "'");
        }
    }

    /** Checks the Bearer token when one is set; returns whether the call carried it. */
    private boolean checkToken(HttpExchange exchange) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (settings.token().isEmpty()) {
            return false;
        }
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpError(401, "send the API token as 'Authorization: Bearer TOKEN'");
        }
        byte[] given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, settings.token().getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(401, "wrong API token");
        }
        return true;
    }

    /** State-changing calls from a browser must prove they come from the console's own pages. */
    private void checkCsrf(HttpExchange exchange, boolean bearer) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (origin != null && !origin.equals("null") && host != null) {
            String originHost = origin.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
            if (!originHost.equalsIgnoreCase(host)) {
                throw new HttpError(403, "cross-site request refused (Origin " + origin + ")");
            }
        } else if ("null".equals(origin)) {
            throw new HttpError(403, "cross-site request refused (Origin null)");
        }
        if (bearer) {
            return;
        }
        String given = exchange.getRequestHeaders().getFirst(CSRF_HEADER);
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), csrfToken.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(403, "missing or wrong " + CSRF_HEADER + " header: read it from GET /api/csrf");
        }
    }

    /** Serves a resource of the console from the class path, or answers 404. */
    static void resource(Call call, String name, String type) throws IOException {
        try (InputStream in = OpsHttpServer.class.getResourceAsStream("/tubemail-console/" + name)) {
            if (in == null) {
                throw new HttpError(404, "nothing at " + call.exchange().getRequestURI().getPath());
            }
            call.exchange().getResponseHeaders().set("Content-Security-Policy", CONSOLE_CSP);
            call.exchange().getResponseHeaders().set("Cache-Control", "no-cache");
            call.send(200, type, in.readAllBytes());
        }
    }
}
