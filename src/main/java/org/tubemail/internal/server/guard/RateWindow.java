package org.tubemail.internal.server.guard;

/**
 * A counter of events in a fixed window of time: the window opens at the first event and lasts
 * {@code window} nanoseconds; the next event after it opens a new one. Two numbers, so a table of
 * many clients stays small. Not thread-safe: {@link ClientLimiter} guards it.
 */
final class RateWindow {
    private long start;
    private int count;

    /**
     * Counts one event at {@code now} unless {@code limit} events are already counted in the
     * current window; returns whether it was counted (false: over the limit).
     */
    boolean take(long now, long window, int limit) {
        if (count == 0 || now - start >= window) {
            start = now;
            count = 0;
        }
        if (count >= limit) {
            return false;
        }
        count++;
        return true;
    }
}
