package org.tubemail.internal.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.routing.DeliveryReport;
import org.tubemail.internal.routing.Router;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailParseException;
import org.tubemail.mail.MailRequest;

import java.util.List;
import java.util.Optional;

/**
 * Routes a message that arrived without an SMTP conversation (a spool or maildir entry, an IMAP
 * message): with the envelope found for it, or to the undeliverable queue when there is none, when
 * it is over the size limit, or when it cannot be parsed.
 */
public final class HeaderRouting {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderRouting.class);

    private HeaderRouting() {
    }

    /**
     * @param envelope        the envelope, if one could be found
     * @param message         the raw message
     * @param source          where the message came from, for the undeliverable queue's reason
     * @param maxMessageBytes larger messages are kept as undeliverable, not routed
     * @param rejects         what to do with rejected copies
     * @param name            the receiver's name, for logs
     * @return what routing did, or {@code null} when the message went to the undeliverable queue unrouted
     */
    public static DeliveryReport route(Router router, Optional<Envelope> envelope, byte[] message, String source, long maxMessageBytes,
                                Router.Rejects rejects, String name) {
        if (envelope.isEmpty()) {
            router.undeliverableQueue().push(EnvelopeHeaders.wrap(new Envelope("", "", List.of("unknown")),
                    source + " names no recipient (no envelope, Delivered-To, X-Original-To or To)", message));
            return null;
        }
        if (message.length > maxMessageBytes) {
            router.undeliverableQueue().push(EnvelopeHeaders.wrap(envelope.get(), "message of " + message.length
                    + " bytes is larger than the limit of " + maxMessageBytes + " bytes; not routed", message));
            LOG.warn("{}: a message of {} bytes from <{}> is over the limit of {} bytes; kept as undeliverable, not routed", name,
                    message.length, envelope.get().mailFrom(), maxMessageBytes);
            return null;
        }
        MailRequest request;
        try {
            request = MailRequest.parse(envelope.get(), message);
        } catch (MailParseException e) {
            router.undeliverableQueue().push(EnvelopeHeaders.wrap(envelope.get(), e.getMessage(), message));
            Envelope unreadable = envelope.get();
            unreadable.recipients().forEach(to -> router.monitor().undeliverable("unparseable", unreadable.mailFrom(), to, e.getMessage()));
            return null;
        }
        return router.deliver(request, rejects);
    }
}
