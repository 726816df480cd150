package org.tubemail.internal.server.guard;

import org.tubemail.internal.monitor.Monitor;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * Holds every client to its {@link ClientLimits}, as Postfix's {@code anvil} does for
 * {@code smtpd}: concurrent sessions, and connections, messages and recipients per window, each
 * counted per {@link ClientKey}. A refusal names the limit in its reply and goes to
 * {@link Monitor#clientRefused}. Clients in the trusted networks are never counted.
 *
 * <p>Memory is bounded: the table keeps every client with an open connection (at most one per
 * connection, which the listener's own limit bounds) and at most {@link ClientLimits#tracked()}
 * others; past that, the least recently seen client without a connection is forgotten (its
 * counts start again from zero, which a flood from more addresses than that could use anyway).
 * Thread-safe.
 */
public final class ClientLimiter {

    /** One client's counts. */
    static final class Entry {
        final ClientKey key;
        int sessions;
        final RateWindow connections = new RateWindow();
        final RateWindow messages = new RateWindow();
        final RateWindow recipients = new RateWindow();

        Entry(ClientKey key) {
            this.key = key;
        }
    }

    private final ClientLimits limits;
    private final Monitor monitor;
    private final LongSupplier clock;
    private final long window;
    /** In the order clients were last seen, least recent first. */
    private final LinkedHashMap<ClientKey, Entry> table = new LinkedHashMap<>(64, 0.75f, true);

    /** Limits on the system's clock. */
    public ClientLimiter(ClientLimits limits, Monitor monitor) {
        this(limits, monitor, System::nanoTime);
    }

    /** Limits on {@code clock} (nanoseconds, as {@link System#nanoTime}). */
    ClientLimiter(ClientLimits limits, Monitor monitor, LongSupplier clock) {
        this.limits = limits;
        this.monitor = monitor;
        this.clock = clock;
        this.window = limits.window().toNanos();
    }

    /** The key the limits count {@code address} by. */
    public ClientKey key(InetAddress address) {
        return ClientKey.of(address, limits.ipv6Prefix());
    }

    /**
     * A new connection from {@code address} (the real client's, behind a PROXY header): admitted and
     * counted, or refused with {@code 421 4.7.0} (see {@link ClientSession#refusal()}) when its client
     * has {@link ClientLimits#sessions()} connections open or opened {@link ClientLimits#connectionRate()}
     * in the window. {@code null} (address unknown): no limit.
     */
    public ClientSession connect(InetAddress address) {
        if (address == null) {
            return ClientSession.UNLIMITED;
        }
        if (limits.trusted().contains(address)) {
            return ClientSession.TRUSTED;
        }
        if (!limits.any()) {
            return ClientSession.UNLIMITED;
        }
        ClientKey key = key(address);
        String refusal = null;
        String reason = null;
        Entry e;
        synchronized (this) {
            e = entry(key);
            if (limits.sessions() > 0 && e.sessions >= limits.sessions()) {
                reason = "client_connections";
                refusal = "421 4.7.0 Too many connections from " + key + " (limit " + limits.sessions()
                        + " per client), try again later";
            } else if (limits.connectionRate() > 0 && !e.connections.take(clock.getAsLong(), window, limits.connectionRate())) {
                reason = "client_connection_rate";
                refusal = "421 4.7.0 Too many connections from " + key + " (limit " + limits.connectionRate() + " "
                        + limits.per() + "), try again later";
            } else {
                e.sessions++;
            }
        }
        if (refusal != null) {
            monitor.clientRefused(key.toString(), reason, refusal);
            return new ClientSession(this, null, refusal, false);
        }
        return new ClientSession(this, e, null, false);
    }

    /** The entry of {@code key}, made when new (forgetting the least recently seen idle client when full). */
    private Entry entry(ClientKey key) {
        Entry e = table.get(key);
        if (e == null) {
            if (table.size() >= limits.tracked()) {
                forgetOneIdle();
            }
            e = new Entry(key);
            table.put(key, e);
        }
        return e;
    }

    private void forgetOneIdle() {
        for (Iterator<Entry> it = table.values().iterator(); it.hasNext(); ) {
            if (it.next().sessions == 0) {
                it.remove();
                return;
            }
        }
    }

    String message(Entry e) {
        return rate(e.messages, limits.messageRate(), e.key, "client_message_rate", "messages");
    }

    String recipient(Entry e) {
        return rate(e.recipients, limits.recipientRate(), e.key, "client_recipient_rate", "recipients");
    }

    private String rate(RateWindow w, int limit, ClientKey key, String reason, String what) {
        if (limit == 0) {
            return null;
        }
        boolean taken;
        synchronized (this) {
            taken = w.take(clock.getAsLong(), window, limit);
        }
        if (taken) {
            return null;
        }
        String reply = "450 4.7.1 Too many " + what + " from " + key + " (limit " + limit + " " + limits.per() + "), try again later";
        monitor.clientRefused(key.toString(), reason, reply);
        return reply;
    }

    synchronized void release(Entry e) {
        e.sessions--;
        table.get(e.key); // seen now: the least recently seen are forgotten first
    }

    /** How many clients the table holds now. */
    public synchronized int tracked() {
        return table.size();
    }
}
