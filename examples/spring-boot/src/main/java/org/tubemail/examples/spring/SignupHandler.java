package org.tubemail.examples.spring;

import org.springframework.stereotype.Component;
import org.tubemail.handler.Relay;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;

/**
 * A sign-up by mail at join@(host), one state per sender, kept in the state storage (MapDB by
 * default): START -> CONFIRMING -> MEMBER. A Spring bean: the starter registers it as a handler
 * module because it has {@code @Route} methods; the relay and the texts are injected.
 */
@Component
public class SignupHandler {

    private final Relay relay;
    private final WelcomeText text;

    public SignupHandler(Relay relay, WelcomeText text) {
        this.relay = relay;
        this.text = text;
    }

    @Route("join@(host)")
    public String START(MailRequest msg, String host) {
        reply(msg, host, text.askToConfirm());
        return "CONFIRMING";
    }

    @RouteLike("START")
    public String CONFIRMING(MailRequest msg, String host) {
        reply(msg, host, text.welcome());
        return "MEMBER";
    }

    @RouteLike("START")
    public String MEMBER(MailRequest msg, String host) {
        reply(msg, host, text.alreadyMember());
        return null;
    }

    private void reply(MailRequest msg, String host, String body) {
        relay.send(MailResponse.replyTo(msg).from("join@" + host).text(body));
    }
}
