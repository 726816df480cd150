package org.tubemail.internal.state;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MemoryStorageTest extends StateStorageContract {

    private final MemoryStorage shared = new MemoryStorage();

    @Override
    protected StateStorage open() {
        // A memory storage is its own backing place: "reopening" yields a fresh, empty one.
        return new MemoryStorage();
    }

    @Override
    protected boolean durable() {
        return false;
    }

    @Test
    void startTakesNoMemory() {
        shared.set("mod", "k", "ONE");
        shared.set("mod", "k", StateStorage.START);
        assertEquals(0, shared.size());
    }
}
