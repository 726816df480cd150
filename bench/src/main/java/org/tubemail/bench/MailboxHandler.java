package org.tubemail.bench;

import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.StateKeyed;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.mail.MailRequest;

import java.util.Locale;
import java.util.Map;

/**
 * The handler of the SMTP benchmark server: every message to {@code (user)@example.com} flips the
 * state of its (sender, mailbox) pair between {@code START} and {@code SEEN}, so each message is one
 * durable state change. Keyed by sender and mailbox because smtp-source varies the recipient
 * ({@code -N}), not the sender.
 */
@Handler("bench.mailbox")
public final class MailboxHandler implements StateKeyed {

    @Route("(user)@(host)")
    public String START(String user) {
        return "SEEN";
    }

    @RouteLike("START")
    public String SEEN(String user) {
        return "START";
    }

    @Override
    public String stateKey(MailRequest request, Map<String, String> captures) {
        return Addresses.forStateKey(request.from()) + "/" + captures.get("user").toLowerCase(Locale.ROOT);
    }
}
