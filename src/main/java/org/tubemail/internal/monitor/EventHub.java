package org.tubemail.internal.monitor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live event stream: keeps the last {@code capacity} events in a ring and hands them to
 * readers that each go at their own pace. Publishing only writes into the ring (a short lock, no
 * allocation beyond the event), so a slow or stuck reader can never slow the mail threads that
 * publish; a reader that falls further behind than the ring holds is told how many events it
 * lost ({@link Batch#gapFrom()}), never left to miss them silently.
 */
public final class EventHub {

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    private static final AtomicInteger SUBSCRIBERS = new AtomicInteger();

    private final Event[] ring;
    private long last;

    /** A hub that keeps the last {@code capacity} events. */
    public EventHub(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.ring = new Event[capacity];
    }

    /** How many events the ring keeps. */
    public int capacity() {
        return ring.length;
    }

    /** Adds an event and wakes every waiting reader; returns it. */
    public Event publish(String type, Map<String, Object> data) {
        synchronized (this) {
            Event e = new Event(last + 1, Instant.now(), type, data);
            ring[(int) (e.id() % ring.length)] = e;
            last = e.id();
            notifyAll();
            return e;
        }
    }

    /** The id of the newest event, 0 before the first. */
    public synchronized long lastId() {
        return last;
    }

    /**
     * What a reader gets after the event it saw last.
     *
     * @param gapFrom first id of the events lost to this reader, or 0 when none were lost
     * @param gapTo   last id of the events lost, or 0
     * @param events  the events after the last one seen (or after the gap), oldest first
     */
    public record Batch(long gapFrom, long gapTo, List<Event> events) {

        /** Whether events were lost before {@link #events()}. */
        public boolean hasGap() {
            return gapFrom > 0;
        }

        /** The id of the newest event handed over (or the end of the gap); {@code seen} when none. */
        public long lastId(long seen) {
            return events.isEmpty() ? Math.max(seen, gapTo) : events.get(events.size() - 1).id();
        }
    }

    /**
     * The events after {@code seenId}, at most {@code max}, waiting up to {@code wait} for the first
     * one. An id newer than any published (a reader from an earlier server run) counts as having
     * seen nothing of this run.
     */
    public Batch after(long seenId, int max, Duration wait) throws InterruptedException {
        synchronized (this) {
            long deadline = System.nanoTime() + wait.toNanos();
            long seen = seenId > last ? 0 : seenId;
            while (last <= seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Batch(0, 0, List.of());
                }
                wait(Math.max(1, left / 1_000_000));
                seen = seenId > last ? 0 : seenId;
            }
            long oldest = Math.max(1, last - ring.length + 1);
            long gapFrom = 0;
            long gapTo = 0;
            if (seen + 1 < oldest) {
                gapFrom = seen + 1;
                gapTo = oldest - 1;
                seen = oldest - 1;
            }
            List<Event> out = new ArrayList<>((int) Math.min(max, last - seen));
            for (long id = seen + 1; id <= last && out.size() < max; id++) {
                out.add(ring[(int) (id % ring.length)]);
            }
            return new Batch(gapFrom, gapTo, out);
        }
    }

    /**
     * Calls {@code listener} with every event published from now on, in order, on a thread of its
     * own; a listener slower than the events gets {@link EventListener#onGap} for what it lost.
     * Close the subscription to stop.
     */
    public AutoCloseable subscribe(EventListener listener) {
        long start = lastId();
        Thread t = new Thread(() -> follow(listener, start), "tubemail-events-" + SUBSCRIBERS.incrementAndGet());
        t.setDaemon(true);
        t.start();
        return t::interrupt;
    }

    private void follow(EventListener listener, long start) {
        long seen = start;
        while (!Thread.currentThread().isInterrupted()) {
            Batch b;
            try {
                b = after(seen, 256, Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (b.hasGap()) {
                    listener.onGap(b.gapFrom(), b.gapTo());
                }
                b.events().forEach(listener::onEvent);
            } catch (RuntimeException e) {
                LOG.warn("event listener {} failed: {}", listener, e.toString());
            }
            seen = b.lastId(seen);
        }
    }
}
