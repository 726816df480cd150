package org.tubemail.routing;

import java.util.List;

/**
 * What happened to a message for one of its recipients.
 *
 * @param recipient the envelope recipient
 * @param status    the outcome
 * @param ran       the state methods that ran without error, as {@code Class.method}
 * @param reason    why the message was queued as undeliverable, or {@code ""}
 */
public record RecipientResult(String recipient, Status status, List<String> ran, String reason) {

    /** The outcome for one recipient. */
    public enum Status {
        /** At least one state method ran and none failed. */
        HANDLED,
        /** No route matched, or no module had a method for its current state: queued as undeliverable. */
        UNDELIVERABLE,
        /**
         * A method that accepts only authenticated senders ({@link Authenticated}) matched and the
         * sender was not: it did not run, the state did not change, the message was queued as undeliverable.
         */
        UNAUTHENTICATED,
        /** A state method threw: its key went to the error state and the message was queued as undeliverable. */
        FAILED
    }

    /** Whether the message was handled without any failure. */
    public boolean handled() {
        return status == Status.HANDLED;
    }
}
