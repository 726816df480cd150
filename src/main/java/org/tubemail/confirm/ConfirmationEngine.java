package org.tubemail.confirm;

import org.tubemail.internal.mail.Addresses;
import org.tubemail.mail.MailRequest;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Confirmation round trips, after Salmon's {@code ConfirmationEngine}: a request (say, to subscribe
 * to a list) is kept pending under an unguessable token; the sender proves they own their address
 * by answering with the token, and the handler then gets the original request back to act on.
 *
 * <ul>
 *   <li>{@link #register} keeps {@code original} for {@code (target, sender)} and returns a new
 *       token; a second register for the same pair replaces the first (its token stops working).</li>
 *   <li>{@link #verify} returns the original <b>exactly once</b>, and only for the right target,
 *       sender and token before it expires. A wrong token changes nothing (the owner's answer still
 *       works); a late answer uses the confirmation up.</li>
 *   <li>{@link #cancel} forgets it; {@link #purgeExpired} forgets every expired one.</li>
 * </ul>
 *
 * <p>Senders and tokens are compared in lower case. Tokens are 128 random bits as 32 lower-case hex digits
 * ({@link #TOKEN_REGEX}, usable in a route's {@code where}). Thread-safe; the data is where the
 * {@link ConfirmationStore} keeps it.
 */
public final class ConfirmationEngine {

    /** The regex every token matches, e.g. {@code where = "token=" + ConfirmationEngine.TOKEN_REGEX}. */
    public static final String TOKEN_REGEX = "[0-9a-f]{32}";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConfirmationStore store;
    private final Duration validity;
    private final Clock clock;

    /** An engine whose tokens work for {@code validity}, on the system clock. */
    public ConfirmationEngine(ConfirmationStore store, Duration validity) {
        this(store, validity, Clock.systemUTC());
    }

    /**
     * @param store    where pending confirmations are kept
     * @param validity how long a token works
     * @param clock    the time source (tests pass one they can move)
     */
    public ConfirmationEngine(ConfirmationStore store, Duration validity, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.validity = Objects.requireNonNull(validity, "validity");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("a confirmation's validity must be positive, not " + validity);
        }
    }

    /** Registers {@code original} pending for {@code target} and its envelope sender; returns the token to mail them. */
    public String register(String target, MailRequest original) {
        return register(target, original.from(), original);
    }

    /**
     * Registers {@code original} pending for {@code target} and {@code sender}, replacing an earlier
     * pending one of theirs.
     *
     * @return the token the sender must answer with
     */
    public String register(String target, String sender, MailRequest original) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        store.put(target, normal(sender),
                new PendingConfirmation(token, clock.millis() + validity.toMillis(), original.envelope(), original.raw()));
        return token;
    }

    /**
     * Uses the pending confirmation of {@code target} and {@code sender} if {@code token} is its
     * token. Of any number of calls, at most one returns the original.
     *
     * @return the original request as it was registered (envelope and bytes), when the token is
     *         right and has not expired
     */
    public Optional<MailRequest> verify(String target, String sender, String token) {
        String t = token == null ? "" : token.toLowerCase(java.util.Locale.ROOT); // as typed, in any case
        if (!t.matches(TOKEN_REGEX)) {
            return Optional.empty();
        }
        return store.take(target, normal(sender), t)
                .filter(p -> p.expiresAtMillis() >= clock.millis())
                .map(p -> MailRequest.parse(p.envelope(), p.raw()));
    }

    /** Forgets the pending confirmation of {@code target} and {@code sender}; returns whether there was one. */
    public boolean cancel(String target, String sender) {
        return store.remove(target, normal(sender));
    }

    /** Forgets every confirmation past its expiry; returns how many. Call it now and then, e.g. daily. */
    public int purgeExpired() {
        return store.removeExpired(clock.millis());
    }

    /** How long a token works. */
    public Duration validity() {
        return validity;
    }

    private static String normal(String sender) {
        return Addresses.forStateKey(sender);
    }
}
