package org.tubemail.internal.server.smtp;

import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Tasks an {@link SmtpLoop} runs on its own thread at a later time (a delayed greeting, a reply
 * held back by the error tarpit), so that nothing ever sleeps on the loop's thread. Only the
 * loop's thread uses it. A task whose connection has closed meanwhile finds it closed and does
 * nothing, so tasks are never cancelled.
 */
final class LoopTimers {

    private record Timer(long at, long seq, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(at - o.at, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long seq;

    /** Runs {@code task} once {@code delayNanos} (more than 0) have passed after {@code now} ({@link System#nanoTime()}). */
    void schedule(long now, long delayNanos, Runnable task) {
        timers.add(new Timer(now + delayNanos, seq++, task));
    }

    /** Runs the tasks that are due at {@code now}, earliest first, each through {@code runner}. */
    void runDue(long now, Consumer<Runnable> runner) {
        Timer next;
        while ((next = timers.peek()) != null && next.at - now <= 0) {
            timers.poll();
            runner.accept(next.task);
        }
    }

    /** Whether no task waits. */
    boolean isEmpty() {
        return timers.isEmpty();
    }

    /** How many milliseconds (at least 1) until the next task is due, or {@code max} when it is later or there is none. */
    long millisToNext(long now, long max) {
        Timer next = timers.peek();
        if (next == null) {
            return max;
        }
        long ms = Math.max(1, (next.at - now + 999_999) / 1_000_000);
        return Math.min(ms, max);
    }
}
