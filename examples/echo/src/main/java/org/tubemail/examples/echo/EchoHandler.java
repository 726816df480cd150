package org.tubemail.examples.echo;

import org.tubemail.mail.MailRequest;
import org.tubemail.mail.MailResponse;
import org.tubemail.relay.Relay;
import org.tubemail.routing.Handler;
import org.tubemail.routing.Route;
import org.tubemail.routing.Stateless;

import java.util.Locale;

/**
 * Answers every message sent to {@code echo@host} with a reply quoting it. It never answers
 * bounces or automatic mail (auto-replies, lists, bulk), so two auto-responders cannot loop.
 */
@Handler("echo")
public class EchoHandler {

    private final Relay relay;

    /** @param relay where replies go */
    public EchoHandler(Relay relay) {
        this.relay = relay;
    }

    /** Replies to {@code msg}, unless it is automatic. */
    @Stateless
    @Route("echo@(host)")
    public void echo(MailRequest msg, String host) {
        if (isAutomatic(msg)) {
            return;
        }
        relay.send(MailResponse.replyTo(msg)
                .from("echo@" + host)
                .header("Auto-Submitted", "auto-replied")
                .text("You wrote:\n\n" + quote(msg.bodyText())));
    }

    /** Whether a reply to {@code msg} could start a mail loop (RFC 3834). */
    static boolean isAutomatic(MailRequest msg) {
        if (msg.isBounce()) {
            return true;
        }
        String auto = msg.header("Auto-Submitted").orElse("no").trim().toLowerCase(Locale.ROOT);
        String precedence = msg.header("Precedence").orElse("").trim().toLowerCase(Locale.ROOT);
        return !auto.startsWith("no") || precedence.equals("bulk") || precedence.equals("list")
                || precedence.equals("junk") || msg.header("List-Id").isPresent();
    }

    private static String quote(String text) {
        return "> " + text.strip().replace("\r\n", "\n").replace("\n", "\n> ") + "\n";
    }
}
