package org.tubemail.internal.server.guard;

/**
 * The minimum rate at which a message must arrive during {@code DATA}, against a client that
 * trickles a byte every few seconds: each byte resets the idle timeout, so that alone would let it
 * hold the connection for as long as it likes. The rate is measured over whole windows (30 s by
 * default) rather than per read, so a real slow or congested link, whose bytes come in bursts
 * with pauses between them, passes as long as each window brings enough.
 *
 * <p>It reads a counter of bytes received that the connection keeps anyway: nothing is done per
 * read, and the check runs with the listener's periodic timeout check.
 */
public final class DataRate {

    private final long minBytesPerSecond;
    private final long windowNanos;
    private boolean measuring;
    private long windowStart;
    private long bytesAtWindowStart;

    /** The rate and window of {@code settings}. */
    public DataRate(TalkerSettings settings) {
        this.minBytesPerSecond = settings.dataMinBytesPerSecond();
        this.windowNanos = settings.dataRateWindow().toNanos();
    }

    /**
     * {@code DATA} was accepted.
     *
     * @param now      {@link System#nanoTime()}
     * @param received the connection's count of bytes received so far
     */
    public void start(long now, long received) {
        measuring = minBytesPerSecond > 0;
        windowStart = now;
        bytesAtWindowStart = received;
    }

    /** The message has arrived: nothing is measured until the next {@link #start}. */
    public void stop() {
        measuring = false;
    }

    /**
     * Whether the window that has just ended brought too few bytes; once a window is full, the
     * next starts.
     *
     * @param now      {@link System#nanoTime()}
     * @param received the connection's count of bytes received so far
     */
    public boolean tooSlow(long now, long received) {
        long elapsed = now - windowStart;
        if (!measuring || elapsed < windowNanos) {
            return false;
        }
        if ((received - bytesAtWindowStart) * 1_000_000_000L < minBytesPerSecond * elapsed) {
            return true;
        }
        windowStart = now;
        bytesAtWindowStart = received;
        return false;
    }
}
