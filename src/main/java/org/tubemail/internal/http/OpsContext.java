package org.tubemail.internal.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.tubemail.internal.monitor.EventHub;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.relay.SmtpRelay;
import org.tubemail.internal.routing.Router;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the HTTP listener shows and works on, handed over by the server that runs it.
 *
 * @param router    the router: routes, explain, states, the undeliverable queue
 * @param queues    the queues by name ({@code undeliverable}, {@code relay-retry}, {@code outbox}, ...)
 * @param smtpRelay the smarthost relay, whose dead letters can be requeued; empty for a maildir relay
 * @param status    the server's status (uptime, listeners, storage) as JSON-ready values
 * @param ready     the readiness checks by name; all true means ready
 * @param metrics   the registry {@code /metrics} scrapes; empty when the meters go to an application's
 *                  registry without a Prometheus one (Spring Boot without micrometer-registry-prometheus)
 * @param events    the live event stream
 */
public record OpsContext(Router router, Map<String, MessageQueue> queues, Optional<SmtpRelay> smtpRelay,
                         Supplier<Map<String, Object>> status, Supplier<Map<String, Boolean>> ready,
                         Optional<PrometheusMeterRegistry> metrics, EventHub events) {

    /** Copies the queue map. */
    public OpsContext {
        queues = Map.copyOf(queues);
    }

    /** The Prometheus registry {@code registry} is, or holds (a Spring Boot composite, say). */
    public static Optional<PrometheusMeterRegistry> prometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry p) {
            return Optional.of(p);
        }
        if (registry instanceof CompositeMeterRegistry c) {
            return c.getRegistries().stream().map(OpsContext::prometheus).flatMap(Optional::stream).findFirst();
        }
        return Optional.empty();
    }
}
