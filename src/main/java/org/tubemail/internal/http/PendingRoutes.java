package org.tubemail.internal.http;

import org.tubemail.web.WebHandler;
import org.tubemail.web.WebRoutes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Public routes registered while the server is being wired (by handlers and the boot hook),
 * before the HTTP listener exists; {@link #applyTo} hands them over.
 */
public final class PendingRoutes implements WebRoutes {

    private record Pending(boolean post, String path, WebHandler handler) {
    }

    private final Optional<String> publicUrl;
    private final List<Pending> routes = new ArrayList<>();

    /** Routes whose links start with {@code publicUrl}. */
    public PendingRoutes(Optional<String> publicUrl) {
        this.publicUrl = publicUrl;
    }

    @Override
    public void get(String path, WebHandler handler) {
        routes.add(new Pending(false, path, handler));
    }

    @Override
    public void post(String path, WebHandler handler) {
        routes.add(new Pending(true, path, handler));
    }

    @Override
    public Optional<String> publicUrl() {
        return publicUrl;
    }

    /** Registers every route with {@code server} (which checks the paths). */
    public void applyTo(OpsHttpServer server) {
        for (Pending p : routes) {
            if (p.post()) {
                server.post(p.path(), p.handler());
            } else {
                server.get(p.path(), p.handler());
            }
        }
    }
}
