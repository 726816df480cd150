package org.tubemail.internal.server.guard;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The talker rules on their own: which commands must end a pipelined group, the error tarpit's steps, the data rate's windows. */
class TalkerRulesTest {

    @Test
    void withoutPipeliningEveryCommandWaitsForItsReply() {
        for (String line : List.of("MAIL FROM:<a@example.org>", "RCPT TO:<b@example.com>", "RSET", "QUIT", "x")) {
            assertTrue(PipeliningRule.mustWait(line, false), line);
        }
    }

    @Test
    void withPipeliningOnlyCommandsThatChangeWhatComesNextEndAGroup() {
        for (String line : List.of("EHLO a.example", "helo a.example", "DATA", "data", "NOOP", "VRFY x", "EXPN x", "TURN")) {
            assertTrue(PipeliningRule.mustWait(line, true), line);
        }
        for (String line : List.of("MAIL FROM:<a@example.org>", "RCPT TO:<b@example.com>", "RSET", "QUIT", "STARTTLS", "DATAX",
                "NOOPS", "HEL", "")) {
            assertFalse(PipeliningRule.mustWait(line, true), line);
        }
    }

    @Test
    void errorsPastTheSoftLimitAreHeldLongerEachTimeAndTheHardLimitEndsTheSession() {
        ErrorLimits limits = new ErrorLimits(new TalkerSettings(Duration.ZERO, true, Duration.ZERO, 0, Duration.ofSeconds(30), 2, 5,
                Duration.ofSeconds(1)));
        List<Long> steps = new ArrayList<>();
        for (String reply : List.of("250 ok", "550 no", "550 no", "250 ok", "550 no", "250 ok", "501 bad", "500 what")) {
            steps.add(limits.count(reply));
        }
        long s = Duration.ofSeconds(1).toNanos();
        assertEquals(List.of(0L, 0L, 0L, 0L, s, s, 2 * s, -1L), steps);
        limits.forgive();
        assertEquals(0L, limits.count("550 no"), "an accepted message forgives");
    }

    @Test
    void theDataRateIsJudgedOverWholeWindows() {
        DataRate rate = new DataRate(new TalkerSettings(Duration.ZERO, true, Duration.ZERO, 100, Duration.ofSeconds(10),
                10, 20, Duration.ZERO));
        long t = 1_000_000_000_000L;
        long sec = 1_000_000_000L;
        assertFalse(rate.tooSlow(t + 100 * sec, 0), "not measuring before DATA");
        rate.start(t, 5000);
        assertFalse(rate.tooSlow(t + 9 * sec, 5000), "a pause within the window");
        assertFalse(rate.tooSlow(t + 10 * sec, 6000), "1000 bytes in 10 s: 100 a second");
        assertTrue(rate.tooSlow(t + 20 * sec, 6999), "999 bytes in the next 10 s");
        rate.stop();
        assertFalse(rate.tooSlow(t + 40 * sec, 6999), "the message has arrived");
    }
}
