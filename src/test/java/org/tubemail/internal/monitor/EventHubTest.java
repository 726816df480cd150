package org.tubemail.internal.monitor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event ring: resume after an id, explicit gaps, and subscribers that cannot hold up publishers. */
class EventHubTest {

    @Test
    void aReaderGetsWhatItMissedOrIsToldOfTheGap() throws Exception {
        EventHub hub = new EventHub(4);
        for (int i = 1; i <= 3; i++) {
            hub.publish("routed", Map.of("n", i));
        }
        EventHub.Batch b = hub.after(1, 100, Duration.ZERO);
        assertFalse(b.hasGap());
        assertEquals(List.of(2L, 3L), b.events().stream().map(Event::id).toList());

        for (int i = 4; i <= 10; i++) {
            hub.publish("routed", Map.of("n", i));
        }
        b = hub.after(2, 100, Duration.ZERO);
        assertTrue(b.hasGap());
        assertEquals(3, b.gapFrom());
        assertEquals(6, b.gapTo());
        assertEquals(List.of(7L, 8L, 9L, 10L), b.events().stream().map(Event::id).toList());
        assertEquals(10, b.lastId(2));

        assertTrue(hub.after(10, 100, Duration.ofMillis(20)).events().isEmpty(), "nothing new: waits, then nothing");
        b = hub.after(99, 100, Duration.ZERO);
        assertTrue(b.hasGap(), "an id from an earlier run reads as having seen nothing of this one");
        assertEquals(7, b.events().get(0).id());
    }

    @Test
    void aStuckSubscriberNeitherBlocksPublishingNorMissesSilently() throws Exception {
        EventHub hub = new EventHub(16);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> seen = new CopyOnWriteArrayList<>();
        List<long[]> gaps = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        try (AutoCloseable sub = hub.subscribe(new EventListener() {
            @Override
            public void onEvent(Event e) {
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                seen.add(e.id());
                if (e.id() == 1000) {
                    done.countDown();
                }
            }

            @Override
            public void onGap(long first, long last) {
                gaps.add(new long[]{first, last});
            }
        })) {
            hub.publish("accepted", Map.of());
            Thread.sleep(50); // the subscriber now holds event 1 and is stuck
            for (int i = 2; i <= 1000; i++) {
                hub.publish("accepted", Map.of()); // never waits for the subscriber
            }
            assertEquals(1000, hub.lastId());
            release.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
        }
        assertEquals(1, gaps.size());
        assertEquals(seen.size() + (gaps.get(0)[1] - gaps.get(0)[0] + 1), 1000, "every event is either seen or reported lost");
        assertEquals(1L, seen.get(0));
        assertEquals(1000L, seen.get(seen.size() - 1));
    }
}
