package org.tubemail.internal.state.pg;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class LockIdsTest {

    @Test
    void stableAndUnambiguous() {
        assertEquals(LockIds.of("mod", "bob@example.org"), LockIds.of("mod", "bob@example.org"));
        assertNotEquals(LockIds.of("a:b", "c"), LockIds.of("a", "b:c"));
        assertNotEquals(LockIds.of("mod", "bob@example.org"), LockIds.of("mod", "ann@example.org"));
    }

    @Test
    void migrationsAreNumberedInOrder() {
        var all = Migrations.load();
        assertEquals(1, all.get(0).version());
        assertEquals("states", all.get(0).description());
    }
}
