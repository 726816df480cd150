package org.tubemail.handler;

import org.tubemail.mail.MailRequest;

import java.util.Map;

/**
 * Implemented by a handler module that keys its state by something other than the sender, e.g. by
 * list name: {@code return captures.get("list");}.
 */
public interface StateKeyed {

    /**
     * Returns the state key for this message.
     *
     * @param request  the message, routed to one recipient
     * @param captures the capture values of the module's first matching route
     */
    String stateKey(MailRequest request, Map<String, String> captures);
}
