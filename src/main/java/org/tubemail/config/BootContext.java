package org.tubemail.config;

import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.confirm.ConfirmationStores;
import org.tubemail.relay.Relay;
import org.tubemail.routing.Router;
import org.tubemail.state.StateStorage;

import java.nio.file.Path;
import java.util.List;

/** What a {@link Boot} hook and a handler's constructor may use and change. */
public interface BootContext {

    /** The settings. */
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
     * state file, or the same PostgreSQL database; see {@link ConfirmationStores#beside}). Opened on
     * first use and closed with the server; every handler that asks gets the same store.
     */
    ConfirmationStore confirmations();

    /** Replaces the store of pending confirmations (before handlers are built). */
    void confirmations(ConfirmationStore store);

    /** The router builder: add handlers, capture defaults, error state, time limit. */
    Router.Builder router();

    /** The handler objects built from the {@code handlers} setting so far. */
    List<Object> handlers();
}
