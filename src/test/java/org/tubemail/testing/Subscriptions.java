package org.tubemail.testing;

import org.tubemail.confirm.ConfirmationEngine;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.handler.Relay;
import org.tubemail.handler.Route;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;
import org.tubemail.view.Templates;

import java.time.Duration;
import java.util.Map;

/** A subscribe-and-confirm round trip built from the framework's confirmations and templates. */
public class Subscriptions {

    private final Relay relay;
    private final ConfirmationEngine confirmations;
    private final Templates views = Templates.fromClassPath(Subscriptions.class, "templates");

    public Subscriptions(Relay relay, ConfirmationStore store) {
        this.relay = relay;
        this.confirmations = new ConfirmationEngine(store, Duration.ofHours(48));
    }

    @Route(value = "(list)-subscribe@(host)", where = "list=[a-z]+")
    public String START(MailRequest msg, String list, String host) {
        String token = confirmations.register(list, msg);
        String confirm = list + "-confirm-" + token + "@" + host;
        relay.send(views.respond(MailResponse.replyTo(msg).from(list + "-admin@" + host).header("Reply-To", confirm),
                "confirm", Map.of("list", list, "confirmAddress", confirm)));
        return "CONFIRMING";
    }

    @Route(value = "(list)-confirm-(token)@(host)", where = {"list=[a-z]+", "token=" + ConfirmationEngine.TOKEN_REGEX})
    public String CONFIRMING(MailRequest msg, String list, String token, String host) {
        return confirmations.verify(list, msg.from(), token).map(original -> {
            relay.send(views.respond(MailResponse.replyTo(msg).from(list + "-admin@" + host), "welcome",
                    Map.of("list", list, "subject", original.subject())));
            return "SUBSCRIBED";
        }).orElse("CONFIRMING");
    }

    @Route(value = "(list)-unsubscribe@(host)", where = "list=[a-z]+")
    public String SUBSCRIBED(MailRequest msg, String list) {
        return "START";
    }
}
