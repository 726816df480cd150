package org.tubemail.internal.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's {@link Monitor}: counts every report in Micrometer meters and publishes the
 * routing events to an {@link EventHub}. The meter names are listed in the README ("Operating
 * Tubemail"); all start with {@code tubemail_} in Prometheus' format.
 */
public final class MeteredMonitor implements Monitor {

    private final MeterRegistry registry;
    private final EventHub events;
    private static final Logger LOG = LoggerFactory.getLogger("org.tubemail.abuse");

    private final Counter connections;
    private final Counter tlsSessions;
    private final Counter accepted;
    private final Counter bytes;
    private final Counter bounces;
    private final Counter relaySent;
    private final Counter relayRetried;
    private final Counter relayDead;
    private final Counter duplicates;
    private final Timer stateStore;
    /** Meters looked up on every message, kept at hand (Micrometer's own lookup builds an id each time). */
    private final Map<Transition, Counter> transitions = new ConcurrentHashMap<>();
    private final Map<String, Timer> handlerTimers = new ConcurrentHashMap<>();

    /** Reports into {@code registry} and {@code events}. */
    public MeteredMonitor(MeterRegistry registry, EventHub events) {
        this.registry = registry;
        this.events = events;
        this.connections = Counter.builder("tubemail.smtp.connections").description("client connections to the mail listeners").register(registry);
        this.tlsSessions = Counter.builder("tubemail.tls.sessions").description("TLS sessions established with clients").register(registry);
        this.accepted = received("accepted", 250);
        this.bytes = Counter.builder("tubemail.received.bytes").baseUnit("bytes").description("size of the messages accepted").register(registry);
        this.bounces = Counter.builder("tubemail.bounces.received").description("messages with the null sender routed").register(registry);
        this.relaySent = Counter.builder("tubemail.relay.sent").description("messages the relay handed on").register(registry);
        this.relayRetried = Counter.builder("tubemail.relay.retried").description("messages the relay queued for a later try").register(registry);
        this.relayDead = Counter.builder("tubemail.relay.dead").description("messages the relay gave up on (dead letters)").register(registry);
        this.duplicates = Counter.builder("tubemail.messages.duplicates")
                .description("messages accepted again within the de-duplication window and dropped (their first copy is routed)").register(registry);
        this.stateStore = Timer.builder("tubemail.state.store").description("time to store a state change (durably, where the storage syncs)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** The registry the meters are in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The event stream. */
    public EventHub events() {
        return events;
    }

    private Counter received(String result, int code) {
        return Counter.builder("tubemail.messages.received").description("messages at the end of DATA, by outcome and reply code")
                .tag("result", result).tag("code", String.valueOf(code)).register(registry);
    }

    @Override
    public void connectionOpened() {
        connections.increment();
    }

    @Override
    public void tlsSession() {
        tlsSessions.increment();
    }

    @Override
    public void accepted(String peer, String from, List<String> recipients, long size) {
        accepted.increment();
        bytes.increment(size);
        events.publish("accepted", fields("peer", peer, "from", from, "recipients", List.copyOf(recipients), "size", size));
    }

    @Override
    public void refused(String stage, int code) {
        if (stage.equals("data")) {
            received("refused", code).increment();
        } else {
            Counter.builder("tubemail.recipients.refused").description("recipients refused at RCPT, by reply code")
                    .tag("code", String.valueOf(code)).register(registry).increment();
        }
    }

    @Override
    public void clientRefused(String client, String reason, String reply) {
        LOG.info("Refused client {} ({}): {}", client, reason, reply);
        Counter.builder("tubemail.clients.refused").description("clients held back by a defence against abuse, by defence")
                .tag("reason", reason).register(registry).increment();
        events.publish("client_refused", fields("client", client, "reason", reason, "reply", reply));
    }

    @Override
    public void duplicateDropped(String firstKey) {
        duplicates.increment();
        events.publish("duplicate_dropped", fields("key", firstKey));
    }

    /** A state transition of a module, the key of its counter. */
    private record Transition(String module, String state, String next) {
    }

    @Override
    public void routed(String module, String state, String next, long nanos) {
        transitions.computeIfAbsent(new Transition(module, state, next), t -> Counter.builder("tubemail.messages.routed")
                .description("state methods run, by module and state transition")
                .tag("module", module).tag("state", state).tag("next", next).register(registry)).increment();
        handlerTimers.computeIfAbsent(module, m -> Timer.builder("tubemail.handler").description("time state methods take, by module")
                .tag("module", m).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofMinutes(1)).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        events.publish("routed", fields("module", module, "state", state, "next", next, "millis", nanos / 1_000_000.0));
    }

    @Override
    public void undeliverable(String kind, String from, String to, String reason) {
        Counter.builder("tubemail.undeliverable").description("messages put in the undeliverable queue, by cause")
                .tag("reason", kind).register(registry).increment();
        events.publish("undeliverable", fields("kind", kind, "from", from, "to", to, "reason", reason));
    }

    @Override
    public void bounceReceived(String to) {
        bounces.increment();
        events.publish("bounce", fields("to", to));
    }

    @Override
    public void stateStored(long nanos) {
        stateStore.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void relaySent(String from, List<String> recipients) {
        relaySent.increment();
        events.publish("relayed", fields("from", from, "recipients", List.copyOf(recipients)));
    }

    @Override
    public void relayRetried(String from, List<String> recipients, String error) {
        relayRetried.increment();
        events.publish("relay-retry", fields("from", from, "recipients", List.copyOf(recipients), "error", error));
    }

    @Override
    public void relayDead(String from, List<String> recipients, String error) {
        relayDead.increment();
        events.publish("dead-letter", fields("from", from, "recipients", List.copyOf(recipients), "error", error));
    }

    @Override
    public void dkimSigned(String domain) {
        Counter.builder("tubemail.dkim.signatures").description("DKIM signatures made, by signing domain")
                .tag("domain", domain).register(registry).increment();
    }

    @Override
    public void replySuppressed(String responder, String to, String reason, String detail) {
        LOG.info("No automatic reply from {} to <{}> ({}): {}", responder, to, reason, detail);
        Counter.builder("tubemail.replies.suppressed").description("automatic replies not sent, by cause")
                .tag("reason", reason).register(registry).increment();
        events.publish("reply_suppressed", fields("responder", responder, "to", to, "reason", reason, "detail", detail));
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1] == null ? "" : kv[i + 1]);
        }
        return m;
    }
}
