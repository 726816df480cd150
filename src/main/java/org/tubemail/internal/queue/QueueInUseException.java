package org.tubemail.internal.queue;

/**
 * A queue that one process at a time may open is open in another (a running server), or in this
 * process already. Read it with a snapshot instead, e.g. {@link LogQueueSnapshot}.
 */
public final class QueueInUseException extends QueueException {
    /** @param message which queue, and who holds it  @param cause the underlying failure, or {@code null} */
    public QueueInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
