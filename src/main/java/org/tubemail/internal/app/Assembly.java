package org.tubemail.internal.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.boot.Boot;
import org.tubemail.boot.BootContext;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.handler.Relay;
import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.confirm.ConfirmationStores;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.internal.http.HttpSettings;
import org.tubemail.internal.http.PendingRoutes;
import org.tubemail.internal.io.FreeSpace;
import org.tubemail.internal.monitor.EventHub;
import org.tubemail.internal.monitor.MeteredMonitor;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.relay.AutoReplyRelay;
import org.tubemail.internal.relay.DkimSigningRelay;
import org.tubemail.internal.relay.MaildirRelay;
import org.tubemail.internal.relay.SmtpRelay;
import org.tubemail.internal.routing.HandlerDefinitionException;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.ConnectionSecurity;
import org.tubemail.internal.server.ReceiverSettings;
import org.tubemail.internal.server.smtp.SmtpReceiver;
import org.tubemail.internal.server.spool.QueueReceiver;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.web.WebRoutes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a Tubemail application is put together from its {@link Settings}: state storage,
 * relay (DKIM signing, the automatic-reply limit), confirmations, handlers (the {@code handlers}
 * setting, the webhooks of {@code forward.http.*}, the {@code boot.class} hook), router, queues,
 * one {@link DnsResolver} for every part that asks DNS, and the typed settings of the receivers.
 * Each part is built once, when first asked for; {@code with...} supplies a part instead (a Spring
 * context's beans, a test's storage), which is then never closed here.
 *
 * <p>The server ({@link TubemailServer#of}), the offline CLI verbs ({@link Inspection}, {@code status},
 * {@code queue}), the Spring starter and the bench servers all assemble through this class, so
 * that what they show is what the server runs. {@link #close} closes what it built.
 */
public final class Assembly implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Assembly.class);

    private final Settings settings;
    private final Wiring wiring = new Wiring();
    private final List<Object> givenHandlers = new ArrayList<>();
    private List<String> notes;
    private boolean embedded;
    private boolean closed;
    private Monitor monitor;
    private MeteredMonitor metered;
    private DnsResolver resolver;
    private ReceiverSettings receiving;
    private HttpSettings http;
    private PendingRoutes web;
    private Path dataDir;
    private MessageQueue undeliverable;
    private MessageQueue forwardRetry;
    private Forwarders.Forwarding forwarding;
    private boolean forwardingRead;
    private Router router;
    private boolean routerGiven;
    private StateStorage givenStorage;
    private Relay givenRelay;

    /** An assembly of what {@code settings} describe; puts the crypto provider they ask for in place, before any key is read. */
    public Assembly(Settings settings) {
        this.settings = settings;
        Crypto.use(settings);
    }

    /** Uses {@code storage} (closed by whoever made it). */
    public synchronized Assembly withStorage(StateStorage storage) {
        givenStorage = storage;
        wiring.storage = storage;
        return this;
    }

    /** Uses {@code relay} as it is (closed by whoever made it): no DKIM signing or automatic-reply limit is added. */
    public synchronized Assembly withRelay(Relay relay) {
        givenRelay = relay;
        wiring.relay = relay;
        return this;
    }

    /**
     * Uses {@code router} as it is: no handler, storage or undeliverable queue is built. Nothing
     * changes when it is the one {@link #router()} built.
     *
     * @throws IllegalStateException when {@link #router()} built another one already
     */
    public synchronized Assembly withRouter(Router router) {
        if (this.router == router) {
            return this;
        }
        if (this.router != null) {
            throw new IllegalStateException("the assembly built its router already");
        }
        this.router = router;
        routerGiven = true;
        return this;
    }

    /** Asks DNS with {@code resolver}. */
    public synchronized Assembly withResolver(DnsResolver resolver) {
        this.resolver = resolver;
        return this;
    }

    /** Reports to {@code monitor} (e.g. one over an application's meter registry). */
    public synchronized Assembly withMonitor(Monitor monitor) {
        this.monitor = monitor;
        return this;
    }

    /** Adds {@code handlers} (e.g. Spring beans) before the ones the settings name; they are closed by whoever made them. */
    public synchronized Assembly withHandlers(List<Object> handlers) {
        givenHandlers.addAll(handlers);
        return this;
    }

    /** Keeps handlers' data under {@code dir} instead of {@code data.path}. */
    public synchronized Assembly withDataDir(Path dir) {
        dataDir = dir;
        return this;
    }

    /** Uses {@code store} for pending confirmations. */
    public synchronized Assembly withConfirmations(ConfirmationStore store) {
        wiring.confirmations(store);
        return this;
    }

    /** Puts mail no handler could take into {@code queue} instead of {@code queue.undeliverable}. */
    public synchronized Assembly withUndeliverable(MessageQueue queue) {
        undeliverable = queue;
        return this;
    }

    /** Keeps webhook payloads waiting for a retry in {@code queue} instead of {@code queue.forward.retry}. */
    public synchronized Assembly withForwardRetry(MessageQueue queue) {
        forwardRetry = queue;
        return this;
    }

    /**
     * Inside an application that serves its own HTTP (Spring Boot): Tubemail's HTTP listener is off
     * unless {@code http.enabled=true}.
     */
    public synchronized Assembly embedded() {
        embedded = true;
        return this;
    }

    /**
     * Leaves out a handler or boot hook that cannot be built, adding why to {@code notes}, instead
     * of failing (for showing the routes of a configuration being written).
     */
    synchronized Assembly lenient(List<String> notes) {
        this.notes = notes;
        return this;
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /** Where parts report: the monitor given, else {@link #metered()}. */
    public synchronized Monitor monitor() {
        return monitor != null ? monitor : metered();
    }

    /** Meters and events the server shows ({@code /metrics}, {@code /api/events}): the given monitor's when it has them. */
    public synchronized MeteredMonitor metered() {
        if (metered == null) {
            metered = monitor instanceof MeteredMonitor m ? m
                    : new MeteredMonitor(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new EventHub(http().eventBuffer()));
        }
        return metered;
    }

    /** The one DNS resolver ({@code dns.*}) of the relay, the sender checks and the DNS lists. */
    public synchronized DnsResolver resolver() {
        if (resolver == null) {
            resolver = Resolvers.create(settings);
        }
        return resolver;
    }

    /** The HTTP listener's settings ({@code http.*}). */
    public synchronized HttpSettings http() {
        if (http == null) {
            http = HttpSettings.from(settings, !embedded);
        }
        return http;
    }

    /** Public HTTP routes the handlers registered, served once the HTTP listener runs. */
    public synchronized PendingRoutes web() {
        if (web == null) {
            web = new PendingRoutes(http().publicUrl());
        }
        return web;
    }

    /** The state storage ({@code storage.*}). */
    public StateStorage storage() {
        return wiring.storage();
    }

    /** The relay handlers send through ({@code relay.*}, {@code reply.auto.*}). */
    public Relay relay() {
        return wiring.relay();
    }

    /**
     * The router over every handler, built once: the given ones, those the {@code handlers} setting
     * names, one per webhook ({@code forward.http.*}), and those {@code boot.class} adds.
     *
     * @throws ConfigException when a handler cannot be built or is malformed, or there is none
     */
    public synchronized Router router() {
        if (router == null) {
            Router.Builder builder = routing(wiring.builder).monitor(monitor()).undeliverable(undeliverable());
            List<Object> handlers = wiring.handlers;
            handlers.addAll(givenHandlers);
            for (String name : settings.list("handlers", "")) {
                leniently("handler " + name + " is not shown", () -> handlers.add(HandlerFactory.create(name, wiring)));
            }
            forwarding().ifPresent(f -> handlers.addAll(f.routes()));
            String bootClass = settings.string("boot.class", "");
            if (!bootClass.isEmpty()) {
                leniently("handlers added by boot.class " + bootClass + " may be missing", () -> runBoot(bootClass));
            }
            if (handlers.isEmpty() && notes == null) {
                throw new ConfigException(settings.source() + ": handlers = '': expected at least one handler class name (or a boot.class that adds one)");
            }
            try {
                router = builder.storage(storage()).handlers(handlers.toArray()).build();
            } catch (HandlerDefinitionException e) {
                throw new ConfigException(settings.source() + ": handlers: " + e.getMessage(), e);
            }
        }
        return router;
    }

    private void leniently(String note, Runnable step) {
        try {
            step.run();
        } catch (ConfigException e) {
            if (notes == null) {
                throw e;
            }
            notes.add(note + ": " + e.getMessage());
        }
    }

    /**
     * Applies the routing settings to {@code builder}: capture defaults ({@code route.default.NAME}),
     * the handler time limit ({@code handler.timeout.seconds}) and {@code route.exact.case}.
     */
    public Router.Builder routing(Router.Builder builder) {
        Settings s = settings;
        s.withPrefix("route.default.").forEach((capture, regex) -> builder.defaultCapture(capture, s.regex("route.default." + capture, regex)));
        builder.handlerTimeout(s.seconds("handler.timeout.seconds", Duration.ofSeconds(60), true));
        return builder.exactCase(s.bool("route.exact.case", false));
    }

    /** The undeliverable queue ({@code queue.undeliverable}). */
    public synchronized MessageQueue undeliverable() {
        if (undeliverable == null) {
            undeliverable = routerGiven ? router.undeliverableQueue() : new MaildirQueue(QueueFolders.path(settings, "undeliverable"));
        }
        return undeliverable;
    }

    /** The webhooks ({@code forward.http.*}), when there are any. */
    synchronized Optional<Forwarders.Forwarding> forwarding() {
        if (!forwardingRead) {
            forwarding = Forwarders.create(settings, forwardRetry);
            forwardingRead = true;
        }
        return Optional.ofNullable(forwarding);
    }

    /**
     * The names of the queues besides the spool that this configuration has, in the order
     * {@code status} shows them: {@code undeliverable}, the relay's ({@code outbox} for the maildir
     * relay, else {@code relay-retry}) and {@code forward-retry} when there are webhooks. Read from the
     * settings: nothing is opened.
     */
    public List<String> queueNames() {
        List<String> names = new ArrayList<>(List.of("undeliverable"));
        names.add(Relays.outbox(settings) ? "outbox" : "relay-retry");
        if (Forwarders.configured(settings)) {
            names.add("forward-retry");
        }
        return names;
    }

    /**
     * The folder of the queue {@code name} ({@code spool}, {@code undeliverable}, {@code relay-retry},
     * {@code forward-retry}, {@code outbox}) by the settings, whether this configuration uses it or not.
     */
    public Optional<Path> queueFolder(String name) {
        return QueueFolders.of(settings, name);
    }

    /** The queues of {@link #queueNames()} the built parts hold (a given relay may have none), by name. */
    public synchronized Map<String, MessageQueue> queues() {
        Map<String, MessageQueue> queues = new LinkedHashMap<>();
        Relay delivering = delivering().orElse(null);
        for (String name : queueNames()) {
            switch (name) {
                case "undeliverable" -> queues.put(name, undeliverable());
                case "relay-retry" -> {
                    if (delivering instanceof SmtpRelay sr) {
                        queues.put(name, sr.retryQueue());
                    }
                }
                case "outbox" -> {
                    if (delivering instanceof MaildirRelay mr) {
                        queues.put(name, mr.queue());
                    }
                }
                default -> forwarding().ifPresent(f -> queues.put(name, f.forwarder().retryQueue()));
            }
        }
        return queues;
    }

    /**
     * The relay that delivers, under the automatic-reply limit and the DKIM signer: its queues are
     * the ones to show; none when only a router was given.
     */
    public synchronized Optional<Relay> delivering() {
        if (routerGiven && givenRelay == null) {
            return Optional.empty();
        }
        Relay r = relay() instanceof AutoReplyRelay guard ? guard.next() : relay();
        return Optional.of(r instanceof DkimSigningRelay signing ? signing.next() : r);
    }

    /** The SMTP receiver's settings, checked ({@link ConfigException} naming the key when one is bad). */
    public synchronized ReceiverSettings receiverSettings() {
        if (receiving == null) {
            Settings s = settings;
            List<String> domains = s.list("receiver.accepted.domains", "localhost");
            if (domains.isEmpty()) {
                throw s.invalid("receiver.accepted.domains", "a comma-separated list of domains this server receives mail for");
            }
            receiving = new ReceiverSettings(s.string("receiver.smtp.host", "127.0.0.1"), s.port("receiver.smtp.port", 8825),
                    new LinkedHashSet<>(domains), s.bytes("receiver.max.message.bytes", 10L * 1024 * 1024),
                    s.integer("receiver.max.recipients", 100, 1, 100_000),
                    s.seconds("receiver.idle.timeout.seconds", Duration.ofSeconds(60), false),
                    s.integer("receiver.max.connections", 500, 1, 100_000), routingWorkers(s));
        }
        return receiving;
    }

    /** How many messages are routed at once ({@code receiver.workers}). */
    static int routingWorkers(Settings s) {
        return s.integer("receiver.workers", 32, 1, 1_000);
    }

    /** TLS and its requirement for the receivers ({@code receiver.tls.*}). */
    ConnectionSecurity security() {
        return ReceiverSecurity.create(settings, SmtpReceiver.localName());
    }

    /**
     * The spool's low-space watermark, {@code receiver.min.free.bytes}: by default one and a half
     * times the largest message accepted (Postfix asks the same of its queue), {@code 0} for none.
     */
    public FreeSpace spoolSpace() {
        if (Spools.shared(settings)) {
            return FreeSpace.unlimited(); // the spool is in the database, not on this disk
        }
        long max = receiverSettings().maxMessageBytes();
        return new FreeSpace(QueueFolders.path(settings, "spool"), settings.bytes("receiver.min.free.bytes", max + max / 2, true));
    }

    /** Opens the SMTP spool {@code queue.spool.kind} names (see {@link Spools}), for looking into. */
    public MessageQueue openSpool() {
        return Spools.open(settings, Monitor.NONE, 1);
    }

    /**
     * A queue receiver for the maildir {@code dir} over {@link #router()}, with the settings' workers
     * ({@code receiver.queue.workers}), poll interval and message size limit.
     */
    public QueueReceiver queueReceiver(Path dir) {
        Settings s = settings;
        return new QueueReceiver(new MaildirQueue(dir), router(), s.seconds("receiver.queue.poll.seconds", Duration.ofSeconds(2), false),
                s.integer("receiver.queue.workers", 2, 1, 1_000), s.bytes("receiver.max.message.bytes", 10L * 1024 * 1024))
                .believing(SenderAuth.upstream(s));
    }

    /**
     * Checks that the configured state storage answers, for {@code status}: opens it, reads one
     * key and closes it. A MapDB file in use by the running server counts as answering.
     *
     * @return a one-line verdict
     */
    public String checkStorage() {
        String kind = settings.choice("storage.kind", "mapdb", "memory", "mapdb", "postgres");
        try (StateStorage storage = Storages.create(settings)) {
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

    private void runBoot(String bootClass) {
        try {
            Object hook = Class.forName(bootClass).getConstructor().newInstance();
            if (!(hook instanceof Boot boot)) {
                throw new ConfigException(settings.source() + ": boot.class = '" + bootClass + "': expected a class implementing "
                        + Boot.class.getName());
            }
            boot.boot(wiring);
        } catch (ConfigException e) {
            throw e;
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(settings.source() + ": boot.class = '" + bootClass
                    + "': expected a public class with a public no-argument constructor (" + e + ")", e);
        } catch (Exception e) {
            throw new ConfigException(settings.source() + ": boot.class = '" + bootClass + "': the boot hook failed: " + e, e);
        }
    }

    /**
     * Closes what this assembly built, last built first: the webhooks' retries, the relay, the
     * handlers it created, the confirmations and the state storage. Given parts stay open.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (forwarding != null) {
            forwarding.forwarder().close();
        }
        if (givenRelay == null && wiring.relay instanceof AutoCloseable c) {
            closeQuietly("the relay", c);
        }
        List<Object> built = router != null && !routerGiven ? router.modules().stream().map(m -> m.instance()).toList() : wiring.handlers;
        for (Object h : built) {
            if (!givenHandlers.contains(h) && h instanceof AutoCloseable c) {
                closeQuietly("handler " + h.getClass().getName(), c);
            }
        }
        wiring.closeConfirmations();
        if (wiring.storage != null && wiring.storage != givenStorage) {
            closeQuietly("the state storage", wiring.storage);
        }
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", what, e.getMessage());
        }
    }

    /** What handlers' constructors and the boot hook see and may change, over this assembly's parts. */
    private final class Wiring implements BootContext {
        private final Router.Builder builder = Router.builder();
        private final List<Object> handlers = new ArrayList<>();
        private Relay relay;
        private StateStorage storage;
        private ConfirmationStore confirmations;

        @Override
        public Settings settings() {
            return settings;
        }

        @Override
        public Path dataDir() {
            synchronized (Assembly.this) {
                if (dataDir == null) {
                    dataDir = settings.path("data.path", "run/data");
                }
                return dataDir;
            }
        }

        @Override
        public String host() {
            return settings.list("receiver.accepted.domains", "localhost").get(0);
        }

        @Override
        public Relay relay() {
            synchronized (Assembly.this) {
                if (relay == null) {
                    Monitor m = monitor();
                    relay = Relays.guarded(settings, Relays.create(settings, m, Assembly.this::resolver), this::storage, m);
                }
                return relay;
            }
        }

        @Override
        public void relay(Relay r) {
            synchronized (Assembly.this) {
                relay = r;
            }
        }

        @Override
        public StateStorage storage() {
            synchronized (Assembly.this) {
                if (storage == null) {
                    storage = routerGiven ? router.storage() : Storages.create(settings);
                }
                return storage;
            }
        }

        @Override
        public void storage(StateStorage s) {
            synchronized (Assembly.this) {
                storage = s;
            }
        }

        @Override
        public ConfirmationStore confirmations() {
            synchronized (Assembly.this) {
                if (confirmations == null) {
                    confirmations = ConfirmationStores.beside(storage());
                }
                return confirmations;
            }
        }

        @Override
        public void confirmations(ConfirmationStore store) {
            synchronized (Assembly.this) {
                confirmations = store;
            }
        }

        void closeConfirmations() {
            synchronized (Assembly.this) {
                if (confirmations != null) {
                    try {
                        confirmations.close();
                    } catch (RuntimeException e) {
                        LOG.warn("closing the confirmation store failed: {}", e.getMessage());
                    }
                    confirmations = null;
                }
            }
        }

        @Override
        public Router.Builder router() {
            return builder;
        }

        @Override
        public List<Object> handlers() {
            return handlers;
        }

        @Override
        public MeterRegistry meters() {
            return metered().registry();
        }

        @Override
        public EventHub events() {
            return metered().events();
        }

        @Override
        public WebRoutes web() {
            return Assembly.this.web();
        }
    }
}
