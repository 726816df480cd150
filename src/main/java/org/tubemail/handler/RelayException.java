package org.tubemail.handler;

/** Outgoing mail that could be neither sent nor queued. */
public final class RelayException extends RuntimeException {
    /** @param message what failed, naming the recipients  @param cause the underlying failure */
    public RelayException(String message, Throwable cause) {
        super(message, cause);
    }
}
