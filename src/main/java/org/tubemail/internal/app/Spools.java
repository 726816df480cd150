package org.tubemail.internal.app;

import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.DeduplicatingQueue;
import org.tubemail.internal.queue.LogQueue;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.queue.PostgresSpool;
import org.tubemail.internal.queue.QueueException;
import org.tubemail.internal.server.smtp.SmtpReceiver;
import org.tubemail.internal.state.PostgresStorage;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens the SMTP spool {@code queue.spool.kind} names: {@code log} (the default: one append-only
 * log whose syncs concurrent messages share), {@code maildir} (one file per message, readable by
 * any maildir tool), both at {@code queue.spool} on this machine, or {@code postgres} (one table
 * that every server on the database shares, see {@link PostgresSpool}; the database is
 * {@code storage.postgres.url/user/password}).
 *
 * <p>{@code queue.dedup.window.seconds} drops a message accepted again within the window: on by
 * default (10 minutes) with the PostgreSQL spool, where the window is shared by every server; off
 * by default for the local spools, where it would live in this process's memory only.
 */
public final class Spools {

    /** The de-duplication window of the PostgreSQL spool unless set. */
    static final Duration SHARED_DEDUP_WINDOW = Duration.ofMinutes(10);
    /** The most messages a local de-duplication window remembers. */
    static final int LOCAL_DEDUP_ENTRIES = 100_000;

    private Spools() {
    }

    /** Whether the settings put the spool in PostgreSQL. */
    public static boolean shared(Settings s) {
        return kind(s).equals("postgres");
    }

    private static String kind(Settings s) {
        return s.choice("queue.spool.kind", "log", "log", "maildir", "postgres");
    }

    /**
     * The spool the settings name, telling {@code monitor} of dropped repeats.
     *
     * @param workers the routing threads that will claim from it (the PostgreSQL pool is sized for them)
     */
    public static MessageQueue open(Settings s, Monitor monitor, int workers) {
        boolean shared = shared(s);
        Duration window = s.seconds("queue.dedup.window.seconds", shared ? SHARED_DEDUP_WINDOW : Duration.ZERO, true);
        if (shared) {
            String url = s.string("storage.postgres.url", "");
            if (url.isEmpty()) {
                throw s.invalid("storage.postgres.url", "a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/tubemail (queue.spool.kind=postgres)");
            }
            Duration lease = s.seconds("queue.spool.lease.seconds", Duration.ofSeconds(30), false);
            try {
                return new PostgresSpool(new PostgresSpool.Options(url, s.string("storage.postgres.user", ""),
                        s.string("storage.postgres.password", ""), SmtpReceiver.localName(), workers + 4, PostgresStorage.DEFAULT_CONNECTION_TIMEOUT,
                        lease, window), monitor);
            } catch (QueueException e) {
                throw new ConfigException(s.source() + ": queue.spool.kind = postgres: " + e.getMessage(), e);
            }
        }
        Path path = QueueFolders.path(s, "spool");
        MessageQueue local = kind(s).equals("log") ? new LogQueue(path) : new MaildirQueue(path);
        return window.isZero() ? local : new DeduplicatingQueue(local, window, LOCAL_DEDUP_ENTRIES, monitor);
    }
}
