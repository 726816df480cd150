package org.tubemail.internal.queue;

/** A queue operation that failed (disk full, permissions, a damaged file), with the queue's path. */
public class QueueException extends RuntimeException {
    /** @param message what failed and where  @param cause the underlying failure */
    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
