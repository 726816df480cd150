package org.tubemail.internal.io;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Shares one disk sync among every caller waiting at that moment (group commit). Writers number
 * their writes; a writer that needs its write durable calls {@link #await}: if no sync is running,
 * it runs one itself, covering every write numbered so far, otherwise it waits for the running
 * one and, if that did not cover it, for the next. So N concurrent writers pay for about one sync,
 * not N, and each returns only after a sync that covers its own write.
 */
public final class GroupSync {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private long durable;
    private boolean syncing;

    /**
     * Returns once write number {@code ticket} is durable.
     *
     * @param sync syncs to disk and returns the highest write number the sync covered; it must read
     *             that number before syncing, and numbers must be taken only after the write
     */
    public void await(long ticket, LongSupplier sync) {
        lock.lock();
        try {
            while (durable < ticket) {
                if (syncing) {
                    done.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                long upTo = 0;
                lock.unlock();
                try {
                    upTo = sync.getAsLong();
                } finally {
                    lock.lock();
                    syncing = false;
                    durable = Math.max(durable, upTo);
                    done.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Records that every write up to {@code upTo} became durable another way (e.g. a checkpoint). */
    public void covered(long upTo) {
        lock.lock();
        try {
            durable = Math.max(durable, upTo);
            done.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
