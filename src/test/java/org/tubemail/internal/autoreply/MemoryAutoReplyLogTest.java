package org.tubemail.internal.autoreply;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryAutoReplyLogTest extends AutoReplyLogContract {

    @Override
    protected AutoReplyLog open() {
        return new MemoryAutoReplyLog();
    }

    @Override
    protected boolean durable() {
        return false;
    }

    @Test
    void aFloodOfAddressesCannotGrowItPastItsBound() {
        MemoryAutoReplyLog small = new MemoryAutoReplyLog(100);
        for (int i = 0; i < 100; i++) {
            assertTrue(small.tryCount("echo", "victim" + i + "@example.org", T0, DAY, 1));
        }
        assertFalse(small.tryCount("echo", "one-more@example.org", T0, DAY, 1), "full: no reply it cannot count");
        assertEquals(100, small.count());
        assertTrue(small.tryCount("echo", "one-more@example.org", T0 + DAY, DAY, 1), "ended windows make room");
        assertEquals(1, small.count());
    }
}
