package org.tubemail.internal.routing;

/**
 * Routing stopped for a reason outside the handler's logic (a full disk), leaving the state as it
 * was: the caller keeps the message and routes it again later. Handlers that ran before the failure
 * run again then (at least once).
 */
public final class RoutingDeferredException extends RuntimeException {
    /** @param message what could not be done  @param cause the underlying failure */
    public RoutingDeferredException(String message, Throwable cause) {
        super(message, cause);
    }
}
