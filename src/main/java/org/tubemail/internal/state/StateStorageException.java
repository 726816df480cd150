package org.tubemail.internal.state;

/** A state storage that cannot do what was asked: file locked or damaged, database away. */
public class StateStorageException extends RuntimeException {
    /** @param message what failed, naming the file or database  @param cause the underlying failure */
    public StateStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
