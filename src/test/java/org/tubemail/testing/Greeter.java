package org.tubemail.testing;

import org.tubemail.handler.Relay;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;

/** The README's handler example: greets a sender once, then says it has met them. */
public class Greeter {

    private final Relay relay;

    public Greeter(Relay relay) {
        this.relay = relay;
    }

    @Route("hello@(host)")
    public String START(MailRequest msg, String host) {
        relay.send(MailResponse.replyTo(msg).from("hello@" + host).text("Nice to meet you."));
        return "GREETED";
    }

    @RouteLike("START")
    public String GREETED(MailRequest msg, String host) {
        relay.send(MailResponse.replyTo(msg).from("hello@" + host).text("Hello again."));
        return null; // stay in GREETED
    }
}
