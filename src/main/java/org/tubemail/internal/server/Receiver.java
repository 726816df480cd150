package org.tubemail.internal.server;

import java.io.IOException;
import java.time.Duration;

/** Something that takes mail in and hands it to a router: an SMTP or LMTP listener, a queue reader. */
public interface Receiver extends AutoCloseable {

    /** Starts receiving; returns once ready (for listeners: once bound). */
    void start() throws IOException;

    /** Stops taking new mail, lets in-flight messages finish for up to {@code grace}, then stops. */
    void stop(Duration grace);

    /** Stops with a default grace period of 30 seconds. */
    @Override
    default void close() {
        stop(Duration.ofSeconds(30));
    }
}
