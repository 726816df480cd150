package org.tubemail.internal.autoreply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tubemail.internal.state.PgStorages;
import org.tubemail.internal.state.PgTestDb;
import org.tubemail.internal.state.PostgresStorage;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The auto-reply log contract on a real PostgreSQL, in the database of the state storage. */
class PostgresAutoReplyLogTest extends AutoReplyLogContract {

    @RegisterExtension
    final PgStorages pg = new PgStorages();

    @Override
    protected AutoReplyLog open() {
        return AutoReplyLogs.beside(pg.open());
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Test
    void twoServersShareTheLimit() {
        try (PostgresStorage second = PgTestDb.open()) {
            AutoReplyLog other = AutoReplyLogs.beside(second);
            assertTrue(log.tryCount("echo", "bob@example.org", T0, DAY, 2));
            assertTrue(other.tryCount("echo", "bob@example.org", T0 + 1, DAY, 2));
            assertFalse(log.tryCount("echo", "bob@example.org", T0 + 2, DAY, 2));
            assertFalse(other.tryCount("echo", "bob@example.org", T0 + 3, DAY, 2));
        }
    }
}
