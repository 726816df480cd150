package org.tubemail.internal.app;

import org.tubemail.internal.config.Settings;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where each named queue of a server keeps its messages on this machine, by the settings. */
final class QueueFolders {

    /** Every queue name, in the order {@code status} shows them. */
    static final List<String> NAMES = List.of("spool", "undeliverable", "relay-retry", "forward-retry", "outbox");

    private QueueFolders() {
    }

    /** The folder of queue {@code name}; empty for a name that is none of {@link #NAMES}. */
    static Optional<Path> of(Settings s, String name) {
        return Optional.ofNullable(switch (name) {
            case "spool" -> s.path("queue.spool", "run/spool");
            case "undeliverable" -> s.path("queue.undeliverable", "run/undeliverable");
            case "relay-retry" -> s.path("queue.relay.retry", "run/relay-retry");
            case "forward-retry" -> s.path("queue.forward.retry", "run/forward-retry");
            case "outbox" -> s.path("relay.outbox", "run/outbox");
            default -> null;
        });
    }

    /** The folder of queue {@code name}, one of {@link #NAMES}. */
    static Path path(Settings s, String name) {
        return of(s, name).orElseThrow(() -> new IllegalArgumentException("no queue named " + name));
    }
}
