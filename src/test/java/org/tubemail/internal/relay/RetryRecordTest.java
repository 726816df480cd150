package org.tubemail.internal.relay;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryRecordTest {

    private final Instant since = Instant.parse("2026-01-01T10:00:00Z");
    private final Instant now = Instant.parse("2026-01-01T11:00:00Z");

    @Test
    void retryAndDeadLetterLinesReadBackAsWritten() {
        RetryRecord retry = RetryRecord.retry(2, since, since.plusSeconds(90), "421 4.3.2 busy: try: later");
        assertEquals("retry attempts=2 since=2026-01-01T10:00:00Z next=2026-01-01T10:01:30Z: 421 4.3.2 busy: try: later",
                retry.format());
        assertEquals(retry, RetryRecord.parse(retry.format(), now));
        assertFalse(retry.dead());

        RetryRecord dead = RetryRecord.dead(1, since, "550 5.1.1 no such user");
        assertEquals("dead-letter attempts=1 since=2026-01-01T10:00:00Z: 550 5.1.1 no such user", dead.format());
        assertEquals(dead, RetryRecord.parse(dead.format(), now));
        assertTrue(dead.dead());
    }

    @Test
    void aMessageQueuedByHandIsDueNowAsIfNeverTried() {
        assertEquals(RetryRecord.retry(0, now, now, "handler failed"), RetryRecord.parse("handler failed", now));
        assertEquals(RetryRecord.retry(0, now, now, ""), RetryRecord.parse("", now));
        String broken = "retry attempts=1 since=yesterday next=soon: x";
        assertEquals(RetryRecord.retry(0, now, now, broken), RetryRecord.parse(broken, now));
    }

    @Test
    void theLastDelayRepeats() {
        RetryPolicy p = new RetryPolicy(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)), Duration.ofHours(1), Duration.ofSeconds(1));
        assertEquals(Duration.ofSeconds(1), p.delayAfter(1));
        assertEquals(Duration.ofSeconds(5), p.delayAfter(2));
        assertEquals(Duration.ofSeconds(5), p.delayAfter(9));
        assertEquals(Duration.ofSeconds(30), RetryPolicy.standard().delayAfter(1));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(List.of(), Duration.ZERO, Duration.ofSeconds(1)));
    }
}
