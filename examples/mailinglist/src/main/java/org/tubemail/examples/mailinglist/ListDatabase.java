package org.tubemail.examples.mailinglist;

import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mailing lists' own data: members (active or disabled), bounce counts and pending
 * confirmations. In memory for tests, or in a MapDB file where every change is committed before
 * the method returns. Thread-safe.
 */
public final class ListDatabase implements AutoCloseable {

    private static final String SEP = "\u0000";

    private final Map<String, String> members;
    private final Map<String, String> bounces;
    private final Map<String, String> pending;
    private final DB db;

    private ListDatabase(Map<String, String> members, Map<String, String> bounces, Map<String, String> pending, DB db) {
        this.members = members;
        this.bounces = bounces;
        this.pending = pending;
        this.db = db;
    }

    /** A database in memory. */
    public static ListDatabase inMemory() {
        return new ListDatabase(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), null);
    }

    /** A database in {@code file} (created with its folders when missing). */
    public static ListDatabase open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            DB db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
            return new ListDatabase(map(db, "members"), map(db, "bounces"), map(db, "pending"), db);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("cannot open mailing list database " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> map(DB db, String name) {
        return db.hashMap(name, Serializer.STRING, Serializer.STRING).createOrOpen();
    }

    private synchronized void commit() {
        if (db != null) {
            db.commit();
        }
    }

    private static String key(String list, String address) {
        return list + SEP + address;
    }

    /** Adds {@code address} to {@code list} as an active member (clearing its bounce count). */
    public synchronized void addMember(String list, String address) {
        members.put(key(list, address), "active");
        bounces.remove(key(list, address));
        commit();
    }

    /** Removes {@code address} from {@code list}; returns whether it was a member. */
    public synchronized boolean removeMember(String list, String address) {
        boolean was = members.remove(key(list, address)) != null;
        bounces.remove(key(list, address));
        commit();
        return was;
    }

    /** Whether {@code address} is a member of {@code list} (active or disabled). */
    public boolean isMember(String list, String address) {
        return members.containsKey(key(list, address));
    }

    /** Whether {@code address} is a member of any list. */
    public boolean isMemberOfAny(String address) {
        return members.keySet().stream().anyMatch(k -> k.endsWith(SEP + address));
    }

    /** The active members of {@code list}, sorted. */
    public List<String> activeMembers(String list) {
        String prefix = list + SEP;
        return members.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue().equals("active"))
                .map(e -> e.getKey().substring(prefix.length())).sorted().toList();
    }

    /** Whether mail to {@code address} on {@code list} is stopped after bounces. */
    public boolean isDisabled(String list, String address) {
        return "disabled".equals(members.get(key(list, address)));
    }

    /**
     * Counts a bounce for a member and disables it when the count reaches {@code limit}.
     *
     * @return the new count, or 0 when {@code address} is not a member
     */
    public synchronized int recordBounce(String list, String address, int limit) {
        if (!isMember(list, address)) {
            return 0;
        }
        int count = Integer.parseInt(bounces.getOrDefault(key(list, address), "0")) + 1;
        bounces.put(key(list, address), String.valueOf(count));
        if (count >= limit) {
            members.put(key(list, address), "disabled");
        }
        commit();
        return count;
    }

    /** A subscription waiting for its confirmation. */
    record Pending(String list, String address, long expiresAtMillis) {
    }

    synchronized void putPending(String token, Pending p) {
        pending.put(token, p.list() + SEP + p.address() + SEP + p.expiresAtMillis());
        commit();
    }

    synchronized Optional<Pending> takePending(String token) {
        String v = pending.remove(token);
        if (v == null) {
            return Optional.empty();
        }
        commit();
        String[] parts = v.split(SEP, 3);
        return Optional.of(new Pending(parts[0], parts[1], Long.parseLong(parts[2])));
    }

    /** Commits and closes the file; a memory database just stays as it is. */
    @Override
    public synchronized void close() {
        if (db != null && !db.isClosed()) {
            db.close();
        }
    }
}
