package org.tubemail.internal.routing;

/** A state method that ran past the router's time limit. */
public final class HandlerTimeoutException extends RuntimeException {
    /** @param message which method, and the limit */
    public HandlerTimeoutException(String message) {
        super(message);
    }
}
