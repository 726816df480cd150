package org.tubemail.server.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tubemail.state.PgTestDb;
import org.tubemail.state.PostgresStorage;

/** The greylist store contract on a real PostgreSQL, in the database of the state storage. */
class PostgresGreylistStoreTest extends GreylistStoreContract {

    private final List<PostgresStorage> opened = new ArrayList<>();

    @BeforeAll
    static void needsDatabase() {
        PgTestDb.assumeConfigured();
    }

    @Override
    protected GreylistStore open() {
        PostgresStorage states = PgTestDb.open();
        opened.add(states);
        return GreylistStores.beside(states);
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @AfterEach
    void closeStates() {
        opened.forEach(PostgresStorage::close);
    }

    @Test
    void aTripletFirstSeenThroughOneServerIsKnownToAnother() {
        store.firstSeen("t shared", 1_000, 100_000);
        try (PostgresStorage second = PgTestDb.open()) {
            GreylistStore other = GreylistStores.beside(second);
            assertEquals(1_000, other.firstSeen("t shared", 5_000, 200_000));
        }
    }
}
