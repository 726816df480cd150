package org.tubemail.internal.routing;

/** A handler class that cannot be loaded: the message names the class and, where it applies, the method. */
public final class HandlerDefinitionException extends RuntimeException {
    /** @param message what is wrong and where */
    public HandlerDefinitionException(String message) {
        super(message);
    }

    /** @param message what is wrong and where  @param cause the underlying failure */
    public HandlerDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
