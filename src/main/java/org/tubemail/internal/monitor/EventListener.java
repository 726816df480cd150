package org.tubemail.internal.monitor;

/** Receives the events of an {@link EventHub}, in order, on a thread of its own. */
@FunctionalInterface
public interface EventListener {

    /** The next event. */
    void onEvent(Event event);

    /**
     * Events were lost to this listener because it fell further behind than the hub keeps: the
     * ones numbered {@code firstMissed} to {@code lastMissed}. The default ignores it.
     */
    default void onGap(long firstMissed, long lastMissed) {
    }
}
