package org.tubemail.internal.state;

/**
 * A state storage cannot read or write state now (database unreachable, connection lost, pool
 * exhausted). The message says what failed and where, without credentials. A server that gets this
 * must keep the message in its spool and retry later: nothing about the state changed that the
 * caller was not told about.
 */
public class StateStorageUnavailableException extends StateStorageException {

    /** An exception with a message naming what failed and where, and its cause. */
    public StateStorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
