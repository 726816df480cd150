package org.tubemail.handler;

/**
 * Thrown by a handler that cannot take a message now but could later (a service it needs is
 * down). Unlike any other exception it does not move the key to the error state nor queue the
 * message as undeliverable: {@code Router.deliver} rethrows it, and the receiver keeps the
 * message and offers it again (LMTP answers {@code 451} so the MTA defers it; a spool or an IMAP
 * mailbox keeps it and retries with a pause). Other recipients of the same message may already
 * have been handled and will be handled again (at least once).
 */
public class TryLaterException extends RuntimeException {

    /** @param message why, for the log and the MTA's reply */
    public TryLaterException(String message) {
        super(message);
    }

    /** @param message why  @param cause the underlying failure */
    public TryLaterException(String message, Throwable cause) {
        super(message, cause);
    }
}
