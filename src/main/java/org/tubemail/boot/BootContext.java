package org.tubemail.boot;

import io.micrometer.core.instrument.MeterRegistry;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.handler.Relay;
import org.tubemail.handler.StateChanges;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.confirm.ConfirmationStores;
import org.tubemail.internal.monitor.EventHub;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.web.WebRoutes;

import java.nio.file.Path;
import java.util.List;

/** What a {@link Boot} hook and a handler's constructor may use and change. */
public interface BootContext {

    /**
     * The settings. An application's own settings go under {@code app.} ({@code app.mylist.owner}):
     * Tubemail checks every other key against {@code SettingsSchema}, and leaves these to the application.
     */
    Settings settings();

    /** A folder under {@code run/} where handlers keep their own data. */
    Path dataDir();

    /** The first accepted domain, the usual host name for replies. */
    String host();

    /** The relay handlers send through. */
    Relay relay();

    /** Replaces the relay (before handlers are built). */
    void relay(Relay relay);

    /** The state storage. */
    StateStorage storage();

    /** Replaces the state storage. */
    void storage(StateStorage storage);

    /**
     * The store of pending confirmations, beside the state storage (memory, a MapDB file next to the
     * state file, or the same PostgreSQL database; see {@code ConfirmationStores.beside}). Opened on
     * first use and closed with the server; every handler that asks gets the same store.
     */
    ConfirmationStore confirmations();

    /** Replaces the store of pending confirmations (before handlers are built). */
    void confirmations(ConfirmationStore store);

    /** The router builder: add handlers, capture defaults, error state, time limit. */
    Router.Builder router();

    /**
     * Changes state outside routing (a web page, a timer) under the lock routing holds for the key,
     * so that it never interleaves with a message routed for the same key; usable once the server runs.
     */
    default StateChanges stateChanges() {
        return router().stateChanges();
    }

    /** The handler objects built from the {@code handlers} setting so far. */
    List<Object> handlers();

    /** The server's meter registry (scraped at {@code /metrics}): add your application's own meters here. */
    MeterRegistry meters();

    /** The live event stream: {@code events().subscribe(listener)} follows what the server does. */
    EventHub events();

    /** Public HTTP routes served by the server's HTTP listener, e.g. an unsubscribe page. */
    WebRoutes web();
}
