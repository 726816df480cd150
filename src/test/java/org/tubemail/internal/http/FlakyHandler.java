package org.tubemail.internal.http;

import org.tubemail.handler.Relay;
import org.tubemail.handler.Route;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;

import java.util.concurrent.atomic.AtomicBoolean;

/** A handler the ops tests switch between failing and answering, to fill and empty the undeliverable queue. */
@org.tubemail.handler.Handler("flaky")
public class FlakyHandler {

    /** Whether {@code flaky@...} throws. */
    public static final AtomicBoolean FAIL = new AtomicBoolean(true);

    private final Relay relay;

    public FlakyHandler(Relay relay) {
        this.relay = relay;
    }

    @Route("flaky@(host)")
    public String START(MailRequest msg, String host) {
        if (FAIL.get()) {
            throw new IllegalStateException("told to fail");
        }
        relay.send(MailResponse.replyTo(msg).from("flaky@" + host).text("routed after all"));
        return "DONE";
    }

    @Route("flaky@(host)")
    public String DONE(MailRequest msg, String host) {
        return START(msg, host);
    }
}
