package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.State;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One key at a time and in order; different keys in parallel; no-locking methods overlap. */
class ConcurrencyTest {

    /** Records the order of calls and how many run at once. */
    static class Counter {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final List<String> order = Collections.synchronizedList(new ArrayList<>());

        @Route("count@(host)")
        public String START(MailRequest msg) {
            return step(msg);
        }

        @Route("count@(host)")
        @State("COUNTING")
        public String counting(MailRequest msg) {
            return step(msg);
        }

        private String step(MailRequest msg) {
            int now = inside.incrementAndGet();
            maxInside.accumulateAndGet(now, Math::max);
            order.add(msg.subject());
            Thread.yield();
            inside.decrementAndGet();
            return "COUNTING";
        }
    }

    @Test
    void sameKeyRunsOneAtATimeInArrivalOrder() throws Exception {
        Counter h = new Counter();
        TestKit kit = new TestKit().router(r -> r.defaultCapture("host", "example\\.com").handlers(h));
        int threads = 8;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    kit.deliver(TestMail.from("bob@example.org").to("count@example.com").subject(id + ":" + i));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertEquals(1, h.maxInside.get(), "two messages for one key ran at once");
        assertEquals(threads * each, h.order.size());
        // per producing thread, its messages ran in the order it sent them
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            List<String> mine = h.order.stream().filter(s -> s.startsWith(prefix)).toList();
            for (int i = 0; i < each; i++) {
                assertEquals(prefix + i, mine.get(i));
            }
        }
        assertEquals(0, kit.router().lockedKeys(), "locks are released and forgotten");
    }

    /** Blocks inside the handler until released, to show which calls overlap. */
    static class Gate {
        final CountDownLatch bothInside = new CountDownLatch(2);
        final CountDownLatch release = new CountDownLatch(1);

        @Route("gate@(host)")
        public void START() throws InterruptedException {
            bothInside.countDown();
            release.await(30, TimeUnit.SECONDS);
        }
    }

    static class NoLockGate extends Gate {
        @Override
        @NoLocking
        @Route("gate@(host)")
        public void START() throws InterruptedException {
            super.START();
        }
    }

    /** Whether both deliveries are inside the handler at once within {@code seconds}. */
    private static boolean overlap(Gate h, String senderA, String senderB, long seconds) throws Exception {
        TestKit kit = new TestKit().router(r -> r.defaultCapture("host", "example\\.com").handlers(h));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> kit.deliver(TestMail.from(senderA).to("gate@example.com")));
            Future<?> b = pool.submit(() -> kit.deliver(TestMail.from(senderB).to("gate@example.com")));
            boolean both = h.bothInside.await(seconds, TimeUnit.SECONDS);
            h.release.countDown();
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
            return both;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void differentKeysRunInParallel() throws Exception {
        // returns as soon as both are inside: a generous wait, so that a loaded machine's stall of a thread cannot fail it
        assertTrue(overlap(new Gate(), "ann@example.org", "bob@example.org", 30));
    }

    @Test
    void sameKeyDoesNotOverlap() throws Exception {
        assertTrue(!overlap(new Gate(), "bob@example.org", "bob@example.org", 2));
    }

    @Test
    void noLockingMethodsOverlapForOneKey() throws Exception {
        assertTrue(overlap(new NoLockGate(), "bob@example.org", "bob@example.org", 30));
    }
}
