package org.tubemail.internal.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store whose file system is full ({@code ENOSPC}, or a quota: {@code EDQUOT}). {@link #causes}
 * recognises such a failure anywhere in an exception's causes; {@link #of} gives each store an
 * episode log, so that a full disk is logged once when the first write fails and once when a write
 * works again, not once per message.
 */
public final class DiskFull {

    private static final Logger LOG = LoggerFactory.getLogger(DiskFull.class);
    private static final Map<String, DiskFull> STORES = new ConcurrentHashMap<>();
    /** Failures a store recorded, so that layers above do not log them again (weak: they go with the exception). */
    private static final Set<Throwable> RECORDED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private final String store;
    private final AtomicBoolean full = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();

    private DiskFull(String store) {
        this.store = store;
    }

    /** The episode log of the store named {@code store}, e.g. {@code "spool run/spool"}. */
    public static DiskFull of(String store) {
        return STORES.computeIfAbsent(store, DiskFull::new);
    }

    /** Whether {@code t}, or one of its causes, is a write refused for lack of space. */
    public static boolean causes(Throwable t) {
        for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records a failed write: when it is a full disk, logs it if it starts an episode and returns
     * true (the caller need not log it again); otherwise returns false.
     */
    public boolean failed(Throwable t) {
        if (!causes(t)) {
            return false;
        }
        failures.incrementAndGet();
        RECORDED.add(t);
        if (full.compareAndSet(false, true)) {
            LOG.error("{} is full ({}): new mail gets 452 4.3.1 and routing waits until space returns; this is "
                    + "logged once, and again when the store can be written", store, t.getMessage());
        }
        return true;
    }

    /** Records a write that worked: ends an episode, if one was running. */
    public void wrote() {
        if (full.get() && full.compareAndSet(true, false)) {
            LOG.warn("{} can be written again, after {} write(s) failed for lack of space", store, failures.getAndSet(0));
        }
    }

    /** Whether the last write to this store failed for lack of space. */
    public boolean isFull() {
        return full.get();
    }

    /** Whether a store already recorded {@code t}, or one of its causes, as a full disk. */
    public static boolean recorded(Throwable t) {
        for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
            if (RECORDED.contains(t)) {
                return true;
            }
        }
        return false;
    }
}
