package org.tubemail.web;

/** Answers requests to one of an application's routes. */
@FunctionalInterface
public interface WebHandler {

    /**
     * Answers {@code request}. An exception becomes a {@code 500} with a generic JSON body (the
     * details are logged, never sent); an {@link IllegalArgumentException} becomes a {@code 400}
     * with its message.
     */
    WebResponse handle(WebRequest request) throws Exception;
}
