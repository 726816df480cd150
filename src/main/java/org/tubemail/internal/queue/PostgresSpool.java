package org.tubemail.internal.queue;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.state.pg.LockIds;
import org.tubemail.internal.state.pg.Migrations;
import org.tubemail.internal.state.pg.Pools;
import org.tubemail.mail.Envelope;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The SMTP spool in a PostgreSQL table ({@code tubemail_spool}), shared by every server on the
 * database: a message pushed here is committed before {@link #push} returns (so before its
 * {@code 250}), and any server's routing workers may claim it.
 *
 * <p><b>Order.</b> Each message gets its place in acceptance order ({@code id}) and an order key,
 * the normalised envelope sender ({@link Addresses#forStateKey}), which is the state key of every
 * module keyed by sender (the default). A message is claimed only while it is the oldest message
 * of its order key left in the spool (its {@code head} flag, which pushes and removals keep under
 * a transaction-scoped advisory lock per order key, so that a claim reads heads only, however deep
 * a sender's backlog), so one sender's messages are routed one after the other, in the order they
 * were accepted, whichever servers accepted and route them. (A module with its own
 * {@code StateKeyed} key is served in each sender's order, not in its own key's.) Bounces (null
 * sender) have no order key and are claimed in any order.
 *
 * <p><b>Leases.</b> A claim writes this spool's owner name and a lease end into the row and
 * commits; a thread renews the leases of every row it holds every third of the lease. A server
 * that dies stops renewing, and once its leases have run out other servers claim its messages:
 * routing is at least once (a message routed but not yet removed when its server died is routed
 * again). {@link #close} hands unfinished claims back at once. {@link #recover} has nothing to do.
 *
 * <p><b>Repeats.</b> With a de-duplication window, a message with the same {@link DedupKey} as one
 * accepted within the window, by any server, is not stored: its push returns {@code dup-} and the
 * first copy's key, which no claim finds, and {@link Monitor#duplicateDropped} is told. The check
 * is in the transaction that stores the message, so two servers accepting the same message at
 * the same moment store it once.
 */
public final class PostgresSpool implements MessageQueue, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSpool.class);
    /** The "module" of the spool's advisory lock ids ({@link LockIds}), one per order key. */
    private static final String LOCK_MODULE = "tubemail_spool";

    /**
     * How a spool is opened.
     *
     * @param jdbcUrl           the database (with {@code user} and {@code password})
     * @param server            this server's name, recorded with each message it accepts and in its lease owner name
     * @param poolSize          connections held: one per routing worker, plus pushes, renewals and counts
     * @param connectionTimeout how long an operation waits for a connection before it fails
     * @param lease             how long a claim lasts without renewal: how soon other servers take over a dead one's messages
     * @param dedupWindow       how long an accepted message is remembered against repeats; zero: never
     */
    public record Options(String jdbcUrl, String user, String password, String server, int poolSize,
                          Duration connectionTimeout, Duration lease, Duration dedupWindow) {
        /** Checks the values. */
        public Options {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (poolSize < 2 || lease.toMillis() < 100 || dedupWindow.isNegative()) {
                throw new IllegalArgumentException("poolSize >= 2, lease >= 100 ms, dedupWindow >= 0 expected: " + this);
            }
        }
    }

    /** Claimable messages: the oldest of their order key ({@code head}), unleased or lease run out. */
    private static final String CLAIMABLE = "SELECT c.id FROM tubemail_spool c"
            + " WHERE c.head AND (c.lease_until IS NULL OR c.lease_until < now())";
    private static final String LEASE = "UPDATE tubemail_spool s SET lease_owner = ?, lease_until = now() + ? * interval '1 millisecond',"
            + " attempts = attempts + 1 WHERE s.id = (" + CLAIMABLE + "%s ORDER BY c.id LIMIT 1 FOR UPDATE SKIP LOCKED)";

    private final HikariDataSource pool;
    private final String owner;
    private final String server;
    private final long leaseMillis;
    private final long dedupMillis;
    private final Monitor monitor;
    private final ScheduledExecutorService renewer;
    private final String where;
    /** Messages done with whose removal failed: removed by the renewer (see {@link #remove}). */
    private final java.util.Set<Long> unremoved = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The order keys of the messages this spool holds, so that a removal need not read them first. */
    private final java.util.Map<Long, Optional<String>> held = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Opens a pool on the database, brings the schema up to date ({@link Migrations}) and starts
     * renewing this spool's leases.
     *
     * @throws QueueException when the database cannot be reached or migrated
     */
    public PostgresSpool(Options o, Monitor monitor) {
        this.server = o.server();
        this.owner = o.server() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.leaseMillis = o.lease().toMillis();
        this.dedupMillis = o.dedupWindow().toMillis();
        this.monitor = monitor;
        this.where = "PostgreSQL spool at " + Pools.redact(o.jdbcUrl());
        try {
            this.pool = Pools.open("tubemail-spool", "tubemail-spool", o.jdbcUrl(), o.user(), o.password(), o.poolSize(), o.connectionTimeout());
        } catch (RuntimeException e) {
            throw new QueueException("cannot connect to " + where + ": " + e.getMessage(), e);
        }
        try (Connection c = pool.getConnection()) {
            Migrations.migrate(c);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw new QueueException("cannot create or upgrade the spool schema in " + where + ": " + e.getMessage(), e);
        }
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spool-lease-renewer");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, leaseMillis / 3);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** This spool's lease owner name: the server's name and a tag of this run. */
    public String owner() {
        return owner;
    }

    @Override
    public String push(byte[] message) {
        return pushAll(List.of(message)).get(0);
    }

    /**
     * Stores the messages in one transaction: one commit for the batch. The transaction first locks
     * the batch's order keys (in one order, so that two servers' batches never deadlock), then takes
     * each message's place in the sequence: a key's messages are numbered in the order their
     * transactions lock it, and a message is its key's head when no other message of the key waits.
     */
    @Override
    public List<String> pushAll(List<byte[]> messages) {
        List<String> orderKeys = messages.stream().map(m -> EnvelopeHeaders.envelope(m).map(PostgresSpool::orderKey).orElse(null)).toList();
        return inTransaction("store " + messages.size() + " message(s)", c -> {
            lockKeys(c, orderKeys);
            List<String> keys = new ArrayList<>(messages.size());
            int dropped = 0;
            for (int i = 0; i < messages.size(); i++) {
                byte[] m = messages.get(i);
                Optional<byte[]> digest = dedupMillis > 0 ? DedupKey.of(m) : Optional.empty();
                Stored stored = insert(c, m, orderKeys.get(i), digest);
                if (!stored.firstCopy()) {
                    keys.add(DeduplicatingQueue.DUPLICATE_PREFIX + dropRepeat(c, stored.id(), digest.get()));
                    dropped++;
                    continue;
                }
                keys.add(Long.toString(stored.id()));
            }
            if (dropped > 0) {
                keys.stream().filter(k -> k.startsWith(DeduplicatingQueue.DUPLICATE_PREFIX))
                        .forEach(k -> monitor.duplicateDropped(k.substring(DeduplicatingQueue.DUPLICATE_PREFIX.length())));
            }
            return keys;
        });
    }

    /** The order key of a message: its normalised sender, or none for a bounce. */
    static String orderKey(Envelope e) {
        return e.mailFrom().isEmpty() ? null : Addresses.forStateKey(e.mailFrom());
    }

    /** Takes the transaction-scoped advisory locks of these order keys, in the order of their lock ids. */
    private static void lockKeys(Connection c, java.util.Collection<String> orderKeys) throws SQLException {
        long[] ids = orderKeys.stream().filter(Objects::nonNull).distinct().mapToLong(k -> LockIds.of(LOCK_MODULE, k)).sorted().toArray();
        try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            for (long id : ids) {
                st.setLong(1, id);
                st.execute();
            }
        }
    }

    /** A row just inserted; {@code firstCopy}: no copy of the message was accepted within the window. */
    private record Stored(long id, boolean firstCopy) {
    }

    /**
     * Inserts the message, its key's head when no other message of the key waits, and, with a
     * {@code digest}, records it in the de-duplication window unless a copy was accepted within it:
     * one round trip. Waits for a concurrent transaction storing the same message.
     */
    private Stored insert(Connection c, byte[] m, String orderKey, Optional<byte[]> digest) throws SQLException {
        String row = "INSERT INTO tubemail_spool (id, order_key, accepted_by, message, head)"
                + " VALUES (nextval('tubemail_spool_id_seq'), ?, ?, ?, ? IS NULL OR NOT EXISTS (SELECT 1 FROM tubemail_spool WHERE order_key = ?))"
                + " RETURNING id";
        String sql = digest.isEmpty() ? "WITH s AS (" + row + ") SELECT s.id, 1 FROM s"
                : "WITH s AS (" + row + "), d AS (INSERT INTO tubemail_dedup (digest, spool_key, expires_at)"
                + " SELECT ?, s.id::text, now() + ? * interval '1 millisecond' FROM s ON CONFLICT (digest) DO UPDATE"
                + " SET spool_key = EXCLUDED.spool_key, expires_at = EXCLUDED.expires_at WHERE tubemail_dedup.expires_at < now()"
                + " RETURNING 1) SELECT s.id, (SELECT count(*) FROM d) FROM s";
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, orderKey);
            st.setString(2, server);
            st.setBytes(3, m);
            st.setString(4, orderKey);
            st.setString(5, orderKey);
            if (digest.isPresent()) {
                st.setBytes(6, digest.get());
                st.setLong(7, dedupMillis);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new Stored(rs.getLong(1), rs.getLong(2) == 1);
            }
        }
    }

    /**
     * Deletes the repeat just inserted under {@code id} (nothing to promote: the transaction holds
     * its key's lock, and its key's other messages, if any, are older) and returns the first copy's key.
     */
    private static String dropRepeat(Connection c, long id, byte[] digest) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_spool WHERE id = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement("SELECT spool_key FROM tubemail_dedup WHERE digest = ?")) {
            st.setBytes(1, digest);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    @Override
    public boolean syncsBatches() {
        return true;
    }

    /** Claims the oldest claimable message and removes it. */
    @Override
    public Optional<QueuedMessage> pop() {
        Optional<QueuedMessage> m = claim();
        m.ifPresent(q -> remove(q.key()));
        return m;
    }

    @Override
    public Optional<QueuedMessage> claim() {
        return call("claim a message", c -> {
            try (PreparedStatement st = c.prepareStatement(String.format(LEASE, "") + " RETURNING s.id, s.order_key, s.message")) {
                st.setString(1, owner);
                st.setLong(2, leaseMillis);
                return one(st);
            }
        });
    }

    /** Claims the message under {@code key} if it is waiting, unleased, and the oldest of its sender's. */
    @Override
    public Optional<QueuedMessage> claim(String key) {
        return claimKey(key, null);
    }

    /** As {@link #claim(String)}, handing back {@code pushed} instead of reading the message again. */
    @Override
    public Optional<QueuedMessage> claim(String key, byte[] pushed) {
        return claimKey(key, pushed);
    }

    private Optional<QueuedMessage> claimKey(String key, byte[] pushed) {
        Optional<Long> id = id(key);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return call("claim message " + key, c -> {
            try (PreparedStatement st = c.prepareStatement(String.format(LEASE, " AND c.id = ?")
                    + (pushed == null ? " RETURNING s.id, s.order_key, s.message" : " RETURNING s.id, s.order_key"))) {
                st.setString(1, owner);
                st.setLong(2, leaseMillis);
                st.setLong(3, id.get());
                if (pushed == null) {
                    return one(st);
                }
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    held.put(id.get(), Optional.ofNullable(rs.getString(2)));
                    return Optional.of(new QueuedMessage(key, pushed));
                }
            }
        });
    }

    /** The message a claim returned (id, order key, bytes), remembering its order key for its removal. */
    private Optional<QueuedMessage> one(PreparedStatement st) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            long id = rs.getLong(1);
            held.put(id, Optional.ofNullable(rs.getString(2)));
            return Optional.of(new QueuedMessage(Long.toString(id), rs.getBytes(3)));
        }
    }

    private static Optional<Long> id(String key) {
        try {
            return Optional.of(Long.parseLong(key));
        } catch (NumberFormatException e) {
            return Optional.empty(); // a dropped repeat's key, or no key of this spool
        }
    }

    /** Nothing to do: other servers' leases run out by themselves, and this run holds none yet. */
    @Override
    public List<String> recover() {
        return List.of();
    }

    @Override
    public Optional<byte[]> get(String key) {
        Optional<Long> id = id(key);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return call("read message " + key, c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT message FROM tubemail_spool WHERE id = ?")) {
                st.setLong(1, id.get());
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Removes a message unless another spool holds it: when this one lost its lease (it was stalled
     * past it) and another server has claimed the message again, that server removes it once it is
     * routed again, so the sender's next message still waits for it. When the database cannot be
     * reached, the removal is retried with each lease renewal (the message stays leased by this spool
     * meanwhile, so nobody routes it again and its sender's next messages wait behind it), and this
     * returns {@code true}.
     */
    @Override
    public boolean remove(String key) {
        Optional<Long> id = id(key);
        if (id.isEmpty()) {
            return false;
        }
        try {
            return delete(id.get());
        } catch (QueueException e) {
            LOG.warn("{}: message {} is done but cannot be removed now ({}); trying again every {} ms", owner, key, e.getMessage(),
                    leaseMillis / 3);
            unremoved.add(id.get());
            return true;
        }
    }

    /**
     * Deletes the message unless another spool holds it; when it was its key's head, the key's next
     * message becomes the head, under the key's lock (so no message of the key is being stored
     * meanwhile). The lock comes first, in a statement of its own, so that the statement that deletes
     * and promotes sees every message of the key committed before it; the order key is known from the
     * claim ({@link #held}), else read first.
     */
    private boolean delete(long id) {
        boolean deleted = inTransaction("remove message " + id, c -> {
            Optional<String> known = held.get(id);
            String orderKey;
            if (known != null) {
                orderKey = known.orElse(null);
            } else {
                try (PreparedStatement st = c.prepareStatement("SELECT order_key FROM tubemail_spool WHERE id = ?")) {
                    st.setLong(1, id);
                    try (ResultSet rs = st.executeQuery()) {
                        if (!rs.next()) {
                            return false;
                        }
                        orderKey = rs.getString(1);
                    }
                }
            }
            lockKeys(c, java.util.Collections.singletonList(orderKey));
            // one snapshot for both parts: the promotion sees the deleted row, hence "id <> ?"
            try (PreparedStatement st = c.prepareStatement("WITH d AS (DELETE FROM tubemail_spool WHERE id = ?"
                    + " AND (lease_owner IS NULL OR lease_owner = ?) RETURNING head), p AS (UPDATE tubemail_spool SET head = true"
                    + " WHERE ? IS NOT NULL AND EXISTS (SELECT 1 FROM d WHERE d.head)"
                    + " AND id = (SELECT min(id) FROM tubemail_spool WHERE order_key = ? AND id <> ?))"
                    + " SELECT count(*) FROM d")) {
                st.setLong(1, id);
                st.setString(2, owner);
                st.setString(3, orderKey);
                st.setString(4, orderKey);
                st.setLong(5, id);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 1;
                }
            }
        });
        held.remove(id);
        return deleted;
    }

    @Override
    public int count() {
        return call("count messages", c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM tubemail_spool"); ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Removes every message of every server, and the de-duplication window. */
    @Override
    public void clear() {
        inTransaction("clear the spool", c -> {
            try (PreparedStatement a = c.prepareStatement("DELETE FROM tubemail_spool");
                 PreparedStatement b = c.prepareStatement("DELETE FROM tubemail_dedup")) {
                a.executeUpdate();
                b.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<String> keys() {
        return call("list messages", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT id FROM tubemail_spool ORDER BY id"); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(Long.toString(rs.getLong(1)));
                }
            }
            return out;
        });
    }

    /**
     * Renews this spool's leases, removes the messages whose removal failed, and forgets expired
     * de-duplication entries; a failure is logged and tried again next time.
     */
    private void renew() {
        try {
            for (Long id : List.copyOf(unremoved)) {
                delete(id);
                unremoved.remove(id);
                LOG.info("{}: removed message {}, whose removal had failed", owner, id);
            }
            call("renew leases", c -> {
                try (PreparedStatement st = c.prepareStatement("UPDATE tubemail_spool SET lease_until = now() + ? * interval '1 millisecond'"
                        + " WHERE lease_owner = ?")) {
                    st.setLong(1, leaseMillis);
                    st.setString(2, owner);
                    st.executeUpdate();
                }
                try (PreparedStatement st = c.prepareStatement("DELETE FROM tubemail_dedup WHERE expires_at < now()")) {
                    st.executeUpdate();
                }
                return null;
            });
        } catch (QueueException e) {
            LOG.warn("{}: {}; claimed messages may be taken over by other servers once their leases run out", owner, e.getMessage());
        }
    }

    /** Hands every message this spool still holds back to the other servers, and closes the pool. */
    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            for (Long id : List.copyOf(unremoved)) {
                delete(id);
            }
            int released = call("hand back claimed messages", c -> {
                try (PreparedStatement st = c.prepareStatement(
                        "UPDATE tubemail_spool SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?")) {
                    st.setString(1, owner);
                    return st.executeUpdate();
                }
            });
            if (released > 0) {
                LOG.info("{}: handed {} unfinished message(s) back to the shared spool", owner, released);
            }
        } catch (QueueException e) {
            LOG.warn("{}: {}; its messages are taken over once their leases run out", owner, e.getMessage());
        } finally {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "PostgresSpool[" + where + ", owner " + owner + "]";
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T call(String what, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new QueueException("cannot " + what + " in " + where + ": " + e.getMessage(), e);
        }
    }

    private <T> T inTransaction(String what, SqlWork<T> work) {
        return call(what, c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }
}
