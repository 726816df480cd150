package org.tubemail.internal.confirm;

import org.mapdb.Serializer;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.confirm.PendingConfirmation;
import org.tubemail.internal.state.MapDbFile;
import org.tubemail.internal.state.StateStorageException;
import org.tubemail.mail.Envelope;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pending confirmations in a MapDB file with transactions: every change is committed to disk before
 * its method returns (confirmations are rare, so a commit each is cheap enough). The file is locked
 * against a second process. Thread-safe.
 */
public final class MapDbConfirmationStore implements ConfirmationStore {

    private final MapDbFile<byte[]> store;

    /**
     * Opens (or creates) {@code file}, and its folder when missing.
     *
     * @throws StateStorageException when the file is locked by another process or cannot be read
     */
    public MapDbConfirmationStore(Path file) {
        this.store = new MapDbFile<>(file, "confirmation", "confirmations", Serializer.BYTE_ARRAY);
    }

    /** The file the confirmations are in. */
    public Path file() {
        return store.file();
    }

    private static String key(String target, String sender) {
        return target.length() + ":" + target + sender;
    }

    @Override
    public void put(String target, String sender, PendingConfirmation p) {
        store.change(pending -> {
            pending.put(key(target, sender), encode(p));
            return null;
        }, r -> true);
    }

    @Override
    public Optional<PendingConfirmation> take(String target, String sender, String token) {
        return store.change(pending -> {
            byte[] stored = pending.get(key(target, sender));
            if (stored == null) {
                return Optional.empty();
            }
            PendingConfirmation p = decode(stored);
            if (!MemoryConfirmationStore.sameToken(p.token(), token)) {
                return Optional.empty();
            }
            pending.remove(key(target, sender));
            return Optional.of(p);
        }, r -> true);
    }

    @Override
    public boolean remove(String target, String sender) {
        return store.change(pending -> pending.remove(key(target, sender)) != null, r -> true);
    }

    @Override
    public int removeExpired(long nowMillis) {
        return store.change(pending -> {
            List<String> expired = pending.entrySet().stream()
                    .filter(e -> decode(e.getValue()).expiresAtMillis() < nowMillis)
                    .map(Map.Entry::getKey).toList();
            expired.forEach(pending::remove);
            return expired.size();
        }, r -> true);
    }

    @Override
    public int count() {
        return store.read(pending -> pending.size());
    }

    @Override
    public void clear() {
        store.change(pending -> {
            pending.clear();
            return null;
        }, r -> true);
    }

    /** Closes the file; closing twice is harmless. */
    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "MapDbConfirmationStore[" + store.file() + "]";
    }

    /** A confirmation as bytes: MapDB keeps one value per key. */
    private static byte[] encode(PendingConfirmation p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(p.raw().length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(p.token());
            out.writeLong(p.expiresAtMillis());
            out.writeUTF(p.envelope().peer());
            out.writeUTF(p.envelope().mailFrom());
            out.writeInt(p.envelope().recipients().size());
            for (String r : p.envelope().recipients()) {
                out.writeUTF(r);
            }
            out.write(p.raw());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** The confirmation {@link #encode} wrote. */
    private static PendingConfirmation decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            String token = in.readUTF();
            long expires = in.readLong();
            String peer = in.readUTF();
            String from = in.readUTF();
            int n = in.readInt();
            List<String> rcpts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rcpts.add(in.readUTF());
            }
            return new PendingConfirmation(token, expires, new Envelope(peer, from, rcpts), in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("a stored confirmation is damaged: " + e.getMessage(), e);
        }
    }
}
