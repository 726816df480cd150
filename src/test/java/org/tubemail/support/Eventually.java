package org.tubemail.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for what another thread (or process) does: polls a condition until it holds, and fails
 * with what was awaited once a deadline passes. The default deadline is generous: a loaded CI
 * machine stalls threads for seconds, and the wait ends as soon as the condition holds anyway.
 */
public final class Eventually {

    /** The deadline of {@link #await(String, BooleanSupplier)}. */
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(30);

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails after {@link #DEFAULT_LIMIT}. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, DEFAULT_LIMIT, condition);
    }

    /** Returns once {@code condition} holds; fails with {@code what} after {@code limit}. */
    public static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
