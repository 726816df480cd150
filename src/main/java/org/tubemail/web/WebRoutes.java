package org.tubemail.web;

import java.util.Optional;

/**
 * Lets an application (a handler or the boot hook) serve public pages from the server's HTTP
 * listener, for example an unsubscribe link. These routes need no API token and no CSRF header:
 * each must check its own credentials (see {@link SignedTokens}). Paths may hold {@code {name}}
 * parts, e.g. {@code /lists/{list}/unsubscribe}, and must not start with {@code /api},
 * {@code /console}, {@code /health} or {@code /metrics}.
 */
public interface WebRoutes {

    /** Routes {@code GET path} to {@code handler}; such a route must change nothing. */
    void get(String path, WebHandler handler);

    /** Routes {@code POST path} to {@code handler}. */
    void post(String path, WebHandler handler);

    /**
     * The base URL under which people reach these routes ({@code http.public.url}, without a
     * trailing slash), or empty when it is not set.
     */
    Optional<String> publicUrl();
}
