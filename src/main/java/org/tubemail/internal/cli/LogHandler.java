package org.tubemail.internal.cli;

import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.mail.MailRequest;

/** Stores every message it gets, with its envelope, into a queue: the handler of {@code tubemail log}. */
@Handler("log")
public final class LogHandler {

    private final MessageQueue store;

    /** @param store where messages go */
    public LogHandler(MessageQueue store) {
        this.store = store;
    }

    /** Stores {@code msg} once, for its first recipient (the envelope lists all). */
    @Stateless
    @Route("(local)@(domain)")
    public void store(MailRequest msg) {
        if (msg.to().equals(msg.recipients().get(0))) {
            store.push(EnvelopeHeaders.wrap(msg.envelope(), "", msg.raw()));
        }
    }
}
