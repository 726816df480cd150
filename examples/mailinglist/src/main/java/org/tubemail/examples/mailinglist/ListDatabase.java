package org.tubemail.examples.mailinglist;

import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mailing lists' own data: members (active or disabled) and their bounce records. In memory
 * for tests, or in a MapDB file where every change is committed before the method returns.
 * Thread-safe. Lists are named by their address ({@code dev@lists.example.com}).
 *
 * <p>Bounces: each hard bounce counts 1 and stays counted; each soft bounce counts
 * {@link #SOFT_WEIGHT}, and the soft part of the score halves every {@link #SOFT_HALF_LIFE}, so an
 * occasional full mailbox is forgotten while a burst of them still counts. A member whose score
 * reaches the limit is disabled: still a member, but sent nothing. Joining again starts afresh.
 */
public final class ListDatabase implements AutoCloseable {

    /** What one soft bounce adds to a member's score. */
    public static final double SOFT_WEIGHT = 0.5;
    /** How long it takes the soft part of a score to halve. */
    public static final Duration SOFT_HALF_LIFE = Duration.ofDays(3);

    private static final String SEP = "\u0000";

    private final Map<String, String> members;
    private final Map<String, String> bounces;
    private final DB db;

    private ListDatabase(Map<String, String> members, Map<String, String> bounces, DB db) {
        this.members = members;
        this.bounces = bounces;
        this.db = db;
    }

    /** A database in memory. */
    public static ListDatabase inMemory() {
        return new ListDatabase(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), null);
    }

    /** A database in {@code file} (created with its folders when missing). */
    public static ListDatabase open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            DB db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
            return new ListDatabase(map(db, "members"), map(db, "bounces"), db);
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
        return list.toLowerCase(Locale.ROOT) + SEP + address.toLowerCase(Locale.ROOT);
    }

    /** Adds {@code address} to {@code list} as an active member, with no bounces. */
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

    /** The active members of {@code list}, sorted. */
    public List<String> activeMembers(String list) {
        String prefix = list.toLowerCase(Locale.ROOT) + SEP;
        return members.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue().equals("active"))
                .map(e -> e.getKey().substring(prefix.length())).sorted().toList();
    }

    /** Whether mail to {@code address} on {@code list} is stopped after bounces. */
    public boolean isDisabled(String list, String address) {
        return "disabled".equals(members.get(key(list, address)));
    }

    /**
     * Counts a bounce of a member and disables it when its score reaches {@code limit}.
     *
     * @param hard    a hard bounce (else soft)
     * @param nowMillis the time of the bounce
     * @return the new score, or 0 when {@code address} is not a member
     */
    public synchronized double recordBounce(String list, String address, boolean hard, long nowMillis, double limit) {
        if (!isMember(list, address)) {
            return 0;
        }
        Score s = Score.parse(bounces.get(key(list, address))).decayedTo(nowMillis);
        s = hard ? new Score(s.hard() + 1, s.soft(), nowMillis) : new Score(s.hard(), s.soft() + SOFT_WEIGHT, nowMillis);
        bounces.put(key(list, address), s.format());
        if (s.total() >= limit) {
            members.put(key(list, address), "disabled");
        }
        commit();
        return s.total();
    }

    /** A member's bounce score as of {@code nowMillis}: hard bounces plus the decayed soft part. */
    public double bounceScore(String list, String address, long nowMillis) {
        return Score.parse(bounces.get(key(list, address))).decayedTo(nowMillis).total();
    }

    /** A stored score: hard bounces, the soft part, and when the soft part was last brought up to date. */
    private record Score(int hard, double soft, long atMillis) {
        static Score parse(String stored) {
            if (stored == null) {
                return new Score(0, 0, 0);
            }
            String[] p = stored.split(";");
            return new Score(Integer.parseInt(p[0]), Double.parseDouble(p[1]), Long.parseLong(p[2]));
        }

        Score decayedTo(long nowMillis) {
            if (soft == 0 || nowMillis <= atMillis) {
                return this;
            }
            double halvings = (double) (nowMillis - atMillis) / SOFT_HALF_LIFE.toMillis();
            return new Score(hard, soft * Math.pow(0.5, halvings), nowMillis);
        }

        double total() {
            return hard + soft;
        }

        String format() {
            return hard + ";" + soft + ";" + atMillis;
        }
    }

    /** Commits and closes the file; a memory database just stays as it is. */
    @Override
    public synchronized void close() {
        if (db != null && !db.isClosed()) {
            db.close();
        }
    }
}
