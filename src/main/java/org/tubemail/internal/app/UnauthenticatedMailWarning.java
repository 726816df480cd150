package org.tubemail.internal.app;

import java.util.Optional;

/**
 * What start-up says when handlers accept only authenticated senders but the server checks none
 * ({@code receiver.auth.checks=false}) and believes no MTA in front ({@code receiver.auth.upstream.id}):
 * without trusted networks, all their mail goes to the undeliverable queue (a warning); with them,
 * only mail from those networks ({@code auth=local}) reaches them (a note).
 */
record UnauthenticatedMailWarning(boolean warning, String text) {

    /** The message when sender checks are off, if there is one to give for this configuration. */
    static Optional<UnauthenticatedMailWarning> of(boolean handlersRequireAuthentication, boolean upstream, boolean trustedNetworks) {
        if (!handlersRequireAuthentication || upstream) {
            return Optional.empty();
        }
        if (trustedNetworks) {
            return Optional.of(new UnauthenticatedMailWarning(false, "handlers accept only authenticated senders and receiver.auth.checks"
                    + " is off: only mail from receiver.trusted.networks (auth=local) reaches them; other mail goes to the undeliverable queue"));
        }
        return Optional.of(new UnauthenticatedMailWarning(true, "handlers accept only authenticated senders but receiver.auth.checks is off,"
                + " no receiver.auth.upstream.id is believed and no receiver.trusted.networks are set: all their mail goes to the undeliverable queue"));
    }
}
