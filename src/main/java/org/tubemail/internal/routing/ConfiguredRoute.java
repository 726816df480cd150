package org.tubemail.internal.routing;

import org.tubemail.mail.MailRequest;

import java.util.Map;

/**
 * A handler whose route is given at run time (e.g. read from the settings) instead of in an
 * annotation: a module named {@link #name()} with one stateless method on {@link #route()}. Give
 * it to {@link Router.Builder#handlers} like any handler object. Built-in actions configured
 * without Java, such as webhook forwarding, are configured routes.
 */
public interface ConfiguredRoute {

    /** The module name, unique among the router's modules. */
    String name();

    /** The route pattern, e.g. {@code support@(host)}. */
    String route();

    /**
     * Handles a message for one recipient; an exception counts as a handler failure, a
     * {@link TryLaterException} asks for the message again later.
     *
     * @param request  the message, for one recipient
     * @param captures the route's captures
     */
    void handle(MailRequest request, Map<String, String> captures) throws Exception;
}
