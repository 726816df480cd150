package org.tubemail.internal.app;

import org.tubemail.handler.BounceTo;
import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.handler.StateKeyed;
import org.tubemail.mail.Bounce;
import org.tubemail.mail.MailRequest;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A test handler that keeps the bounces reaching its VERP address {@code LIST-bounce-USER=DOMAIN@host},
 * by kind; keyed by the member (bounces have a null sender, which keys no state).
 */
@Handler("bounce-recorder")
public class BounceRecorder implements StateKeyed {

    /** A bounce and the member its VERP address named. */
    public record Got(String member, Bounce bounce) {
    }

    final BlockingQueue<Got> hard = new LinkedBlockingQueue<>();
    final BlockingQueue<Got> soft = new LinkedBlockingQueue<>();
    final BlockingQueue<MailRequest> other = new LinkedBlockingQueue<>();

    @Override
    public String stateKey(MailRequest request, Map<String, String> captures) {
        return captures.get("member");
    }

    @Route(value = "(list)-bounce-(member)@(host)", where = "member=[^@=]+=[^@=]+")
    @BounceTo(hard = "hardBounce", soft = "softBounce")
    public String START(MailRequest msg) {
        other.add(msg);
        return null;
    }

    void hardBounce(Bounce bounce, String member) {
        hard.add(new Got(member.replace('=', '@'), bounce));
    }

    void softBounce(Bounce bounce, String member) {
        soft.add(new Got(member.replace('=', '@'), bounce));
    }
}
