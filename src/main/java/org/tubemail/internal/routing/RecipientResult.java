package org.tubemail.internal.routing;

import org.tubemail.handler.SmtpReject;

import java.util.List;

/**
 * What happened to a message for one of its recipients.
 *
 * @param recipient the envelope recipient, as written
 * @param status    the outcome
 * @param ran       the state methods that ran without error, as {@code Class.method}
 * @param reason    why the message was queued as undeliverable or rejected, or {@code ""}
 * @param rejection the handler's {@link SmtpReject} when {@code status} is {@link Status#REJECTED}, else {@code null}
 */
public record RecipientResult(String recipient, Status status, List<String> ran, String reason, SmtpReject rejection) {

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
        FAILED,
        /**
         * A state method declined the message with an {@link SmtpReject} (its state unchanged); the
         * copy was queued as undeliverable unless the receiver passes the reply on to the sender.
         */
        REJECTED
    }

    /** A result that is not a rejection. */
    public RecipientResult(String recipient, Status status, List<String> ran, String reason) {
        this(recipient, status, ran, reason, null);
    }

    /** Whether the message was handled without any failure. */
    public boolean handled() {
        return status == Status.HANDLED;
    }
}
