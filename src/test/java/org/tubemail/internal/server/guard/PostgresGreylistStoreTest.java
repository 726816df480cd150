package org.tubemail.internal.server.guard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tubemail.internal.state.PgStorages;
import org.tubemail.internal.state.PgTestDb;
import org.tubemail.internal.state.PostgresStorage;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The greylist store contract on a real PostgreSQL, in the database of the state storage. */
class PostgresGreylistStoreTest extends GreylistStoreContract {

    @RegisterExtension
    final PgStorages pg = new PgStorages();

    @Override
    protected GreylistStore open() {
        return GreylistStores.beside(pg.open());
    }

    @Override
    protected boolean durable() {
        return true;
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
