package org.tubemail.examples.echo;

import org.tubemail.handler.Handler;
import org.tubemail.handler.Relay;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;

/**
 * Answers every message sent to {@code echo@host} with a reply quoting it. The reply is
 * {@link MailResponse#autoReply automatic} (RFC 3834): it goes to the envelope sender, never to
 * bounces or automatic mail (auto-replies, lists, bulk), so two auto-responders cannot loop, never
 * to a sender whose domain says the mail is forged, and a server sends one address at most
 * {@code reply.auto.limit} echoes per {@code reply.auto.period.seconds}.
 */
@Handler("echo")
public class EchoHandler {

    private final Relay relay;

    /** @param relay where replies go */
    public EchoHandler(Relay relay) {
        this.relay = relay;
    }

    /** Replies to {@code msg}; the relay drops the reply when {@code msg} may not be answered. */
    @Stateless
    @Route("echo@(host)")
    public void echo(MailRequest msg, String host) {
        relay.send(MailResponse.autoReply(msg)
                .from("echo@" + host)
                .text("You wrote:\n\n" + quote(msg.bodyText())));
    }

    private static String quote(String text) {
        return "> " + text.strip().replace("\r\n", "\n").replace("\n", "\n> ") + "\n";
    }
}
