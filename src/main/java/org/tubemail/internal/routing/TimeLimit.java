package org.tubemail.internal.routing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs state methods with a time limit, so that a handler that loops or hangs cannot hold a
 * sender's lock (or a receiver's thread) forever. The method runs on a helper thread while the
 * caller waits; past the limit the helper is interrupted and the caller gets a
 * {@link HandlerTimeoutException}. A method that ignores interrupts keeps its helper thread busy
 * until it returns, but its result is then ignored.
 */
final class TimeLimit {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Duration limit;
    private final ExecutorService runners;

    private TimeLimit(Duration limit) {
        this.limit = limit;
        ThreadFactory daemon = r -> {
            Thread t = new Thread(r, "tubemail-handler-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.runners = Executors.newCachedThreadPool(daemon);
    }

    /** A limit of {@code limit}; {@code null} or zero means none (methods run on the caller's thread). */
    static TimeLimit of(Duration limit) {
        return limit == null || limit.isZero() ? null : new TimeLimit(limit);
    }

    <T> T call(String what, Callable<T> work) throws Exception {
        Future<T> f = runners.submit(work);
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new HandlerTimeoutException(what + " ran longer than " + limit.toMillis() + " ms and was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw e;
        }
    }
}
