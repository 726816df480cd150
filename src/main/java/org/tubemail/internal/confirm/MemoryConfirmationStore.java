package org.tubemail.internal.confirm;

import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.confirm.PendingConfirmation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Pending confirmations in memory, for tests and development: nothing survives a restart. */
public final class MemoryConfirmationStore implements ConfirmationStore {

    private record Key(String target, String sender) {
    }

    private final Map<Key, PendingConfirmation> pending = new HashMap<>();

    @Override
    public synchronized void put(String target, String sender, PendingConfirmation p) {
        pending.put(new Key(target, sender), p);
    }

    @Override
    public synchronized Optional<PendingConfirmation> take(String target, String sender, String token) {
        Key k = new Key(target, sender);
        PendingConfirmation p = pending.get(k);
        if (p == null || !sameToken(p.token(), token)) {
            return Optional.empty();
        }
        pending.remove(k);
        return Optional.of(p);
    }

    /** Compares in constant time, so timing tells nothing about a token. */
    static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized boolean remove(String target, String sender) {
        return pending.remove(new Key(target, sender)) != null;
    }

    @Override
    public synchronized int removeExpired(long nowMillis) {
        int before = pending.size();
        pending.values().removeIf(p -> p.expiresAtMillis() < nowMillis);
        return before - pending.size();
    }

    @Override
    public synchronized int count() {
        return pending.size();
    }

    @Override
    public synchronized void clear() {
        pending.clear();
    }
}
