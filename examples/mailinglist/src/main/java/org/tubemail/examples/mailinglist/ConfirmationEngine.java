package org.tubemail.examples.mailinglist;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Subscription confirmations: a request creates an unguessable token that is stored durably with
 * the list and address; the token confirms once, before it expires, and only for that address.
 */
public final class ConfirmationEngine {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ListDatabase db;
    private final Clock clock;
    private final Duration validity;

    /**
     * @param db       where pending confirmations are kept
     * @param clock    the time source (tests pass a fixed or moving clock)
     * @param validity how long a token can be used
     */
    public ConfirmationEngine(ListDatabase db, Clock clock, Duration validity) {
        this.db = db;
        this.clock = clock;
        this.validity = validity;
    }

    /** Starts a confirmation of {@code address} joining {@code list}; returns the token to mail them. */
    public String request(String list, String address) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        db.putPending(token, new ListDatabase.Pending(list, address, clock.millis() + validity.toMillis()));
        return token;
    }

    /**
     * Uses {@code token}: valid when it exists, is for this list and address, and has not expired.
     * A token is used up by any attempt from its own address, valid or late.
     *
     * @return the list joined, if the token was valid
     */
    public Optional<String> confirm(String list, String address, String token) {
        Optional<ListDatabase.Pending> p = db.takePending(token);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        ListDatabase.Pending pending = p.get();
        if (!pending.address().equals(address) || !pending.list().equals(list)) {
            db.putPending(token, pending); // someone else's token: leave it for its owner
            return Optional.empty();
        }
        return pending.expiresAtMillis() >= clock.millis() ? Optional.of(list) : Optional.empty();
    }
}
