package org.tubemail.support;

import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.mail.MailRequest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A handler module that keeps every message for {@code (user)@(host)}, for tests to look at what arrived. */
@Handler("inbox")
public class Inbox {
    /** What arrived, in order. */
    public final List<MailRequest> seen = Collections.synchronizedList(new ArrayList<>());

    @Stateless
    @Route("(user)@(host)")
    public void any(MailRequest msg) {
        seen.add(msg);
    }
}
