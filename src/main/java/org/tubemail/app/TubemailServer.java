package org.tubemail.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.confirm.ConfirmationStores;
import org.tubemail.config.Boot;
import org.tubemail.config.BootContext;
import org.tubemail.config.ConfigException;
import org.tubemail.config.Settings;
import org.tubemail.crypto.CryptoProvider;
import org.tubemail.http.HttpSettings;
import org.tubemail.http.OpsContext;
import org.tubemail.http.OpsHttpServer;
import org.tubemail.http.PendingRoutes;
import org.tubemail.io.FreeSpace;
import org.tubemail.monitor.EventHub;
import org.tubemail.monitor.MeteredMonitor;
import org.tubemail.monitor.Monitor;
import org.tubemail.queue.MaildirQueue;
import org.tubemail.queue.MessageQueue;
import org.tubemail.relay.AutoReplyRelay;
import org.tubemail.relay.DkimSigningRelay;
import org.tubemail.relay.MaildirRelay;
import org.tubemail.relay.Relay;
import org.tubemail.relay.SmtpRelay;
import org.tubemail.relay.WebhookForwarder;
import org.tubemail.routing.HandlerDefinitionException;
import org.tubemail.routing.Router;
import org.tubemail.server.ConnectionSecurity;
import org.tubemail.server.Receiver;
import org.tubemail.server.ReceiverSettings;
import org.tubemail.server.guard.ClientLimits;
import org.tubemail.server.guard.TalkerSettings;
import org.tubemail.server.imap.ImapReceiver;
import org.tubemail.server.lmtp.LmtpReceiver;
import org.tubemail.server.lmtp.UnixLmtpReceiver;
import org.tubemail.server.guard.BlocklistScreen;
import org.tubemail.server.smtp.SmtpReceiver;
import org.tubemail.server.spool.QueueReceiver;
import org.tubemail.state.StateStorage;
import org.tubemail.web.WebRoutes;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A whole Tubemail server built from the settings: state storage, relay, queues, router and
 * receivers. {@link #configure} checks everything (a bad setting throws {@link ConfigException}
 * naming file and key) before {@link #start} opens any port.
 */
public final class TubemailServer {

    private static final Logger LOG = LoggerFactory.getLogger(TubemailServer.class);

    private final Settings settings;
    private final StateStorage storage;
    /** The wiring shared with handlers; holds the confirmation store they may have opened. */
    /** The wiring of a server built by {@link #configure}, whose parts it closes; null for {@link #create}. */
    private final Context context;
    private final Relay relay;
    private final Router router;
    private final SmtpReceiver smtp;
    private final MessageQueue spool;
    private final List<Receiver> receivers = new ArrayList<>();
    private final MeteredMonitor monitor;
    private final Instant created = Instant.now();
    private OpsHttpServer http;
    private WebhookForwarder forwarder;
    private Drain drain;

    private TubemailServer(Settings settings, StateStorage storage, Relay relay, Router router, SmtpReceiver smtp,
                           MessageQueue spool, Context context, MeteredMonitor monitor) {
        this.context = context;
        this.monitor = monitor;
        this.spool = spool;
        this.settings = settings;
        this.storage = storage;
        this.relay = relay;
        this.router = router;
        this.smtp = smtp;
    }

    /** Builds the server the settings describe, without starting it. */
    public static TubemailServer configure(Settings s) {
        Crypto.use(s); // before any key is read, so that keys are the native provider's
        ReceiverSettings receiving = receiverSettings(s);
        ConnectionSecurity security = ReceiverSecurity.create(s, SmtpReceiver.localName());
        dataReply(s); // checked before anything is opened
        HttpSettings httpSettings = HttpSettings.from(s, true);
        MeteredMonitor monitor = new MeteredMonitor(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new EventHub(httpSettings.eventBuffer()));
        PendingRoutes web = new PendingRoutes(httpSettings.publicUrl());
        Context context = new Context(s, s.path("data.path", "run/data"), s.list("receiver.accepted.domains", "localhost").get(0), monitor, web);
        context.relay(Relays.guarded(s, Relays.create(s, monitor), context::storage, monitor));
        Router.Builder builder = routingSettings(s, context.router()).monitor(monitor);
        Forwarders.Forwarding forwarding = null;
        builder.undeliverable(undeliverableQueue(s));
        try {
            context.storage(Storages.create(s));
            for (String name : s.list("handlers", "")) {
                context.handlers().add(HandlerFactory.create(name, context));
            }
            forwarding = Forwarders.create(s);
            if (forwarding != null) {
                context.handlers().addAll(forwarding.routes());
            }
            String bootClass = s.string("boot.class", "");
            if (!bootClass.isEmpty()) {
                runBoot(s, bootClass, context);
            }
            if (context.handlers().isEmpty()) {
                throw new ConfigException(s.source() + ": handlers = '': expected at least one handler class name (or a boot.class that adds one)");
            }
            builder.storage(context.storage()).handlers(context.handlers().toArray());
            TubemailServer server = assemble(s, receiving, security, builder.build(), context, monitor);
            server.forwarder = forwarding == null ? null : forwarding.forwarder();
            server.openHttp(httpSettings, web);
            return server;
        } catch (HandlerDefinitionException e) {
            context.closeConfirmations();
            closeQuietly(context.storage());
            if (forwarding != null) {
                forwarding.forwarder().close();
            }
            throw new ConfigException(s.source() + ": handlers: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            context.closeConfirmations();
            closeQuietly(context.storage());
            if (forwarding != null) {
                forwarding.forwarder().close();
            }
            throw e;
        }
    }

    /**
     * The receivers and spool the settings describe, over a router built by the caller (e.g. a
     * Spring context, which also owns the router's storage and relay: {@link #stop} leaves them open).
     */
    public static TubemailServer create(Settings s, Router router) {
        Crypto.use(s);
        HttpSettings httpSettings = HttpSettings.from(s, false); // the application serves its own HTTP unless http.enabled=true
        MeteredMonitor monitor = router.monitor() instanceof MeteredMonitor m ? m
                : new MeteredMonitor(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new EventHub(httpSettings.eventBuffer()));
        TubemailServer server = assemble(s, receiverSettings(s), ReceiverSecurity.create(s, SmtpReceiver.localName()), router, null, monitor);
        server.openHttp(httpSettings, new PendingRoutes(httpSettings.publicUrl()));
        return server;
    }

    /**
     * Applies the routing settings to {@code builder}: capture defaults ({@code route.default.NAME}),
     * the handler time limit ({@code handler.timeout.seconds}) and {@code route.exact.case}.
     */
    public static Router.Builder routingSettings(Settings s, Router.Builder builder) {
        s.withPrefix("route.default.").forEach((capture, regex) -> builder.defaultCapture(capture, s.regex("route.default." + capture, regex)));
        builder.handlerTimeout(s.seconds("handler.timeout.seconds", Duration.ofSeconds(60), true));
        return builder.exactCase(s.bool("route.exact.case", false));
    }

    /** The undeliverable queue the settings name ({@code queue.undeliverable}). */
    public static MessageQueue undeliverableQueue(Settings s) {
        return new MaildirQueue(s.path("queue.undeliverable", "run/undeliverable"));
    }

    /** The receivers and spool over {@code router}; a server built by {@link #configure} also owns {@code context}'s parts. */
    private static TubemailServer assemble(Settings s, ReceiverSettings receiving, ConnectionSecurity security, Router router,
                                           Context context, MeteredMonitor monitor) {
        String queuePath = s.string("receiver.queue.path", "");
        QueueReceiver queue = queuePath.isEmpty() ? null : queueReceiver(s, s.path("receiver.queue.path", queuePath), router);
        // receivers whose settings can be wrong are built before the spool is opened (and locked)
        List<ImapReceiver> imap = ImapMailboxes.create(s, router, receiving.maxMessageBytes());
        UnixLmtpReceiver lmtpSocket = s.string("receiver.lmtp.socket", "").isEmpty() ? null
                : new UnixLmtpReceiver(s.path("receiver.lmtp.socket", ""), s.permissions("receiver.lmtp.socket.mode", "660"),
                s.string("receiver.lmtp.socket.group", ""), receiving, router).believing(SenderAuth.upstream(s));
        ClientLimits limits = ClientLimitSettings.read(s);
        TalkerSettings talkers = Talkers.create(s, receiving);
        Predicate<InetAddress> trusted = limits.trusted()::contains; // receiver.trusted.networks: exempt from DNS lists and greylisting too
        BlocklistScreen screen = DnsListsAndGreylist.screen(s, trusted);
        MessageQueue spool = Spools.open(s, monitor, receiving.workers());
        SmtpReceiver smtp = new SmtpReceiver(receiving, router, spool, spoolSpace(s, receiving), dataReply(s), security,
                SenderAuth.create(s, router)).limits(limits).talkers(talkers);
        smtp.guards(screen, DnsListsAndGreylist.greylist(s, router.storage(), trusted));
        TubemailServer server = new TubemailServer(s, router.storage(), context == null ? null : context.relay(), router, smtp, spool, context,
                monitor);
        server.receivers.add(smtp);
        // A shared spool needs no waiting for routing: the stop hands this server's claims back, and the others route them.
        server.drain = new Drain(Drain.Timing.from(s), smtp, Spools.shared(s) ? () -> true : () -> spool.count() == 0);
        if (!s.string("receiver.lmtp.port", "").isEmpty()) {
            server.receivers.add(new LmtpReceiver(new ReceiverSettings(s.string("receiver.lmtp.host", receiving.host()),
                    s.port("receiver.lmtp.port", 0), receiving.acceptedDomains(), receiving.maxMessageBytes(),
                    receiving.maxRecipients(), receiving.idleTimeout(), receiving.maxConnections(), receiving.workers()), router,
                    new ConnectionSecurity(security.tls(), security.tlsRequired(), null)).believing(SenderAuth.upstream(s)));
        }
        if (lmtpSocket != null) {
            server.receivers.add(lmtpSocket);
        }
        server.receivers.addAll(imap);
        if (queue != null) {
            server.receivers.add(queue);
        }
        server.meter();
        return server;
    }

    /** Builds the HTTP listener (when {@code http.enabled}) with the public routes the handlers registered. */
    private void openHttp(HttpSettings httpSettings, PendingRoutes web) {
        if (httpSettings.enabled()) {
            http = new OpsHttpServer(httpSettings, opsContext());
            web.applyTo(http);
        }
    }

    /** When SMTP answers DATA: {@code receiver.smtp.data.reply=spooled} (the default) or {@code routed}. */
    private static SmtpReceiver.DataReply dataReply(Settings s) {
        return s.choice("receiver.smtp.data.reply", "spooled", "spooled", "routed").equals("routed")
                ? SmtpReceiver.DataReply.ROUTED : SmtpReceiver.DataReply.SPOOLED;
    }

    static void runBoot(Settings s, String bootClass, BootContext context) {
        try {
            Object hook = Class.forName(bootClass).getConstructor().newInstance();
            if (!(hook instanceof Boot boot)) {
                throw new ConfigException(s.source() + ": boot.class = '" + bootClass + "': expected a class implementing " + Boot.class.getName());
            }
            boot.boot(context);
        } catch (ConfigException e) {
            throw e;
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(s.source() + ": boot.class = '" + bootClass + "': expected a public class with a public no-argument constructor ("
                    + e + ")", e);
        } catch (Exception e) {
            throw new ConfigException(s.source() + ": boot.class = '" + bootClass + "': the boot hook failed: " + e, e);
        }
    }

    /** Opens the SMTP spool {@code queue.spool.kind} names (see {@link Spools}), for looking into. */
    public static MessageQueue openSpool(Settings s) {
        return Spools.open(s, Monitor.NONE, 1);
    }

    /**
     * A queue receiver for the maildir {@code dir}, with the settings' workers
     * ({@code receiver.queue.workers}), poll interval and message size limit.
     */
    public static QueueReceiver queueReceiver(Settings s, Path dir, Router router) {
        return new QueueReceiver(new MaildirQueue(dir), router, s.seconds("receiver.queue.poll.seconds", Duration.ofSeconds(2), false),
                s.integer("receiver.queue.workers", 2, 1, 1_000), s.bytes("receiver.max.message.bytes", 10L * 1024 * 1024))
                .believing(SenderAuth.upstream(s));
    }

    /**
     * The spool's low-space watermark, {@code receiver.min.free.bytes}: by default one and a half
     * times the largest message accepted (Postfix asks the same of its queue), {@code 0} for none.
     */
    public static FreeSpace spoolSpace(Settings s, ReceiverSettings receiving) {
        if (Spools.shared(s)) {
            return FreeSpace.unlimited(); // the spool is in the database, not on this disk
        }
        long byDefault = receiving.maxMessageBytes() + receiving.maxMessageBytes() / 2;
        return new FreeSpace(s.path("queue.spool", "run/spool"), s.bytes("receiver.min.free.bytes", byDefault, true));
    }

    /** The SMTP receiver's settings, checked ({@link ConfigException} naming the key when one is bad). */
    public static ReceiverSettings receiverSettings(Settings s) {
        List<String> domains = s.list("receiver.accepted.domains", "localhost");
        if (domains.isEmpty()) {
            throw s.invalid("receiver.accepted.domains", "a comma-separated list of domains this server receives mail for");
        }
        return new ReceiverSettings(s.string("receiver.smtp.host", "127.0.0.1"), s.port("receiver.smtp.port", 8825),
                new LinkedHashSet<>(domains), s.bytes("receiver.max.message.bytes", 10L * 1024 * 1024),
                s.integer("receiver.max.recipients", 100, 1, 100_000), s.seconds("receiver.idle.timeout.seconds", Duration.ofSeconds(60), false),
                s.integer("receiver.max.connections", 500, 1, 100_000), routingWorkers(s));
    }

    /** How many messages are routed at once ({@code receiver.workers}). */
    static int routingWorkers(Settings s) {
        return s.integer("receiver.workers", 32, 1, 1_000);
    }

    private static void closeQuietly(StateStorage storage) {
        if (storage != null) {
            try {
                storage.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the state storage failed: {}", e.getMessage());
            }
        }
    }

    /**
     * Checks that the configured state storage answers, for {@code status}: opens it, reads one
     * key and closes it. A MapDB file in use by the running server counts as answering.
     *
     * @return a one-line verdict
     */
    public static String checkStorage(Settings s) {
        String kind = s.choice("storage.kind", "mapdb", "memory", "mapdb", "postgres");
        try (StateStorage storage = Storages.create(s)) {
            storage.get("tubemail-status", "probe");
            return kind + ": ok";
        } catch (ConfigException e) {
            if (kind.equals("mapdb") && e.getMessage().contains("another Tubemail process")) {
                return kind + ": ok (in use by the running server)";
            }
            return kind + ": UNAVAILABLE: " + e.getMessage();
        } catch (RuntimeException e) {
            return kind + ": UNAVAILABLE: " + e.getMessage();
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
        Optional<SmtpRelay> smtpRelay = delivering() instanceof SmtpRelay sr ? Optional.of(sr) : Optional.empty();
        return new OpsContext(router, opsQueues(), smtpRelay, this::status, this::readiness,
                OpsContext.prometheus(monitor.registry()), monitor.events());
    }

    /** What {@code GET /api/status} shows: uptime, listeners, queue sizes, storage, the crypto provider. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("startedAt", created.toString());
        out.put("uptimeSeconds", Duration.between(created, Instant.now()).toSeconds());
        List<Map<String, Object>> listeners = new ArrayList<>();
        listeners.add(Map.of("protocol", "smtp", "host", settings.string("receiver.smtp.host", "127.0.0.1"), "port", smtp.port(),
                "listening", smtp.listening(), "openConnections", smtp.openConnections()));
        if (!settings.string("receiver.lmtp.port", "").isEmpty()) {
            listeners.add(Map.of("protocol", "lmtp", "host", settings.string("receiver.lmtp.host", settings.string("receiver.smtp.host", "127.0.0.1")),
                    "port", settings.port("receiver.lmtp.port", 0)));
        }
        if (http != null) {
            listeners.add(Map.of("protocol", "http", "host", settings.string("http.host", "127.0.0.1"), "port", http.running() ? http.port() : 0));
        }
        out.put("listeners", listeners);
        Map<String, Object> queues = new LinkedHashMap<>();
        queues.put("spool", spool.count());
        FreeSpace space = spoolSpace(settings, receiverSettings(settings));
        out.put("spoolSpace", Map.of("freeBytes", space.usableBytes(), "minFreeBytes", space.minFreeBytes(), "low", space.low()));
        opsQueues().forEach((name, q) -> queues.put(name, q.count()));
        out.put("queues", queues);
        out.put("storage", Map.of("kind", settings.string("storage.kind", "mapdb"), "ok", storageAnswers()));
        out.put("modules", router.modules().stream().map(m -> m.name()).toList());
        out.put("events", Map.of("lastId", monitor.events().lastId(), "buffer", monitor.events().capacity()));
        out.put("crypto", CryptoProvider.current().toMap());
        return out;
    }

    private Map<String, MessageQueue> opsQueues() {
        Map<String, MessageQueue> queues = new LinkedHashMap<>();
        queues.put("undeliverable", router.undeliverableQueue());
        if (delivering() instanceof SmtpRelay sr) {
            queues.put("relay-retry", sr.retryQueue());
        }
        if (delivering() instanceof MaildirRelay mr) {
            queues.put("outbox", mr.queue());
        }
        return queues;
    }

    /** The relay that delivers, under the auto-reply limit and the DKIM signer when there is one: its queues are the ones to show. */
    private Relay delivering() {
        Relay r = relay instanceof AutoReplyRelay guard ? guard.next() : relay;
        return r instanceof DkimSigningRelay signing ? signing.next() : r;
    }

    /**
     * Readiness: the receivers listen, the state storage answers, and the spool's file system is
     * above its free-space watermark ({@code receiver.min.free.bytes}; below it new mail gets 452).
     */
    public Map<String, Boolean> readiness() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("smtp", smtp.listening());
        checks.put("storage", storageAnswers());
        checks.put("spoolSpace", !spoolSpace(settings, receiverSettings(settings)).low());
        checks.put("accepting", !drain.started());
        return checks;
    }

    private boolean storageAnswers() {
        try {
            storage.get("tubemail-status", "probe");
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
                throw new IOException("cannot listen for HTTP on " + settings.string("http.host", "127.0.0.1") + ":"
                        + settings.string("http.port", "8827") + " (http.host, http.port; http.enabled=false turns it off): " + e.getMessage(), e);
            }
        }
        LOG.info("Tubemail started: SMTP on {}:{}, {} handler module(s), settings {}", settings.string("receiver.smtp.host", "127.0.0.1"),
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
     * spool; then, for a server built by {@link #configure}, the relay, handlers and storage.
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
        if (context != null) {
            closeComponents();
        }
        LOG.info("Tubemail stopped");
    }

    private void closeComponents() {
        if (forwarder != null) {
            forwarder.close();
        }
        if (relay instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing the relay failed: {}", e.getMessage());
            }
        }
        for (Object h : router.modules().stream().map(m -> m.instance()).toList()) {
            if (h instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing handler {} failed: {}", h.getClass().getName(), e.getMessage());
                }
            }
        }
        context.closeConfirmations();
        closeQuietly(storage);
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

    /** The wiring state shared with handlers and the boot hook. */
    static final class Context implements BootContext {
        private final Settings settings;
        private final Path dataDir;
        private final String host;
        private final Router.Builder router = Router.builder();
        private final List<Object> handlers = new ArrayList<>();
        private final MeteredMonitor monitor;
        private final WebRoutes web;
        private Relay relay;
        private StateStorage storage;
        private ConfirmationStore confirmations;

        /** A context whose meters, events and public routes go nowhere (for inspecting the routes without a server). */
        Context(Settings settings, Path dataDir, String host) {
            this(settings, dataDir, host, new MeteredMonitor(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new EventHub(1)),
                    new PendingRoutes(Optional.empty()));
        }

        Context(Settings settings, Path dataDir, String host, MeteredMonitor monitor, WebRoutes web) {
            this.monitor = monitor;
            this.web = web;
            this.settings = settings;
            this.dataDir = dataDir;
            this.host = host;
        }

        @Override
        public Settings settings() {
            return settings;
        }

        @Override
        public Path dataDir() {
            return dataDir;
        }

        @Override
        public String host() {
            return host;
        }

        @Override
        public Relay relay() {
            return relay;
        }

        @Override
        public void relay(Relay r) {
            relay = r;
        }

        @Override
        public StateStorage storage() {
            return storage;
        }

        @Override
        public void storage(StateStorage s) {
            storage = s;
        }

        @Override
        public synchronized ConfirmationStore confirmations() {
            if (confirmations == null) {
                confirmations = ConfirmationStores.beside(storage);
            }
            return confirmations;
        }

        @Override
        public synchronized void confirmations(ConfirmationStore store) {
            confirmations = store;
        }

        /** Closes the confirmation store, if one was opened. */
        synchronized void closeConfirmations() {
            if (confirmations != null) {
                try {
                    confirmations.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing the confirmation store failed: {}", e.getMessage());
                }
                confirmations = null;
            }
        }

        @Override
        public Router.Builder router() {
            return router;
        }

        @Override
        public List<Object> handlers() {
            return handlers;
        }

        @Override
        public MeterRegistry meters() {
            return monitor.registry();
        }

        @Override
        public EventHub events() {
            return monitor.events();
        }

        @Override
        public WebRoutes web() {
            return web;
        }
    }
}
