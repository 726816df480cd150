package org.tubemail.internal.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.crypto.CryptoProvider;
import org.tubemail.internal.http.HttpSettings;
import org.tubemail.internal.http.OpsContext;
import org.tubemail.internal.http.OpsHttpServer;
import org.tubemail.internal.http.PendingRoutes;
import org.tubemail.internal.io.FreeSpace;
import org.tubemail.internal.monitor.EventHub;
import org.tubemail.internal.monitor.MeteredMonitor;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.relay.SmtpRelay;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.Receiver;
import org.tubemail.internal.server.smtp.SmtpReceiver;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Tubemail server's lifecycle and status: the receivers and HTTP listener of an {@link Assembly},
 * started, drained and stopped. {@link #configure} checks everything (a bad setting throws
 * {@link ConfigException} naming file and key) before {@link #start} opens any port.
 */
public final class TubemailServer {

    private static final Logger LOG = LoggerFactory.getLogger(TubemailServer.class);

    private final Assembly parts;
    /** Whether {@link #stop} closes {@link #parts}: for a server built by {@link #configure}. */
    private final boolean owner;
    private final Settings settings;
    private final Router router;
    private final SmtpReceiver smtp;
    private final MessageQueue spool;
    private final List<Receiver> receivers;
    private final Drain drain;
    private final MeteredMonitor monitor;
    private final Instant created = Instant.now();
    private OpsHttpServer http;

    private TubemailServer(Assembly parts, boolean owner, ReceiverParts receiving) {
        this.parts = parts;
        this.owner = owner;
        this.settings = parts.settings();
        this.router = parts.router();
        this.monitor = parts.metered();
        this.smtp = receiving.smtp();
        this.spool = receiving.spool();
        this.receivers = receiving.all();
        this.drain = receiving.drain();
    }

    /** Builds the server the settings describe, without starting it. */
    public static TubemailServer configure(Settings s) {
        Assembly parts = new Assembly(s);
        try {
            return build(parts, true);
        } catch (RuntimeException e) {
            parts.close();
            throw e;
        }
    }

    /**
     * The receivers over {@code parts}, without starting them (e.g. in a Spring context); {@link #stop}
     * closes the spool but leaves {@code parts} to the caller.
     */
    public static TubemailServer of(Assembly parts) {
        return build(parts, false);
    }

    private static TubemailServer build(Assembly parts, boolean owner) {
        parts.delivering(); // the relay now: its keys are checked before any port opens, and it resumes its retries
        TubemailServer server = new TubemailServer(parts, owner, ReceiverParts.of(parts));
        server.meter();
        server.openHttp(parts.http(), parts.web());
        return server;
    }

    /** Builds the HTTP listener (when {@code http.enabled}) with the public routes the handlers registered. */
    private void openHttp(HttpSettings httpSettings, PendingRoutes web) {
        if (httpSettings.enabled()) {
            http = new OpsHttpServer(httpSettings, opsContext());
            web.applyTo(http);
        }
    }

    /** The server's own meters (queue sizes, connections) and the JVM's. */
    private void meter() {
        MeterRegistry r = monitor.registry();
        Gauge.builder("tubemail.spool.messages", spool, MessageQueue::count).description("messages in the SMTP spool, not yet routed").register(r);
        Gauge.builder("tubemail.undeliverable.messages", router.undeliverableQueue(), MessageQueue::count)
                .description("messages in the undeliverable queue").register(r);
        Gauge.builder("tubemail.smtp.connections.open", smtp, SmtpReceiver::openConnections).description("open SMTP client connections").register(r);
        Gauge.builder("tubemail.spool.oldest.age", new SpoolAge(spool), SpoolAge::seconds).baseUnit("seconds")
                .description("age of the oldest message in the SMTP spool").register(r);
        if (r.find("jvm.memory.used").gauge() == null) { // an application's registry (Spring Boot Actuator) has them already
            new ClassLoaderMetrics().bindTo(r);
            new JvmMemoryMetrics().bindTo(r);
            new JvmGcMetrics().bindTo(r);
            new JvmThreadMetrics().bindTo(r);
            new ProcessorMetrics().bindTo(r);
            new UptimeMetrics().bindTo(r);
        }
    }

    private OpsContext opsContext() {
        Optional<SmtpRelay> smtpRelay = parts.delivering().filter(r -> r instanceof SmtpRelay).map(r -> (SmtpRelay) r);
        return new OpsContext(router, parts.queues(), smtpRelay, this::status, this::readiness,
                OpsContext.prometheus(monitor.registry()), monitor.events());
    }

    /** What {@code GET /api/status} shows: uptime, listeners, queue sizes, storage, the crypto provider. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("startedAt", created.toString());
        out.put("uptimeSeconds", Duration.between(created, Instant.now()).toSeconds());
        List<Map<String, Object>> listeners = new ArrayList<>();
        listeners.add(Map.of("protocol", "smtp", "host", parts.receiverSettings().host(), "port", smtp.port(),
                "listening", smtp.listening(), "openConnections", smtp.openConnections()));
        if (!settings.string("receiver.lmtp.port", "").isEmpty()) {
            listeners.add(Map.of("protocol", "lmtp", "host", settings.string("receiver.lmtp.host", settings.string("receiver.smtp.host", "127.0.0.1")),
                    "port", settings.port("receiver.lmtp.port", 0)));
        }
        if (http != null) {
            listeners.add(Map.of("protocol", "http", "host", parts.http().host(), "port", http.running() ? http.port() : 0));
        }
        out.put("listeners", listeners);
        Map<String, Object> queues = new LinkedHashMap<>();
        queues.put("spool", spool.count());
        FreeSpace space = parts.spoolSpace();
        out.put("spoolSpace", Map.of("freeBytes", space.usableBytes(), "minFreeBytes", space.minFreeBytes(), "low", space.low()));
        parts.queues().forEach((name, q) -> queues.put(name, q.count()));
        out.put("queues", queues);
        out.put("storage", Map.of("kind", settings.string("storage.kind", "mapdb"), "ok", storageAnswers()));
        out.put("modules", router.modules().stream().map(m -> m.name()).toList());
        out.put("events", Map.of("lastId", monitor.events().lastId(), "buffer", monitor.events().capacity()));
        out.put("crypto", CryptoProvider.current().toMap());
        return out;
    }

    /**
     * Readiness: the receivers listen, the state storage answers, and the spool's file system is
     * above its free-space watermark ({@code receiver.min.free.bytes}; below it new mail gets 452).
     */
    public Map<String, Boolean> readiness() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("smtp", smtp.listening());
        checks.put("storage", storageAnswers());
        checks.put("spoolSpace", !parts.spoolSpace().low());
        checks.put("accepting", !drain.started());
        return checks;
    }

    private boolean storageAnswers() {
        try {
            router.storage().get("tubemail-status", "probe");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Starts every receiver, then the HTTP listener. */
    public void start() throws IOException {
        for (Receiver r : receivers) {
            r.start();
        }
        if (http != null) {
            try {
                http.start();
            } catch (IOException e) {
                throw new IOException("cannot listen for HTTP on " + parts.http().host() + ":"
                        + parts.http().port() + " (http.host, http.port; http.enabled=false turns it off): " + e.getMessage(), e);
            }
        }
        LOG.info("Tubemail started: SMTP on {}:{}, {} handler module(s), settings {}", parts.receiverSettings().host(),
                smtp.port(), router.modules().size(), settings.source());
    }

    /**
     * Drains the server before a {@link #stop}: readiness {@code 503}, then {@code 421 4.3.2} to new
     * SMTP connections while open sessions finish and spooled mail is routed, within
     * {@code drain.delay.seconds} + {@code drain.timeout.seconds} (see {@link Drain}).
     */
    public void drain() {
        drain.run();
    }

    /** The longest a {@link #drain} takes by the settings, in seconds (for {@code stop --drain}'s wait). */
    public static long drainSeconds(Settings s) {
        Drain.Timing t = Drain.Timing.from(s);
        return t.delay().plus(t.timeout()).toSeconds();
    }

    /**
     * Stops receivers gracefully (in-flight messages finish, up to {@code grace}) and closes the
     * spool; then, for a server built by {@link #configure}, its parts: relay, handlers, storage.
     */
    public void stop(Duration grace) {
        if (http != null) {
            http.stop();
        }
        for (Receiver r : receivers) {
            r.stop(grace);
        }
        if (spool instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing the spool failed: {}", e.getMessage());
            }
        }
        if (owner) {
            parts.close();
        }
        LOG.info("Tubemail stopped");
    }

    /** The SMTP port in use. */
    public int smtpPort() {
        return smtp.port();
    }

    /** The HTTP port in use, or 0 when the listener is off; only once started. */
    public int httpPort() {
        return http == null || !http.running() ? 0 : http.port();
    }

    /** The live event stream: {@code events().subscribe(listener)}. */
    public EventHub events() {
        return monitor.events();
    }

    /** The meter registry behind {@code /metrics}. */
    public MeterRegistry meters() {
        return monitor.registry();
    }

    /** How many messages wait in the SMTP spool (being routed, or to be routed). */
    public int spoolCount() {
        return spool.count();
    }

    /** The router. */
    public Router router() {
        return router;
    }

    /** The settings this server was built from. */
    public Settings settings() {
        return settings;
    }
}
