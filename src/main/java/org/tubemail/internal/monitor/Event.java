package org.tubemail.internal.monitor;

import java.time.Instant;
import java.util.Map;

/**
 * One event of the live stream.
 *
 * @param id   its number: consecutive, starting at 1 for each server run
 * @param time when it happened
 * @param type {@code accepted}, {@code routed}, {@code undeliverable}, {@code relayed},
 *             {@code relay-retry}, {@code dead-letter} or {@code bounce}
 * @param data its fields (strings, numbers and lists of strings)
 */
public record Event(long id, Instant time, String type, Map<String, Object> data) {

    /** Copies the fields. */
    public Event {
        data = Map.copyOf(data);
    }
}
