package org.tubemail.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.tubemail.monitor.EventHub;
import org.tubemail.queue.MessageQueue;
import org.tubemail.relay.SmtpRelay;
import org.tubemail.routing.Router;

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
 * @param metrics   the meter registry {@code /metrics} scrapes
 * @param events    the live event stream
 */
public record OpsContext(Router router, Map<String, MessageQueue> queues, Optional<SmtpRelay> smtpRelay,
                         Supplier<Map<String, Object>> status, Supplier<Map<String, Boolean>> ready,
                         PrometheusMeterRegistry metrics, EventHub events) {

    /** Copies the queue map. */
    public OpsContext {
        queues = Map.copyOf(queues);
    }
}
