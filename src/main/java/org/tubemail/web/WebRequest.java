package org.tubemail.web;

import java.util.Map;
import java.util.Optional;

/**
 * A request to a route an application registered with {@link WebRoutes}.
 *
 * @param method     {@code GET} or {@code POST}
 * @param path       the request path, decoded
 * @param pathParams the values of the route's {@code {name}} parts
 * @param query      the query parameters (the first value of each)
 * @param form       the fields of an {@code application/x-www-form-urlencoded} body (the first value of each)
 */
public record WebRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query,
                         Map<String, String> form) {

    /** Copies the maps. */
    public WebRequest {
        pathParams = Map.copyOf(pathParams);
        query = Map.copyOf(query);
        form = Map.copyOf(form);
    }

    /** A path parameter, a query parameter or a form field, looked up in that order. */
    public Optional<String> param(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            v = query.get(name);
        }
        if (v == null) {
            v = form.get(name);
        }
        return Optional.ofNullable(v);
    }
}
