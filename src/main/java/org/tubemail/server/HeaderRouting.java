package org.tubemail.server;

import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailParseException;
import org.tubemail.mail.MailRequest;
import org.tubemail.queue.EnvelopeHeaders;
import org.tubemail.routing.Router;

import java.util.List;
import java.util.Optional;

/**
 * Routes a message that arrived without an SMTP envelope (a spool or maildir entry, an IMAP
 * message): with the envelope found for it, or to the undeliverable queue when there is none or
 * the message cannot be parsed.
 */
final class HeaderRouting {

    private HeaderRouting() {
    }

    /**
     * @param envelope the envelope, if one could be found
     * @param message  the raw message
     * @param source   where the message came from, for the undeliverable queue's reason
     */
    static void route(Router router, Optional<Envelope> envelope, byte[] message, String source) {
        if (envelope.isEmpty()) {
            router.undeliverableQueue().push(EnvelopeHeaders.wrap(new Envelope("", "", List.of("unknown")),
                    source + " names no recipient (no envelope, Delivered-To, X-Original-To or To)", message));
            return;
        }
        MailRequest request;
        try {
            request = MailRequest.parse(envelope.get(), message);
        } catch (MailParseException e) {
            router.undeliverableQueue().push(EnvelopeHeaders.wrap(envelope.get(), e.getMessage(), message));
            return;
        }
        router.deliver(request);
    }
}
