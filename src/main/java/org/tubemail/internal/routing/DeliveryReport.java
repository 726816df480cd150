package org.tubemail.internal.routing;

import java.util.List;

/**
 * The outcome of routing one message, recipient by recipient.
 *
 * @param messageId the message's {@code Message-ID}, or {@code ""}
 * @param results   one result per envelope recipient, in envelope order
 */
public record DeliveryReport(String messageId, List<RecipientResult> results) {

    /** Copies the results. */
    public DeliveryReport {
        results = List.copyOf(results);
    }

    /** Whether every recipient's message was handled. */
    public boolean allHandled() {
        return results.stream().allMatch(RecipientResult::handled);
    }

    /** The result for {@code recipient}. */
    public RecipientResult resultFor(String recipient) {
        return results.stream().filter(r -> r.recipient().equalsIgnoreCase(recipient)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(recipient + " is not a recipient of " + messageId));
    }
}
