package org.tubemail.internal.confirm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tubemail.confirm.ConfirmationEngine;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link ConfirmationStore} shares, tried through a {@link ConfirmationEngine}.
 * Each back end's test extends this and says how to open (and reopen) its store.
 */
public abstract class ConfirmationStoreContract {

    /** A clock tests move by hand. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static final Duration VALIDITY = Duration.ofHours(48);

    protected ConfirmationStore store;
    protected final MovableClock clock = new MovableClock();
    protected ConfirmationEngine engine;

    /** Opens a store over the test's backing place; called again by {@link #reopen()}. */
    protected abstract ConfirmationStore open() throws Exception;

    /** Whether pending confirmations survive {@link ConfirmationStore#close()} and a new {@link #open()}. */
    protected abstract boolean durable();

    @BeforeEach
    void openStore() throws Exception {
        store = open();
        store.clear();
        engine = new ConfirmationEngine(store, VALIDITY, clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) { // null when open() was skipped (no PostgreSQL here)
            store.close();
        }
    }

    protected void reopen() throws Exception {
        store.close();
        store = open();
        engine = new ConfirmationEngine(store, VALIDITY, clock);
    }

    /** A request whose bytes a careless store could change: 8-bit text, an envelope-like first line, CRLF. */
    static MailRequest request(String from, String to) {
        String raw = "X-Tubemail-Peer: looks like ours\r\nFrom: " + from + "\r\nTo: " + to + "\r\nSubject: subscribe\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße, Łukasz\r\n";
        return MailRequest.parse(new Envelope("192.0.2.7:4711", from, List.of(to, "other@example.com")),
                raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void verifyReturnsTheOriginalExactlyOnce() {
        MailRequest original = request("bob@example.org", "list-subscribe@example.com");
        String token = engine.register("list", original);
        assertTrue(token.matches(ConfirmationEngine.TOKEN_REGEX), token);

        Optional<MailRequest> back = engine.verify("list", "bob@example.org", token);
        assertTrue(back.isPresent());
        assertArrayEquals(original.raw(), back.get().raw(), "the original bytes, untouched");
        assertEquals(original.envelope(), back.get().envelope());
        assertEquals("subscribe", back.get().subject());
        assertEquals(Optional.empty(), engine.verify("list", "bob@example.org", token), "a second verify");
        assertEquals(0, store.count());
    }

    @Test
    void wrongTokenSenderOrTargetGetsNothingAndLeavesItForItsOwner() {
        String token = engine.register("list", request("bob@example.org", "list-subscribe@example.com"));
        String other = token.substring(1) + (token.charAt(0) == 'a' ? 'b' : 'a');
        assertEquals(Optional.empty(), engine.verify("list", "bob@example.org", other));
        assertEquals(Optional.empty(), engine.verify("list", "mallory@example.org", token));
        assertEquals(Optional.empty(), engine.verify("other", "bob@example.org", token));
        assertEquals(Optional.empty(), engine.verify("list", "bob@example.org", "' OR '1'='1"));
        assertTrue(engine.verify("list", "bob@example.org", token).isPresent());
    }

    @Test
    void sendersAndTokensAreComparedInLowerCase() {
        String token = engine.register("list", request("Bob@Example.ORG", "list-subscribe@example.com"));
        assertTrue(engine.verify("list", "bob@example.org", token.toUpperCase(java.util.Locale.ROOT)).isPresent());
    }

    @Test
    void aNewRegisterReplacesTheEarlierOne() {
        String first = engine.register("list", request("bob@example.org", "list-subscribe@example.com"));
        String second = engine.register("list", request("bob@example.org", "list-subscribe@example.com"));
        assertNotEquals(first, second);
        assertEquals(1, store.count());
        assertEquals(Optional.empty(), engine.verify("list", "bob@example.org", first));
        assertTrue(engine.verify("list", "bob@example.org", second).isPresent());
    }

    @Test
    void targetsAndSendersAreIndependentEvenWhenTheirJoinWouldCollide() {
        String a = engine.register("a:b", "c@example.org", request("c@example.org", "x@example.com"));
        String b = engine.register("a", "b:c@example.org", request("c@example.org", "x@example.com"));
        String c = engine.register("list", "ann@example.org", request("ann@example.org", "x@example.com"));
        assertEquals(3, store.count());
        assertEquals(Optional.empty(), engine.verify("a", "b:c@example.org", a));
        assertTrue(engine.verify("a:b", "c@example.org", a).isPresent());
        assertTrue(engine.verify("a", "b:c@example.org", b).isPresent());
        assertTrue(engine.verify("list", "ann@example.org", c).isPresent());
    }

    @Test
    void cancelForgetsIt() {
        String token = engine.register("list", request("bob@example.org", "list-subscribe@example.com"));
        assertTrue(engine.cancel("list", "BOB@example.org"));
        assertFalse(engine.cancel("list", "bob@example.org"));
        assertEquals(Optional.empty(), engine.verify("list", "bob@example.org", token));
    }

    @Test
    void anExpiredTokenFailsAndIsUsedUp() {
        String token = engine.register("list", request("bob@example.org", "list-subscribe@example.com"));
        clock.advance(VALIDITY.plusSeconds(1));
        assertEquals(Optional.empty(), engine.verify("list", "bob@example.org", token));
        assertEquals(0, store.count(), "a late answer uses the confirmation up");
    }

    @Test
    void aTokenWorksUntilItsLastMoment() {
        String token = engine.register("list", request("bob@example.org", "list-subscribe@example.com"));
        clock.advance(VALIDITY);
        assertTrue(engine.verify("list", "bob@example.org", token).isPresent());
    }

    @Test
    void purgeRemovesOnlyExpiredOnes() {
        engine.register("list", request("old@example.org", "list-subscribe@example.com"));
        clock.advance(Duration.ofHours(24));
        String fresh = engine.register("list", request("new@example.org", "list-subscribe@example.com"));
        clock.advance(Duration.ofHours(25));
        assertEquals(1, engine.purgeExpired());
        assertEquals(1, store.count());
        assertTrue(engine.verify("list", "new@example.org", fresh).isPresent());
    }

    @Test
    void concurrentVerifiesWithTheRightTokenGiveTheOriginalToExactlyOne() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                String sender = "bob" + round + "@example.org";
                String token = engine.register("list", request(sender, "list-subscribe@example.com"));
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        return engine.verify("list", sender, token).isPresent();
                    }));
                }
                go.countDown();
                int winners = 0;
                for (Future<Boolean> f : results) {
                    winners += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, winners, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pendingConfirmationsSurviveReopenWhenDurable() throws Exception {
        MailRequest original = request("bob@example.org", "list-subscribe@example.com");
        String token = engine.register("list", original);
        reopen();
        Optional<MailRequest> back = engine.verify("list", "bob@example.org", token);
        assertEquals(durable(), back.isPresent());
        back.ifPresent(b -> assertArrayEquals(original.raw(), b.raw()));
    }
}
