package org.tubemail.internal.confirm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tubemail.confirm.ConfirmationEngine;
import org.tubemail.confirm.ConfirmationStore;
import org.tubemail.internal.state.PgStorages;
import org.tubemail.internal.state.PgTestDb;
import org.tubemail.internal.state.PostgresStorage;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The confirmation contract on a real PostgreSQL, in the database of the state storage. */
class PostgresConfirmationStoreTest extends ConfirmationStoreContract {

    @RegisterExtension
    final PgStorages pg = new PgStorages();

    @Override
    protected ConfirmationStore open() {
        return ConfirmationStores.beside(pg.open());
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Test
    void aTokenIssuedThroughOneServerIsVerifiedThroughAnother() {
        String token = engine.register("list", request("bob@example.org", "list-subscribe@example.com"));
        try (PostgresStorage second = PgTestDb.open()) {
            ConfirmationEngine other = new ConfirmationEngine(ConfirmationStores.beside(second), VALIDITY, clock);
            assertTrue(other.verify("list", "bob@example.org", token).isPresent());
            assertEquals(Optional.empty(), engine.verify("list", "bob@example.org", token));
        }
    }

    @Test
    void worksInsideAHeldKeyLockWithAPoolOfOne() {
        try (PostgresStorage tiny = new PostgresStorage(PgTestDb.URL, PgTestDb.USER, PgTestDb.PASSWORD, 1,
                java.time.Duration.ofSeconds(2))) {
            ConfirmationEngine e = new ConfirmationEngine(ConfirmationStores.beside(tiny), VALIDITY, clock);
            boolean verified = tiny.withKeyLock("mod", "bob@example.org", () -> {
                String token = e.register("list", request("bob@example.org", "list-subscribe@example.com"));
                return e.verify("list", "bob@example.org", token).isPresent();
            });
            assertTrue(verified);
        }
    }
}
