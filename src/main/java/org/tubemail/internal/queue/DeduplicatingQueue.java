package org.tubemail.internal.queue;

import org.tubemail.internal.monitor.Monitor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local spool that drops a message accepted again within a window (same {@link DedupKey}: a
 * client's retry after its connection dropped before our {@code 250}). The window lives in this
 * process's memory, at most {@code maxEntries} messages: it is lost with the process, and another
 * server does not see it (the PostgreSQL spool shares its window, see {@link PostgresSpool}).
 *
 * <p>A dropped repeat gets the key {@code dup-} + the first copy's key, which no claim finds: the
 * first copy alone is routed.
 */
public final class DeduplicatingQueue implements MessageQueue, AutoCloseable {

    /** The prefix of the key answered for a dropped repeat. */
    public static final String DUPLICATE_PREFIX = "dup-";

    private record Seen(String key, long expiresNanos) {
    }

    private final MessageQueue queue;
    private final long windowNanos;
    private final int maxEntries;
    private final Monitor monitor;
    private final Map<ByteBuffer, Seen> seen = new LinkedHashMap<>();

    /**
     * @param queue      the spool itself
     * @param window     how long a message counts as seen
     * @param maxEntries the most messages remembered (the oldest are forgotten first)
     * @param monitor    told of each repeat dropped
     */
    public DeduplicatingQueue(MessageQueue queue, Duration window, int maxEntries, Monitor monitor) {
        this.queue = queue;
        this.windowNanos = window.toNanos();
        this.maxEntries = maxEntries;
        this.monitor = monitor;
    }

    @Override
    public String push(byte[] message) {
        return pushAll(List.of(message)).get(0);
    }

    /** Pushes the messages not seen within the window; a repeat gets {@code dup-} and its first copy's key. */
    @Override
    public List<String> pushAll(List<byte[]> messages) {
        List<ByteBuffer> digests = new ArrayList<>(messages.size());
        List<byte[]> fresh = new ArrayList<>(messages.size());
        String[] keys = new String[messages.size()];
        synchronized (seen) {
            long now = System.nanoTime();
            expire(now);
            for (byte[] m : messages) {
                ByteBuffer d = DedupKey.of(m).map(ByteBuffer::wrap).orElse(null);
                Seen s = d == null ? null : seen.get(d);
                if (s != null) {
                    digests.add(null);
                    keys[digests.size() - 1] = DUPLICATE_PREFIX + s.key(); // a copy being stored now has key "" yet
                } else {
                    if (d != null) {
                        seen.put(d, new Seen("", now + windowNanos)); // taken: a concurrent repeat is dropped
                    }
                    digests.add(d);
                    fresh.add(m);
                }
            }
        }
        List<String> stored;
        try {
            stored = fresh.isEmpty() ? List.of() : queue.pushAll(fresh);
        } catch (RuntimeException e) {
            synchronized (seen) {
                digests.stream().filter(d -> d != null).forEach(seen::remove);
            }
            throw e;
        }
        int next = 0;
        synchronized (seen) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == null) {
                    keys[i] = stored.get(next++);
                    ByteBuffer d = digests.get(i);
                    Seen s = d == null ? null : seen.get(d);
                    if (s != null) {
                        seen.put(d, new Seen(keys[i], s.expiresNanos()));
                    }
                } else {
                    monitor.duplicateDropped(keys[i].substring(DUPLICATE_PREFIX.length()));
                }
            }
            while (seen.size() > maxEntries) {
                seen.remove(seen.keySet().iterator().next());
            }
        }
        return List.of(keys);
    }

    private void expire(long now) {
        for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresNanos() - now > 0) {
                return; // entries are in insertion order, so in expiry order
            }
            it.remove();
        }
    }

    @Override
    public boolean syncsBatches() {
        return queue.syncsBatches();
    }

    @Override
    public Optional<QueuedMessage> pop() {
        return queue.pop();
    }

    @Override
    public Optional<QueuedMessage> claim() {
        return queue.claim();
    }

    @Override
    public Optional<QueuedMessage> claim(String key) {
        return key.startsWith(DUPLICATE_PREFIX) ? Optional.empty() : queue.claim(key);
    }

    @Override
    public Optional<QueuedMessage> claim(String key, byte[] pushed) {
        return key.startsWith(DUPLICATE_PREFIX) ? Optional.empty() : queue.claim(key, pushed);
    }

    @Override
    public List<String> recover() {
        return queue.recover();
    }

    @Override
    public Optional<byte[]> get(String key) {
        return queue.get(key);
    }

    @Override
    public boolean remove(String key) {
        return queue.remove(key);
    }

    @Override
    public int count() {
        return queue.count();
    }

    @Override
    public void clear() {
        queue.clear();
    }

    @Override
    public List<String> keys() {
        return queue.keys();
    }

    @Override
    public void close() throws Exception {
        if (queue instanceof AutoCloseable c) {
            c.close();
        }
    }
}
