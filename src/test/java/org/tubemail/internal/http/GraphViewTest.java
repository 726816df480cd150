package org.tubemail.internal.http;

import org.junit.jupiter.api.Test;
import org.tubemail.internal.routing.HandlerModule;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.internal.state.StateStorageUnavailableException;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graph is still shown when the storage cannot count: the counts are null, with the reason. */
class GraphViewTest {

    /** Counts nothing: the database is away. */
    private static final class Away extends NoCount {
        @Override
        public Map<String, Long> countByState(String module) {
            throw new StateStorageUnavailableException("cannot count the states of " + module + " in PostgreSQL at db:5432: refused", null);
        }
    }

    /** Implements only what a storage must: no count. */
    private static class NoCount implements StateStorage {
        private final MemoryStorage inner = new MemoryStorage();

        @Override
        public String get(String module, String key) {
            return inner.get(module, key);
        }

        @Override
        public void set(String module, String key, String state) {
            inner.set(module, key, state);
        }

        @Override
        public void clear() {
            inner.clear();
        }
    }

    private static HandlerModule flaky() {
        return Router.builder().defaultCapture("host", "localhost").handlers(new FlakyHandler((message, from, recipients) -> { })).build().modules().get(0);
    }

    @Test
    void aStorageThatCannotCountNowLeavesTheGraph() {
        Map<String, Object> view = GraphView.of(flaky(), new Away(), "ERROR");
        assertEquals(List.of("START", "DONE"), view.get("states"));
        assertEquals(1, ((List<?>) view.get("transitions")).size());
        assertTrue(view.containsKey("keys"));
        assertNull(view.get("keys"));
        assertTrue(((String) view.get("keysError")).contains("PostgreSQL at db:5432"), view.toString());
    }

    @Test
    void aStorageWithoutCountingSaysSo() {
        Map<String, Object> view = GraphView.of(flaky(), new NoCount(), "FAILED");
        assertNull(view.get("keys"));
        assertEquals("NoCount cannot count its keys by state", view.get("keysError"));
        assertEquals("FAILED", view.get("errorState"));
    }
}
